import { randomBytes } from 'node:crypto';
import { Agent } from 'undici';
import type { Outcome } from './classifyAnswer.js';
import { machineLoad, type MachineLoad } from './machineLoad.js';
import { percentile } from './percentile.js';
import { sendHomeScreen, type Sent } from './sendHomeScreen.js';
import type { VendorCounters } from './vendorCounters.js';

/** The vendors a home screen waits on, in the order it waits on them (the query plan: products, then their ratings and reviews, then the reviews' authors). */
export const HOME_SCREEN_HOPS = ['commerce', 'reviews', 'identity'] as const;

export interface Percentiles {
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
}

export interface ColdFigures extends Percentiles {
  /** The first home screen after the stack started (JIT, connections and keys all cold). */
  readonly firstMs: number;
  /** Sequential home screens in each timed phase: right after the first, and after the warm-up. */
  readonly requests: number;
  /** Every answer of both timed phases. */
  readonly outcomes: Record<Outcome, number>;
  /** The timed phase right after the first answer: the processes' JIT still compiling what a home screen runs. */
  readonly afterStart: Percentiles;
  /** Home screens sent with the vendors at 0 ms between the two timed phases (not timed). */
  readonly warmupRequests: number;
  /** The floor the plan implies: one vendor round trip per hop. */
  readonly floorMs: number;
  /** Median time of each stretch of one home screen (ms), from the sandbox's arrival times; see `timeline`. */
  readonly stretches: Record<string, number>;
  /**
   * p50 of the same home screens with the vendors at 0 ms (same stack, right after): the
   * time that is not the vendors' wait, measured directly.
   */
  readonly ownP50: number;
  /** Median vendor calls per home screen, per vendor. */
  readonly callsPerQuery: Record<string, number>;
  readonly loadStart: MachineLoad;
  readonly loadEnd: MachineLoad;
}

/**
 * Where the time of one home screen goes, from the client's send and receive times and the
 * arrival time (at the sandbox) of each vendor call carrying its request id. A vendor's
 * answer is taken to leave at its last call's arrival + `latencyMs`: the sandbox waits that
 * long, then answers at once. Each stretch is our own time (gateway, subgraphs, loopback)
 * except the vendors' waits, which are the floor.
 */
export function timeline(sent: Sent, calls: readonly { vendor: string; at: number }[], latencyMs: number): Record<string, number> | undefined {
  const firstAt = (vendor: string) => Math.min(...calls.filter((c) => c.vendor === vendor).map((c) => c.at));
  const lastAt = (vendor: string) => Math.max(...calls.filter((c) => c.vendor === vendor).map((c) => c.at));
  if (HOME_SCREEN_HOPS.some((v) => !calls.some((c) => c.vendor === v))) return undefined;
  const [products, reviews, authors] = HOME_SCREEN_HOPS;
  return {
    [`client → ${products} call`]: firstAt(products) - sent.start,
    [`${products} answer → ${reviews} call`]: firstAt(reviews) - (lastAt(products) + latencyMs),
    [`${reviews} answer → ${authors} call`]: firstAt(authors) - (lastAt(reviews) + latencyMs),
    [`${authors} answer → client`]: sent.end - (lastAt(authors) + latencyMs),
  };
}

const median = (values: number[]) => percentile([...values].sort((a, b) => a - b), 50);

/**
 * A cold home screen's latency: one request at a time (latency, not queueing), on a stack
 * whose caches are off so that every request pays every vendor round trip. Timed twice:
 * right after start (`afterStart`), then after `warmupRequests` more home screens with the
 * vendors at 0 ms, as a process that has served traffic runs (V8 optimises a function
 * only after many calls, and a home screen calls most of ours once or twice). The second
 * is the figure that describes a running service; its stretches and own time are reported.
 */
export async function measureCold(options: {
  readonly gatewayUrl: string;
  readonly body: string;
  readonly counters: VendorCounters;
  readonly latencyMs: number;
  readonly requests: number;
  readonly warmupRequests: number;
}): Promise<ColdFigures> {
  const { gatewayUrl, body, counters, latencyMs } = options;
  const agent = new Agent({ connections: 1, keepAliveTimeout: 60_000 });
  const runId = randomBytes(4).toString('hex');
  const send = (id: string) => sendHomeScreen(gatewayUrl, body, agent, id);
  const sendAll = async (phase: string, n: number) => {
    const sent: Sent[] = [];
    for (let i = 0; i < n; i++) sent.push(await send(`bench-${runId}-${phase}-${i}`));
    return sent;
  };
  const atZero = async <T>(run: () => Promise<T>): Promise<T> => {
    await counters.setLatency(0);
    try {
      return await run();
    } finally {
      await counters.setLatency(latencyMs);
    }
  };
  try {
    const first = await send(`bench-${runId}-first`);
    const afterStart = await sendAll('start', options.requests);
    await atZero(() => sendAll('warmup', options.warmupRequests));
    await counters.reset();
    const loadStart = machineLoad();
    const sent = await sendAll('cold', options.requests);
    const loadEnd = machineLoad();

    const byRequest = new Map<string, { vendor: string; at: number }[]>();
    for (const [vendor, calls] of Object.entries(await counters.calls())) {
      for (const call of calls) {
        if (call.requestId === null) continue;
        const list = byRequest.get(call.requestId) ?? [];
        list.push({ vendor, at: call.at });
        byRequest.set(call.requestId, list);
      }
    }
    const own = (await atZero(() => sendAll('own', options.requests))).filter((s) => s.outcome === 'full').map((s) => s.end - s.start);
    const full = sent.filter((s) => s.outcome === 'full');
    const lines = full.map((s) => timeline(s, byRequest.get(s.id) ?? [], latencyMs)).filter((t) => t !== undefined);
    const stretches = Object.fromEntries(Object.keys(lines[0] ?? {}).map((k) => [k, median(lines.map((l) => l[k]!))]));
    const vendors = [...new Set([...byRequest.values()].flat().map((c) => c.vendor))];
    const callsPerQuery = Object.fromEntries(vendors.map((v) => [v, median(full.map((s) => (byRequest.get(s.id) ?? []).filter((c) => c.vendor === v).length))]));
    const outcomes: Record<Outcome, number> = { full: 0, partial: 0, failed: 0 };
    for (const s of [...afterStart, ...sent]) outcomes[s.outcome] += 1;
    return {
      firstMs: first.end - first.start,
      requests: sent.length,
      outcomes,
      afterStart: percentilesOf(afterStart),
      warmupRequests: options.warmupRequests,
      ...percentilesOf(sent),
      floorMs: HOME_SCREEN_HOPS.length * latencyMs,
      ownP50: median(own),
      stretches,
      callsPerQuery,
      loadStart,
      loadEnd,
    };
  } finally {
    await agent.close();
  }
}

/** p50, p90 and p99 of the full answers' latencies. */
function percentilesOf(sent: readonly Sent[]): Percentiles {
  const latencies = sent.filter((s) => s.outcome === 'full').map((s) => s.end - s.start).sort((a, b) => a - b);
  return { p50: percentile(latencies, 50), p90: percentile(latencies, 90), p99: percentile(latencies, 99) };
}
