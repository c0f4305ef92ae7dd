import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { BatchSpanProcessor, ConsoleSpanExporter, SimpleSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-node';
import type { Env } from '../config/setting.js';
import { createLogger, type Logger } from '../log/createLogger.js';
import { registerTracing } from './registerTracing.js';
import { parseTracingConfig, type TraceExporterName } from './tracingSettings.js';

export interface Tracing {
  /** Flushes spans not yet exported and stops exporting. */
  shutdown(): Promise<void>;
}

/** On shutdown, how long an unreachable collector may hold the exit (ms): past it the last spans are dropped. */
const SHUTDOWN_FLUSH_MS = 3_000;

const OFF: Tracing = Object.freeze({ shutdown: async () => undefined });

/**
 * OpenTelemetry traces for one service's process, from the standard OTEL_* variables
 * (tracingSettings.ts). Off unless they ask for export: then nothing is registered and
 * every span the code starts is the API's no-op. On: see registerTracing. Throws a
 * ConfigError listing every bad value. `env` decides whether and where to export; the
 * SDK's own knobs (sampler, batch sizes, exporter headers and timeout) it reads from
 * process.env itself, which is `env` in every main.ts.
 */
export function startTracing(options: { readonly service: string; readonly env: Env; readonly logger?: Logger }): Tracing {
  const config = parseTracingConfig(options.service, options.env);
  if (config === undefined) return OFF;
  // Without the service's logger, only the SDK's warnings are worth a line of their own.
  const logger = options.logger ?? createLogger({ service: options.service, level: 'warn' });
  const registration = registerTracing({
    service: config.serviceName,
    resourceAttributes: config.resourceAttributes,
    spanProcessors: config.exporters.map((name) => spanProcessor(name, config.otlpUrl)),
    logger,
  });
  for (const notice of config.notices) logger.warn({ component: 'opentelemetry' }, notice);
  logger.info(
    { component: 'opentelemetry', exporters: config.exporters, ...(config.exporters.includes('otlp') ? { otlpUrl: withoutCredentials(config.otlpUrl) } : {}), serviceName: config.serviceName },
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

function spanProcessor(name: TraceExporterName, otlpUrl: string): SpanProcessor {
  // The URL is the one we validated and logged; headers, timeout and compression the exporter reads from OTEL_EXPORTER_OTLP_*.
  if (name === 'otlp') return new BatchSpanProcessor(new OTLPTraceExporter({ url: otlpUrl }));
  // For a developer's terminal: each span as it ends.
  return new SimpleSpanProcessor(new ConsoleSpanExporter());
}

/** The collector's URL as a log may show it: a password or token in it stays out. */
function withoutCredentials(url: string): string {
  const parsed = new URL(url);
  return `${parsed.origin}${parsed.pathname}`;
}
