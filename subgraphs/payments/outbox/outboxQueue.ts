import type { ServiceEvent } from '../../../platform/events/ServiceEvent.js';

/** The pg-boss queue of service events waiting to reach the consumer (notifications): one job per order state reached, `{ event }`. */
export const OUTBOX_QUEUE = 'payments-events';

export interface OutboxJob {
  readonly event: ServiceEvent;
}

/**
 * How long the outbox keeps trying: pg-boss backs off from 1 s, doubling (with jitter) up to
 * about 9 h between attempts, so 20 retries span a day or more of a consumer being down;
 * after that the job fails for good (kept in pg-boss's archive for support).
 */
export const OUTBOX_POLICY = { retryLimit: 20, retryDelaySeconds: 1, retryBackoff: true, expireInSeconds: 60 } as const;
