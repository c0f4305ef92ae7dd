import { loadModes, type LoadMode } from './benchModes.js';
import { formatLoad } from './machineLoad.js';
import { HOME_SCREEN_HOPS, type ColdFigures, type Percentiles } from './measureCold.js';
import type { ThroughputFigures } from './measureThroughput.js';
import type { WarmFigures } from './measureWarm.js';
import { sum } from './vendorCounters.js';

/** The issue's goals (issue 12), printed beside the figures. */
export const GOALS = {
  /** Full answers per second, full mode over naive, same run. */
  fullOverNaive: 10,
  /** Partial answers allowed in full mode. */
  partialInFull: 0,
  /** Cold p50 over the floor (1.1 × 150 ms = 165 ms at 50 ms vendors). */
  coldOverFloor: 1.1,
} as const;

const ratio = (a: number, b: number) => (b === 0 ? (a === 0 ? 'n/a' : '∞') : `${(a / b).toFixed(1)}×`);
const met = (ok: boolean) => (ok ? 'met' : 'NOT MET');

/** The side-by-side table of the load modes and their ratios to naive, measured in one run. */
export function formatThroughput(figures: Record<LoadMode, ThroughputFigures>): string[] {
  const pad = (s: string) => s.padStart(16);
  // The vendors the home screen reaches in any mode (the others, e.g. payments, stay at 0).
  const vendorNames = Object.keys(figures.naive.coldCalls).filter((v) => loadModes.some((m) => (figures[m].coldCalls[v] ?? 0) > 0));
  const rows: [string, (f: ThroughputFigures) => string][] = [
    ['full answers/s', (f) => f.fullPerSecond.toFixed(1)],
    ['answers: full / partial / failed', (f) => `${f.full}/${f.partial}/${f.failed}`],
    ['answers/s, partial and failed included', (f) => f.answersPerSecond.toFixed(1)],
    ['p50 ms (full answers)', (f) => (f.full === 0 ? '-' : f.p50.toFixed(0))],
    ['p99 ms (full answers)', (f) => (f.full === 0 ? '-' : f.p99.toFixed(0))],
    [`vendor calls, cold query (${vendorNames.join('/')})`, (f) => `${f.coldOutcome === 'full' ? '' : `(${f.coldOutcome}) `}${vendorNames.map((v) => f.coldCalls[v] ?? 0).join('/')}`],
    ['vendor calls per answer under load', (f) => f.loadCallsPerQuery.toFixed(2)],
    ['load average 1 min, start→end /cores', (f) => formatLoad(f.loadStart, f.loadEnd)],
  ];
  const lines = [`${'metric'.padEnd(52)}${loadModes.map(pad).join('')}`];
  for (const [label, get] of rows) lines.push(`${label.padEnd(52)}${loadModes.map((m) => pad(get(figures[m]))).join('')}`);
  lines.push('', 'ratios to naive (same run):');
  for (const mode of ['batched', 'full'] as const) {
    const f = figures[mode];
    // Latency of full answers only: without any on one side there is nothing to compare.
    const faster = (a: number, b: number) => (figures.naive.full === 0 || f.full === 0 ? 'n/a' : `${ratio(a, b)} faster`);
    lines.push(
      `  ${mode.padEnd(8)} full answers/s ${ratio(f.fullPerSecond, figures.naive.fullPerSecond)}, p50 ${faster(figures.naive.p50, f.p50)}, ` +
        `p99 ${faster(figures.naive.p99, f.p99)}, cold vendor calls ${ratio(sum(figures.naive.coldCalls), sum(f.coldCalls))} fewer`,
    );
  }
  const full = figures.full;
  lines.push(
    '',
    `goal: full vs naive ≥ ${GOALS.fullOverNaive}× full answers/s: ${ratio(full.fullPerSecond, figures.naive.fullPerSecond)} (${met(full.fullPerSecond >= GOALS.fullOverNaive * figures.naive.fullPerSecond)})`,
    `goal: ${GOALS.partialInFull} partial answers in full mode: ${full.partial} (${met(full.partial <= GOALS.partialInFull)})`,
  );
  return lines;
}

/** The cold home screen against the floor of its plan, and where the rest of the time goes. */
export function formatCold(cold: ColdFigures, latencyMs: number): string[] {
  const goalMs = cold.floorMs * GOALS.coldOverFloor;
  const lines = [
    `cold home screen (caches off, vendors at ${latencyMs} ms, one request at a time, ${cold.requests} requests per timed phase)`,
    `  floor: ${cold.floorMs} ms = ${HOME_SCREEN_HOPS.length} sequential vendor round trips (${HOME_SCREEN_HOPS.join(' → ')}: products, their ratings and reviews, the reviews' authors)`,
    `  first answer after start     ${cold.firstMs.toFixed(0)} ms`,
    `  right after it (JIT cold)    p50 / p90 / p99  ${formatPercentiles(cold.afterStart, cold.floorMs)}`,
    `  after ${`${cold.warmupRequests} more (warmed up)`.padEnd(23)}p50 / p90 / p99  ${formatPercentiles(cold, cold.floorMs)}: a running service`,
    `  the same, vendors at 0 ms    p50 ${cold.ownP50.toFixed(1)} ms: our own time (gateway, subgraphs, loopback, the sandbox's work)`,
    `  answers full / partial / failed  ${cold.outcomes.full}/${cold.outcomes.partial}/${cold.outcomes.failed} (both timed phases)`,
    `  vendor calls per answer      ${Object.entries(cold.callsPerQuery).map(([v, n]) => `${v} ${n}`).join(', ')}`,
    `  load average 1 min           ${formatLoad(cold.loadStart, cold.loadEnd)} cores`,
    "  where the time above the floor goes (median ms between the sandbox's arrival times; each vendor's wait excluded, its own work after the wait included):",
  ];
  for (const [stretch, ms] of Object.entries(cold.stretches)) lines.push(`    ${stretch.padEnd(36)}${ms.toFixed(1).padStart(7)}`);
  lines.push('', `goal: cold p50 ≤ ${goalMs.toFixed(0)} ms (${GOALS.coldOverFloor}× the floor), warmed up: ${cold.p50.toFixed(1)} ms (${met(cold.p50 <= goalMs)})`);
  return lines;
}

function formatPercentiles(p: Percentiles, floorMs: number): string {
  return `${p.p50.toFixed(0)} / ${p.p90.toFixed(0)} / ${p.p99.toFixed(0)} ms  (p50 ${(p.p50 / floorMs).toFixed(2)}× the floor)`;
}

/** The warm home screen from the gateway's response cache, when the gateway has one. */
export function formatWarm(warm: WarmFigures): string[] {
  if (warm.hits === 0) {
    return [`warm home screen from the response cache: no answer of ${warm.requests} came from it (no RESPONSE_CACHE in this gateway, or the answer is not cacheable): row skipped`];
  }
  return [
    `warm home screen from the gateway's response cache (RESPONSE_CACHE=memory, one request at a time)`,
    `  answers served by it         ${warm.hits} of ${warm.requests}`,
    `  p50 / p99                    ${warm.p50.toFixed(1)} / ${warm.p99.toFixed(1)} ms`,
    `  vendor calls                 ${warm.vendorCalls}`,
    `  load average 1 min           ${formatLoad(warm.loadStart, warm.loadEnd)} cores`,
    '',
    `goal: a warm answer from the response cache in the low milliseconds: p50 ${warm.p50.toFixed(1)} ms`,
  ];
}
