import { randomBytes } from 'node:crypto';
import { Agent } from 'undici';
import { machineLoad, type MachineLoad } from './machineLoad.js';
import { percentile } from './percentile.js';
import { sendHomeScreen } from './sendHomeScreen.js';
import { sum, type VendorCounters } from './vendorCounters.js';

export interface WarmFigures {
  readonly requests: number;
  /** Full answers the gateway's response cache served (they carry an `Age` header). */
  readonly hits: number;
  /** Latency of those (ms). */
  readonly p50: number;
  readonly p99: number;
  /** Vendor calls during the run (0 when every answer came from a cache). */
  readonly vendorCalls: number;
  readonly loadStart: MachineLoad;
  readonly loadEnd: MachineLoad;
}

/**
 * A warm home screen from the gateway's response cache (RESPONSE_CACHE): one request to
 * fill it, then `requests` one at a time. Only answers that say they came from the cache
 * (`Age`) count, so a gateway without the setting (or an answer it will not keep) shows 0 hits.
 */
export async function measureWarm(options: {
  readonly gatewayUrl: string;
  readonly body: string;
  readonly counters: VendorCounters;
  readonly requests: number;
}): Promise<WarmFigures> {
  const agent = new Agent({ connections: 1, keepAliveTimeout: 60_000 });
  const runId = randomBytes(4).toString('hex');
  try {
    await sendHomeScreen(options.gatewayUrl, options.body, agent, `bench-${runId}-fill`);
    await options.counters.reset();
    const loadStart = machineLoad();
    const hits: number[] = [];
    for (let i = 0; i < options.requests; i++) {
      const sent = await sendHomeScreen(options.gatewayUrl, options.body, agent, `bench-${runId}-${i}`);
      if (sent.outcome === 'full' && sent.age !== undefined) hits.push(sent.end - sent.start);
    }
    const loadEnd = machineLoad();
    hits.sort((a, b) => a - b);
    return {
      requests: options.requests,
      hits: hits.length,
      p50: percentile(hits, 50),
      p99: percentile(hits, 99),
      vendorCalls: sum(await options.counters.totals()),
      loadStart,
      loadEnd,
    };
  } finally {
    await agent.close();
  }
}
