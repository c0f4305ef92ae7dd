import type { Database } from '../../../platform/db/Database.js';

/**
 * What became of one event's push to one device. `sending` is written and committed before
 * the push leaves; a `sending` row found later means a worker died mid-send and the push may
 * have left: it becomes `unknown` and is never sent again (no push twice to one device).
 */
export type DeliveryStatus = 'sending' | 'sent' | 'unregistered' | 'invalid' | 'rejected' | 'retry' | 'unknown' | 'gave_up';

/** What to do about one (event, device). */
export type Claim =
  /** Send now: the row says `sending` with this attempt number, committed. */
  | { readonly kind: 'send'; readonly attempt: number }
  /** Decided already (sent, dead token, refused, unknown, given up): nothing to do. */
  | { readonly kind: 'done'; readonly status: DeliveryStatus }
  /** A crash left it `sending`; now `unknown`: the caller logs it, nothing is sent. */
  | { readonly kind: 'ambiguous' }
  /** The push service asked us to wait, and the time has not come. */
  | { readonly kind: 'wait'; readonly until: Date }
  /** Out of attempts: now `gave_up`. */
  | { readonly kind: 'gave_up'; readonly attempts: number };

export class DeliveryStore {
  constructor(
    private readonly db: Database,
    /** Sends per (event, device) while the push service says "later" (NOTIFICATIONS_SEND_ATTEMPTS). */
    readonly maxAttempts: number,
  ) {}

  /**
   * Decides whether this (event, device) may be pushed now and, if so, commits `sending`
   * first. Every step is a conditional write, so two workers holding the same event (an
   * expired job handed out again) never both send.
   */
  async claim(eventId: string, token: string, userId: string): Promise<Claim> {
    const inserted = await this.db.query(
      `INSERT INTO deliveries (event_id, device_token, user_id, status, attempts) VALUES ($1, $2, $3, 'sending', 1)
       ON CONFLICT (event_id, device_token) DO NOTHING`,
      [eventId, token, userId],
    );
    if (inserted.rowCount === 1) return { kind: 'send', attempt: 1 };
    const { rows } = await this.db.query<{ status: DeliveryStatus; attempts: number; retry_at: Date | string | null }>(
      'SELECT status, attempts, retry_at FROM deliveries WHERE event_id = $1 AND device_token = $2',
      [eventId, token],
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
    if (row.attempts >= this.maxAttempts) {
      await this.mark(eventId, token, 'gave_up');
      return { kind: 'gave_up', attempts: row.attempts };
    }
    const retryAt = row.retry_at === null ? null : new Date(row.retry_at);
    if (retryAt !== null && retryAt.getTime() > Date.now()) return { kind: 'wait', until: retryAt };
    const taken = await this.db.query<{ attempts: number }>(
      `UPDATE deliveries SET status = 'sending', attempts = attempts + 1, updated_at = now()
        WHERE event_id = $1 AND device_token = $2 AND status = 'retry' AND attempts = $3 RETURNING attempts`,
      [eventId, token, row.attempts],
    );
    const attempt = taken.rows[0]?.attempts;
    // Another worker took it between our read and write: it sends, we do not.
    return attempt === undefined ? { kind: 'done', status: 'sending' } : { kind: 'send', attempt: Number(attempt) };
  }

  /** Records the outcome of a send (the message id when sent; when to try again for `retry`). */
  async mark(eventId: string, token: string, status: DeliveryStatus, extra: { messageId?: string; retryAt?: Date } = {}): Promise<void> {
    await this.db.query(
      `UPDATE deliveries SET status = $3, message_id = coalesce($4, message_id), retry_at = $5, updated_at = now()
        WHERE event_id = $1 AND device_token = $2`,
      [eventId, token, status, extra.messageId ?? null, extra.retryAt ?? null],
    );
  }
}
