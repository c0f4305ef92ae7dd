import type { Database } from '../../platform/db/Database.js';
import type { ServiceEvent } from '../../platform/events/ServiceEvent.js';
import type { Device } from '../../subgraphs/notifications/model.js';
import { renderNotification } from '../../subgraphs/notifications/push/renderNotification.js';
import type { ReceivedPush } from './pushSandboxPair.js';
import type { PushEventPlan } from './pushEventPlan.js';

/** What the consumer's database and the push sandboxes say after a run; every count but the totals must be 0 in a good run. */
export interface PushInvariants {
  readonly eventRows: number;
  readonly processed: number;
  /** Planned (and acknowledged) events with no row: lost. */
  readonly lostEvents: number;
  readonly unprocessed: number;
  readonly inboxRows: number;
  /** Events without exactly one inbox row, for their owner. */
  readonly inboxWrong: number;
  /** (event, device) pairs the plan implies: each event times its owner's devices. */
  readonly expectedDeliveries: number;
  readonly deliveryRows: number;
  readonly missingDeliveries: number;
  readonly strayDeliveries: number;
  readonly byStatus: Readonly<Record<string, number>>;
  /** `unknown` rows that were `sending` when a worker was killed (the documented price of a crash mid-send). */
  readonly unknownFromKills: number;
  /** `unknown` rows no kill explains. */
  readonly unknownOther: number;
  /** Of the `unknown` rows, those whose push had reached the sandbox before the kill. */
  readonly unknownAtSandbox: number;
  /** Pushes the sandboxes accepted. */
  readonly pushes: number;
  /** (device, event) pairs pushed more than once: the promise is none. */
  readonly pushedTwice: number;
  /** Pushes to a pair the plan does not imply. */
  readonly strayPushes: number;
  /** `sent` rows whose push is not at the sandbox. */
  readonly sentNotAtSandbox: number;
  /** A few offenders, to read when a count is off. */
  readonly examples: readonly string[];
}

const key = (token: string, collapseId: string | null) => `${token} ${collapseId ?? '-'}`;

/**
 * Reads the consumer's tables and the sandboxes' logs and checks them against the plan,
 * computed here rather than with the code under test: each event's pushes are keyed by
 * (device token, collapse id), one collapse id per order and one event per order.
 * `killedSending` are the (event, token) pairs seen `sending` right after each kill.
 */
export async function readPushInvariants(
  db: Database,
  plan: PushEventPlan,
  devices: readonly Device[],
  pushes: readonly ReceivedPush[],
  killedSending: ReadonlySet<string>,
): Promise<PushInvariants> {
  const examples: string[] = [];
  const note = (line: string) => void (examples.length < 8 && examples.push(line));
  const devicesOf = new Map<string, Device[]>();
  for (const d of devices) devicesOf.set(d.userId, [...(devicesOf.get(d.userId) ?? []), d]);

  // (event id + token) → the push key; the expected set of pairs.
  const expected = new Map<string, string>();
  for (const planned of plan.events) {
    const event = JSON.parse(planned.body) as ServiceEvent;
    const collapseId = renderNotification(event, 'en')?.collapseId ?? null;
    for (const device of devicesOf.get(plan.userOf.get(planned.id)!) ?? []) expected.set(`${planned.id} ${device.token}`, key(device.token, collapseId));
  }

  const events = (await db.query<{ id: string; processed: boolean }>('SELECT id, processed_at IS NOT NULL AS processed FROM events')).rows;
  const stored = new Set(events.map((e) => e.id));
  const lost = plan.events.filter((e) => !stored.has(e.id));
  for (const e of lost) note(`event lost: ${e.id}`);
  const unprocessed = events.filter((e) => !e.processed);
  for (const e of unprocessed) note(`event not processed: ${e.id}`);

  const inbox = (await db.query<{ event_id: string; user_id: string }>('SELECT event_id, user_id FROM notifications')).rows;
  const inboxOf = new Map<string, string[]>();
  for (const row of inbox) inboxOf.set(row.event_id, [...(inboxOf.get(row.event_id) ?? []), row.user_id]);
  let inboxWrong = 0;
  for (const e of plan.events) {
    const users = inboxOf.get(e.id) ?? [];
    if (users.length !== 1 || users[0] !== plan.userOf.get(e.id)) {
      inboxWrong += 1;
      note(`inbox of ${e.id}: ${JSON.stringify(users)}`);
    }
  }

  const rows = (await db.query<{ event_id: string; device_token: string; status: string }>('SELECT event_id, device_token, status FROM deliveries')).rows;
  const byStatus: Record<string, number> = {};
  const statusOf = new Map<string, string>();
  for (const row of rows) {
    byStatus[row.status] = (byStatus[row.status] ?? 0) + 1;
    statusOf.set(`${row.event_id} ${row.device_token}`, row.status);
  }
  const strayDeliveries = rows.filter((r) => !expected.has(`${r.event_id} ${r.device_token}`)).length;
  const missingDeliveries = [...expected.keys()].filter((pair) => !statusOf.has(pair)).length;

  const pushCount = new Map<string, number>();
  for (const p of pushes) pushCount.set(key(p.token, p.collapseId), (pushCount.get(key(p.token, p.collapseId)) ?? 0) + 1);
  const expectedKeys = new Set(expected.values());
  let pushedTwice = 0;
  let strayPushes = 0;
  for (const [k, n] of pushCount) {
    if (n > 1) {
      pushedTwice += 1;
      note(`pushed ${n} times: ${k}`);
    }
    if (!expectedKeys.has(k)) strayPushes += 1;
  }

  let unknownFromKills = 0;
  let unknownOther = 0;
  let unknownAtSandbox = 0;
  let sentNotAtSandbox = 0;
  for (const [pair, status] of statusOf) {
    const atSandbox = pushCount.has(expected.get(pair) ?? '');
    if (status === 'unknown') {
      if (killedSending.has(pair)) unknownFromKills += 1;
      else {
        unknownOther += 1;
        note(`unknown, no kill explains it: ${pair}`);
      }
      if (atSandbox) unknownAtSandbox += 1;
    } else if (status === 'sent' && !atSandbox) {
      sentNotAtSandbox += 1;
      note(`sent but not at the sandbox: ${pair}`);
    }
  }

  return {
    eventRows: events.length,
    processed: events.length - unprocessed.length,
    lostEvents: lost.length,
    unprocessed: unprocessed.length,
    inboxRows: inbox.length,
    inboxWrong,
    expectedDeliveries: expected.size,
    deliveryRows: rows.length,
    missingDeliveries,
    strayDeliveries,
    byStatus,
    unknownFromKills,
    unknownOther,
    unknownAtSandbox,
    pushes: pushes.length,
    pushedTwice,
    strayPushes,
    sentNotAtSandbox,
    examples,
  };
}
