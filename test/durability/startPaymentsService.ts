import { startHttpServer } from '../../platform/http/startHttpServer.js';
import { createLogger, type LogLevel } from '../../platform/log/createLogger.js';
import { createCacheStore } from '../../platform/store/createCacheStore.js';
import { WEBHOOK_PATH } from '../../subgraphs/payments/server.js';
import { subgraph } from '../../subgraphs/payments/subgraph.js';

export interface RunningPaymentsService {
  /** `http://127.0.0.1:<port>/webhooks/payments` */
  readonly webhookUrl: string;
  /** Drains HTTP, stops the service (its store and job queue), closes the cache. */
  close(): Promise<void>;
}

/**
 * The payments subgraph alone, in this process, on 127.0.0.1 port 0, built from `env` by
 * its own config parser exactly as main.ts builds it (its vendors are not needed to receive
 * webhooks). A start that fails leaves nothing running.
 */
export async function startPaymentsService(env: Record<string, string>, logLevel: LogLevel = 'silent'): Promise<RunningPaymentsService> {
  const config = subgraph.parseConfig({ ...env, PAYMENTS_PORT: '0' });
  const logger = createLogger({ service: 'payments', level: logLevel });
  const cache = createCacheStore({ namespace: `durability-${process.pid}`, logger });
  const service = subgraph.create({ config, logger, cache });
  try {
    await service.server.start();
    const http = await startHttpServer(service.server.handler, { host: '127.0.0.1', port: 0 });
    return {
      webhookUrl: `${http.origin}${WEBHOOK_PATH}`,
      async close() {
        service.server.drain();
        await http.close(5_000);
        await service.close();
        await cache.close();
      },
    };
  } catch (err) {
    await service.close().catch(() => undefined);
    await cache.close().catch(() => undefined);
    throw err;
  }
}
