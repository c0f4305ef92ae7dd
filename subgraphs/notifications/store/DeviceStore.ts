import type { Database, Queryable } from '../../../platform/db/Database.js';
import type { DeviceInput } from '../deviceInput.js';
import type { Device, DevicePlatform } from '../model.js';
import { asDate } from './rows.js';

interface DeviceRow {
  token: string;
  platform: string;
  user_id: string;
  locale: string;
  app_version: string;
  created_at: Date | string;
  last_seen_at: Date | string;
}

const COLUMNS = 'token, platform, user_id, locale, app_version, created_at, last_seen_at';

const toDevice = (row: DeviceRow): Device => ({
  token: row.token,
  platform: row.platform as DevicePlatform,
  userId: row.user_id,
  locale: row.locale,
  appVersion: row.app_version,
  createdAt: asDate(row.created_at),
  lastSeenAt: asDate(row.last_seen_at),
});

/** The push tokens, each owned by the user who registered it last. */
export class DeviceStore {
  constructor(
    private readonly db: Database,
    private readonly maxPerUser: number,
  ) {}

  /**
   * Upserts by token: the same token from another user moves the device to that user (the
   * phone changed hands; `created_at` restarts so the new owner learns nothing of the old).
   * Past `maxPerUser`, the user's devices seen least recently are dropped. A lock per user
   * keeps two concurrent registrations from both skipping the cap.
   */
  async register(userId: string, input: DeviceInput): Promise<Device> {
    return this.db.transaction(async (tx) => {
      await lockUser(tx, userId);
      const { rows } = await tx.query<DeviceRow>(
        `INSERT INTO devices (token, platform, user_id, locale, app_version) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (token) DO UPDATE SET
           platform = EXCLUDED.platform, locale = EXCLUDED.locale, app_version = EXCLUDED.app_version,
           created_at = CASE WHEN devices.user_id = EXCLUDED.user_id THEN devices.created_at ELSE now() END,
           user_id = EXCLUDED.user_id, updated_at = now(), last_seen_at = now()
         RETURNING ${COLUMNS}`,
        [input.token, input.platform, userId, input.locale, input.appVersion],
      );
      await tx.query(
        `DELETE FROM devices WHERE token IN (
           SELECT token FROM devices WHERE user_id = $1 AND token <> $2 ORDER BY last_seen_at DESC, token OFFSET $3)`,
        [userId, input.token, this.maxPerUser - 1],
      );
      const row = rows[0];
      if (row === undefined) throw new Error('device upsert returned no row');
      return toDevice(row);
    });
  }

  /** Removes the token when it is this user's (APNs tokens in any case); false otherwise, someone else's included. */
  async unregister(userId: string, token: string): Promise<boolean> {
    const { rowCount } = await this.db.query(
      `DELETE FROM devices WHERE user_id = $1 AND (token = $2 OR (platform = 'IOS' AND token = lower($2)))`,
      [userId, token],
    );
    return rowCount > 0;
  }

  /** The user's devices, most recently seen first. */
  async devicesOf(userId: string, q: Queryable = this.db): Promise<Device[]> {
    const { rows } = await q.query<DeviceRow>(`SELECT ${COLUMNS} FROM devices WHERE user_id = $1 ORDER BY last_seen_at DESC, token`, [userId]);
    return rows.map(toDevice);
  }

  /**
   * The user's devices that an event concerns: those registered (by this owner: `created_at`
   * restarts when a phone changes hands) at or before the event was received, most recently
   * seen first. Compared on the database's clock, so a phone registered after the event never
   * gets its push, however often (or late) the event is processed.
   */
  async devicesAtEvent(userId: string, eventId: string): Promise<Device[]> {
    const { rows } = await this.db.query<DeviceRow>(
      `SELECT ${COLUMNS} FROM devices
        WHERE user_id = $1 AND created_at <= (SELECT received_at FROM events WHERE id = $2)
        ORDER BY last_seen_at DESC, token`,
      [userId, eventId],
    );
    return rows.map(toDevice);
  }

  /**
   * The push service says the token is dead (uninstalled app, reset phone): forget it, but
   * only while it still belongs to `userId` (it may have been registered again meanwhile, by a
   * new owner whose fresh registration must not be lost), and, when the push service says since
   * when it is dead (APNs' 410 timestamp), only if it was not registered again after that: a
   * token the app re-registered later is valid again.
   */
  async forget(token: string, userId: string, deadSince?: Date): Promise<boolean> {
    const { rowCount } = await this.db.query(
      'DELETE FROM devices WHERE token = $1 AND user_id = $2 AND ($3::timestamptz IS NULL OR last_seen_at < $3::timestamptz)',
      [token, userId, deadSince ?? null],
    );
    return rowCount > 0;
  }
}

async function lockUser(tx: Queryable, userId: string): Promise<void> {
  await tx.query("SELECT pg_advisory_xact_lock(hashtext('notifications.devices:' || $1))", [userId]);
}
