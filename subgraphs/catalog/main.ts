import { createCacheStore } from '../kit/cache/createCacheStore.js';
import { exitOnConfigError } from '../kit/config/exitOnConfigError.js';
import { createLogger } from '../kit/log/createLogger.js';
import { serveSubgraph } from '../kit/server/serveSubgraph.js';
import { parseCatalogConfig } from './config.js';
import { createCatalogSubgraph } from './server.js';

const config = exitOnConfigError(() => parseCatalogConfig(process.env));
const logger = createLogger({ service: 'catalog', level: config.logLevel });
const cache = createCacheStore({ redisUrl: config.redisUrl, namespace: 'catalog', logger });
await serveSubgraph(createCatalogSubgraph({ config, logger, cache }), { ...config, logger, cache });
