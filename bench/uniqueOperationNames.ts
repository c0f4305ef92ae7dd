/**
 * `npm run bench:memory`: the gateway's memory under a client that sends a new operation
 * name with every request (issue 12's goal: RSS under 400 MB after 60 s of it). The sandbox
 * vendors, every subgraph and the gateway each run in a process of their own, as `npm start`
 * runs them; this process only sends load. For BENCH_MEMORY_SECONDS (60) at
 * BENCH_MEMORY_RATE (200) requests a second to the gateway as the image runs it in its
 * container (compiled, NODE_ENV=production, the container's heap; the rest of the system from
 * the sources), at most BENCH_MEMORY_IN_FLIGHT (64) at once (a tick with that many still out
 * is skipped, and counted), the home-screen query is sent renamed (`query HomeScreen_<n>`): a
 * new document and a new query plan every time. The gateway's RSS (/proc/<pid>/status VmRSS)
 * is sampled every second. Printed: start, peak and end RSS beside the goal, the gateway's
 * CPU per answer, the answers by outcome, the gateway's heap after a full GC at the start and
 * the end beside the operation caches' entries and estimated bytes against their budgets
 * (DOCUMENT_CACHE_MIB, QUERY_PLAN_CACHE_MIB and EXPLORER pass through to the gateway), and
 * each subgraph's RSS at the start and the end.
 */
import { fileURLToPath } from 'node:url';
import { exitOnConfigError } from '../platform/config/exitOnConfigError.js';
import { parseConfig } from '../platform/config/parseConfig.js';
import { int } from '../platform/config/setting.js';
import { generateIdentityKeys } from '../platform/identity/generateIdentityKeys.js';
import { gatewayEntry, serviceNodeOptions, subgraphEntries } from '../platform/registry/services.js';
import { waitReady } from '../scripts/start/probeReady.js';
import { operation } from '../test/harness/operations.js';
import { spawnEntry, type SpawnedEntry } from '../test/harness/spawnEntry.js';
import { planLoadStack } from './chaos/startProcesses.js';
import { cpuSeconds, rssBytes } from './procStats.js';
import { buildGatewayProcess } from './uniqueOperationNames/buildGatewayProcess.js';
import type { GatewaySample } from './uniqueOperationNames/gatewayProcess.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const GOAL_MB = 400;
/** Generous: a busy machine starts slowly, and the wait ends as soon as a service is ready. */
const READY_TIMEOUT_MS = 120_000;
const MB = 1024 * 1024;

/** `npm run bench:memory`'s settings, parsed once (every problem listed at once, exit 1). */
const { seconds, rate, maxInFlight } = exitOnConfigError(() =>
  parseConfig(
    'npm run bench:memory',
    {
      seconds: int('BENCH_MEMORY_SECONDS', { default: 60, min: 1, max: 600, unit: 's', description: 'How long the renamed home screens are sent.' }),
      rate: int('BENCH_MEMORY_RATE', { default: 200, min: 1, max: 2_000, unit: 'requests/s', description: 'Requests started per second.' }),
      maxInFlight: int('BENCH_MEMORY_IN_FLIGHT', { default: 64, min: 1, max: 1_000, unit: 'requests', description: 'At most this many out at once; a tick with that many out is skipped.' }),
    },
    process.env,
  ),
);

const homeScreen = operation('HomeScreen');
const NAME = /query\s+HomeScreen\b/;
if (!NAME.test(homeScreen)) throw new Error('test/operations/HomeScreen.graphql no longer names its operation HomeScreen');
const renamed = (n: number) => homeScreen.replace(NAME, `query HomeScreen_${n}`);

const samplesOf = (gateway: SpawnedEntry): GatewaySample[] =>
  gateway
    .output()
    .split('\n')
    .filter((line) => line.startsWith('{') && line.includes('"memory"'))
    .map((line) => JSON.parse(line) as GatewaySample);

/** The gateway's memory right after a full garbage collection (SIGUSR2 to its process). */
async function afterGc(gateway: SpawnedEntry): Promise<GatewaySample> {
  const seen = samplesOf(gateway).filter((s) => s.afterGc).length;
  process.kill(gateway.pid, 'SIGUSR2');
  for (let waited = 0; waited < 30_000; waited += 100) {
    const fresh = samplesOf(gateway).filter((s) => s.afterGc);
    if (fresh.length > seen) return fresh[fresh.length - 1]!;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the gateway did not answer SIGUSR2 within 30 s');
}

const children: SpawnedEntry[] = [];
const stopAll = async () => {
  await Promise.all(children.splice(0).map((child) => child.stop(5_000)));
};
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => void stopAll().then(() => process.exit(130)));

/** The subgraph processes by name: their RSS is printed too (each has a document cache of its own). */
const subgraphs = new Map<string, SpawnedEntry>();

/**
 * The sandbox and every subgraph (from the sources, as `npm start` runs them), then the
 * gateway as the image runs it: compiled, on plain node, NODE_ENV=production (no explorer, no
 * introspection), signing the caller's identity for the subgraphs with a fresh key.
 * Resolves with the gateway's URL.
 */
async function startServices(): Promise<{ gateway: SpawnedEntry; url: string }> {
  const gatewayProcess = buildGatewayProcess(root);
  const { plan, env: stackEnv } = await planLoadStack();
  const identity = await generateIdentityKeys();
  const env = { ...stackEnv, GATEWAY_IDENTITY_JWKS: identity.publicJwks };
  // Every service with the image's V8 flags and its container's heap, as npm start runs it; NODE_OPTIONS of this run adds to them.
  const nodeOptions = (name: string) => ({ NODE_OPTIONS: serviceNodeOptions(name, process.env.NODE_OPTIONS) });
  for (const wave of plan.waves.slice(0, -1)) {
    for (const service of wave) {
      const child = spawnEntry(service.entry, { ...env, ...nodeOptions(service.name) }, [], { exitWithParent: true });
      children.push(child);
      if (subgraphEntries.some((s) => s.name === service.name)) subgraphs.set(service.name, child);
    }
    await Promise.all(wave.map((s) => waitReady(s.name, s.health, READY_TIMEOUT_MS)));
  }
  // The gateway's own settings pass through (the cache budgets, EXPLORER).
  const gatewayEnv: Record<string, string> = { ...env, ...nodeOptions(gatewayEntry.name), NODE_ENV: 'production', GATEWAY_IDENTITY_PRIVATE_KEY: identity.privateJwk };
  for (const name of ['DOCUMENT_CACHE_MIB', 'QUERY_PLAN_CACHE_MIB', 'EXPLORER']) {
    const value = process.env[name];
    if (value !== undefined) gatewayEnv[name] = value;
  }
  const gateway = spawnEntry(gatewayProcess, gatewayEnv, [], { exitWithParent: true });
  children.push(gateway);
  const [, url] = await gateway.waitFor(/\{"url":"([^"]+)"\}/, READY_TIMEOUT_MS);
  await waitReady(gatewayEntry.name, url!.replace(/\/graphql$/, '/readyz'), READY_TIMEOUT_MS);
  return { gateway, url: url! };
}

type Outcome = 'full' | 'partial' | 'failed';

/** Error codes of the partial and failed answers, to say why they were not full. */
const errorCodes = new Map<string, number>();
const countCode = (code: string) => errorCodes.set(code, (errorCodes.get(code) ?? 0) + 1);

async function send(url: string, query: string): Promise<Outcome> {
  try {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
    const json = (await res.json()) as { data?: unknown; errors?: { extensions?: { code?: unknown } }[] };
    for (const error of json.errors ?? []) countCode(String(error.extensions?.code ?? 'no code'));
    if (res.status !== 200 || !json.data) return 'failed';
    return json.errors?.length ? 'partial' : 'full';
  } catch (err) {
    countCode((err as Error).name);
    return 'failed';
  }
}

const mb = (bytes: number) => `${(bytes / MB).toFixed(0)} MB`;

try {
  const { gateway, url } = await startServices();
  // One request of the real name first: the subgraphs' caches warm, as in a running system.
  await send(url, homeScreen);
  await new Promise((r) => setTimeout(r, 1_000));
  const startRss = rssBytes(gateway.pid);
  const subgraphStartRss = new Map([...subgraphs].map(([name, child]) => [name, rssBytes(child.pid)]));
  const startHeap = (await afterGc(gateway)).memory.heapUsed;
  const rss: number[] = [startRss];
  const outcomes: Record<Outcome | 'skipped', number> = { full: 0, partial: 0, failed: 0, skipped: 0 };
  let inFlight = 0;
  let sent = 0;
  const pending = new Set<Promise<void>>();
  const startedAt = performance.now();
  const startCpu = cpuSeconds(gateway.pid);
  const sampler = setInterval(() => rss.push(rssBytes(gateway.pid)), 1_000);
  // A steady rate, not as fast as it goes: ticks every 1000/rate ms, past ticks caught up at once.
  while (performance.now() - startedAt < seconds * 1_000) {
    const due = Math.floor(((performance.now() - startedAt) / 1_000) * rate);
    while (sent < due) {
      sent += 1;
      if (inFlight >= maxInFlight) {
        outcomes.skipped += 1;
        continue;
      }
      inFlight += 1;
      const p: Promise<void> = send(url, renamed(sent)).then((outcome) => {
        outcomes[outcome] += 1;
        inFlight -= 1;
        pending.delete(p);
      });
      pending.add(p);
    }
    await new Promise((r) => setTimeout(r, Math.max(1, 1_000 / rate)));
  }
  const endRss = rssBytes(gateway.pid);
  const gatewayCpu = cpuSeconds(gateway.pid) - startCpu;
  const subgraphEndRss = new Map([...subgraphs].map(([name, child]) => [name, rssBytes(child.pid)]));
  clearInterval(sampler);
  rss.push(endRss);
  await Promise.all(pending);
  // After the figures above: the collection is the bench's, a gateway runs its own.
  const sample = await afterGc(gateway);

  const answered = outcomes.full + outcomes.partial + outcomes.failed;
  console.log(`Memory benchmark: the home-screen query under a new operation name per request, ${seconds} s at ${rate}/s (≤ ${maxInFlight} in flight), gateway compiled and alone in its process, NODE_ENV=production, node ${process.version} with NODE_OPTIONS=${serviceNodeOptions(gatewayEntry.name, process.env.NODE_OPTIONS)} (the image's flags, the heap of the gateway's container, then this run's).`);
  console.log(`requests: ${answered} answered (${(answered / seconds).toFixed(0)}/s): ${outcomes.full} full, ${outcomes.partial} partial, ${outcomes.failed} failed; ${outcomes.skipped} ticks skipped (in-flight cap)`);
  if (errorCodes.size > 0) console.log(`errors in those answers: ${[...errorCodes].map(([code, n]) => `${code} ×${n}`).join(', ')}`);
  // CPU per answer: what a smaller heap (more frequent full collections) costs, comparable between runs with other NODE_OPTIONS.
  console.log(`gateway CPU: ${((gatewayCpu * 1_000) / Math.max(1, answered)).toFixed(2)} ms per answer (${gatewayCpu.toFixed(1)} s in ${seconds} s)`);
  console.log(`gateway RSS: start ${mb(startRss)}, peak ${mb(Math.max(...rss))}, end ${mb(endRss)}   goal: under ${GOAL_MB} MB after ${seconds} s → ${endRss < GOAL_MB * MB ? 'met' : 'NOT met'}${Math.max(...rss) < GOAL_MB * MB ? ' (peak too)' : ''}`);
  const { memory } = sample;
  console.log(
    `gateway V8 heap after a full GC: start ${mb(startHeap)}, end ${mb(memory.heapUsed)} (kept: ${mb(memory.heapUsed - startHeap)}); ` +
      `heap reserved ${mb(memory.heapTotal)}, external ${mb(memory.external)}`,
  );
  const caches = sample.caches as Record<string, { entries: number; bytes: number; maxBytes: number; hits: number; misses: number; evictions: number }> | undefined;
  if (!caches) console.log('operation caches: not reported by this gateway (Apollo defaults: 30 MiB each, counted in JSON bytes)');
  let accounted = 0;
  for (const [name, c] of Object.entries(caches ?? {})) {
    accounted += c.bytes;
    console.log(`${name.padEnd(10)} cache: ${c.entries} entries, ${(c.bytes / MB).toFixed(1)} of ${(c.maxBytes / MB).toFixed(0)} MiB, ${c.hits} hits, ${c.misses} misses, ${c.evictions} evictions`);
  }
  if (caches) console.log(`the caches' estimate: ${mb(accounted)} against ${mb(memory.heapUsed - startHeap)} of heap kept since the start (the estimate should not be below it)`);
  console.log(
    `subgraph RSS, start → end (the gateway forwards the new names, so each subgraph parses a new document too): ${[...subgraphs.keys()]
      .map((name) => `${name} ${mb(subgraphStartRss.get(name)!)} → ${mb(subgraphEndRss.get(name)!)}`)
      .join(', ')}`,
  );
  console.log(`gateway RSS each second (MB): ${rss.map((b) => (b / MB).toFixed(0)).join(' ')}`);
} finally {
  await stopAll();
}
