import { context, diag, DiagLogLevel, isSpanContextValid, propagation, ProxyTracerProvider, trace, TraceFlags } from '@opentelemetry/api';
import { loggingErrorHandler, setGlobalErrorHandler, W3CTraceContextPropagator } from '@opentelemetry/core';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import { NodeTracerProvider, type Sampler, type SpanProcessor } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import type { Logger } from '../log/createLogger.js';
import { createSampler } from './createSampler.js';
import { diagToLogger } from './diagToLogger.js';
import { isTracingRegistered, setTracingRegistered } from './tracingRegistered.js';

export interface TracingRegistrationOptions {
  /** `service.name` of every span of this process. */
  readonly service: string;
  readonly spanProcessors: readonly SpanProcessor[];
  /** Default parentbased_always_on (the spec's default), given to the provider either way: the SDK would read OTEL_TRACES_SAMPLER from process.env. */
  readonly sampler?: Sampler;
  readonly resourceAttributes?: Readonly<Record<string, string>>;
  /** Where the SDK's own warnings go (see diagToLogger); without it they are dropped. */
  readonly logger?: Logger;
}

export interface TracingRegistration {
  readonly provider: NodeTracerProvider;
  /** Hands every ended span to the processors' exporters now. */
  forceFlush(): Promise<void>;
  /**
   * Flushes, stops the processors and the undici instrumentation, and puts the API back to
   * its no-op state (tracer provider, context manager, propagator, diagnostics).
   */
  shutdown(): Promise<void>;
}

/**
 * Makes this process trace through the OpenTelemetry API: a NodeTracerProvider over
 * `spanProcessors` with `sampler`, AsyncLocalStorage context, the W3C trace-context
 * propagator only (no baggage: the gateway faces the public internet), and outgoing undici
 * requests (the kit's vendor pools, the gateway's subgraph fetches, global fetch) as CLIENT
 * spans that send `traceparent` (and no `tracestate`: serverRequestTracer keeps none).
 * One registration per process at a time; `startTracing` is the entry points' way in,
 * tests call this with an in-memory exporter.
 */
export function registerTracing(options: TracingRegistrationOptions): TracingRegistration {
  if (isTracingRegistered()) throw new Error('tracing is already registered in this process: shut it down first');
  const current = trace.getTracerProvider();
  if (!(current instanceof ProxyTracerProvider) || current.getDelegateTracer('probe') !== undefined) {
    throw new Error('another OpenTelemetry tracer provider is already registered in this process');
  }
  if (options.logger) {
    const sdkLog = diagToLogger(options.logger);
    // Before the provider: it reports a span limit of process.env that is not a number while being built.
    diag.setLogger(sdkLog, { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true });
    // Failed exports land here; the default handler would log each one as a JSON string.
    setGlobalErrorHandler((ex) => {
      const message = typeof ex === 'string' ? ex : (ex.message ?? ex.name ?? 'unknown error');
      sdkLog.error(`OpenTelemetry: ${message}`, ...(ex instanceof Error ? [ex] : []));
    });
  }

  const provider = new NodeTracerProvider({
    resource: defaultResource().merge(resourceFromAttributes({ ...options.resourceAttributes, [ATTR_SERVICE_NAME]: options.service })),
    spanProcessors: [...options.spanProcessors],
    sampler: options.sampler ?? createSampler({ name: 'parentbased_always_on', ratio: 1 }),
  });
  provider.register({ propagator: new W3CTraceContextPropagator() });

  // A request made outside any span (a background poll) starts no trace of its own; one made
  // while serving a request, or inside a vendor call the kit named, is a child of it. One
  // under an unsampled span is left to skipUnlessSampled: nothing of it would be recorded.
  const undici = new UndiciInstrumentation({ requireParentforSpans: true, ignoreRequestHook: skipUnlessSampled });
  undici.setTracerProvider(provider);

  let stopped: Promise<void> | undefined;
  const stop = async () => {
    undici.disable();
    try {
      await provider.shutdown();
    } finally {
      trace.disable();
      context.disable();
      propagation.disable();
      if (options.logger) {
        diag.disable();
        setGlobalErrorHandler(loggingErrorHandler());
      }
      setTracingRegistered(false);
    }
  };
  const registration: TracingRegistration = {
    provider,
    forceFlush: () => provider.forceFlush(),
    shutdown: () => (stopped ??= stop()),
  };
  setTracingRegistered(true);
  return registration;
}

/** The request object undici's diagnostics channel hands the instrumentation (undici 5 to 7, and Node's bundled one). */
type UndiciRequest = Parameters<NonNullable<NonNullable<ConstructorParameters<typeof UndiciInstrumentation>[0]>['ignoreRequestHook']>>[0];

/**
 * The instrumentation's ignoreRequestHook: true (skip) for a request no span of which would be
 * recorded. With a ratio sampler that is most of them, and the instrumentation's work for each
 * (parsing its URL and headers, a span that records nothing, three diagnostics callbacks) was
 * measurable per request. What it must still do is done here: a request under an unsampled
 * span carries that span's `traceparent` (sampled flag off), so the subgraph or vendor follows
 * the decision instead of sampling a trace of its own. Outside any span nothing is sent, as
 * requireParentforSpans would have it.
 */
function skipUnlessSampled(request: UndiciRequest): boolean {
  const active = trace.getSpanContext(context.active());
  if (active === undefined || !isSpanContextValid(active)) return true;
  if ((active.traceFlags & TraceFlags.SAMPLED) !== 0) return false;
  const headers: Record<string, string> = {};
  propagation.inject(context.active(), headers);
  for (const [name, value] of Object.entries(headers)) addHeader(request, name, value);
  return true;
}

/** As the instrumentation adds its own headers: the request's API differs between undici versions. */
function addHeader(request: UndiciRequest, name: string, value: string): void {
  if (typeof request.addHeader === 'function') request.addHeader(name, value);
  else if (typeof request.headers === 'string') request.headers += `${name}: ${value}\r\n`;
  else if (Array.isArray(request.headers)) request.headers.push(name, value);
}
