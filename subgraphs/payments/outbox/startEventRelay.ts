import type { EventSender } from '../../../platform/events/createEventSender.js';
import type { JobQueue } from '../../../platform/db/createJobQueue.js';
import type { Logger } from '../../../platform/log/createLogger.js';
import { OUTBOX_QUEUE, type OutboxJob } from './outboxQueue.js';

/** Jobs a relay takes at once (a full batch is followed by the next at once, see createJobQueue). */
const BATCH = 50;
/** Deliveries in flight at once from one batch: the consumer's pool, not a flood. */
const CONCURRENCY = 8;

/**
 * Relays the outbox: each job's event is sent to the consumer. A `retry` (the consumer is
 * down, slow, overloaded) fails the batch so that pg-boss tries it again with its backoff,
 * durably and across restarts; the batch's events already delivered are then sent again,
 * and the consumer acknowledges them as duplicates (it deduplicates by event id). A
 * `refused` event (the consumer will never take it: a wrong secret, an envelope it rejects)
 * is logged as an error and completed, so that one poison event does not hold up the rest.
 */
export async function startEventRelay(queue: JobQueue, sender: EventSender, options: { pollMs: number; logger: Logger }): Promise<void> {
  const { logger } = options;
  await queue.work<OutboxJob>(OUTBOX_QUEUE, { batchSize: BATCH, pollingIntervalSeconds: options.pollMs / 1000 }, async (jobs) => {
    const pending = [...jobs];
    const notDelivered: string[] = [];
    const lane = async () => {
      for (let job = pending.shift(); job !== undefined; job = pending.shift()) {
        const { event } = job.data;
        const delivery = await sender.send(event, `outbox-${job.id}`);
        if (delivery.outcome === 'delivered' || delivery.outcome === 'duplicate') {
          logger.info({ eventId: event.id, type: event.type, outcome: delivery.outcome }, 'service event delivered');
        } else if (delivery.outcome === 'refused') {
          logger.error({ eventId: event.id, type: event.type, status: delivery.status, reason: delivery.reason }, 'service event refused by its consumer: dropped');
        } else {
          logger.warn({ eventId: event.id, type: event.type, status: delivery.status, reason: delivery.reason }, 'service event not delivered: will retry');
          notDelivered.push(event.id);
        }
      }
    };
    // Every lane runs to its end before the batch fails, so no delivery is still in flight when pg-boss retries it.
    const lanes = await Promise.allSettled(Array.from({ length: Math.min(CONCURRENCY, jobs.length) }, lane));
    const failed = lanes.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed !== undefined) throw failed.reason;
    if (notDelivered.length > 0) throw new Error(`${notDelivered.length} of ${jobs.length} service events not delivered (${notDelivered.slice(0, 3).join(', ')})`);
  });
}
