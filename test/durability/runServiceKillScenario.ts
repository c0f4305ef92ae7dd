import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDatabase, type Database } from '../../platform/db/createDatabase.js';
import { runMigrations } from '../../platform/db/runMigrations.js';
import { createLogger } from '../../platform/log/createLogger.js';
import { sandboxVendorEntry } from '../../platform/registry/services.js';
import { WEBHOOK_PATH } from '../../subgraphs/payments/server.js';
import { paymentsMigrations } from '../../subgraphs/payments/store/migrations.js';
import { OrderStore } from '../../subgraphs/payments/store/OrderStore.js';
import { spawnEntry, type SpawnedEntry } from '../harness/spawnEntry.js';
import { readInboxInvariants, type InboxInvariants } from './readInboxInvariants.js';
import { sendDeliveries, type DeliveryOutcome } from './sendDeliveries.js';
import { prepareWebhookScenario, type WebhookScenario } from './webhookScenario.js';
import { waitUntil } from './waitUntil.js';

export interface ServiceKillOptions {
  readonly deliveries: number;
  readonly duplicateShare: number;
  readonly seed: number;
  readonly concurrency: number;
  /** The service is killed once this share of the deliveries has been acknowledged. */
  readonly killAtShare: number;
  readonly drainTimeoutMs: number;
  readonly log?: (line: string) => void;
}

export interface ServiceKillResult {
  readonly scenario: WebhookScenario;
  readonly outcomes: readonly DeliveryOutcome[];
  /** Deliveries acknowledged when the service died. */
  readonly acknowledgedBeforeKill: number;
  readonly invariants: InboxInvariants;
}

const PROCESSED = /"eventId":"(evt_[A-Za-z0-9]+)"[^\n]*"msg":"inbox event processed"/g;

/**
 * The durability scenario on the embedded store. PGlite belongs to one process, so the
 * receipt and the workers die together: the payments service (its main.ts, workers
 * inside, an on-disk data dir) is SIGKILLed mid-stream and started again on the same
 * directory. Deliveries cut by the crash are sent again as a vendor would (until a 2xx).
 * The store is read once the service has stopped; its log only says when to stop it.
 */
export async function runServiceKillScenario(options: ServiceKillOptions): Promise<ServiceKillResult> {
  const log = options.log ?? (() => undefined);
  const silent = createLogger({ service: 'durability', level: 'silent' });
  const secret = sandboxVendorEntry('payments').secrets?.[0];
  if (secret === undefined) throw new Error('the registry has no default webhook secret for payments');
  const dir = await mkdtemp(join(tmpdir(), 'durability-embedded-'));
  const env: Record<string, string> = {
    PAYMENTS_DATA_DIR: dir,
    PAYMENTS_PORT: '0',
    PAYMENTS_INBOX_WORKERS: '2',
    PAYMENTS_INBOX_POLL_MS: '500',
    PAYMENTS_INBOX_RETRY_AFTER_S: '2',
    PAYMENTS_RECONCILE_AFTER_MS: '86400000',
    LOG_LEVEL: 'info',
  };
  const services: SpawnedEntry[] = [];
  let url: string | undefined;
  let db: Database | undefined;
  const start = async () => {
    const child = spawnEntry('subgraphs/payments/main.ts', env);
    services.push(child);
    const [, origin] = await child.waitFor(/payments subgraph ready at (http:\/\/[^\s"/]+)\/graphql/);
    url = `${origin}${WEBHOOK_PATH}`;
  };
  const processedIds = () => new Set(services.flatMap((s) => [...s.output().matchAll(PROCESSED)].map((m) => m[1])));
  try {
    db = await createDatabase({ dataDir: dir, schema: 'payments', logger: silent });
    await runMigrations(db, paymentsMigrations, silent);
    const scenario = await prepareWebhookScenario(new OrderStore(db), options);
    await db.close();
    db = undefined;
    log(`seed ${scenario.seed}: ${scenario.orders.length} orders, ${scenario.events.length} events, ${scenario.deliveries.length} deliveries`);

    await start();
    let acknowledged = 0;
    let acknowledgedBeforeKill = -1;
    let killed: Promise<void> | undefined;
    const killAt = Math.ceil(scenario.deliveries.length * options.killAtShare);
    const outcomes = await sendDeliveries(scenario.deliveries, {
      url: () => url,
      secret,
      concurrency: options.concurrency,
      retry: { delayMs: 100, giveUpMs: 60_000 },
      onDone: (outcome) => {
        if (outcome.status === 200) acknowledged++;
        if (killed === undefined && acknowledged >= killAt) {
          acknowledgedBeforeKill = acknowledged;
          const victim = services.at(-1)!;
          url = undefined;
          victim.kill();
          killed = victim.exited().then(async () => {
            log(`service SIGKILLed with ${acknowledgedBeforeKill} deliveries acknowledged; restarting it on the same data dir`);
            await start();
          });
          // Awaited once the sending is over; until then a failed restart must not count as unhandled.
          killed.catch(() => undefined);
        }
      },
    });
    await killed;
    log(`${outcomes.length} deliveries acknowledged (${outcomes.reduce((n, o) => n + o.attempts - 1, 0)} sent again after the crash); waiting for the workers`);
    const distinct = scenario.events.length;
    await waitUntil(async () => processedIds().size >= distinct, {
      timeoutMs: options.drainTimeoutMs,
      what: 'the service to log every event processed',
      intervalMs: 200,
    }).catch((err: unknown) => log(String(err)));
    await stopAll(services);
    db = await createDatabase({ dataDir: dir, schema: 'payments', logger: silent });
    return { scenario, outcomes, acknowledgedBeforeKill, invariants: await readInboxInvariants(db, scenario) };
  } finally {
    await stopAll(services);
    await db?.close();
    await rm(dir, { recursive: true, force: true });
  }
}

async function stopAll(services: readonly SpawnedEntry[]): Promise<void> {
  for (const child of services) {
    if (child.child.exitCode !== null || child.child.signalCode !== null) continue;
    child.child.kill('SIGTERM');
    const stopped = await Promise.race([child.exited().then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 15_000).unref())]);
    if (!stopped) {
      child.kill();
      await child.exited();
    }
  }
}
