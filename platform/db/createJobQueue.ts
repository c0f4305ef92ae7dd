import PgBoss from 'pg-boss';
import type { Logger } from '../log/createLogger.js';
import type { Database, Queryable } from './Database.js';
import { assertSchemaName } from './schemaName.js';

export interface JobQueue {
  start(): Promise<void>;
  /** pg-boss createQueue (idempotent), with its retry and expiry policy. */
  createQueue(
    name: string,
    policy: { retryLimit: number; retryDelaySeconds: number; retryBackoff: boolean; expireInSeconds: number },
  ): Promise<void>;
  /** Enqueues; with `tx`, inside that transaction (commits or rolls back with it). Returns the job id. */
  send(name: string, data: object, options?: { tx?: Queryable; singletonKey?: string }): Promise<string | null>;
  /** Starts a worker: handler gets a batch; throwing fails the whole batch (pg-boss retries it). Returns the worker id. */
  work<T extends object>(
    name: string,
    options: { batchSize: number; pollingIntervalSeconds: number },
    handler: (jobs: { id: string; data: T }[]) => Promise<void>,
  ): Promise<string>;
  /**
   * Wakes this process's idle workers of `name` now instead of at their next poll: call it once
   * a transaction that sent jobs has committed (a send without `tx` wakes them by itself).
   * Workers in other processes still find the jobs at their next poll.
   */
  wake(name: string): void;
  /** Graceful: stop fetching, wait up to timeoutMs for running handlers. */
  stop(options: { timeoutMs: number }): Promise<void>;
}

export interface JobQueueOptions {
  /** pg-boss's own schema (its tables), created on start; a-z0-9_ only, up to 50 characters. */
  schema: string;
  /**
   * How often expired jobs (a worker that died mid-job) are failed into a retry, and old ones
   * archived. Default 120 (s), pg-boss's; tests use 1. pg-boss runs this supervision on the
   * same beat, whichever replica gets there first.
   */
  maintenanceIntervalSeconds?: number;
  logger: Logger;
}

/**
 * Durable jobs (pg-boss 10) on the service's own Database, never a second pool: the same
 * code path for PostgreSQL and the embedded one, and a job can be enqueued inside the
 * transaction that writes the row it is about (the webhook inbox: row and job commit
 * together or not at all). The Database belongs to the caller: `stop` leaves it open.
 */
export function createJobQueue(db: Database, options: JobQueueOptions): JobQueue {
  // pg-boss's own limit on its schema's name.
  assertSchemaName(options.schema, 'job queue schema', 50);
  const logger = options.logger.child({ jobQueue: options.schema });
  // pg-boss fires its completion queries without awaiting them; `stop` waits for these so
  // that the owner can close the Database right after.
  const pending = new Set<Promise<unknown>>();
  // Set once `stop` has waited all it may. A handler still running then (a busy machine, a
  // slow job) completes or fails its jobs after the owner closed the Database: pg-boss does not
  // await that query, so its failure would be an unhandled rejection. It is answered as what it
  // is, nothing affected: the jobs stay active, expire and run again on a live worker.
  let stopped = false;
  const afterStop = { rows: [{ count: 0 }], rowCount: 0 };
  const boss = new PgBoss({
    db: {
      executeSql: (text, values) => {
        if (stopped) {
          logger.info('a job finished after the queue stopped: it will expire and run again');
          return Promise.resolve(afterStop);
        }
        const p = db.query(text, values);
        pending.add(p);
        void p.finally(() => pending.delete(p)).catch(() => undefined);
        return p;
      },
    },
    schema: options.schema,
    maintenanceIntervalSeconds: options.maintenanceIntervalSeconds ?? 120,
    // No cron here; the clock monitor would only add queries (and PGlite runs one at a time).
    schedule: false,
    // monitorStateIntervalSeconds is left out: off (pg-boss asserts on an explicit undefined).
  });
  // An EventEmitter's unhandled 'error' crashes the process; pg-boss emits one for every
  // failed poll or maintenance run (a database restart, a closed pool), which it survives.
  boss.on('error', (err: Error & { queue?: string }) => logger.warn({ err: err.message, queue: err.queue }, 'job queue error'));
  // This process's worker ids by queue, to wake them (pg-boss's notifyWorker).
  const workers = new Map<string, Set<string>>();
  const wake = (name: string) => {
    for (const id of workers.get(name) ?? []) boss.notifyWorker(id);
  };

  return {
    async start() {
      await settingUp(db, options.schema, () => boss.start());
    },
    async createQueue(name, policy) {
      await settingUp(db, options.schema, () =>
        boss.createQueue(name, {
          name,
          retryLimit: policy.retryLimit,
          retryDelay: policy.retryDelaySeconds,
          retryBackoff: policy.retryBackoff,
          expireInSeconds: policy.expireInSeconds,
        }),
      );
    },
    async send(name, data, sendOptions = {}) {
      const { tx, singletonKey } = sendOptions;
      const id = await boss.send(name, data, {
        ...(singletonKey !== undefined ? { singletonKey } : {}),
        ...(tx ? { db: { executeSql: (text: string, values: unknown[]) => tx.query(text, values) } } : {}),
      });
      // Inside a transaction the job is not visible until the caller commits: the caller wakes.
      if (tx === undefined) wake(name);
      return id;
    },
    wake,
    async work<T extends object>(
      name: string,
      workOptions: { batchSize: number; pollingIntervalSeconds: number },
      handler: (jobs: { id: string; data: T }[]) => Promise<void>,
    ) {
      // Known once boss.work resolves, before any batch can be full: the handler reads it late.
      const worker: { id?: string } = {};
      worker.id = await boss.work<T>(name, { batchSize: workOptions.batchSize, pollingIntervalSeconds: workOptions.pollingIntervalSeconds }, async (jobs) => {
        try {
          await handler(jobs.map((job) => ({ id: job.id, data: job.data })));
        } catch (err) {
          logger.warn({ queue: name, jobs: jobs.map((j) => j.id), err: err instanceof Error ? err.message : String(err) }, 'job failed; pg-boss retries it per the queue policy');
          throw err;
        }
        // pg-boss sleeps out the polling interval after every batch; a full batch says a backlog
        // waits, so fetch the next one at once (the interval only paces an idle worker).
        if (jobs.length >= workOptions.batchSize && worker.id !== undefined) boss.notifyWorker(worker.id);
      });
      const ids = workers.get(name) ?? new Set<string>();
      ids.add(worker.id);
      workers.set(name, ids);
      return worker.id;
    },
    async stop(stopOptions) {
      const deadline = Date.now() + stopOptions.timeoutMs;
      await boss.stop({ graceful: true, wait: true, close: false, timeout: stopOptions.timeoutMs });
      while (pending.size > 0 && Date.now() < deadline) await Promise.race([Promise.allSettled([...pending]), sleep(deadline - Date.now())]);
      stopped = true;
    },
  };
}

/**
 * Runs a step of pg-boss's set-up (its schema, a queue) while no other process sets up the
 * same queue schema. pg-boss 10 is not safe against itself there: two replicas starting at
 * once on a fresh schema (two pods of a new deployment) fail creating its schema with a
 * duplicate key (23505 on pg_namespace_nspname_index) despite its own lock, and creating one
 * queue from both deadlocks (40P01) in the DDL it runs. The loser crashed.
 *
 * The lock is a transaction-scoped advisory lock on a connection of its own, held while
 * pg-boss's queries run on the others: it is released however the step ends, even if the
 * connection dies. A replica that waited finds the work done, which pg-boss skips. So it
 * needs a pool of two or more (the default is 10). Embedded, the database is this process's
 * alone, so there is nothing to serialize against (and an open transaction there would make
 * pg-boss's queries wait forever).
 */
async function settingUp<T>(db: Database, queueSchema: string, step: () => Promise<T>): Promise<T> {
  if (db.kind !== 'postgres') return step();
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`pg-boss set-up:${queueSchema}`]);
    return step();
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)).unref());
}
