import { createCacheStore } from '../../platform/store/createCacheStore.js';
import { exitOnConfigError } from '../../platform/config/exitOnConfigError.js';
import { createLogger } from '../../platform/log/createLogger.js';
import { serveSubgraph } from '../kit/server/serveSubgraph.js';
import { parseReviewsConfig } from './config.js';
import { createReviewsSubgraph } from './server.js';

const config = exitOnConfigError(() => parseReviewsConfig(process.env));
const logger = createLogger({ service: 'reviews', level: config.logLevel });
const cache = createCacheStore({ redisUrl: config.redisUrl, namespace: 'reviews', logger });
await serveSubgraph(createReviewsSubgraph({ config, logger, cache }), { ...config, logger, cache });
