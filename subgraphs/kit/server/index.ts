export * from './createHttpHandler.js';
export * from './createSubgraphServer.js';
export * from './formatError.js';
export * from './loadSchemaFile.js';
export * from './readBody.js';
export * from './requestId.js';
export * from './requestIdPlugin.js';
export * from './startHttpServer.js';
