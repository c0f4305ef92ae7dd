import type { CacheStore } from '../../../platform/store/createCacheStore.js';
import type { Logger } from '../../../platform/log/createLogger.js';
import { startHttpServer } from '../../../platform/http/startHttpServer.js';
import type { Tracing } from '../../../platform/tracing/startTracing.js';
import type { SubgraphService } from './SubgraphService.js';

/**
 * Runs a subgraph until SIGTERM/SIGINT, for its main.ts: start, listen, then on a
 * signal fail readiness at once, let in-flight requests finish (up to the grace
 * period), close the vendor pool and the cache, exit 0. A second signal exits at once.
 */
export async function serveSubgraph(
  service: SubgraphService,
  options: { host: string; port: number; shutdownGraceMs: number; logger: Logger; cache: CacheStore; tracing?: Tracing },
): Promise<void> {
  const { logger } = options;
  await service.server.start();
  let http: Awaited<ReturnType<typeof startHttpServer>>;
  try {
    http = await startHttpServer(service.server.handler, { host: options.host, port: options.port });
  } catch (err) {
    // The port is taken (or similar): what start() opened (a database, workers) must not outlive the failure.
    await service.close().catch(() => undefined);
    throw err;
  }

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal, graceMs: options.shutdownGraceMs }, 'shutting down: draining in-flight requests');
    // Should something hang past the grace period (a stuck vendor socket), do not outlive the orchestrator's patience.
    setTimeout(() => {
      logger.error('shutdown did not finish in time: exiting');
      process.exit(1);
    }, options.shutdownGraceMs + 5_000).unref();
    // Fail readiness at once, stop accepting, let in-flight requests finish, and only then
    // stop Apollo and the pools they use.
    service.server.drain();
    await http.close(options.shutdownGraceMs);
    await service.close();
    await options.cache.close();
    await options.tracing?.shutdown();
    logger.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', (s) => void stop(s));
  process.on('SIGINT', (s) => void stop(s));
  // Only now say so: until a handler is installed, a SIGTERM (from whoever read this line) kills at once.
  logger.info({ url: `${http.origin}/graphql`, cache: options.cache.kind }, `${service.name} subgraph ready at ${http.origin}/graphql`);
}
