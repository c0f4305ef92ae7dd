import { createCacheStore } from '../../platform/store/createCacheStore.js';
import { exitOnConfigError } from '../../platform/config/exitOnConfigError.js';
import { createLogger } from '../../platform/log/createLogger.js';
import { serveSubgraph } from '../kit/server/serveSubgraph.js';
import { parseAccountsConfig } from './config.js';
import { createAccountsSubgraph } from './server.js';

const config = exitOnConfigError(() => parseAccountsConfig(process.env));
const logger = createLogger({ service: 'accounts', level: config.logLevel });
const cache = createCacheStore({ redisUrl: config.redisUrl, namespace: 'accounts', logger });
await serveSubgraph(createAccountsSubgraph({ config, logger, cache }), { ...config, logger, cache });
