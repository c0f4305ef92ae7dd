import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import {
  context,
  isSpanContextValid,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Span,
  type SpanContext,
  type SpanOptions,
  type Tracer,
} from '@opentelemetry/api';
import { HttpAttributes, SpanAttributes } from './attributes.js';
import { isTracingRegistered } from './tracingRegistered.js';

/**
 * What a caller's `traceparent` makes of the SERVER span:
 * - `continue`: its child, in the caller's trace, sampled as the caller decided. For callers
 *   that are ours (the gateway calling a subgraph), or trusted.
 * - `link`: a new trace (our trace id, our sampler's decision) with a span link to the
 *   caller's span, so that the caller's trace can still be joined to ours. For the public:
 *   a client cannot pick our trace ids, switch sampling on for its own requests, or put
 *   its requests into someone else's trace.
 * In neither is the caller's `tracestate` kept: nothing a caller writes there travels on
 * to a subgraph or a vendor (our own services never write one).
 */
export type TraceContextMode = 'continue' | 'link';
export const traceContextModes: readonly TraceContextMode[] = ['link', 'continue'];

const SERVER: SpanOptions = Object.freeze({ kind: SpanKind.SERVER });

export interface ServerRequestTracer {
  /**
   * Runs `handle` inside a SERVER span `<METHOD> <route>` (see TraceContextMode for what the
   * caller's `traceparent` makes of it); the span ends when the response is finished or the client goes away.
   */
  trace<T>(req: IncomingMessage, res: ServerResponse, requestId: string, handle: () => Promise<T>): Promise<T>;
}

/**
 * SERVER spans for one route of one service. Until registerTracing runs, `handle` runs as it
 * is (no span, no attributes, no context switch, no listener); likewise when the registered
 * provider hands back a span with no valid context.
 */
export function serverRequestTracer(options: { readonly service: string; readonly route: string; readonly traceContext?: TraceContextMode }): ServerRequestTracer {
  const mode = options.traceContext ?? 'continue';
  // A ProxyTracer when made before tracing is registered: it follows the provider registered later.
  const tracer: Tracer = trace.getTracer(options.service);
  const names = new Map<string, string>();
  const nameFor = (method: string) => {
    let name = names.get(method);
    if (name === undefined) {
      // Bounded: only methods node:http parses reach here.
      name = `${method} ${options.route}`;
      names.set(method, name);
    }
    return name;
  };

  return {
    trace(req, res, requestId, handle) {
      // Off (the default), a request pays for nothing here: no propagator call, no no-op span.
      if (!isTracingRegistered()) return handle();
      const caller = callerSpanContext(req.headers);
      const continued = mode === 'continue' && caller !== undefined;
      // Only what came over the wire is a parent: never a span that happened to be active when the server started.
      const parent = continued ? trace.setSpanContext(ROOT_CONTEXT, caller) : ROOT_CONTEXT;
      const spanOptions: SpanOptions = !continued && caller !== undefined ? { kind: SpanKind.SERVER, links: [{ context: caller }] } : SERVER;
      const method = req.method ?? 'GET';
      const span = tracer.startSpan(nameFor(method), spanOptions, parent);
      if (!isSpanContextValid(span.spanContext())) return handle();

      if (span.isRecording()) {
        span.setAttributes({
          [HttpAttributes.requestMethod]: method,
          [HttpAttributes.urlPath]: options.route,
          [HttpAttributes.route]: options.route,
          [SpanAttributes.requestId]: requestId,
          [SpanAttributes.service]: options.service,
        });
      }
      res.once('close', () => endServerSpan(span, res));
      // A thrown error is not recorded: its message may quote a vendor's answer, which a trace
      // backend must not store. It becomes a 500 (status ERROR here) and a log line under the same request id.
      return context.with(trace.setSpan(parent, span), handle);
    },
  };
}

/** The caller's span as its valid `traceparent` names it, without its `tracestate`; undefined without one (or without a registered propagator). */
function callerSpanContext(headers: IncomingHttpHeaders): SpanContext | undefined {
  const sent = trace.getSpanContext(propagation.extract(ROOT_CONTEXT, headers));
  if (sent === undefined || !isSpanContextValid(sent)) return undefined;
  return { traceId: sent.traceId, spanId: sent.spanId, traceFlags: sent.traceFlags, isRemote: true };
}

function endServerSpan(span: Span, res: ServerResponse): void {
  if (res.headersSent) {
    span.setAttribute(HttpAttributes.responseStatusCode, res.statusCode);
    if (res.statusCode >= 500) {
      span.setAttribute(HttpAttributes.errorType, String(res.statusCode));
      span.setStatus({ code: SpanStatusCode.ERROR });
    }
  }
  // Not an error of ours (a phone in a tunnel), but the reason the span has no status code.
  if (!res.writableFinished) span.addEvent('client went away before the answer was sent');
  span.end();
}
