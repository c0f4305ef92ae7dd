import type { JobQueue } from '../../../platform/db/createJobQueue.js';
import { EVENT_QUEUE, type EventJob } from './eventQueue.js';
import { processEvent, type ConsumerDeps } from './processEvent.js';

/**
 * Jobs a worker takes at once. Each may push to a hundred users' devices, each send within
 * the push deadline; a taken job expires NOTIFICATIONS_RETRY_AFTER_S after it was taken, so
 * a batch is kept small enough to finish well within that.
 */
const BATCH = 10;
/**
 * Events of one batch processed at once: most of an event's time is spent waiting on the push
 * services, and events are independent (their deliveries are keyed by event and device).
 */
const CONCURRENCY = 4;

/**
 * Pushes received events. pg-boss hands each job to one worker; a worker that dies mid-job
 * leaves it active until it expires, then it is handed out again, and `processEvent` makes
 * the repeat send nothing twice. An event with a device to try later fails its batch once
 * every job of it was processed, so pg-boss runs it again after its backoff (the repeat skips
 * the events that finished and the devices already decided).
 */
export async function startEventWorkers(queue: JobQueue, deps: ConsumerDeps, options: { workers: number; pollMs: number }): Promise<void> {
  const { logger } = deps;
  for (let i = 0; i < options.workers; i++) {
    await queue.work<EventJob>(EVENT_QUEUE, { batchSize: BATCH, pollingIntervalSeconds: options.pollMs / 1000 }, async (jobs) => {
      const later: string[] = [];
      const pending = [...jobs];
      const lane = async () => {
        for (let job = pending.shift(); job !== undefined; job = pending.shift()) {
          const { eventId } = job.data;
          const outcome = await processEvent(deps, eventId);
          if (outcome.kind === 'missing') logger.error({ eventId }, 'event job for an event that is not stored');
          else if (outcome.kind === 'pending') later.push(eventId);
          else if (outcome.kind === 'done') logger.info({ eventId, recipients: outcome.recipients, sent: outcome.sent }, 'event pushed');
        }
      };
      // Every lane runs to its end before the batch fails: a lane still sending when pg-boss
      // retries the batch would leave its rows `sending`, and the retry would mark them `unknown`.
      const lanes = await Promise.allSettled(Array.from({ length: Math.min(CONCURRENCY, jobs.length) }, lane));
      const failed = lanes.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed !== undefined) throw failed.reason;
      if (later.length > 0) throw new Error(`pushes to retry later for events ${later.join(', ')}`);
    });
  }
}
