import type { Logger } from '../../../platform/log/createLogger.js';
import { factOfIntent } from '../paymentIntent.js';
import type { PaylaneClient } from '../paylaneClient.js';
import type { OrderStore } from '../store/OrderStore.js';

const BATCH = 20;
/** An inbox event unapplied this many reconcile periods after receipt has lost its job: it gets a new one. */
const STUCK_PERIODS = 10;

/**
 * The third way an order learns its outcome, for when the other two never come: the
 * webhook was dropped and the app was killed before it synced. Every so often, orders that
 * still await payment and have not changed for `afterMs` are checked with the vendor, as
 * the app's sync would. It also gives a new job to inbox events whose job is gone (given up
 * after its retries, or deleted by hand): a received event is applied in the end.
 * Harmless with several replicas: applying a fact, or an event twice, is idempotent.
 * Returns a stop function (resolves once a round in progress has ended).
 */
export function startReconciler(
  store: OrderStore,
  paylane: PaylaneClient,
  options: { afterMs: number; requeue: (eventId: string) => Promise<unknown>; logger: Logger },
): () => Promise<void> {
  const { logger } = options;
  let running: Promise<void> | undefined;
  let stopped = false;
  const run = () => {
    if (running !== undefined || stopped) return;
    running = round().finally(() => (running = undefined));
  };
  const round = async () => {
    try {
      for (const eventId of await store.unprocessedEvents(options.afterMs * STUCK_PERIODS, BATCH)) {
        if (stopped) return;
        await options.requeue(eventId);
        logger.warn({ eventId }, 'inbox event still unapplied long after receipt: queued again');
      }
      for (const order of await store.staleAwaiting(options.afterMs, BATCH)) {
        if (stopped || order.intentId === null) break;
        const requestId = `reconcile-${order.id}`;
        try {
          const fact = factOfIntent(await paylane.getIntent.call(order.intentId, { requestId }));
          const outcome = fact === null || fact.orderId !== order.id ? 'mismatch' : await store.applyFact(fact, 'reconcile');
          if (outcome !== 'applied') await store.markChecked(order.id);
          if (outcome === 'mismatch') logger.error({ orderId: order.id, intentId: order.intentId }, 'payment intent does not match its order: order left unchanged');
          else logger.info({ orderId: order.id, outcome }, 'order reconciled with the payment vendor');
        } catch (err) {
          logger.warn({ orderId: order.id, err }, 'reconciliation failed; the next round tries again');
          break; // the vendor is probably down: do not hammer it
        }
      }
    } catch (err) {
      logger.warn({ err }, 'reconciliation round failed');
    }
  };
  const timer = setInterval(run, Math.max(1000, Math.floor(options.afterMs / 2)));
  timer.unref();
  // Waits for a round in progress, so that the database and the vendor client close under nobody.
  return async () => {
    stopped = true;
    clearInterval(timer);
    await running;
  };
}
