import { randomBytes } from 'node:crypto';
import type { Database } from '../../../platform/db/Database.js';
import { keysetCursor, parseKeysetCursor } from '../../../platform/db/keysetCursor.js';
import { NOTIFICATION_ID, type Notification, type NotificationCategory } from '../model.js';
import { asDate, asJson } from './rows.js';

interface NotificationRow {
  id: string;
  user_id: string;
  event_id: string;
  category: string;
  title: string;
  body: string;
  data: unknown;
  created_at: Date | string;
  read_at: Date | string | null;
}

const COLUMNS = 'id, user_id, event_id, category, title, body, data, created_at, read_at';

const toNotification = (row: NotificationRow): Notification => ({
  id: row.id,
  userId: row.user_id,
  eventId: row.event_id,
  category: row.category as NotificationCategory,
  title: row.title,
  body: row.body,
  data: asJson<Record<string, string>>(row.data),
  createdAt: asDate(row.created_at),
  readAt: row.read_at === null ? null : asDate(row.read_at),
});

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

function newNotificationId(): string {
  let id = 'ntf_';
  for (const b of randomBytes(20)) id += ALPHABET[b % ALPHABET.length];
  return id;
}

/** The myNotifications cursor of a notification (see platform/db/keysetCursor.ts). */
export function notificationCursor(n: Notification): string {
  return keysetCursor(n.createdAt, n.id);
}

export interface NewNotification {
  readonly userId: string;
  readonly eventId: string;
  readonly category: NotificationCategory;
  readonly title: string;
  readonly body: string;
  readonly data: Readonly<Record<string, string>>;
}

/** The users' in-app inbox. */
export class NotificationStore {
  constructor(private readonly db: Database) {}

  /** Writes the user's notification of this event once; a repeat (a redelivered event) changes nothing. */
  async add(n: NewNotification): Promise<void> {
    await this.db.query(
      `INSERT INTO notifications (id, user_id, event_id, category, title, body, data) VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb)
       ON CONFLICT (event_id, user_id) DO NOTHING`,
      [newNotificationId(), n.userId, n.eventId, n.category, n.title, n.body, JSON.stringify(n.data)],
    );
  }

  /** The user's notifications, newest first. A malformed cursor → null (the caller's input error). */
  async page(userId: string, first: number, after: string | null): Promise<{ notifications: Notification[]; hasNextPage: boolean } | null> {
    const from = after === null ? null : parseKeysetCursor(after, NOTIFICATION_ID);
    if (after !== null && from === null) return null;
    const params: unknown[] = [userId, first + 1];
    let where = 'user_id = $1';
    if (from !== null) {
      params.push(from.createdAt, from.id);
      where += ' AND (created_at, id) < ($3::timestamptz, $4)';
    }
    const { rows } = await this.db.query<NotificationRow>(
      `SELECT ${COLUMNS} FROM notifications WHERE ${where} ORDER BY created_at DESC, id DESC LIMIT $2`,
      params,
    );
    return { notifications: rows.slice(0, first).map(toNotification), hasNextPage: rows.length > first };
  }

  /** Marks the user's own among `ids` read (keeping the first read time) and returns them; others' ids are ignored. */
  async markRead(userId: string, ids: readonly string[]): Promise<Notification[]> {
    const { rows } = await this.db.query<NotificationRow>(
      `UPDATE notifications SET read_at = coalesce(read_at, now()) WHERE user_id = $1 AND id = ANY($2::text[])
       RETURNING ${COLUMNS}`,
      [userId, ids],
    );
    return rows.map(toNotification).sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : -1));
  }
}
