import { exitOnConfigError } from '../../platform/config/exitOnConfigError.js';
import { createLogger } from '../../platform/log/createLogger.js';
import { startHttpServer, type RunningHttpServer } from '../../platform/http/startHttpServer.js';
import { createMetricsHandler } from '../../platform/metrics/createMetricsHandler.js';
import { createMetricsRegistry } from '../../platform/metrics/createMetricsRegistry.js';
import { startTracing } from '../../platform/tracing/startTracing.js';
import { loadExplorerExamples } from './explorer/loadExplorerExamples.js';
import { parseGatewayConfig } from './config.js';
import { createGateway } from './createGateway.js';
import { loadSupergraph, SupergraphLoadError } from './loadSupergraph.js';
import { loadPersistedQueryManifest, ManifestLoadError } from './persistedQueries/loadPersistedQueryManifest.js';
import { manifestOperationNames } from './persistedQueries/manifestOperationNames.js';
import { disableApolloTelemetry } from './plugins/telemetryOff.js';

// Before the gateway exists: @apollo/gateway reads this in its constructor.
disableApolloTelemetry(process.env);

const config = exitOnConfigError(() => parseGatewayConfig(process.env));
const logger = createLogger({ service: 'gateway', level: config.logLevel });
// Off unless the OTEL_* variables ask for an exporter.
const tracing = await exitOnConfigError(() => startTracing({ service: 'gateway', env: process.env, logger }));
const metrics = createMetricsRegistry({ service: 'gateway' });

/** A start-up file the operator must fix: its error already names the file and what to do, so print that (no stack) and exit 1. */
function loadOrExit<T>(load: () => T, expected: new (message: string) => Error): T {
  try {
    return load();
  } catch (err) {
    if (!(err instanceof expected)) throw err;
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  }
}

const supergraphSdl = loadOrExit(() => loadSupergraph(config.supergraphPath, process.cwd()), SupergraphLoadError);
// Safelist mode: the gateway must not start without a manifest it can read.
const persistedQueryManifest =
  config.persistedQueries === 'safelist'
    ? loadOrExit(() => loadPersistedQueryManifest(config.persistedQueryManifest, process.cwd()), ManifestLoadError)
    : undefined;

let gateway: ReturnType<typeof createGateway>;
try {
  // The explorer's ready-made operations: what the app builds send.
  const examples = config.explorer ? loadExplorerExamples(config.persistedQueryManifest, process.cwd()) : [];
  // The app builds' names label the metrics; the safelist's manifest or the examples (every
  // readable build's operations) already bring them, so the manifests are read for them alone only otherwise.
  const knownOperations = persistedQueryManifest || config.explorer ? [] : manifestOperationNames(config.persistedQueryManifest, process.cwd());
  gateway = createGateway({ config, supergraphSdl, logger, persistedQueryManifest, examples, metrics, knownOperations });
  await gateway.start();
} catch (err) {
  // A supergraph the planner rejects, or SUBGRAPH_URLS naming a subgraph it does not have.
  process.stderr.write(`gateway failed to start: ${(err as Error).message}\n`);
  process.exit(1);
}

const http = await startHttpServer(gateway.handler, { host: config.host, port: config.port });
// Scrapes on a port of their own, which the ingress never exposes.
let metricsHttp: RunningHttpServer | undefined;
if (config.metricsPort !== undefined) {
  metricsHttp = await startHttpServer(createMetricsHandler(metrics), { host: config.host, port: config.metricsPort });
  logger.info({ metricsUrl: `${metricsHttp.origin}/metrics` }, `metrics at ${metricsHttp.origin}/metrics`);
}

let shuttingDown = false;
async function shutdown(signal: NodeJS.Signals): Promise<void> {
  if (shuttingDown) {
    logger.warn({ signal }, 'second signal: exiting now');
    process.exit(1);
  }
  shuttingDown = true;
  logger.info({ signal, graceMs: config.shutdownGraceMs }, 'shutting down: draining in-flight requests');
  // Should something hang past the grace period, do not outlive the orchestrator's patience.
  setTimeout(() => {
    logger.error('shutdown did not finish in time: exiting');
    process.exit(1);
  }, config.shutdownGraceMs + 5_000).unref();

  gateway.drain();
  await http.close(config.shutdownGraceMs);
  await gateway.stop();
  await metricsHttp?.close(1_000);
  await tracing.shutdown();
  logger.info('stopped');
  process.exit(0);
}
process.on('SIGTERM', (signal) => void shutdown(signal));
process.on('SIGINT', (signal) => void shutdown(signal));

// Only now say "ready": whoever waits for that line may signal at once, and must find the handlers in place.
const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${http.port}/graphql`;
logger.info({ url, supergraph: config.supergraphPath }, `gateway ready at ${url}`);
