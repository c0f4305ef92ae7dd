/**
 * The gateway as `gateway/src/main.ts` starts it (same config, supergraph, explorer
 * examples and operation names), compiled by bench:memory beside the production build, in a
 * process of its own so that its RSS is the gateway's alone, plus one JSON line a second on
 * stdout with its operation caches and memory, which the memory bench reads; on SIGUSR2, a
 * full garbage collection first and a line marked `afterGc` (what is really kept, to check
 * the caches' estimates). Runs until SIGTERM.
 */
// Compiled, this process is not preloaded with it (bench:memory runs it on plain node).
import '../../scripts/start/exitWithParent.js';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { exitOnConfigError } from '../../platform/config/exitOnConfigError.js';
import { createLogger } from '../../platform/log/createLogger.js';
import { startHttpServer } from '../../platform/http/startHttpServer.js';
import { createMetricsRegistry } from '../../platform/metrics/createMetricsRegistry.js';
import { parseGatewayConfig } from '../../gateway/src/config.js';
import { createGateway } from '../../gateway/src/createGateway.js';
import { loadExplorerExamples } from '../../gateway/src/explorer/loadExplorerExamples.js';
import { loadSupergraph } from '../../gateway/src/loadSupergraph.js';
import { manifestOperationNames } from '../../gateway/src/persistedQueries/manifestOperationNames.js';
import { disableApolloTelemetry } from '../../gateway/src/plugins/telemetryOff.js';

/** One line of this process's stdout after the first (`{"url": …}`). */
export interface GatewaySample {
  /** What `Gateway.operationCaches()` returns; absent on a gateway that has none (before issue 12). */
  readonly caches?: unknown;
  /** process.memoryUsage(), bytes: where the RSS goes (V8 heap, buffers outside it). */
  readonly memory: NodeJS.MemoryUsage;
  /** Taken right after a full garbage collection (asked for with SIGUSR2). */
  readonly afterGc?: true;
}

disableApolloTelemetry(process.env);
const config = exitOnConfigError(() => parseGatewayConfig(process.env));
const logger = createLogger({ service: 'gateway', level: config.logLevel });
const supergraphSdl = loadSupergraph(config.supergraphPath, process.cwd());
const examples = config.explorer ? loadExplorerExamples(config.persistedQueryManifest, process.cwd()) : [];
const knownOperations = config.explorer ? [] : manifestOperationNames(config.persistedQueryManifest, process.cwd());
const gateway = createGateway({ config, supergraphSdl, logger, examples, knownOperations, metrics: createMetricsRegistry({ service: 'gateway' }) });
await gateway.start();
const http = await startHttpServer(gateway.handler, { host: config.host, port: config.port });
process.stdout.write(`${JSON.stringify({ url: `${http.origin}/graphql` })}\n`);

const sample = (): GatewaySample => ({
  // Read this way so that the bench also runs on a checkout from before the caches existed.
  caches: (gateway as { operationCaches?: () => unknown }).operationCaches?.(),
  memory: process.memoryUsage(),
});
const timer = setInterval(() => process.stdout.write(`${JSON.stringify(sample())}\n`), 1_000);
// A bench-only process may expose the collector (a real gateway never calls it).
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;
process.on('SIGUSR2', () => {
  collectGarbage();
  process.stdout.write(`${JSON.stringify({ ...sample(), afterGc: true })}\n`);
});

process.on('SIGTERM', () => {
  clearInterval(timer);
  gateway.drain();
  void http
    .close(1_000)
    .then(() => gateway.stop())
    .then(() => process.exit(0));
});
