import type { JobQueue } from '../../../platform/db/createJobQueue.js';
import type { Logger } from '../../../platform/log/createLogger.js';
import type { OrderStore } from '../store/OrderStore.js';
import { factOfEvent } from '../webhooks/webhookEvent.js';
import { OUTBOX_QUEUE } from '../outbox/outboxQueue.js';
import { INBOX_QUEUE, type InboxJob } from './inboxQueue.js';

/**
 * Applies inbox events. pg-boss hands each job to one worker; a worker that dies mid-job
 * leaves it active until it expires, then it is handed out again. Applying twice is
 * harmless anyway: `processEvent` locks the inbox row and commits its processed mark with
 * the order's change, so a repeat finds it processed and does nothing.
 */
/**
 * Jobs a worker takes at once (a full batch is followed by the next at once, see
 * createJobQueue; a taken job expires PAYMENTS_INBOX_RETRY_AFTER_S
 * after it was taken, so a batch must finish well within that (100 events take well under a
 * second on PostgreSQL; with a 2 s expiry on a loaded machine some are taken twice, harmlessly).
 */
const BATCH = 100;

export async function startInboxWorkers(queue: JobQueue, store: OrderStore, options: { workers: number; pollMs: number; logger: Logger }): Promise<void> {
  const { logger } = options;
  for (let i = 0; i < options.workers; i++) {
    await queue.work<InboxJob>(INBOX_QUEUE, { batchSize: BATCH, pollingIntervalSeconds: options.pollMs / 1000 }, async (jobs) => {
      for (const job of jobs) {
        const outcome = await store.processEvent(job.data.eventId, factOfEvent);
        if (outcome === null) logger.error({ eventId: job.data.eventId }, 'inbox job for an event that is not in the inbox');
        else if (outcome === 'mismatch') logger.error({ eventId: job.data.eventId }, 'webhook event does not match its order (intent, amount or currency): order left unchanged');
        else logger.info({ eventId: job.data.eventId, outcome }, 'inbox event processed');
      }
      // An order that changed state left an outbox job in the same transaction: relay it now.
      queue.wake(OUTBOX_QUEUE);
    });
  }
}
