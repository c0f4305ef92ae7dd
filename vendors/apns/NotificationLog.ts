import type { ApnsNotification } from './readNotification.js';

/** Enough for any test or benchmark run, bounded for a long one. */
const KEEP = 50_000;

/** Every notification the sandbox accepted, in order of acceptance (the newest `KEEP`). */
export class NotificationLog {
  private entries: ApnsNotification[] = [];
  private accepted = 0;

  add(n: ApnsNotification): void {
    this.accepted += 1;
    this.entries.push(n);
    if (this.entries.length > KEEP) this.entries.splice(0, this.entries.length - KEEP);
  }

  /** `count` is every acceptance since the last clear, even past what is kept. */
  list(filter: { token?: string; topic?: string } = {}): { count: number; notifications: ApnsNotification[] } {
    const token = filter.token?.toLowerCase();
    const picked = this.entries.filter((n) => (token === undefined || n.token === token) && (filter.topic === undefined || n.topic === filter.topic));
    const filtered = token !== undefined || filter.topic !== undefined;
    return { count: filtered ? picked.length : this.accepted, notifications: picked.map((n) => structuredClone(n)) };
  }

  clear(): void {
    this.entries = [];
    this.accepted = 0;
  }
}
