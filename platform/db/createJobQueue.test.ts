import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnEntry } from '../../test/harness/spawnEntry.js';
import { databaseUrlForTests, dropSchemas, uniqueSchema } from '../../test/harness/testDatabase.js';
import { createLogger } from '../log/createLogger.js';
import { createDatabase } from './createDatabase.js';
import type { Database } from './Database.js';
import { createJobQueue, type JobQueue } from './createJobQueue.js';

const logger = createLogger({ service: 'job-queue-test', level: 'silent' });
const url = databaseUrlForTests();
const schemas: string[] = [];
const policy = { retryLimit: 5, retryDelaySeconds: 0, retryBackoff: false, expireInSeconds: 30 };

/** Polls until `check` holds; generous, and returns as soon as it does. */
async function eventually(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const kinds = [
  { kind: 'embedded', skip: false, url: undefined },
  { kind: 'postgres', skip: !url, url },
] as const;

for (const k of kinds) {
  describe.skipIf(k.skip)(`job queue (${k.kind})`, () => {
    let db: Database;
    const queues: JobQueue[] = [];
    const newQueue = async (queueSchema: string) => {
      db ??= await openDb();
      const queue = createJobQueue(db, { schema: queueSchema, maintenanceIntervalSeconds: 1, logger });
      queues.push(queue);
      await queue.start();
      return queue;
    };
    const openDb = () => {
      const schema = uniqueSchema('jobs');
      schemas.push(schema, `${schema}_q`, `${schema}_q_full`, `${schema}_q_wake`);
      return createDatabase({ url: k.url, dataDir: 'memory://', schema, logger });
    };
    afterAll(async () => {
      for (const q of queues) await q.stop({ timeoutMs: 1000 });
      await db?.close();
    });

    it('delivers a sent job to a worker, once', async () => {
      db = await openDb();
      const queue = await newQueue(`${db.schema}_q`);
      await queue.createQueue('greet', policy);
      await queue.createQueue('greet', policy); // idempotent
      const seen: { id: string; data: { to: string } }[] = [];
      const id = await queue.send('greet', { to: 'ada' });
      expect(id).toEqual(expect.any(String));
      await queue.work<{ to: string }>('greet', { batchSize: 5, pollingIntervalSeconds: 0.5 }, async (jobs) => void seen.push(...jobs));
      await eventually(() => seen.length > 0, 'the job');
      expect(seen).toEqual([{ id, data: { to: 'ada' } }]);
    });

    it('enqueues inside a transaction: nothing when it rolls back, the job when it commits', async () => {
      const queue = queues[0]!;
      await queue.createQueue('receipt', policy);
      await db.exec('CREATE TABLE payments (id text PRIMARY KEY)');
      await expect(
        db.transaction(async (tx) => {
          await tx.query('INSERT INTO payments VALUES ($1)', ['p1']);
          await queue.send('receipt', { payment: 'p1' }, { tx });
          throw new Error('vendor said no');
        }),
      ).rejects.toThrow('vendor said no');
      const committedId = await db.transaction(async (tx) => {
        await tx.query('INSERT INTO payments VALUES ($1)', ['p2']);
        return queue.send('receipt', { payment: 'p2' }, { tx, singletonKey: 'p2' });
      });
      const seen: string[] = [];
      await queue.work<{ payment: string }>('receipt', { batchSize: 10, pollingIntervalSeconds: 0.5 }, async (jobs) => {
        seen.push(...jobs.map((j) => `${j.id}:${j.data.payment}`));
      });
      await eventually(() => seen.length > 0, 'the committed job');
      // Another poll or two: a rolled-back job would have shown up by then.
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect(seen).toEqual([`${committedId}:p2`]);
      expect((await db.query('SELECT id FROM payments')).rows).toEqual([{ id: 'p2' }]);
    });

    it('retries a batch whose handler throws', async () => {
      const queue = queues[0]!;
      await queue.createQueue('flaky', { ...policy, retryLimit: 3 });
      const id = await queue.send('flaky', { n: 1 });
      const attempts: string[] = [];
      let done = false;
      await queue.work<{ n: number }>('flaky', { batchSize: 1, pollingIntervalSeconds: 0.5 }, async (jobs) => {
        attempts.push(jobs[0]!.id);
        if (attempts.length < 3) throw new Error(`attempt ${attempts.length} fails`);
        done = true;
      });
      await eventually(() => done, 'the third attempt');
      expect(attempts).toEqual([id, id, id]);
    });

    // A polling interval far longer than the test's wait: only a refetch or a wake-up can pass.
    const LONG_POLL_S = 120;

    it('a handler that outlives stop finishes after the database closed: no unhandled rejection, and its job stays to run again', async () => {
      const own = await openDb();
      const queue = createJobQueue(own, { schema: `${own.schema}_q`, maintenanceIntervalSeconds: 1, logger });
      await queue.start();
      await queue.createQueue('slow', policy);
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      let started = false;
      await queue.work('slow', { batchSize: 1, pollingIntervalSeconds: 0.5 }, async () => {
        started = true;
        await released;
      });
      await queue.send('slow', {});
      await eventually(() => started, 'the handler to start');
      // Stop gives up waiting at once; the owner closes the database, as every runtime does next.
      await queue.stop({ timeoutMs: 1 });
      await own.close();
      const unhandled: unknown[] = [];
      const onUnhandled = (reason: unknown) => unhandled.push(reason);
      process.on('unhandledRejection', onUnhandled);
      try {
        release();
        // pg-boss's completion is fire-and-forget: give it a few turns of the event loop to fail, as it did.
        for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
        expect(unhandled).toEqual([]);
      } finally {
        process.off('unhandledRejection', onUnhandled);
      }
      // Its job was never completed: pg-boss's stop marked it for retry (or it is still active, to
      // expire), so it runs again. (An embedded database in memory is gone once closed: nothing to read.)
      if (k.kind === 'postgres') {
        const reopened = await createDatabase({ url: k.url, dataDir: 'memory://', schema: own.schema, logger });
        try {
          const { rows } = await reopened.query<{ state: string }>(`SELECT state FROM ${own.schema}_q.job WHERE name = 'slow'`);
          expect(rows.map((r) => r.state)).toEqual([expect.stringMatching(/^(retry|active)$/)]);
        } finally {
          await reopened.close();
        }
      }
    });

    it('takes the next batch at once after a full one, not a polling interval later', async () => {
      const queue = await newQueue(`${db.schema}_q_full`);
      await queue.createQueue('backlog', policy);
      for (let i = 0; i < 25; i++) await queue.send('backlog', { i });
      const batches: number[] = [];
      await queue.work<{ i: number }>('backlog', { batchSize: 10, pollingIntervalSeconds: LONG_POLL_S }, async (jobs) => void batches.push(jobs.length));
      await eventually(() => batches.reduce((a, b) => a + b, 0) === 25, 'the whole backlog without waiting out a poll');
      expect(batches).toEqual([10, 10, 5]);
    });

    it('wakes an idle worker of this process when a job is sent, or when the caller says a transaction committed', async () => {
      const queue = await newQueue(`${db.schema}_q_wake`);
      await queue.createQueue('wake', policy);
      const seen: number[] = [];
      await queue.work<{ n: number }>('wake', { batchSize: 5, pollingIntervalSeconds: LONG_POLL_S }, async (jobs) => void seen.push(...jobs.map((j) => j.data.n)));
      // Idle: its first fetch found nothing, and it now sleeps for the long poll.
      await new Promise((resolve) => setTimeout(resolve, 300));
      await queue.send('wake', { n: 1 });
      await eventually(() => seen.includes(1), 'the job sent without a transaction');
      await db.transaction((tx) => queue.send('wake', { n: 2 }, { tx }));
      queue.wake('wake');
      await eventually(() => seen.includes(2), 'the job committed, then woken for');
      expect(seen).toEqual([1, 2]);
    });
  });
}

/**
 * A worker process killed mid-job (a crash, an OOM kill) never completes or fails its job.
 * Another queue's maintenance must expire it into a retry, and a worker must get it again.
 */
describe('a job whose worker died', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  const cases = [
    { kind: 'embedded (on disk, reopened after the kill)', skip: false, url: undefined },
    { kind: 'postgres', skip: !url, url },
  ] as const;

  for (const c of cases) {
    it.skipIf(c.skip)(`is picked up again after it expires (${c.kind})`, { timeout: 120_000 }, async () => {
      const dir = await mkdtemp(join(tmpdir(), 'dying-worker-'));
      dirs.push(dir);
      const schema = uniqueSchema('dead');
      const queueSchema = `${schema}_q`;
      schemas.push(schema, queueSchema);
      const config = { url: c.url, dataDir: dir, schema, queueSchema, queue: 'fragile' };

      // Enqueue first (the embedded store has one owner at a time: this process, then the child).
      let db = await createDatabase({ url: c.url, dataDir: dir, schema, logger });
      let queue = createJobQueue(db, { schema: queueSchema, maintenanceIntervalSeconds: 1, logger });
      await queue.start();
      await queue.createQueue('fragile', { retryLimit: 2, retryDelaySeconds: 0, retryBackoff: false, expireInSeconds: 2 });
      const id = await queue.send('fragile', { attempt: 'first' });
      await queue.stop({ timeoutMs: 1000 });
      await db.close();

      const child = spawnEntry('platform/db/fixtures/dyingWorker.ts', {}, [JSON.stringify(config)]);
      try {
        await child.waitFor(new RegExp(`took ${id}`));
      } finally {
        child.kill();
        await child.exited();
      }

      db = await createDatabase({ url: c.url, dataDir: dir, schema, logger });
      queue = createJobQueue(db, { schema: queueSchema, maintenanceIntervalSeconds: 1, logger });
      try {
        await queue.start();
        const taken: string[] = [];
        await queue.work('fragile', { batchSize: 1, pollingIntervalSeconds: 0.5 }, async (jobs) => void taken.push(...jobs.map((j) => j.id)));
        await eventually(() => taken.length > 0, 'the expired job to come back', 60_000);
        expect(taken).toEqual([id]);
      } finally {
        await queue.stop({ timeoutMs: 1000 });
        await db.close();
      }
    });
  }
});

/**
 * Two pods of a new deployment start at the same moment on a fresh schema: pg-boss's own
 * set-up races (a duplicate key creating its schema, a deadlock creating one queue twice),
 * and the loser used to crash. Each replica has its own pool, as its own process would.
 */
describe.skipIf(!url)(`replicas starting at once on a fresh schema${url ? '' : ' (skipped: set DATABASE_URL, e.g. postgres://127.0.0.1:5432/test)'}`, () => {
  const ROUNDS = 10;
  const REPLICAS = 3;

  it(`all start, create their queues and run a job (${ROUNDS} rounds of ${REPLICAS} replicas)`, { timeout: 120_000 }, async () => {
    // Every round runs, so that a failure shows how often and with which errors.
    const failures: string[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const schema = uniqueSchema('replicas');
      schemas.push(schema, `${schema}_jobs`);
      const dbs: Database[] = [];
      const queues: JobQueue[] = [];
      try {
        // As payments and notifications start: database, pg-boss, then their queues.
        const started = await Promise.allSettled(
          Array.from({ length: REPLICAS }, async () => {
            const db = await createDatabase({ url, dataDir: 'unused', schema, logger });
            dbs.push(db);
            const queue = createJobQueue(db, { schema: `${schema}_jobs`, logger });
            queues.push(queue);
            await queue.start();
            await queue.createQueue('inbox', policy);
            await queue.createQueue('outbox', policy);
          }),
        );
        const failed = started.flatMap((s) => (s.status === 'rejected' ? [`round ${round}: ${describeError(s.reason)}`] : []));
        failures.push(...failed);
        if (failed.length > 0) continue;
        // Every replica sends a job and works it, one at a time (a stopped replica takes no more).
        for (const [i, queue] of queues.entries()) {
          const seen: number[] = [];
          await queue.work<{ n: number }>('inbox', { batchSize: 1, pollingIntervalSeconds: 0.5 }, async (jobs) => void seen.push(...jobs.map((j) => j.data.n)));
          await queue.send('inbox', { n: i });
          await eventually(() => seen.length > 0, `replica ${i + 1}'s job in round ${round}`);
          expect(seen).toEqual([i]);
          await queue.stop({ timeoutMs: 1000 });
        }
      } finally {
        await Promise.allSettled(queues.map((q) => q.stop({ timeoutMs: 1000 })));
        await Promise.allSettled(dbs.map((db) => db.close()));
        await dropSchemas(url, [schema, `${schema}_jobs`]);
      }
    }
    expect(failures, 'replicas that failed to start').toEqual([]);
  });
});

/** The message and PostgreSQL code (23505, 40P01…) of a failed start. */
function describeError(err: unknown): string {
  const code = (err as { code?: unknown } | undefined)?.code;
  return `${err instanceof Error ? err.message : String(err)}${typeof code === 'string' ? ` (${code})` : ''}`;
}

describe('createJobQueue', () => {
  it('refuses a schema pg-boss cannot use with a TypeError', async () => {
    const db = { kind: 'embedded', schema: 'x' } as unknown as Database;
    expect(() => createJobQueue(db, { schema: '1jobs', logger })).toThrow(TypeError);
    expect(() => createJobQueue(db, { schema: 'j'.repeat(51), logger })).toThrow(TypeError);
  });
});

afterAll(() => dropSchemas(url, schemas));
