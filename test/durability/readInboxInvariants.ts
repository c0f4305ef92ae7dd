import type { Queryable } from '../../platform/db/Database.js';
import type { WebhookScenario } from './webhookScenario.js';

/** What the database says after a run, set against the scenario. Every count but `inboxRows` and `processed` must be 0. */
export interface InboxInvariants {
  readonly inboxRows: number;
  readonly processed: number;
  /** Planned events with no inbox row: acknowledged or not, they are gone. */
  readonly lost: number;
  /** Inbox rows of no planned event. */
  readonly unexpected: number;
  readonly unprocessed: number;
  /** Rows whose processing committed more than once. */
  readonly appliedTwice: number;
  /** Processed rows whose processing never committed (applications = 0). */
  readonly neverApplied: number;
  /** Rows whose outcome is not applied or no_change (our events all name a real order with the right intent and amount). */
  readonly refusedOutcomes: number;
  /** Orders whose status is not the highest their events imply. */
  readonly wrongStatus: number;
  /** (order, to_status) pairs recorded more than once in order_transitions. */
  readonly duplicateTransitions: number;
  /** Transitions caused by no planned event. */
  readonly strayTransitions: number;
  /** A few examples of whatever is wrong, for the failure message. */
  readonly examples: readonly string[];
}

/** Reads the payments store (inbox, orders, order_transitions): the evidence, not the logs. */
export async function readInboxInvariants(db: Queryable, scenario: WebhookScenario): Promise<InboxInvariants> {
  const examples: string[] = [];
  const note = (text: string) => examples.length < 10 && examples.push(text);

  const { rows: inbox } = await db.query<{ event_id: string; processed: boolean; applications: number; outcome: string | null }>(
    'SELECT event_id, processed_at IS NOT NULL AS processed, applications, outcome FROM inbox',
  );
  const planned = new Set(scenario.events.map((e) => e.id));
  const stored = new Set(inbox.map((r) => r.event_id));
  const lost = scenario.events.filter((e) => !stored.has(e.id));
  for (const e of lost.slice(0, 3)) note(`lost: ${e.id} (${e.type} of ${e.orderId})`);
  const unexpected = inbox.filter((r) => !planned.has(r.event_id));
  const unprocessed = inbox.filter((r) => !r.processed);
  for (const r of unprocessed.slice(0, 3)) note(`unprocessed: ${r.event_id}`);
  const appliedTwice = inbox.filter((r) => r.applications > 1);
  for (const r of appliedTwice.slice(0, 3)) note(`applied ${r.applications} times: ${r.event_id}`);
  const neverApplied = inbox.filter((r) => r.processed && r.applications === 0);
  const refused = inbox.filter((r) => r.processed && r.outcome !== 'applied' && r.outcome !== 'no_change');
  for (const r of refused.slice(0, 3)) note(`outcome ${r.outcome}: ${r.event_id}`);

  const { rows: orders } = await db.query<{ id: string; status: string }>('SELECT id, status FROM orders WHERE id = ANY($1::text[])', [[...scenario.expected.keys()]]);
  const wrong = orders.filter((o) => scenario.expected.get(o.id) !== o.status);
  for (const o of wrong.slice(0, 3)) note(`order ${o.id} is ${o.status}, its events imply ${scenario.expected.get(o.id)}`);
  const missingOrders = scenario.expected.size - orders.length;

  const { rows: dupes } = await db.query<{ order_id: string; to_status: string; n: string }>(
    'SELECT order_id, to_status, count(*) AS n FROM order_transitions GROUP BY order_id, to_status HAVING count(*) > 1',
  );
  for (const d of dupes.slice(0, 3)) note(`order ${d.order_id} moved to ${d.to_status} ${d.n} times`);
  const { rows: transitions } = await db.query<{ event_id: string | null; source: string }>('SELECT event_id, source FROM order_transitions');
  const stray = transitions.filter((t) => t.source !== 'webhook' || t.event_id === null || !planned.has(t.event_id));

  return {
    inboxRows: inbox.length,
    processed: inbox.length - unprocessed.length,
    lost: lost.length,
    unexpected: unexpected.length,
    unprocessed: unprocessed.length,
    appliedTwice: appliedTwice.length,
    neverApplied: neverApplied.length,
    refusedOutcomes: refused.length,
    wrongStatus: wrong.length + missingOrders,
    duplicateTransitions: dupes.length,
    strayTransitions: stray.length,
    examples,
  };
}

/** Processed and total inbox rows, for waiting on the workers. */
export async function inboxProgress(db: Queryable): Promise<{ processed: number; total: number }> {
  const { rows } = await db.query<{ processed: string; total: string }>(
    'SELECT count(*) FILTER (WHERE processed_at IS NOT NULL) AS processed, count(*) AS total FROM inbox',
  );
  return { processed: Number(rows[0]?.processed ?? 0), total: Number(rows[0]?.total ?? 0) };
}
