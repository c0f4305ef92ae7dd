import type { Span } from '@opentelemetry/api';
import type CircuitBreaker from 'opossum';
import { breakerState, createBreaker, isBreakerOpenError, isBreakerShutdownError } from '../breaker/createBreaker.js';
import { VendorError, type VendorErrorKind } from '../errors/VendorError.js';
import { createHttpClient } from '../http/createHttpClient.js';
import type { VendorRequest } from '../http/VendorRequest.js';
import { RetryBudget } from '../retry/RetryBudget.js';
import { withRetry } from '../retry/withRetry.js';
import { RateLimitGate } from './RateLimitGate.js';
import { vendorCallMetrics, type VendorCallOutcome } from './vendorCallMetrics.js';
import { endVendorSpan, inVendorSpan, type VendorSpanNames } from './vendorCallSpan.js';
import type { CallContext, VendorClient, VendorOperation, VendorOperationDef } from './VendorClient.js';
import type { VendorClientOptions } from './VendorClientOptions.js';

export type { CallContext, VendorClient, VendorOperation, VendorOperationDef } from './VendorClient.js';

/** Test seams; production code passes nothing. */
export interface VendorClientInternals {
  /** [0, 1) for the backoff jitter. Default `Math.random`. */
  readonly random?: () => number;
  /**
   * The clock (epoch ms) of the rate-limit gate and of the request budget (`ctx.deadlineAt`
   * against now: what a call is given, and the deadline its retries must start before).
   * The timers that abort a call stay real. Default `Date.now`.
   */
  readonly now?: () => number;
}

type Run = () => Promise<unknown>;

function withRetryAfter(err: VendorError, retryAfterMs: number): VendorError {
  const { kind, vendor, operation, message, status, body } = err;
  return new VendorError(kind, { vendor, operation, message, retryAfterMs, cause: err.cause, ...(status !== undefined ? { status } : {}), ...(body !== undefined ? { body } : {}) });
}

/**
 * Ties http + breaker + retry into named operations. Inside `call`, outermost first:
 * rate-limit gate (fail fast while the vendor's Retry-After runs) → the operation's
 * breaker → retry (idempotent operations only) → HTTP, with one AbortController per call
 * that fires at the deadline (retries included) and when the caller's signal aborts. Each
 * call runs in a span `<vendor>.<operation>` and is counted in `options.metrics`, if given
 * (vendor_calls_total, vendor_call_duration_seconds, retries, SLA misses, breaker state).
 */
export function createVendorClient(options: VendorClientOptions, internals: VendorClientInternals = {}): VendorClient {
  const vendor = options.name;
  const logger = options.logger.child({ vendor });
  const http = createHttpClient({
    vendor,
    baseUrl: options.baseUrl,
    auth: options.auth,
    connections: options.connections,
    ...(options.http2 === true ? { http2: true } : {}),
    logger,
  });
  const now = internals.now ?? Date.now;
  const budget = new RetryBudget({ ratio: options.retry.budgetRatio });
  // A vendor's Retry-After never closes the gate past the cap, nor past the breaker's reset
  // (the breaker would let a trial through by then anyway).
  const gate = new RateLimitGate({
    maxMs: Math.min(options.retry.retryAfterMaxMs ?? 60_000, options.breaker.resetTimeoutMs),
    now,
  });
  const breakers = new Map<string, CircuitBreaker<[Run], unknown>>();
  const operationMetrics = vendorCallMetrics(options.metrics, vendor);
  // Failures caused by the caller cancelling say nothing about the vendor's health. (opossum
  // counts an ignored error as a success, so a cancelled half-open trial closes the breaker;
  // the next vendor faults re-open it.) The metrics and the span call them `cancelled`.
  const cancelled = new WeakSet<object>();
  let closing: Promise<void> | undefined;

  function fail(kind: VendorErrorKind, operation: string, message: string, extra: { retryAfterMs?: number; cause?: unknown } = {}): VendorError {
    return new VendorError(kind, { vendor, operation, message: `${vendor}.${operation}: ${message}`, ...extra });
  }

  function operation<I, O>(def: VendorOperationDef<I, O>): VendorOperation<I, O> {
    if (breakers.has(def.name)) throw new Error(`Vendor operation ${vendor}.${def.name} is already defined; define each operation once.`);
    const opName = def.name;
    const breaker = createBreaker<[Run], unknown>((run) => run(), {
      name: `${vendor}.${opName}`,
      options: options.breaker,
      logger,
      ignore: (err) => typeof err === 'object' && err !== null && cancelled.has(err),
    });
    breakers.set(opName, breaker);
    const deadlineMs = def.deadlineMs ?? options.deadlineMs;
    const maxBodyBytes = def.maxBodyBytes ?? options.maxBodyBytes;
    const metrics = operationMetrics(opName, deadlineMs);
    breaker.on('open', () => metrics.breakerChanged('open'));
    breaker.on('halfOpen', () => metrics.breakerChanged('halfOpen'));
    breaker.on('close', () => metrics.breakerChanged('closed'));
    const spanNames: VendorSpanNames = { span: `${vendor}.${opName}`, vendor, operation: opName };

    async function attemptOnce(input: I, req: VendorRequest, ctx: CallContext, signal: AbortSignal, attemptNo: number): Promise<O> {
      const started = Date.now();
      if (attemptNo > 1) metrics.retried();
      try {
        const res = await http.request(opName, req, {
          signal,
          requestId: ctx.requestId,
          read: def.idempotent,
          maxBodyBytes,
          allowEmptyBody: def.emptyBody === 'allowed',
          ...(def.tokenRefused ? { tokenRefused: def.tokenRefused } : {}),
          ...(def.clientErrors ? { clientErrors: def.clientErrors } : {}),
        });
        try {
          return def.parse(res.json, res.status, input, res.headers);
        } catch (err) {
          if (err instanceof VendorError) throw err;
          throw new VendorError('bad_response', {
            vendor,
            operation: opName,
            status: res.status,
            message: `${vendor}.${opName}: response did not match the expected shape: ${err instanceof Error ? err.message : String(err)}`,
            cause: err,
          });
        }
      } catch (err) {
        let ve = err instanceof VendorError ? err : fail('network', opName, `unexpected failure: ${String(err)}`, { cause: err });
        if ((ve.status === 429 || ve.status === 503) && ve.retryAfterMs !== undefined && ve.retryAfterMs > 0) {
          gate.closeFor(ve.retryAfterMs);
          // The client is told the wait we keep, not the vendor's uncapped figure.
          if (ve.retryAfterMs > gate.maxMs) ve = withRetryAfter(ve, gate.maxMs);
        }
        if (ctx.signal?.aborted) cancelled.add(ve);
        // A 404 or a refused input is an answer, not an incident: info. Everything else needs eyes: warn.
        const level = ve.kind === 'not_found' || ve.kind === 'rejected' ? 'info' : 'warn';
        logger[level](
          {
            operation: opName,
            kind: ve.kind,
            status: ve.status,
            attempt: attemptNo,
            requestId: ctx.requestId,
            durationMs: Date.now() - started,
            retryAfterMs: ve.retryAfterMs,
            body: ve.body,
            cancelled: ctx.signal?.aborted || undefined,
          },
          `vendor call failed: ${ve.message}`,
        );
        throw ve;
      }
    }

    /**
     * One call, inside its span. Every way out is counted once: refusals before the call
     * leaves (gate, caller gone, budget spent, unbuildable request, open breaker) by outcome
     * only; a call that left also by duration, and as an SLA miss when the vendor did not
     * answer within its budget: it answered at or after `deadlineMs`, or it was aborted at its
     * deadline. The request's remaining budget often caps that deadline (behind the gateway,
     * whose budget equals the vendor's by default, always a little): such a timeout still counts,
     * unless the call was given less than half the vendor's budget. A call started that late
     * says more about the vendors before it than about this one.
     *
     * What the caller caused is not the vendor's fault, whatever error it throws (the client
     * sees the same codes either way): a call whose caller had gone before it started, or
     * went while it was in flight, is `cancelled`; one the request's spent budget kept from
     * starting is `no_budget`. A cancelled call that left is counted but not timed: it ended
     * when the caller stopped waiting, which says nothing of the vendor's latency or its SLA.
     */
    async function invoke(input: I, ctx: CallContext, span: Span): Promise<O> {
      let startedAt = 0;
      let left = false;
      // Set when the deadline aborts a call given at least half the vendor's budget: an SLA miss.
      let slaMissAtDeadline = false;
      let timer: ReturnType<typeof setTimeout> | undefined;
      let onCallerAbort: (() => void) | undefined;
      let outcome: VendorCallOutcome = 'network';
      // Set when the caller, not the vendor, stopped the call before it started.
      let callerOutcome: 'cancelled' | 'no_budget' | undefined;
      try {
        const waitMs = gate.remainingMs();
        if (waitMs > 0) {
          logger.debug({ operation: opName, kind: 'rate_limited', requestId: ctx.requestId, retryAfterMs: waitMs }, 'vendor call refused: rate-limit gate closed');
          throw fail('rate_limited', opName, `rate limited by the vendor for another ${waitMs} ms`, { retryAfterMs: waitMs });
        }
        if (ctx.signal?.aborted) {
          callerOutcome = 'cancelled';
          throw fail('timeout', opName, 'cancelled by the caller before the call started');
        }
        // The request's budget caps the call's own; with nothing left the call is not started (and the breaker not fired).
        const callBudgetMs = Math.min(deadlineMs, ctx.deadlineAt === undefined ? deadlineMs : Math.floor(ctx.deadlineAt - now()));
        if (callBudgetMs <= 0) {
          callerOutcome = 'no_budget';
          throw fail('timeout', opName, 'the request budget was spent before the call started');
        }
        let req: VendorRequest;
        try {
          req = def.request(input);
        } catch (err) {
          // The input could not be turned into a request: the caller's input was refused before it left.
          throw err instanceof VendorError ? err : fail('rejected', opName, `could not build the request: ${String(err)}`, { cause: err });
        }

        const judged = callBudgetMs * 2 >= deadlineMs;
        const deadlineAt = now() + callBudgetMs;
        const controller = new AbortController();
        startedAt = performance.now();
        timer = setTimeout(() => {
          slaMissAtDeadline = judged;
          controller.abort(new Error(`deadline of ${callBudgetMs} ms exceeded`));
        }, callBudgetMs);
        onCallerAbort = () => controller.abort(new Error('cancelled by the caller'));
        ctx.signal?.addEventListener('abort', onCallerAbort, { once: true });
        const signal = controller.signal;

        // Runs only when the breaker lets the call through: `left` tells a refusal from a call.
        const run = (): Promise<O> => {
          left = true;
          return def.idempotent && options.retry.maxAttempts > 1
            ? withRetry((n) => attemptOnce(input, req, ctx, signal, n), {
                options: options.retry,
                deadlineAt,
                budget,
                signal,
                // Only while the breaker is closed: a half-open trial is one call, not three.
                shouldRetry: (err) => err instanceof VendorError && err.isRetryable && breaker.closed,
                isFailure: (err) => err instanceof VendorError && (err.isVendorFault || err.kind === 'rate_limited') && !cancelled.has(err),
                retryAfterMs: (err) => (err instanceof VendorError ? err.retryAfterMs : undefined),
                minDelayMs: (err) => (err instanceof VendorError && err.kind === 'rate_limited' ? (options.retry.rateLimitedMinDelayMs ?? 500) : 0),
                ...(internals.random ? { random: internals.random } : {}),
                now,
              })
            : attemptOnce(input, req, ctx, signal, 1);
        };

        let value: O;
        try {
          value = (await breaker.fire(run)) as O;
        } catch (err) {
          if (err instanceof VendorError) throw err;
          if (isBreakerOpenError(err)) {
            logger.debug({ operation: opName, kind: 'breaker_open', requestId: ctx.requestId }, 'vendor call refused: circuit breaker open');
            throw fail('breaker_open', opName, 'circuit breaker is open', { cause: err });
          }
          if (isBreakerShutdownError(err)) throw fail('breaker_open', opName, 'the vendor client is closed', { cause: err });
          throw fail('network', opName, `unexpected failure: ${String(err)}`, { cause: err });
        }
        outcome = 'ok';
        return value;
      } catch (err) {
        outcome = callerOutcome ?? (err instanceof VendorError ? (cancelled.has(err) ? 'cancelled' : err.kind) : 'network');
        throw err;
      } finally {
        clearTimeout(timer);
        if (onCallerAbort) ctx.signal?.removeEventListener('abort', onCallerAbort);
        if (left && outcome !== 'cancelled') {
          const elapsedMs = performance.now() - startedAt;
          metrics.finished(outcome, elapsedMs / 1000, elapsedMs >= deadlineMs || slaMissAtDeadline);
        } else {
          metrics.refused(outcome);
        }
        endVendorSpan(span, outcome);
      }
    }

    const call = (input: I, ctx: CallContext): Promise<O> => inVendorSpan(spanNames, invoke, input, ctx);

    return { name: opName, call };
  }

  return {
    name: vendor,
    operation,
    breakerState(name) {
      const breaker = breakers.get(name);
      if (!breaker) throw new Error(`Unknown vendor operation ${vendor}.${name}`);
      return breakerState(breaker);
    },
    breakerStates() {
      return Object.fromEntries([...breakers].map(([name, breaker]) => [name, breakerState(breaker)]));
    },
    close() {
      closing ??= (async () => {
        for (const breaker of breakers.values()) breaker.shutdown();
        await http.close();
      })();
      return closing;
    },
  };
}
