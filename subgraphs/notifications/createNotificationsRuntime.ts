import { createDatabase } from '../../platform/db/createDatabase.js';
import type { Database } from '../../platform/db/Database.js';
import { createJobQueue, type JobQueue } from '../../platform/db/createJobQueue.js';
import { runMigrations } from '../../platform/db/runMigrations.js';
import type { ServiceEvent } from '../../platform/events/ServiceEvent.js';
import type { Logger } from '../../platform/log/createLogger.js';
import type { NotificationsConfig } from './config.js';
import { EVENT_QUEUE } from './inbox/eventQueue.js';
import { startEventWorkers } from './inbox/startEventWorkers.js';
import type { PushSender } from './push/PushSender.js';
import { notificationsMigrations } from './store/migrations.js';
import { createNotificationsStores, type NotificationsStores } from './store/NotificationsStores.js';

type RuntimeConfig = Pick<
  NotificationsConfig,
  'databaseUrl' | 'dataDir' | 'databaseSchema' | 'workers' | 'pollMs' | 'retryAfterS' | 'sendAttempts' | 'maxDevicesPerUser'
>;

/** The notifications service's durable side: its store, the job queue and (unless turned off) the event workers. */
export interface NotificationsRuntime {
  /** The stores, once started; throws before (the service is not ready then anyway). */
  stores(): NotificationsStores;
  /** Writes a verified event and its processing job in one transaction; null before start. */
  recorder(): ((event: ServiceEvent) => Promise<boolean>) | null;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Opens the database (PostgreSQL with DATABASE_URL, else the embedded one), runs the
 * migrations, starts pg-boss on the same database (its own schema), then the workers, which
 * push through `sender`. The sender belongs to the caller.
 */
export function createNotificationsRuntime(options: { config: RuntimeConfig; logger: Logger; sender: PushSender; workers?: number }): NotificationsRuntime {
  const { config, logger } = options;
  const workers = options.workers ?? config.workers;
  let db: Database | undefined;
  let queue: JobQueue | undefined;
  let stores: NotificationsStores | undefined;

  const stop = async () => {
    const [q, d] = [queue, db];
    queue = undefined;
    stores = undefined;
    db = undefined;
    // Running handlers finish (or their jobs expire and are taken again elsewhere); then the pool closes.
    await q?.stop({ timeoutMs: 5000 }).catch((err: unknown) => logger.warn({ err }, 'job queue did not stop cleanly'));
    await d?.close();
  };

  return {
    stores() {
      if (stores === undefined) throw new Error('the notifications store is not open');
      return stores;
    },
    recorder() {
      const [s, q] = [stores, queue];
      if (s === undefined || q === undefined) return null;
      return async (event) => {
        const stored = await s.events.record(event, (tx) => q.send(EVENT_QUEUE, { eventId: event.id }, { tx }));
        // Committed: this process's idle workers take it now rather than at their next poll.
        if (stored) q.wake(EVENT_QUEUE);
        return stored;
      };
    },
    async start() {
      try {
        db = await createDatabase({ url: config.databaseUrl, dataDir: config.dataDir, schema: config.databaseSchema, logger });
        const applied = await runMigrations(db, notificationsMigrations, logger);
        // Expiry is only noticed on a maintenance beat (pg-boss's default: every 120 s): beat at least as often as retryAfter promises.
        queue = createJobQueue(db, { schema: `${config.databaseSchema}_jobs`, logger, maintenanceIntervalSeconds: Math.min(120, config.retryAfterS) });
        await queue.start();
        // Retries are how a push the vendor deferred is tried again (see startEventWorkers); the
        // number of sends is bounded by NOTIFICATIONS_SEND_ATTEMPTS per device, not by this limit.
        await queue.createQueue(EVENT_QUEUE, { retryLimit: 1000, retryDelaySeconds: 1, retryBackoff: true, expireInSeconds: config.retryAfterS });
        stores = createNotificationsStores(db, config);
        if (workers > 0) await startEventWorkers(queue, { stores, sender: options.sender, logger }, { workers, pollMs: config.pollMs });
        logger.info({ store: db.kind, schema: db.schema, migrationsApplied: applied, workers }, 'notifications store open');
      } catch (err) {
        await stop().catch(() => undefined);
        throw err;
      }
    },
    stop,
  };
}
