import type { Database, Queryable } from '../../../platform/db/Database.js';
import type { ServiceEvent } from '../../../platform/events/ServiceEvent.js';
import { asJson } from './rows.js';

/** The events other services sent us (order.*, review.created), each stored once by id. */
export class EventInbox {
  constructor(private readonly db: Database) {}

  /**
   * Stores a verified event. False for an id already stored (a redelivery): nothing is
   * written. `then` runs in the same transaction when the row is new (its processing job),
   * so the row and the job commit together or not at all, before the route answers 2xx.
   */
  async record(event: ServiceEvent, then: (tx: Queryable) => Promise<unknown>): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const { rowCount } = await tx.query('INSERT INTO events (id, type, payload) VALUES ($1, $2, $3::jsonb) ON CONFLICT (id) DO NOTHING', [
        event.id,
        event.type,
        JSON.stringify(event),
      ]);
      if (rowCount === 0) return false;
      await then(tx);
      return true;
    });
  }

  /** The stored event, or null; `processed` once every push of it was decided. */
  async load(id: string): Promise<{ event: ServiceEvent; processed: boolean } | null> {
    const { rows } = await this.db.query<{ payload: unknown; processed_at: unknown }>('SELECT payload, processed_at FROM events WHERE id = $1', [id]);
    const row = rows[0];
    return row === undefined ? null : { event: asJson<ServiceEvent>(row.payload), processed: row.processed_at !== null };
  }

  async markProcessed(id: string): Promise<void> {
    await this.db.query('UPDATE events SET processed_at = coalesce(processed_at, now()) WHERE id = $1', [id]);
  }
}
