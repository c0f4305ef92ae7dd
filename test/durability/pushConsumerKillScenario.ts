import { performance } from 'node:perf_hooks';
import { createDatabase, type Database } from '../../platform/db/createDatabase.js';
import { createLogger } from '../../platform/log/createLogger.js';
import { SANDBOX_EVENTS_SECRET } from '../../platform/registry/services.js';
import { EVENT_QUEUE } from '../../subgraphs/notifications/inbox/eventQueue.js';
import type { Device } from '../../subgraphs/notifications/model.js';
import { DeviceStore } from '../../subgraphs/notifications/store/DeviceStore.js';
import type { SpawnedEntry } from '../harness/spawnEntry.js';
import { dropSchemas, uniqueSchema } from '../harness/testDatabase.js';
import { startPushConsumer, type RunningPushConsumer } from './pushConsumer.js';
import { pushUserIds, registerPushDevices } from './pushDevices.js';
import { planPushEvents, type PushEventPlan } from './pushEventPlan.js';
import { readPushInvariants, type PushInvariants } from './pushInvariants.js';
import { startPushSandboxPair, type PushSandboxPair } from './pushSandboxPair.js';
import { startPushWorker, stopPushWorker } from './pushWorkerProcess.js';
import { seededRandom } from './seededRandom.js';
import { sendDeliveries, type DeliveryOutcome } from './sendDeliveries.js';
import { waitUntil } from './waitUntil.js';

export interface PushConsumerKillOptions {
  readonly databaseUrl: string;
  readonly users: number;
  /** Each user has 1..this many phones. */
  readonly maxDevicesPerUser: number;
  /** Distinct order events (one per order). */
  readonly events: number;
  /** Share of deliveries that repeat an event already delivered (0.3). */
  readonly duplicateShare: number;
  readonly seed: number;
  /** Deliveries in flight at once. */
  readonly concurrency: number;
  /** NOTIFICATIONS_WORKERS of the worker process. */
  readonly workers: number;
  /** The worker is killed once each of these shares of the pushes is sent (at a moment a push is in flight). */
  readonly killAtShares: readonly number[];
  /** Each push sandbox answers after this latency plus up to the jitter (ms): pushes are in flight when a kill lands. */
  readonly sandboxLatencyMs: number;
  readonly sandboxJitterMs: number;
  /** How long the workers may take to finish after the last delivery before the run gives up and reports what is left. */
  readonly drainTimeoutMs: number;
  readonly log?: (line: string) => void;
}

export interface PushKill {
  /** Deliveries `sent` when the worker died. */
  readonly sentBefore: number;
  /**
   * Deliveries seen `sending` just after it died: committed, the push in flight or about to leave
   * (or just answered: its `sent` write, already at the database, may still land).
   */
  readonly leftSending: number;
  /** Event jobs it had taken and not finished. */
  readonly abandonedJobs: number;
}

export interface PushConsumerKillResult {
  readonly seed: number;
  readonly devices: readonly Device[];
  readonly plan: PushEventPlan;
  readonly outcomes: readonly DeliveryOutcome[];
  readonly kills: readonly PushKill[];
  /** Event jobs handed out more than once (expired with their worker, or retried). */
  readonly retriedJobs: number;
  readonly invariants: PushInvariants;
  /** First delivery to every event processed (or the drain timeout). */
  readonly totalMs: number;
}

/** Further kills are tried (up to this many in all) while none caught a push in flight. */
const MAX_KILLS = 4;
/** An expired job is handed out again after this long (NOTIFICATIONS_RETRY_AFTER_S): short, so the run drains soon after a kill. */
const RETRY_AFTER_S = '3';

/**
 * The push consumer's durability on PostgreSQL: the FCM and APNs sandboxes and the
 * notifications service (receipt only, NOTIFICATIONS_WORKERS=0) in this process, its event
 * workers in a child process on the same schema. Devices are registered through the store,
 * signed order events are delivered with duplicates in random order, and the worker process
 * is SIGKILLed while a push is in flight (a `deliveries` row is `sending`) and started again,
 * more than once. Then the database and the sandboxes' logs are read. Everything it starts
 * it stops, and its schemas are dropped.
 */
export async function runPushConsumerKillScenario(options: PushConsumerKillOptions): Promise<PushConsumerKillResult> {
  const log = options.log ?? (() => undefined);
  const random = seededRandom(options.seed);
  const schema = uniqueSchema('push_kill');
  const jobsSchema = `${schema}_jobs`;

  let pair: PushSandboxPair | undefined;
  let service: RunningPushConsumer | undefined;
  let db: Database | undefined;
  let worker: SpawnedEntry | undefined;
  try {
    pair = await startPushSandboxPair({ latencyMs: options.sandboxLatencyMs, jitterMs: options.sandboxJitterMs });
    const env: Record<string, string> = {
      DATABASE_URL: options.databaseUrl,
      NOTIFICATIONS_DATABASE_SCHEMA: schema,
      NOTIFICATIONS_WORKERS: '0',
      NOTIFICATIONS_POLL_MS: '500',
      NOTIFICATIONS_RETRY_AFTER_S: RETRY_AFTER_S,
      // What is tested is a kill. A push that times out is sent again on the job's next run (a
      // timeout cannot tell whether it arrived), and on a loaded machine 1 s is short enough for
      // that to happen. So each send gets 2.5 s, which is still less than the job's expiry.
      NOTIFICATIONS_VENDOR_DEADLINE_MS: '2500',
      NOTIFICATIONS_APNS_DEADLINE_MS: '2500',
      ...pair.env,
    };
    service = await startPushConsumer(env);
    db = await createDatabase({ url: options.databaseUrl, dataDir: 'memory://', schema, logger: createLogger({ service: 'push-durability', level: 'silent' }) });
    const devices = await registerPushDevices(new DeviceStore(db, 10), random, { userIds: pushUserIds(options.users), maxPerUser: options.maxDevicesPerUser });
    const userIds = [...new Set(devices.map((d) => d.userId))];
    const plan = planPushEvents(random, userIds, { events: options.events, duplicateShare: options.duplicateShare });
    const perUser = new Map<string, number>();
    for (const d of devices) perUser.set(d.userId, (perUser.get(d.userId) ?? 0) + 1);
    const expectedPushes = plan.events.reduce((n, e) => n + (perUser.get(plan.userOf.get(e.id)!) ?? 0), 0);
    log(
      `seed ${options.seed}: ${userIds.length} users, ${devices.length} devices (${devices.filter((d) => d.platform === 'IOS').length} iOS), ` +
        `${plan.events.length} events, ${plan.deliveries.length} deliveries, ${expectedPushes} pushes due`,
    );

    const progress = async () => {
      const { rows } = await db!.query<{ sent: string; sending: string }>(
        "SELECT count(*) FILTER (WHERE status = 'sent') AS sent, count(*) FILTER (WHERE status = 'sending') AS sending FROM deliveries",
      );
      return { sent: Number(rows[0]?.sent ?? 0), sending: Number(rows[0]?.sending ?? 0) };
    };
    const activeJobs = async () =>
      Number((await db!.query<{ n: string }>(`SELECT count(*) AS n FROM "${jobsSchema}".job WHERE name = $1 AND state = 'active'`, [EVENT_QUEUE])).rows[0]?.n ?? 0);

    // The worker's connections carry a name of their own (a connection string's parameters win
    // over the pool's application_name), so that a kill can wait for PostgreSQL to let go of them.
    const workerApp = `${schema}_worker`;
    const workerEnv = { ...env, DATABASE_URL: withApplicationName(options.databaseUrl, workerApp) };
    const workerConnections = async () =>
      Number((await db!.query<{ n: string }>('SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = $1', [workerApp])).rows[0]?.n ?? 0);

    worker = await startPushWorker(workerEnv, options.workers);
    // Else the wait after each kill below would pass at once and guard nothing.
    if ((await workerConnections()) === 0) throw new Error(`the push worker has no connection named ${workerApp} in pg_stat_activity`);
    const started = performance.now();
    const eventsUrl = service.eventsUrl;
    const sending = sendDeliveries(plan.deliveries, { url: () => eventsUrl, secret: SANDBOX_EVENTS_SECRET, concurrency: options.concurrency });

    const kills: PushKill[] = [];
    const killedSending = new Set<string>();
    const shares = [...options.killAtShares];
    while (kills.length < MAX_KILLS) {
      const share = shares.shift() ?? (kills.some((k) => k.leftSending > 0) ? undefined : Math.min(0.9, (options.killAtShares.at(-1) ?? 0.5) + 0.1 * kills.length));
      if (share === undefined) break;
      const target = Math.ceil(expectedPushes * share);
      let over = false;
      // Mid-stream and mid-send: some pushes sent, not all, and one in flight right now.
      await waitUntil(
        async () => {
          const p = await progress();
          over = p.sent >= expectedPushes;
          return over || (p.sent >= target && p.sending > 0);
        },
        { timeoutMs: options.drainTimeoutMs, what: `a push in flight after ${target} pushes are sent`, intervalMs: 5 },
      );
      if (over) {
        if (kills.length === 0) throw new Error('every push was sent before the worker could be killed mid-stream: raise the events');
        log(`every push was sent before kill ${kills.length + 1}: no more kills`);
        break;
      }
      const victim = worker;
      worker = undefined;
      victim.kill();
      await victim.exited();
      // A statement the worker sent just before it died may still be in its PostgreSQL
      // backend's hands (the server runs what it has received, then sees the socket closed).
      // On a loaded machine that can be a row's move to `sending`, which a snapshot taken now
      // would miss: the backends are gone only once nothing more of the worker can land.
      await waitUntil(async () => (await workerConnections()) === 0, { timeoutMs: options.drainTimeoutMs, what: "the killed worker's connections to close", intervalMs: 5 });
      const { rows } = await db.query<{ event_id: string; device_token: string }>("SELECT event_id, device_token FROM deliveries WHERE status = 'sending'");
      for (const r of rows) killedSending.add(`${r.event_id} ${r.device_token}`);
      const kill: PushKill = { sentBefore: (await progress()).sent, leftSending: rows.length, abandonedJobs: await activeJobs() };
      kills.push(kill);
      log(`worker SIGKILLed with ${kill.sentBefore}/${expectedPushes} pushes sent, ${kill.leftSending} in flight and ${kill.abandonedJobs} jobs in hand; restarting it`);
      worker = await startPushWorker(workerEnv, options.workers);
    }

    const outcomes = await sending;
    log(`${outcomes.length} deliveries answered; waiting for the workers`);
    const distinct = plan.events.length;
    await waitUntil(
      async () => Number((await db!.query<{ n: string }>('SELECT count(*) AS n FROM events WHERE processed_at IS NOT NULL')).rows[0]?.n ?? 0) >= distinct,
      { timeoutMs: options.drainTimeoutMs, what: 'every event to be processed', intervalMs: 100 },
    ).catch((err: unknown) => log(String(err)));
    const totalMs = performance.now() - started;
    const invariants = await readPushInvariants(db, plan, devices, pair.received(), killedSending);
    const { rows } = await db.query<{ n: string }>(`SELECT count(*) AS n FROM "${jobsSchema}".job WHERE name = $1 AND retry_count > 0`, [EVENT_QUEUE]);
    return { seed: options.seed, devices, plan, outcomes, kills, retriedJobs: Number(rows[0]?.n ?? 0), invariants, totalMs };
  } finally {
    // Each step attempted even if one fails, so a failing run never leaks a process or a server.
    const stops = await Promise.allSettled([worker === undefined ? undefined : stopPushWorker(worker), service?.close()]);
    for (const r of stops) if (r.status === 'rejected') log(`did not stop cleanly: ${String(r.reason)}`);
    await db?.close();
    await pair?.close();
    await dropSchemas(options.databaseUrl, [schema, jobsSchema]);
  }
}

/** `url` with `application_name` set, which PostgreSQL shows for each of its connections in pg_stat_activity. */
function withApplicationName(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.searchParams.set('application_name', name);
  return parsed.toString();
}
