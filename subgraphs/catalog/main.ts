import { createCacheStore } from '../../platform/store/createCacheStore.js';
import { exitOnConfigError } from '../../platform/config/exitOnConfigError.js';
import { createLogger } from '../../platform/log/createLogger.js';
import { serveSubgraph } from '../kit/server/serveSubgraph.js';
import { parseCatalogConfig } from './config.js';
import { createCatalogSubgraph } from './server.js';

const config = exitOnConfigError(() => parseCatalogConfig(process.env));
const logger = createLogger({ service: 'catalog', level: config.logLevel });
const cache = createCacheStore({ redisUrl: config.redisUrl, namespace: 'catalog', logger });
await serveSubgraph(createCatalogSubgraph({ config, logger, cache }), { ...config, logger, cache });
