import type * as Otlp from '@opentelemetry/exporter-trace-otlp-http';
import type * as Sdk from '@opentelemetry/sdk-trace-node';
import type { Env } from '../config/setting.js';
import { createLogger, type Logger } from '../log/createLogger.js';
import { parseTracingConfig, type TraceExporterName, type TracingConfig } from './tracingSettings.js';

export interface Tracing {
  /** Flushes spans not yet exported and stops exporting. */
  shutdown(): Promise<void>;
}

/** On shutdown, how long an unreachable collector may hold the exit (ms): past it the last spans are dropped. */
const SHUTDOWN_FLUSH_MS = 3_000;

const OFF: Tracing = Object.freeze({ shutdown: async () => undefined });

/** The exporter's own type for `compression` (an enum of a package we do not depend on directly). */
type ExporterCompression = NonNullable<NonNullable<ConstructorParameters<typeof Otlp.OTLPTraceExporter>[0]>['compression']>;

/**
 * OpenTelemetry traces for one service's process, from the standard OTEL_* variables of
 * `env` (tracingSettings.ts). Off unless they ask for export: then nothing is registered and
 * every span the code starts is the API's no-op. On: see registerTracing. Throws a
 * ConfigError listing every bad value at once, before it returns (so `exitOnConfigError`
 * catches it); what it returns settles once export is registered. The sampler and the
 * exporter's URL, headers, timeout and compression come from `env` and are handed to the
 * SDK; what the SDK still reads from process.env itself (batching, span limits) is `env` in
 * every main.ts.
 *
 * The SDK, the exporter and the undici instrumentation are imported only when export is on:
 * about 5 MB of live heap that a process with tracing off never holds (why that matters:
 * bench/federation/README.md, "Where the memory goes").
 */
export function startTracing(options: { readonly service: string; readonly env: Env; readonly logger?: Logger }): Promise<Tracing> {
  const config = parseTracingConfig(options.service, options.env);
  if (config === undefined) return Promise.resolve(OFF);
  // Without the service's logger, only the SDK's warnings are worth a line of their own.
  return startExport(config, options.logger ?? createLogger({ service: options.service, level: 'warn' }));
}

/** Registers the SDK with `config`'s exporters; `logger` takes the SDK's own warnings too. */
async function startExport(config: TracingConfig, logger: Logger): Promise<Tracing> {
  const [{ registerTracing }, { createSampler }, sdk, otlp] = await Promise.all([
    import('./registerTracing.js'),
    import('./createSampler.js'),
    import('@opentelemetry/sdk-trace-node'),
    import('@opentelemetry/exporter-trace-otlp-http'),
  ]);
  const registration = registerTracing({
    service: config.serviceName,
    resourceAttributes: config.resourceAttributes,
    sampler: createSampler(config.sampler),
    spanProcessors: config.exporters.map((name) => spanProcessor(name, config, sdk, otlp)),
    logger,
  });
  for (const notice of config.notices) logger.warn({ component: 'opentelemetry' }, notice);
  logger.info(
    {
      component: 'opentelemetry',
      exporters: config.exporters,
      // Never the headers: they hold the collector's credentials.
      ...(config.exporters.includes('otlp') ? { otlpUrl: withoutCredentials(config.otlpUrl), otlpCompression: config.otlpCompression } : {}),
      sampler: config.sampler,
      serviceName: config.serviceName,
    },
    `traces exported (${config.exporters.join(', ')}) as service.name=${config.serviceName}`,
  );
  return {
    async shutdown() {
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<true>((resolve) => {
        timer = setTimeout(() => resolve(true), SHUTDOWN_FLUSH_MS);
      });
      try {
        const outcome = await Promise.race([registration.shutdown(), timedOut]);
        if (outcome === true) logger.warn({ component: 'opentelemetry', waitedMs: SHUTDOWN_FLUSH_MS }, 'traces not flushed in time: the last spans are lost');
      } catch (err) {
        // A collector that is down must not turn a clean stop into a failed one.
        logger.warn({ component: 'opentelemetry', err }, 'traces not flushed: the last spans are lost');
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

function spanProcessor(
  name: TraceExporterName,
  config: TracingConfig,
  sdk: typeof Sdk,
  otlp: typeof Otlp,
): Sdk.SpanProcessor {
  if (name === 'otlp') {
    // Every value given, so that none is taken from process.env instead. One exception the
    // exporter does not let us turn off: it adds OTEL_EXPORTER_OTLP_(TRACES_)HEADERS of
    // process.env under these (ours win name by name); every main.ts passes process.env as
    // `env`, so there they are the same headers.
    const exporter = new otlp.OTLPTraceExporter({
      url: config.otlpUrl,
      headers: { ...config.otlpHeaders },
      timeoutMillis: config.otlpTimeoutMs,
      compression: config.otlpCompression as ExporterCompression,
    });
    return new sdk.BatchSpanProcessor(exporter);
  }
  // For a developer's terminal: each span as it ends.
  return new sdk.SimpleSpanProcessor(new sdk.ConsoleSpanExporter());
}

/** The collector's URL as a log may show it: a password or token in it stays out. */
function withoutCredentials(url: string): string {
  const parsed = new URL(url);
  return `${parsed.origin}${parsed.pathname}`;
}
