import { createDatabase } from '../../platform/db/createDatabase.js';
import type { Database } from '../../platform/db/Database.js';
import { createJobQueue, type JobQueue } from '../../platform/db/createJobQueue.js';
import { createEventSender, type EventSender } from '../../platform/events/createEventSender.js';
import { runMigrations } from '../../platform/db/runMigrations.js';
import type { Logger } from '../../platform/log/createLogger.js';
import type { PaymentsConfig } from './config.js';
import { INBOX_QUEUE } from './inbox/inboxQueue.js';
import { startInboxWorkers } from './inbox/startInboxWorkers.js';
import { startReconciler } from './inbox/startReconciler.js';
import { OUTBOX_POLICY, OUTBOX_QUEUE, type OutboxJob } from './outbox/outboxQueue.js';
import { startEventRelay } from './outbox/startEventRelay.js';
import type { PaylaneClient } from './paylaneClient.js';
import { paymentsMigrations } from './store/migrations.js';
import { OrderStore } from './store/OrderStore.js';

type RuntimeConfig = Pick<
  PaymentsConfig,
  | 'databaseUrl'
  | 'dataDir'
  | 'databaseSchema'
  | 'inboxWorkers'
  | 'inboxPollMs'
  | 'inboxRetryAfterS'
  | 'reconcileAfterMs'
  | 'eventsUrl'
  | 'eventsSecret'
  | 'eventsTimeoutMs'
>;

/** The payments service's durable side: its store, the job queue, and (unless turned off) the inbox workers, the reconciler and the outbox relay. */
export interface PaymentsRuntime {
  /** The store, once started; throws before (the service is not ready then anyway). */
  store(): OrderStore;
  /** Writes a verified webhook event and its processing job in one transaction; null before start. */
  recorder(): ((event: { id: string; type: string; payload: unknown }) => Promise<boolean>) | null;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Opens the database (PostgreSQL with DATABASE_URL, else the embedded one), runs the
 * migrations, starts pg-boss on the same database (its own schema), then the workers. An
 * order's change of state enqueues its service event in the same transaction (the outbox);
 * the relay, wherever workers run, delivers it to the consumer, so a checkout never waits
 * for the consumer nor fails because of it.
 */
export function createPaymentsRuntime(options: { config: RuntimeConfig; logger: Logger; paylane: PaylaneClient; workers?: number }): PaymentsRuntime {
  const { config, logger } = options;
  const workers = options.workers ?? config.inboxWorkers;
  let db: Database | undefined;
  let queue: JobQueue | undefined;
  let store: OrderStore | undefined;
  let stopReconciler: (() => Promise<void>) | undefined;
  let sender: EventSender | undefined;

  const stop = async () => {
    const reconciling = stopReconciler?.();
    stopReconciler = undefined;
    const [q, d, s] = [queue, db, sender];
    queue = undefined;
    store = undefined;
    db = undefined;
    sender = undefined;
    // Running handlers finish (or their jobs expire and are retried elsewhere); then the pools close.
    await reconciling;
    await q?.stop({ timeoutMs: 5000 }).catch((err: unknown) => logger.warn({ err }, 'job queue did not stop cleanly'));
    await s?.close().catch((err: unknown) => logger.warn({ err }, 'event sender did not close cleanly'));
    await d?.close();
  };

  return {
    store() {
      if (store === undefined) throw new Error('the payments store is not open');
      return store;
    },
    recorder() {
      const [s, q] = [store, queue];
      if (s === undefined || q === undefined) return null;
      return async (event) => {
        const stored = await s.recordEvent(event, (tx) => q.send(INBOX_QUEUE, { eventId: event.id }, { tx }));
        // Committed: this process's idle workers take it now rather than at their next poll.
        if (stored) q.wake(INBOX_QUEUE);
        return stored;
      };
    },
    async start() {
      try {
        db = await createDatabase({ url: config.databaseUrl, dataDir: config.dataDir, schema: config.databaseSchema, logger });
        const applied = await runMigrations(db, paymentsMigrations, logger);
        // Expiry is only noticed on a maintenance beat (pg-boss's default: every 120 s): beat at least as often as retryAfter promises.
        queue = createJobQueue(db, { schema: `${config.databaseSchema}_jobs`, logger, maintenanceIntervalSeconds: Math.min(120, config.inboxRetryAfterS) });
        await queue.start();
        await queue.createQueue(INBOX_QUEUE, { retryLimit: 1000, retryDelaySeconds: 1, retryBackoff: true, expireInSeconds: config.inboxRetryAfterS });
        // Created even where no relay runs: an order's change enqueues into it.
        await queue.createQueue(OUTBOX_QUEUE, OUTBOX_POLICY);
        const outbox = queue;
        store = new OrderStore(db, (tx, event) => outbox.send(OUTBOX_QUEUE, { event } satisfies OutboxJob, { tx }));
        if (workers > 0) {
          await startInboxWorkers(queue, store, { workers, pollMs: config.inboxPollMs, logger });
          sender = createEventSender({ url: config.eventsUrl, secret: config.eventsSecret, timeoutMs: config.eventsTimeoutMs, logger });
          await startEventRelay(queue, sender, { pollMs: config.inboxPollMs, logger });
          const jobs = queue;
          stopReconciler = startReconciler(store, options.paylane, {
            afterMs: config.reconcileAfterMs,
            requeue: (eventId) => jobs.send(INBOX_QUEUE, { eventId }),
            logger,
          });
        }
        logger.info({ store: db.kind, schema: db.schema, migrationsApplied: applied, workers }, 'payments store open');
      } catch (err) {
        await stop().catch(() => undefined);
        throw err;
      }
    },
    stop,
  };
}
