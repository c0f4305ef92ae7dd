import type { Database } from '../../../platform/db/Database.js';
import { asDate } from './rows.js';

/**
 * What became of one event's push to one device. `sending` is written and committed before
 * the push leaves; a `sending` row found later means a worker died mid-send and the push may
 * have left: it becomes `unknown` and is never sent again (no push twice to one device).
 */
export type DeliveryStatus = 'sending' | 'sent' | 'unregistered' | 'invalid' | 'rejected' | 'retry' | 'unknown' | 'gave_up';

/** What a send can end as: every status but `sending` (the claim's). */
export type DeliveryOutcome = Exclude<DeliveryStatus, 'sending'>;

/** Why a deferred push was given up. */
export type GiveUpReason = 'attempts' | 'expired';

/** What to do about one (event, device). */
export type Claim =
  /**
   * Send now: the row says `sending` with this attempt number, committed. `giveUpAt`: when the
   * push's time to live, counted from the event's receipt, runs out (null: the event row is gone).
   */
  | { readonly kind: 'send'; readonly attempt: number; readonly giveUpAt: Date | null }
  /** Decided already (sent, dead token, refused, unknown, given up), or another worker is sending it: nothing to do. */
  | { readonly kind: 'done'; readonly status: DeliveryStatus }
  /** A crash left it `sending`; now `unknown`: the caller logs it, nothing is sent. */
  | { readonly kind: 'ambiguous' }
  /** The push service asked us to wait, and the time has not come. */
  | { readonly kind: 'wait'; readonly until: Date }
  /** Out of attempts, or past its time to live: now `gave_up`. */
  | { readonly kind: 'gave_up'; readonly attempts: number; readonly reason: GiveUpReason };

/** When the push of an event runs out of time: its receipt plus the push's TTL ($ttl: seconds), on the database's clock. */
const giveUpAtOf = (eventId: string, ttl: string) =>
  `(SELECT e.received_at + make_interval(secs => ${ttl}::double precision) FROM events e WHERE e.id = ${eventId})`;

export class DeliveryStore {
  constructor(
    private readonly db: Database,
    /** Sends that reached the push service per (event, device) while it says "later" (NOTIFICATIONS_SEND_ATTEMPTS). */
    readonly maxAttempts: number,
  ) {}

  /**
   * Decides whether this (event, device) may be pushed now and, if so, commits `sending`
   * first. Every step is a conditional write, so two workers holding the same event (an
   * expired job handed out again) never both send. A deferred push is given up once
   * `maxAttempts` sends reached the push service, or once `ttlSeconds` (the push's time to
   * live) have passed since the event was received, whichever comes first.
   */
  async claim(eventId: string, token: string, userId: string, ttlSeconds: number): Promise<Claim> {
    const inserted = await this.db.query<{ give_up_at: Date | string | null }>(
      `INSERT INTO deliveries (event_id, device_token, user_id, status, attempts) VALUES ($1, $2, $3, 'sending', 1)
       ON CONFLICT (event_id, device_token) DO NOTHING
       RETURNING ${giveUpAtOf('$1', '$4')} AS give_up_at`,
      [eventId, token, userId, ttlSeconds],
    );
    const fresh = inserted.rows[0];
    if (inserted.rowCount === 1 && fresh !== undefined) return { kind: 'send', attempt: 1, giveUpAt: asDateOrNull(fresh.give_up_at) };
    const { rows } = await this.db.query<{ status: DeliveryStatus; attempts: number; retry_at: Date | string | null; give_up_at: Date | string | null; expired: boolean | null }>(
      `SELECT status, attempts, retry_at, g.give_up_at, g.give_up_at <= now() AS expired
         FROM deliveries, LATERAL (SELECT ${giveUpAtOf('$1', '$3')} AS give_up_at) g
        WHERE event_id = $1 AND device_token = $2`,
      [eventId, token, ttlSeconds],
    );
    const row = rows[0];
    if (row === undefined) throw new Error('delivery row vanished');
    if (row.status === 'sending') {
      const { rowCount } = await this.db.query("UPDATE deliveries SET status = 'unknown', updated_at = now() WHERE event_id = $1 AND device_token = $2 AND status = 'sending'", [
        eventId,
        token,
      ]);
      return rowCount === 1 ? { kind: 'ambiguous' } : { kind: 'done', status: 'unknown' };
    }
    if (row.status !== 'retry') return { kind: 'done', status: row.status };
    const attempts = Number(row.attempts);
    if (attempts >= this.maxAttempts || row.expired === true) {
      const { rowCount } = await this.db.query(
        `UPDATE deliveries SET status = 'gave_up', retry_at = NULL, updated_at = now()
          WHERE event_id = $1 AND device_token = $2 AND status = 'retry' AND attempts = $3`,
        [eventId, token, attempts],
      );
      // Another worker took it between our read and write: it decides.
      if (rowCount !== 1) return { kind: 'done', status: 'sending' };
      return { kind: 'gave_up', attempts, reason: attempts >= this.maxAttempts ? 'attempts' : 'expired' };
    }
    const retryAt = row.retry_at === null ? null : new Date(row.retry_at);
    if (retryAt !== null && retryAt.getTime() > Date.now()) return { kind: 'wait', until: retryAt };
    const taken = await this.db.query<{ attempts: number }>(
      `UPDATE deliveries SET status = 'sending', attempts = attempts + 1, updated_at = now()
        WHERE event_id = $1 AND device_token = $2 AND status = 'retry' AND attempts = $3 RETURNING attempts`,
      [eventId, token, attempts],
    );
    const attempt = taken.rows[0]?.attempts;
    // Another worker took it between our read and write: it sends, we do not.
    return attempt === undefined ? { kind: 'done', status: 'sending' } : { kind: 'send', attempt: Number(attempt), giveUpAt: asDateOrNull(row.give_up_at) };
  }

  /**
   * Records the outcome of a send we claimed (the message id when sent; when to try again for
   * `retry`). Only a row still `sending` is written: a run that outlived its job (expired and
   * handed out again) finds its row already decided by the other run (`unknown`) and leaves it
   * so. False then: the caller's outcome was not recorded. `counted: false` on a `retry`: the
   * push never reached the push service (the breaker failed it fast), so the send is not one of
   * `maxAttempts`.
   */
  async mark(eventId: string, token: string, status: DeliveryOutcome, extra: { messageId?: string; retryAt?: Date; counted?: boolean } = {}): Promise<boolean> {
    const uncounted = status === 'retry' && extra.counted === false;
    const { rowCount } = await this.db.query(
      `UPDATE deliveries SET status = $3, message_id = coalesce($4, message_id), retry_at = $5, updated_at = now(),
              attempts = CASE WHEN $6::boolean THEN greatest(attempts - 1, 0) ELSE attempts END
        WHERE event_id = $1 AND device_token = $2 AND status = 'sending'`,
      [eventId, token, status, extra.messageId ?? null, extra.retryAt ?? null, uncounted],
    );
    return rowCount === 1;
  }
}

const asDateOrNull = (v: Date | string | null): Date | null => (v === null ? null : asDate(v));
