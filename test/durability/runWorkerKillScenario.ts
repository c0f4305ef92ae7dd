import { performance } from 'node:perf_hooks';
import { createDatabase, type Database } from '../../platform/db/createDatabase.js';
import { createLogger } from '../../platform/log/createLogger.js';
import { sandboxVendorEntry } from '../../platform/registry/services.js';
import { INBOX_QUEUE } from '../../subgraphs/payments/inbox/inboxQueue.js';
import { OrderStore } from '../../subgraphs/payments/store/OrderStore.js';
import { spawnEntry, type SpawnedEntry } from '../harness/spawnEntry.js';
import { dropSchemas, uniqueSchema } from '../harness/testDatabase.js';
import { inboxProgress, readInboxInvariants, type InboxInvariants } from './readInboxInvariants.js';
import { sendDeliveries, type DeliveryOutcome } from './sendDeliveries.js';
import { startPaymentsService } from './startPaymentsService.js';
import { prepareWebhookScenario, type WebhookScenario } from './webhookScenario.js';
import { waitUntil } from './waitUntil.js';

export interface WorkerKillOptions {
  readonly databaseUrl: string;
  /** About this many deliveries (the plan rounds to whole orders). */
  readonly deliveries: number;
  /** Share of deliveries that repeat an event already delivered (0.3). */
  readonly duplicateShare: number;
  readonly seed: number;
  /** Deliveries in flight at once. */
  readonly concurrency: number;
  /** PAYMENTS_INBOX_WORKERS of the worker process. */
  readonly workers: number;
  /** The worker is killed once this share of the events is processed (and again, later, should a kill catch it with no job in hand). */
  readonly killAtShare: number;
  /** How long the workers may take to finish after the last delivery before the run gives up and reports what is left. */
  readonly drainTimeoutMs: number;
  readonly log?: (line: string) => void;
}

export interface WorkerKill {
  /** Inbox rows processed when the worker died. */
  readonly processedBefore: number;
  /** Jobs it had taken and not finished (left active in pg-boss with nobody to finish them). */
  readonly abandonedJobs: number;
}

export interface WorkerKillResult {
  readonly scenario: WebhookScenario;
  readonly outcomes: readonly DeliveryOutcome[];
  readonly kills: readonly WorkerKill[];
  /** Jobs handed out more than once (expired with their worker, or retried). */
  readonly retriedJobs: number;
  readonly invariants: InboxInvariants;
  /** First delivery to last answer. */
  readonly sendMs: number;
  /** First delivery to every inbox row processed (or the drain timeout). */
  readonly totalMs: number;
}

const WORKER_ENTRY = 'subgraphs/payments/worker/main.ts';
const MAX_KILLS = 3;

/**
 * The durability scenario on PostgreSQL: the payments service in this process receives
 * only (PAYMENTS_INBOX_WORKERS=0); its inbox workers run in a child process on the same
 * schema. Orders are seeded through the store, their events are delivered signed, with
 * duplicates and in random order, and the worker process is SIGKILLed mid-stream (at a
 * moment it holds jobs) and started again. Then the database is read. Everything it
 * starts it stops, and its schemas are dropped.
 */
export async function runWorkerKillScenario(options: WorkerKillOptions): Promise<WorkerKillResult> {
  const log = options.log ?? (() => undefined);
  const schema = uniqueSchema('durability');
  const jobsSchema = `${schema}_jobs`;
  const env: Record<string, string> = {
    DATABASE_URL: options.databaseUrl,
    PAYMENTS_DATABASE_SCHEMA: schema,
    PAYMENTS_INBOX_WORKERS: '0',
    PAYMENTS_INBOX_POLL_MS: '500',
    PAYMENTS_INBOX_RETRY_AFTER_S: '2',
    // The reconciler would ask the payment vendor (not running here) about orders: out of the way.
    PAYMENTS_RECONCILE_AFTER_MS: '86400000',
  };
  const secret = sandboxVendorEntry('payments').secrets?.[0];
  if (secret === undefined) throw new Error('the registry has no default webhook secret for payments');

  let service: Awaited<ReturnType<typeof startPaymentsService>> | undefined;
  let db: Database | undefined;
  let worker: SpawnedEntry | undefined;
  const startWorker = async () => {
    // info: the worker says it is ready at that level.
    const child = spawnEntry(WORKER_ENTRY, { ...env, PAYMENTS_INBOX_WORKERS: String(options.workers), LOG_LEVEL: 'info' });
    worker = child;
    await child.waitFor(/payments worker ready/);
    return child;
  };
  try {
    service = await startPaymentsService(env);
    db = await createDatabase({ url: options.databaseUrl, dataDir: 'memory://', schema, logger: createLogger({ service: 'durability', level: 'silent' }) });
    const store = new OrderStore(db);
    const scenario = await prepareWebhookScenario(store, options);
    const distinct = scenario.events.length;
    log(`seed ${scenario.seed}: ${scenario.orders.length} orders, ${distinct} events, ${scenario.deliveries.length} deliveries`);
    const activeJobs = async () =>
      Number((await db!.query<{ n: string }>(`SELECT count(*) AS n FROM "${jobsSchema}".job WHERE name = $1 AND state = 'active'`, [INBOX_QUEUE])).rows[0]?.n ?? 0);

    await startWorker();
    const started = performance.now();
    const webhookUrl = service.webhookUrl;
    let lastAnswer = started;
    const sending = sendDeliveries(scenario.deliveries, { url: () => webhookUrl, secret, concurrency: options.concurrency }).then((outcomes) => {
      lastAnswer = performance.now();
      return outcomes;
    });

    const kills: WorkerKill[] = [];
    while (kills.length < MAX_KILLS && !kills.some((k) => k.abandonedJobs > 0)) {
      const target = Math.ceil(distinct * Math.min(0.9, options.killAtShare + 0.15 * kills.length));
      // Mid-stream and mid-job: some events processed, not all, and the worker holds jobs right now.
      await waitUntil(
        async () => {
          const { processed } = await inboxProgress(db!);
          if (processed >= distinct) throw new Error(`every event was processed before the worker could be killed mid-stream (kill ${kills.length + 1}): raise the deliveries`);
          return processed >= target && (await activeJobs()) > 0;
        },
        { timeoutMs: options.drainTimeoutMs, what: `the worker to hold jobs after ${target} events are processed` },
      );
      const victim = worker!;
      victim.kill();
      await victim.exited();
      const kill = { processedBefore: (await inboxProgress(db)).processed, abandonedJobs: await activeJobs() };
      kills.push(kill);
      log(`worker SIGKILLed with ${kill.processedBefore}/${distinct} events processed and ${kill.abandonedJobs} jobs in hand; restarting it`);
      await startWorker();
    }

    const outcomes = await sending;
    const sendMs = lastAnswer - started;
    log(`${outcomes.length} deliveries answered in ${Math.round(sendMs)} ms; waiting for the workers`);
    await waitUntil(async () => (await inboxProgress(db!)).processed >= distinct, { timeoutMs: options.drainTimeoutMs, what: 'every inbox row to be processed' }).catch(
      (err: unknown) => log(String(err)),
    );
    const totalMs = performance.now() - started;
    const invariants = await readInboxInvariants(db, scenario);
    const { rows } = await db.query<{ n: string }>(`SELECT count(*) AS n FROM "${jobsSchema}".job WHERE name = $1 AND retry_count > 0`, [INBOX_QUEUE]);
    return { scenario, outcomes, kills, retriedJobs: Number(rows[0]?.n ?? 0), invariants, sendMs, totalMs };
  } finally {
    const child = worker;
    if (child !== undefined) {
      child.child.kill('SIGTERM');
      const stopped = await Promise.race([child.exited().then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 10_000).unref())]);
      if (!stopped) child.kill();
    }
    await service?.close();
    await db?.close();
    await dropSchemas(options.databaseUrl, [schema, jobsSchema]);
  }
}
