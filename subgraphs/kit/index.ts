// The provider kit's public API in one list. Subgraphs, the gateway and the tests import the
// files themselves (one concept per file), so this index is the map of the kit, not a dependency.

// errors
export * from './errors/errorCodes.js';
export * from './errors/AppError.js';
export * from './errors/VendorError.js';
export * from './errors/toGraphQLError.js';

// config
export * from './config/setting.js';
export * from './config/parseConfig.js';
export * from './config/ConfigError.js';
export * from './config/exitOnConfigError.js';
export * from './config/serviceSettings.js';

// log
export * from './log/createLogger.js';

// auth (the identity the gateway forwards, and how subgraphs verify it)
export * from './auth/Viewer.js';
export * from './auth/IdentityError.js';
export * from './auth/gatewayIdentity.js';
export * from './auth/createIdentitySigner.js';
export * from './auth/createIdentityVerifier.js';
export * from './auth/generateIdentityKeys.js';
export * from './auth/gatewayIdentityAuthenticator.js';
export * from './auth/identitySettings.js';
// auth (graphql-shield: rules and each subgraph's permissions)
export * from './auth/rules.js';
export * from './auth/createPermissions.js';
export * from './auth/applyPermissions.js';
export * from './auth/permissionGaps.js';

// http
export * from './http/VendorRequest.js';
export * from './http/statusToError.js';
export * from './http/createHttpClient.js';

// retry
export * from './retry/RetryBudget.js';
export * from './retry/withRetry.js';

// breaker
export * from './breaker/createBreaker.js';

// vendor
export * from './vendor/VendorClientOptions.js';
export * from './vendor/VendorClient.js';
export * from './vendor/RateLimitGate.js';
export * from './vendor/createVendorClient.js';
export * from './vendor/vendorSettings.js';
export * from './vendor/vendorErrorBody.js';
// Response validators; a namespace because their names (int, bool, …) clash with the config builders.
export * as shape from './vendor/shape.js';

// cache
export * from './cache/CacheStore.js';
export * from './cache/BoundedMap.js';
export * from './cache/createCacheStore.js';
export * from './cache/cachedCall.js';

// loader
export * from './loader/createBatchLoader.js';

// server (subgraph bootstrap)
export * from './server/index.js';
export * from './server/SubgraphService.js';

// testing (in-process operations as a given viewer)
export * from './testing/executeAs.js';
