import autocannon from 'autocannon';
import { classifyAnswer, type Outcome } from './classifyAnswer.js';
import { machineLoad, type MachineLoad } from './machineLoad.js';
import { percentile } from './percentile.js';
import { sum, type VendorCounters } from './vendorCounters.js';

export interface ThroughputFigures {
  /** Every answer read and classified (full + partial + failed). */
  readonly answers: number;
  readonly full: number;
  readonly partial: number;
  /** Non-2xx answers, answers without data, and transport errors or timeouts. */
  readonly failed: number;
  /** Full answers per second: partial and failed answers are not throughput. */
  readonly fullPerSecond: number;
  /** Every answer per second, partial and failed ones included (what the old bench called throughput). */
  readonly answersPerSecond: number;
  /** Latency of full answers (ms). */
  readonly p50: number;
  readonly p99: number;
  /** Vendor calls of one home screen on a fresh stack, per vendor. */
  readonly coldCalls: Record<string, number>;
  /** What that first home screen was: partial when a vendor call missed its deadline on a cold (JIT, connections) stack. */
  readonly coldOutcome: Outcome;
  /** Vendor calls under load divided by the answers. */
  readonly loadCallsPerQuery: number;
  /** The machine before and after the load. */
  readonly loadStart: MachineLoad;
  readonly loadEnd: MachineLoad;
}

export interface ThroughputOptions {
  readonly gatewayUrl: string;
  readonly body: string;
  readonly counters: VendorCounters;
  readonly connections: number;
  /** Seconds of load. */
  readonly durationS: number;
  /** Nothing is cached (naive, batched): a partial first home screen may be retried without warming anything. */
  readonly cachesOff: boolean;
}

/**
 * One cold home screen counted at the vendors, then `connections` autocannon clients for
 * `durationS`. Every answer's body is read and classified (classifyAnswer): only full
 * answers count as throughput, and latency percentiles are those of full answers.
 */
export async function measureThroughput(options: ThroughputOptions): Promise<ThroughputFigures> {
  const { gatewayUrl, body, counters } = options;
  let coldOutcome: Outcome = 'failed';
  let coldCalls: Record<string, number> = {};
  // With caches off every attempt is as cold as the first: a first answer made partial by a
  // cold process (JIT, connections) is retried. With caches on, the first is the only cold one.
  for (let attempt = 1; attempt <= (options.cachesOff ? 3 : 1) && coldOutcome !== 'full'; attempt++) {
    await counters.reset();
    const cold = await fetch(gatewayUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    const coldText = await cold.text();
    coldOutcome = classifyAnswer(cold.status, coldText);
    if (coldOutcome === 'failed') throw new Error(`the first home screen failed (HTTP ${cold.status}): ${coldText.slice(0, 300)}`);
    coldCalls = await counters.totals();
  }

  await counters.reset();
  const counts: Record<Outcome, number> = { full: 0, partial: 0, failed: 0 };
  const fullLatencies: number[] = [];
  // autocannon calls onResponse and then emits 'response' (with the latency) synchronously
  // for the same answer: the outcome of the one just classified is carried to the other.
  let lastOutcome: Outcome = 'failed';
  const loadStart = machineLoad();
  const result = await autocannon({
    url: gatewayUrl,
    connections: options.connections,
    duration: options.durationS,
    requests: [
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
        onResponse: (status: number, responseBody: string) => {
          lastOutcome = classifyAnswer(status, responseBody);
          counts[lastOutcome] += 1;
        },
      },
    ],
    setupClient: (client) => {
      client.on('response', (_status: number, _bytes: number, ms: number) => {
        if (lastOutcome === 'full') fullLatencies.push(ms);
      });
    },
  });
  const loadEnd = machineLoad();
  const loadCalls = sum(await counters.totals());
  // Transport errors and timeouts never produce an answer to classify.
  const failed = counts.failed + result.errors;
  const answers = counts.full + counts.partial + counts.failed;
  fullLatencies.sort((a, b) => a - b);
  return {
    answers: answers + result.errors,
    full: counts.full,
    partial: counts.partial,
    failed,
    fullPerSecond: counts.full / result.duration,
    answersPerSecond: (answers + result.errors) / result.duration,
    p50: percentile(fullLatencies, 50),
    p99: percentile(fullLatencies, 99),
    coldCalls,
    coldOutcome,
    loadCallsPerQuery: answers > 0 ? loadCalls / answers : 0,
    loadStart,
    loadEnd,
  };
}
