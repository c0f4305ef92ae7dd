import { context, SpanKind, SpanStatusCode, trace, type Span, type SpanOptions } from '@opentelemetry/api';
import { SpanAttributes } from '../../../platform/tracing/attributes.js';
import type { CallContext } from './VendorClient.js';
import { isCallerOutcome, type VendorCallOutcome } from './vendorCallMetrics.js';

// The tracer is asked for at each call, never kept: one taken once stays bound to the provider it
// first reached, even after that provider is disabled and another registered (tests, a
// re-registration). Asking is cheap: a registered provider keeps its tracers by name, and with
// none registered the API hands out a proxy whose spans record nothing.
const TRACER_NAME = 'mobile-graph-kit';
const SPAN_OPTIONS: SpanOptions = { kind: SpanKind.INTERNAL };

/** The names a vendor span carries, computed once per operation. */
export interface VendorSpanNames {
  /** `<vendor>.<operation>` */
  readonly span: string;
  readonly vendor: string;
  readonly operation: string;
}

/**
 * Runs `run(input, ctx, span)` inside an active span named `<vendor>.<operation>`, so that
 * the HTTP client's spans (undici's instrumentation, one per attempt) become its children.
 * Without a tracer provider the span is the API's non-recording one and nothing else is
 * made: no attributes, no context. A span that records nothing need not be the parent
 * either: whatever is started under it gets the same sampling decision from the context
 * around it. End it with `endVendorSpan`.
 */
export function inVendorSpan<I, O>(names: VendorSpanNames, run: (input: I, ctx: CallContext, span: Span) => Promise<O>, input: I, ctx: CallContext): Promise<O> {
  const span = trace.getTracer(TRACER_NAME).startSpan(names.span, SPAN_OPTIONS);
  if (!span.isRecording()) return run(input, ctx, span);
  span.setAttribute(SpanAttributes.vendor, names.vendor);
  span.setAttribute(SpanAttributes.vendorOperation, names.operation);
  span.setAttribute(SpanAttributes.requestId, ctx.requestId);
  return context.with(trace.setSpan(context.active(), span), run, undefined, input, ctx, span);
}

/**
 * Ends a vendor span with its outcome; a failure is status ERROR with the error kind as its
 * message. Never the error's message itself: it may quote the vendor's answer, which a
 * trace backend must not store (the logs have it, under the same request id). What the
 * caller caused (`cancelled`, `no_budget`) is no failure of the vendor's: the status stays
 * unset, and the outcome attribute says what happened.
 */
export function endVendorSpan(span: Span, outcome: VendorCallOutcome): void {
  if (span.isRecording()) {
    span.setAttribute(SpanAttributes.vendorOutcome, outcome);
    if (outcome !== 'ok' && !isCallerOutcome(outcome)) span.setStatus({ code: SpanStatusCode.ERROR, message: outcome });
  }
  span.end();
}
