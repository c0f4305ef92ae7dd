/**
 * `npm run chaos`: the fault matrix. The whole system runs as one process per service on
 * loopback; for each fault, `CHAOS_CONCURRENCY` clients send the home screen for
 * `CHAOS_DURATION_S` while the fault is on, then the fault is cleared and the time to the
 * first complete answer is measured. Printed per fault: the share of 200 answers, of
 * complete and of partial answers, p50/p99/max latency against the request budget,
 * vendor calls per query (counted at the sandbox) and recovery time.
 *
 * Vendor and subgraph faults run with the subgraphs' caches off (every query reaches the
 * vendors: the worst case); the Redis row runs on the defaults with Redis shared through
 * a proxy that the benchmark cuts (needs REDIS_URL, skipped otherwise).
 */
import { operation } from '../test/harness/operations.js';
import { envPrefix, subgraphEntries } from '../platform/registry/services.js';
import { drive, recoveryMs, type LoadFigures } from './chaos/drive.js';
import { startRedisProxy, type RedisProxy } from './chaos/redisProxy.js';
import { startProcesses, type ProcessStack } from './chaos/startProcesses.js';

const DURATION_MS = Number(process.env.CHAOS_DURATION_S ?? 6) * 1000;
const CONCURRENCY = Number(process.env.CHAOS_CONCURRENCY ?? 4);
const BUDGET_MS = Number(process.env.REQUEST_BUDGET_MS ?? 1000);
/** The vendor and subgraph the faults hit: the home screen's middle hop. */
const VENDOR = process.env.CHAOS_VENDOR ?? 'reviews';
const SUBGRAPH = process.env.CHAOS_SUBGRAPH ?? 'reviews';
const body = JSON.stringify({ query: operation('HomeScreen') });

interface Scenario {
  readonly name: string;
  apply(stack: ProcessStack, redis: RedisProxy | undefined): Promise<void>;
  clear(stack: ProcessStack, redis: RedisProxy | undefined): Promise<void>;
}

const faults = (stack: ProcessStack, value: unknown) =>
  fetch(`${stack.vendors[VENDOR]}/__sandbox/faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(value) }).then((r) => {
    if (!r.ok) throw new Error(`sandbox refused the fault ${JSON.stringify(value)}: ${r.status}`);
  });
const clearFaults = (stack: ProcessStack) => fetch(`${stack.vendors[VENDOR]}/__sandbox/faults`, { method: 'DELETE' }).then(() => undefined);
const vendorFault = (name: string, value: unknown): Scenario => ({ name, apply: (s) => faults(s, value), clear: (s) => clearFaults(s) });

const vendorScenarios: Scenario[] = [
  vendorFault(`${VENDOR} vendor down (503 page)`, { outage: true }),
  vendorFault(`${VENDOR} vendor hangs`, { hang: true }),
  vendorFault(`${VENDOR} vendor 50% 5xx`, { errorRate: 0.5 }),
  vendorFault(`${VENDOR} vendor 429 storm`, { rateLimit: { limit: 2, windowMs: 1000 } }),
  vendorFault(`${VENDOR} vendor slow (900 ms)`, { latencyMs: 900 }),
  {
    name: `${SUBGRAPH} subgraph killed`,
    apply: async (s) => {
      s.subgraphs[SUBGRAPH]!.child.kill('SIGKILL');
    },
    clear: (s) => s.subgraphs[SUBGRAPH]!.restart(),
  },
  {
    name: `${SUBGRAPH} subgraph frozen (SIGSTOP)`,
    apply: async (s) => {
      s.subgraphs[SUBGRAPH]!.child.kill('SIGSTOP');
    },
    clear: async (s) => {
      s.subgraphs[SUBGRAPH]!.child.kill('SIGCONT');
    },
  },
];

const redisScenario: Scenario = {
  name: 'Redis down',
  apply: async (_, redis) => redis!.cut(),
  clear: async (_, redis) => redis!.restore(),
};

async function vendorCalls(stack: ProcessStack): Promise<number> {
  let total = 0;
  for (const url of Object.values(stack.vendors)) total += ((await (await fetch(`${url}/__sandbox/stats`)).json()) as { total: number }).total;
  return total;
}

interface Row {
  readonly name: string;
  readonly load: LoadFigures;
  readonly callsPerQuery: number;
  readonly recoveryMs: number;
}

async function run(stack: ProcessStack, scenario: Scenario, redis?: RedisProxy): Promise<Row> {
  // A clean start: the previous fault's breakers and gates have closed again.
  if ((await recoveryMs(stack.gatewayUrl, body)) < 0) throw new Error(`the system did not recover before "${scenario.name}"`);
  await scenario.apply(stack, redis);
  const callsBefore = await vendorCalls(stack);
  const load = await drive(stack.gatewayUrl, body, { durationMs: DURATION_MS, concurrency: CONCURRENCY });
  const callsPerQuery = ((await vendorCalls(stack)) - callsBefore) / Math.max(1, load.requests);
  await scenario.clear(stack, redis);
  return { name: scenario.name, load, callsPerQuery, recoveryMs: await recoveryMs(stack.gatewayUrl, body) };
}

const pct = (n: number, of: number) => `${Math.round((100 * n) / Math.max(1, of))}%`;
const ms = (n: number) => `${Math.round(n)}`;
function print(rows: readonly Row[]): void {
  console.log(`\nFault matrix: home screen, ${CONCURRENCY} clients, ${DURATION_MS / 1000} s per fault, request budget ${BUDGET_MS} ms\n`);
  console.log('| fault | requests | HTTP 200 | complete | partial | failed | p50 ms | p99 ms | max ms | p99 / budget | vendor calls per query | recovery ms |');
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const { name, load, callsPerQuery, recoveryMs: rec } of rows) {
    const n = load.requests;
    console.log(
      `| ${name} | ${n} | ${pct(load.status200, n)} | ${pct(load.full, n)} | ${pct(load.partial, n)} | ${pct(load.failed, n)} | ${ms(load.p50)} | ${ms(load.p99)} | ${ms(load.max)} | ${(load.p99 / BUDGET_MS).toFixed(2)} | ${callsPerQuery.toFixed(2)} | ${rec < 0 ? 'not within 60 s' : rec} |`,
    );
  }
}

const rows: Row[] = [];
const cacheOff = Object.fromEntries(subgraphEntries.map((s) => [`${envPrefix(s.name)}_CACHE_TTL_MS`, '0']));
let stack = await startProcesses(cacheOff);
try {
  // The baseline: no fault.
  rows.push(await run(stack, { name: 'no fault (baseline)', apply: async () => undefined, clear: async () => undefined }));
  for (const scenario of vendorScenarios) rows.push(await run(stack, scenario));
} finally {
  await stack.stop();
}

const redisUrl = process.env.REDIS_URL;
if (redisUrl) {
  const redis = await startRedisProxy(new URL(redisUrl));
  stack = await startProcesses({ REDIS_URL: redis.url, REDIS_PREFIX: `chaos-${process.pid}` });
  try {
    rows.push(await run(stack, { ...redisScenario, name: 'Redis down (caches on, shared through Redis)' }, redis));
  } finally {
    await stack.stop();
    await redis.close();
  }
} else {
  console.log('REDIS_URL is not set: the "Redis down" row is skipped.');
}
print(rows);
