import type { Database } from '../../../platform/db/Database.js';
import { NOTIFICATION_CATEGORIES, type NotificationCategory } from '../model.js';

export interface Preference {
  readonly category: NotificationCategory;
  readonly enabled: boolean;
}

/** Which categories a user turned off. A category without a row is on: new users get everything. */
export class PreferenceStore {
  constructor(private readonly db: Database) {}

  /** Every category, in the schema's order, with its setting for this user. */
  async of(userId: string): Promise<Preference[]> {
    const { rows } = await this.db.query<{ category: string; enabled: boolean }>('SELECT category, enabled FROM preferences WHERE user_id = $1', [userId]);
    const set = new Map(rows.map((r) => [r.category, r.enabled]));
    return NOTIFICATION_CATEGORIES.map((category) => ({ category, enabled: set.get(category) ?? true }));
  }

  async set(userId: string, category: NotificationCategory, enabled: boolean): Promise<Preference> {
    await this.db.query(
      `INSERT INTO preferences (user_id, category, enabled) VALUES ($1, $2, $3)
       ON CONFLICT (user_id, category) DO UPDATE SET enabled = EXCLUDED.enabled, updated_at = now()`,
      [userId, category, enabled],
    );
    return { category, enabled };
  }

  /** Of `userIds`, those who have `category` on. */
  async enabledAmong(userIds: readonly string[], category: NotificationCategory): Promise<string[]> {
    if (userIds.length === 0) return [];
    const { rows } = await this.db.query<{ user_id: string }>('SELECT user_id FROM preferences WHERE user_id = ANY($1::text[]) AND category = $2 AND NOT enabled', [
      userIds,
      category,
    ]);
    const off = new Set(rows.map((r) => r.user_id));
    return userIds.filter((id) => !off.has(id));
  }
}
