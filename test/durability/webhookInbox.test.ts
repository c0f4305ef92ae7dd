/**
 * The webhook inbox's promise, under the worst a deployment sees: thousands of deliveries,
 * 30% of them duplicates, in random order, while the process applying them is killed with
 * SIGKILL mid-job and started again. Every delivery is acknowledged, every event is stored
 * once and applied exactly once, none is lost, and every order ends at the status its
 * events imply, whatever order they came in. All of it is read from the database.
 *
 * On PostgreSQL the receipt runs in this process and the workers in their own, which is
 * killed; on the embedded store (one process per database) the whole service is killed.
 * Sized for CI: DURABILITY_DELIVERIES (2000) and DURABILITY_EMBEDDED_DELIVERIES (300)
 * raise it, DURABILITY_SEED replays a run; `npm run bench:webhooks` runs 10,000.
 */
import { describe, expect, it } from 'vitest';
import { databaseUrlForTests } from '../harness/testDatabase.js';
import type { InboxInvariants } from './readInboxInvariants.js';
import type { DeliveryOutcome } from './sendDeliveries.js';
import { runServiceKillScenario } from './runServiceKillScenario.js';
import { runWorkerKillScenario } from './runWorkerKillScenario.js';

const DELIVERIES = Number(process.env.DURABILITY_DELIVERIES ?? 2000);
const EMBEDDED_DELIVERIES = Number(process.env.DURABILITY_EMBEDDED_DELIVERIES ?? 300);
const SEED = Number(process.env.DURABILITY_SEED ?? Date.now() % 1_000_000);
const t0 = Date.now();
const log = (line: string) => process.stdout.write(`[durability +${((Date.now() - t0) / 1000).toFixed(1)} s] ${line}\n`);

function statusCounts(outcomes: readonly DeliveryOutcome[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const o of outcomes) counts[o.status] = (counts[o.status] ?? 0) + 1;
  return counts;
}

describe.skipIf(!databaseUrlForTests())('webhook inbox on PostgreSQL, its worker process SIGKILLed mid-stream', () => {
  it(`${DELIVERIES} deliveries, 30% duplicates, shuffled: every event applied exactly once, none lost (seed ${SEED})`, { timeout: 240_000 }, async () => {
    const run = await runWorkerKillScenario({
      databaseUrl: databaseUrlForTests()!,
      deliveries: DELIVERIES,
      duplicateShare: 0.3,
      seed: SEED,
      concurrency: 16,
      workers: 4,
      killAtShare: 0.25,
      drainTimeoutMs: 120_000,
      log,
    });
    const { scenario, outcomes, invariants } = run;
    const distinct = scenario.events.length;
    log(`done in ${Math.round(run.totalMs)} ms; kills ${JSON.stringify(run.kills)}; jobs handed out again ${run.retriedJobs}`);

    // The worker really died mid-stream, holding jobs that nobody could finish but a successor.
    expect(run.kills[0]!.processedBefore).toBeGreaterThan(0);
    expect(run.kills.at(-1)!.processedBefore).toBeLessThan(distinct);
    expect(run.kills.some((k) => k.abandonedJobs > 0)).toBe(true);
    expect(run.retriedJobs).toBeGreaterThan(0);

    // Every delivery acknowledged (duplicates too), and exactly one delivery per event stored it.
    expect(statusCounts(outcomes)).toEqual({ 200: scenario.deliveries.length });
    expect(outcomes.filter((o) => o.duplicate === false)).toHaveLength(distinct);
    expect(outcomes.filter((o) => o.duplicate === true)).toHaveLength(scenario.deliveries.length - distinct);

    expectEachEventAppliedOnce(invariants, distinct);
  });
});

describe('webhook inbox on the embedded store, the whole service SIGKILLed mid-stream', () => {
  it(`${EMBEDDED_DELIVERIES} deliveries, 30% duplicates, shuffled: every acknowledged event survives the crash and is applied exactly once (seed ${SEED})`, { timeout: 240_000 }, async () => {
    const run = await runServiceKillScenario({
      deliveries: EMBEDDED_DELIVERIES,
      duplicateShare: 0.3,
      seed: SEED,
      concurrency: 8,
      killAtShare: 0.4,
      drainTimeoutMs: 120_000,
      log,
    });
    const { scenario, outcomes, invariants } = run;
    const distinct = scenario.events.length;

    // Killed mid-stream: some deliveries acknowledged, not all.
    expect(run.acknowledgedBeforeKill).toBeGreaterThan(0);
    expect(run.acknowledgedBeforeKill).toBeLessThan(scenario.deliveries.length);
    // Deliveries the crash cut were sent again, as a vendor does, until acknowledged.
    expect(statusCounts(outcomes)).toEqual({ 200: scenario.deliveries.length });

    expectEachEventAppliedOnce(invariants, distinct);
  });
});

/** Read from the database: one inbox row per distinct event, each applied exactly once, every order where its events say. */
function expectEachEventAppliedOnce(invariants: InboxInvariants, distinct: number): void {
  expect(invariants.examples).toEqual([]);
  expect(invariants).toMatchObject({
    inboxRows: distinct,
    processed: distinct,
    lost: 0,
    unexpected: 0,
    unprocessed: 0,
    appliedTwice: 0,
    neverApplied: 0,
    refusedOutcomes: 0,
    wrongStatus: 0,
    duplicateTransitions: 0,
    strayTransitions: 0,
  });
}
