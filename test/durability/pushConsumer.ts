import { startHttpServer } from '../../platform/http/startHttpServer.js';
import { createLogger, type LogLevel } from '../../platform/log/createLogger.js';
import { createCacheStore } from '../../platform/store/createCacheStore.js';
import { EVENTS_PATH } from '../../subgraphs/notifications/server.js';
import { subgraph } from '../../subgraphs/notifications/subgraph.js';

export interface RunningPushConsumer {
  /** `http://127.0.0.1:<port>/events`, where producers deliver. */
  readonly eventsUrl: string;
  /** Drains HTTP, stops the service (its store, job queue and push sender), closes the cache. */
  close(): Promise<void>;
}

/**
 * The notifications service alone, in this process, on 127.0.0.1 port 0, built from `env`
 * by its own config parser as main.ts builds it. With NOTIFICATIONS_WORKERS=0 in `env` it
 * only receives (stores each event with its job) and the pushes are left to worker processes.
 * A start that fails leaves nothing running.
 */
export async function startPushConsumer(env: Record<string, string>, logLevel: LogLevel = 'silent'): Promise<RunningPushConsumer> {
  const config = subgraph.parseConfig({ ...env, NOTIFICATIONS_PORT: '0' });
  const logger = createLogger({ service: 'notifications', level: logLevel });
  const cache = createCacheStore({ namespace: `push-durability-${process.pid}`, logger });
  const service = subgraph.create({ config, logger, cache });
  try {
    await service.server.start();
    const http = await startHttpServer(service.server.handler, { host: '127.0.0.1', port: 0 });
    return {
      eventsUrl: `${http.origin}${EVENTS_PATH}`,
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
