import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createDatabase, type Database } from '../../platform/db/createDatabase.js';
import { runMigrations } from '../../platform/db/runMigrations.js';
import { createLogger } from '../../platform/log/createLogger.js';
import { WEBHOOK_PATH } from '../../subgraphs/payments/server.js';
import { paymentsMigrations } from '../../subgraphs/payments/store/migrations.js';
import { OrderStore } from '../../subgraphs/payments/store/OrderStore.js';
import { readInboxInvariants, inboxProgress, type InboxInvariants } from '../../test/durability/readInboxInvariants.js';
import { sendDeliveries } from '../../test/durability/sendDeliveries.js';
import { prepareWebhookScenario, sentPart } from '../../test/durability/webhookScenario.js';
import { waitUntil } from '../../test/durability/waitUntil.js';
import { spawnEntry, type SpawnedEntry } from '../../test/harness/spawnEntry.js';
import { dropSchemas, uniqueSchema } from '../../test/harness/testDatabase.js';

export type StoreKind = 'embedded' | 'postgres';

export interface InboxFigures {
  readonly sent: number;
  readonly distinct: number;
  readonly accepted: number;
  readonly refused: number;
  /** Accepted deliveries per second of sending. */
  readonly acceptedPerS: number;
  /** Events applied per second, first receipt to last application (the inbox's own timestamps). */
  readonly appliedPerS: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  readonly invariants: InboxInvariants;
}

export interface MeasureOptions {
  readonly store: StoreKind;
  readonly databaseUrl?: string;
  readonly deliveries: number;
  readonly duplicateShare: number;
  readonly concurrency: number;
  /** Open loop at this many deliveries per second (see sendDeliveries); unset = as fast as `concurrency` allows. */
  readonly ratePerS?: number;
  readonly workers: number;
  /** No delivery starts after this long. */
  readonly sendForMs: number;
  readonly drainTimeoutMs: number;
  readonly seed: number;
  readonly secret: string;
  readonly log: (line: string) => void;
}

const silent = createLogger({ service: 'bench-webhooks', level: 'silent' });
const PROCESSED_LINE = /"msg":"inbox event processed"/g;

function percentile(sorted: readonly number[], q: number): number {
  return sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}

/**
 * One store kind: the payments service as `npm start` runs it (subgraphs/payments/main.ts,
 * its own process, inbox workers inside), orders seeded in its store beforehand, then the
 * deliveries (duplicates, random order) at a fixed concurrency. Receipt latency is what the
 * sender saw; rates and invariants come from the database afterwards. Embedded, the
 * database belongs to the service while it runs (one process per PGlite), so it is read
 * once the service has stopped; the service's log only says when to stop it.
 */
export async function measureInbox(options: MeasureOptions): Promise<InboxFigures> {
  const { log } = options;
  let dir: string | undefined;
  let schema: string | undefined;
  let db: Database | undefined;
  let service: SpawnedEntry | undefined;
  const env: Record<string, string> = {
    PAYMENTS_PORT: '0',
    PAYMENTS_INBOX_WORKERS: String(options.workers),
    PAYMENTS_INBOX_POLL_MS: '500',
    PAYMENTS_RECONCILE_AFTER_MS: '86400000',
    // info: the service says where it listens at that level (and logs each webhook, as in production).
    LOG_LEVEL: 'info',
  };
  // Embedded: the service's own data dir, never DATABASE_URL (which the PostgreSQL mode uses).
  const open = () =>
    options.store === 'embedded'
      ? createDatabase({ dataDir: dir!, schema: 'payments', logger: silent })
      : createDatabase({ url: options.databaseUrl, dataDir: 'memory://', schema: schema!, logger: silent });
  const stopService = async () => {
    const child = service;
    service = undefined;
    if (child === undefined) return;
    child.child.kill('SIGTERM');
    const stopped = await Promise.race([child.exited().then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 15_000).unref())]);
    if (!stopped) child.kill();
  };
  try {
    if (options.store === 'embedded') {
      dir = await mkdtemp(join(tmpdir(), 'bench-webhooks-'));
      env.PAYMENTS_DATA_DIR = dir;
    } else {
      if (options.databaseUrl === undefined) throw new Error('the postgres mode needs DATABASE_URL');
      schema = uniqueSchema('bench_webhooks');
      Object.assign(env, { DATABASE_URL: options.databaseUrl, PAYMENTS_DATABASE_SCHEMA: schema });
    }
    db = await open();
    await runMigrations(db, paymentsMigrations, silent);
    const scenario = await prepareWebhookScenario(new OrderStore(db), options);
    if (options.store === 'embedded') {
      await db.close();
      db = undefined;
    }

    service = spawnEntry('subgraphs/payments/main.ts', env);
    const [, origin] = await service.waitFor(/payments subgraph ready at (http:\/\/[^\s"/]+)\/graphql/);
    const url = `${origin}${WEBHOOK_PATH}`;
    // Warm the HTTP path and the verifier (refused: nothing stored).
    for (let i = 0; i < 20; i++) await fetch(url, { method: 'POST', body: '{}' }).then((r) => r.arrayBuffer());

    log(`${options.store}: sending up to ${scenario.deliveries.length} deliveries (${scenario.events.length} events) for at most ${options.sendForMs / 1000} s`);
    const started = performance.now();
    const outcomes = await sendDeliveries(scenario.deliveries, {
      url: () => url,
      secret: options.secret,
      concurrency: options.concurrency,
      ratePerS: options.ratePerS,
      stopAfterMs: options.sendForMs,
    });
    const sendS = (performance.now() - started) / 1000;
    const part = sentPart(scenario, outcomes.length);
    const distinct = part.events.length;

    log(`${options.store}: ${outcomes.length} deliveries answered in ${sendS.toFixed(1)} s; waiting for the workers to apply ${distinct} events`);
    const drained = waitUntil(
      async () => (db !== undefined ? (await inboxProgress(db)).processed >= distinct : (service?.output().match(PROCESSED_LINE)?.length ?? 0) >= distinct),
      { timeoutMs: options.drainTimeoutMs, what: `${options.store}: every event to be applied`, intervalMs: 200 },
    );
    await drained.catch((err: unknown) => log(String(err)));
    await stopService();
    db ??= await open();

    const invariants = await readInboxInvariants(db, part);
    const { rows } = await db.query<{ window_ms: number | null }>(
      'SELECT (extract(epoch FROM max(processed_at) - min(received_at)) * 1000)::float8 AS window_ms FROM inbox',
    );
    const windowS = Math.max(0.001, (rows[0]?.window_ms ?? 0) / 1000);
    const accepted = outcomes.filter((o) => o.status >= 200 && o.status < 300);
    const latencies = accepted.map((o) => o.ms).sort((a, b) => a - b);
    return {
      sent: outcomes.length,
      distinct,
      accepted: accepted.length,
      refused: outcomes.length - accepted.length,
      acceptedPerS: accepted.length / sendS,
      appliedPerS: invariants.processed / windowS,
      p50: percentile(latencies, 0.5),
      p99: percentile(latencies, 0.99),
      max: latencies.at(-1) ?? 0,
      invariants,
    };
  } finally {
    await stopService();
    await db?.close();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
    if (schema !== undefined) await dropSchemas(options.databaseUrl, [schema, `${schema}_jobs`]);
  }
}
