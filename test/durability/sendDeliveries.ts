import { performance } from 'node:perf_hooks';
import { Webhook } from 'standardwebhooks';
import type { PlannedEvent } from './paymentEventPlan.js';

export interface DeliveryOutcome {
  readonly eventId: string;
  /** The last answer's HTTP status; 0 when no answer ever came (connection refused or cut). */
  readonly status: number;
  /** What a 200 said: a duplicate of an event already stored. */
  readonly duplicate: boolean | undefined;
  /** Attempts made (more than 1 only with `retry`). */
  readonly attempts: number;
  /** Of the last attempt, request sent to answer read. */
  readonly ms: number;
  /** When the last answer came (performance.now()). */
  readonly at: number;
}

export interface SendOptions {
  /** The endpoint now (it may move: a restarted service listens on a new port); undefined while it is down. */
  readonly url: () => string | undefined;
  readonly secret: string;
  /** Requests in flight at once. */
  readonly concurrency: number;
  /**
   * As a vendor does: a delivery that got no answer or a non-2xx is sent again (same event,
   * new timestamp and signature) after `retry.delayMs`, until `retry.giveUpMs` have passed.
   * Without it each delivery is sent once.
   */
  readonly retry?: { readonly delayMs: number; readonly giveUpMs: number };
  /** No new delivery is started after this long (ms from the start); the outcomes then cover the deliveries sent. */
  readonly stopAfterMs?: number;
  /**
   * Open loop, as a vendor delivers: delivery i starts at `i / ratePerS` seconds from the
   * start (or as soon as a sender is free after that), so latency is measured at a load the
   * service does not set itself. Unset: each sender starts its next delivery at once.
   */
  readonly ratePerS?: number;
  /** Called after each delivery is over (accepted or given up). */
  readonly onDone?: (outcome: DeliveryOutcome, doneSoFar: number) => void;
}

/**
 * Sends each delivery as a Standard Webhooks request signed with `secret` (webhook-id =
 * the event id, webhook-timestamp = now, signed at send time like a vendor's retry), with
 * at most `concurrency` in flight. Outcomes come back in the deliveries' order (with
 * `stopAfterMs`, of the first deliveries only: those that were sent).
 */
export async function sendDeliveries(deliveries: readonly PlannedEvent[], options: SendOptions): Promise<DeliveryOutcome[]> {
  const signer = new Webhook(options.secret);
  const outcomes = new Array<DeliveryOutcome>(deliveries.length);
  let next = 0;
  let done = 0;

  const attempt = async (event: PlannedEvent): Promise<{ status: number; duplicate: boolean | undefined; ms: number }> => {
    const url = options.url();
    if (url === undefined) return { status: 0, duplicate: undefined, ms: 0 };
    const now = new Date();
    const started = performance.now();
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'webhook-id': event.id,
          'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
          'webhook-signature': signer.sign(event.id, now, event.body),
        },
        body: event.body,
      });
      const answer = (await res.json().catch(() => ({}))) as { duplicate?: unknown };
      return { status: res.status, duplicate: typeof answer.duplicate === 'boolean' ? answer.duplicate : undefined, ms: performance.now() - started };
    } catch {
      return { status: 0, duplicate: undefined, ms: performance.now() - started };
    }
  };

  const start = performance.now();
  const stopped = () => options.stopAfterMs !== undefined && performance.now() - start > options.stopAfterMs;
  const sender = async () => {
    while (next < deliveries.length && !stopped()) {
      const i = next++;
      const event = deliveries[i]!;
      if (options.ratePerS !== undefined) {
        const due = start + (i * 1000) / options.ratePerS - performance.now();
        if (due > 0) await new Promise((resolve) => setTimeout(resolve, due));
      }
      const firstTry = performance.now();
      let attempts = 0;
      let result: Awaited<ReturnType<typeof attempt>>;
      for (;;) {
        attempts++;
        result = await attempt(event);
        const accepted = result.status >= 200 && result.status < 300;
        if (accepted || options.retry === undefined || performance.now() - firstTry > options.retry.giveUpMs) break;
        await new Promise((resolve) => setTimeout(resolve, options.retry!.delayMs));
      }
      const outcome: DeliveryOutcome = { eventId: event.id, ...result, attempts, at: performance.now() };
      outcomes[i] = outcome;
      options.onDone?.(outcome, ++done);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency) }, sender));
  return outcomes.slice(0, next);
}
