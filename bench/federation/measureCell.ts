import { loadavg } from 'node:os';
import autocannon from 'autocannon';
import { cpuSeconds, peakRssBytes } from '../procStats.js';
import { benchBody, type BenchVariant } from './benchQueries.js';
import type { GatewayId, GatewayLaunch } from './benchGateways.js';
import { startPinnedProcess } from './startPinnedProcess.js';
import type { SubgraphsClient } from './subgraphsClient.js';

export interface LoadSettings {
  /** Seconds of load measured. */
  readonly durationS: number;
  /** Seconds of load before it, not measured: code compiled, caches and pools filled. */
  readonly warmupS: number;
  readonly connections: number;
}

/** What one gateway did on one variant, in one fresh process. */
export interface CellFigures {
  readonly gateway: GatewayId;
  readonly variant: BenchVariant;
  /** Responses received in the measured window. */
  readonly requests: number;
  readonly requestsPerS: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** The gateway's user + system CPU in the window. */
  readonly gatewayCpuS: number;
  readonly gatewayCpuSPer1kRequests: number;
  /** Requests served per second of gateway CPU: the figure the goals are in. */
  readonly requestsPerGatewayCpuS: number;
  /** VmHWM after the window: the most memory the process ever held. */
  readonly peakRssMiB: number;
  /** Subgraph requests during the window, per request sent. */
  readonly subgraphRequestsPerOperation: number;
  /** Subgraph requests of the single check request, per subgraph (what its plan fetched). */
  readonly checkFetches: Readonly<Record<string, number>>;
  readonly non2xx: number;
  /** 2xx answers with an `errors` entry (partial or failed answers). */
  readonly graphqlErrors: number;
  /** Connection errors and timeouts. */
  readonly socketErrors: number;
  /** Bytes received per response (headers included). */
  readonly bytesPerResponse: number;
  /** CPU of the load side (this process and the subgraphs, sharing the other core) over the window: near 100% means the figures are capped by it. */
  readonly loadSideCpuPercent: number;
  /** The machine's 1-minute load average when the window began. */
  readonly loadAverage: number;
}

export interface CellResult {
  readonly figures: CellFigures;
  /** The `data` of the check answer, for comparing gateways. */
  readonly checkData: unknown;
}

export interface CellOptions {
  readonly gateway: GatewayId;
  readonly variant: BenchVariant;
  readonly launch: GatewayLaunch;
  readonly cwd: string;
  /** The CPU the gateway runs on. */
  readonly cpu: number;
  readonly subgraphs: SubgraphsClient;
  /** The pid of the subgraphs' process, whose CPU counts on the load side. */
  readonly subgraphsPid: number;
  readonly load: LoadSettings;
}

const HEADERS = { 'content-type': 'application/json' };
/** Stands for the nonce while the varied body is cut in two around it. */
const NONCE_SLOT = '@@nonce@@';

async function post(url: string, body: string): Promise<{ status: number; answer: { data?: unknown; errors?: unknown[] } }> {
  const res = await fetch(url, { method: 'POST', headers: HEADERS, body });
  const text = await res.text();
  try {
    return { status: res.status, answer: JSON.parse(text) as { data?: unknown; errors?: unknown[] } };
  } catch {
    return { status: res.status, answer: { errors: [`not JSON: ${text.slice(0, 200)}`] } };
  }
}

/** Requests sent by every load of this process: the source of unique nonces. */
let sent = 0;

function load(url: string, variant: BenchVariant, connections: number, durationS: number) {
  // Varied: each request gets a nonce of its own, spliced into the body (autocannon's own
  // id replacement gets Content-Length wrong when ids vary in length).
  const [before, after = ''] = benchBody(variant, NONCE_SLOT).split(NONCE_SLOT);
  return autocannon({
    url,
    connections,
    duration: durationS,
    requests: [
      variant === 'identical'
        ? { method: 'POST', headers: HEADERS, body: benchBody(variant) }
        : { method: 'POST', headers: HEADERS, setupRequest: (req) => ({ ...req, body: `${before}${process.pid}-${++sent}${after}` }) },
    ],
    // An HTTP 200 full of errors is not a success: count it apart.
    verifyBody: (body) => !String(body).includes('"errors"'),
  });
}

/**
 * Waits until the subgraphs have received nothing new for a moment: requests a load left in
 * flight (autocannon stops without waiting for them) are done, so they count in no window.
 */
async function quiet(subgraphs: SubgraphsClient): Promise<void> {
  const total = async () => Object.values(await subgraphs.stats()).reduce((sum, s) => sum + s.requests, 0);
  let last = await total();
  for (let i = 0; i < 50; i++) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    const now = await total();
    if (now === last) return;
    last = now;
  }
}

/**
 * One cell of the matrix: a fresh gateway process pinned to its CPU; one request after a
 * first (cold) one, whose answer and subgraph fetches are recorded; a warm-up; then the
 * measured window, with the gateway's CPU and peak memory read from /proc around it.
 */
export async function measureCell(options: CellOptions): Promise<CellResult> {
  const { gateway, variant, launch, load: settings } = options;
  const proc = await startPinnedProcess({ name: gateway, cpu: options.cpu, args: launch.args, cwd: options.cwd, env: launch.env, ready: launch.ready });
  try {
    const url = proc.ready;
    // The first query of a process plans it and compiles the code on the way; the check is the second.
    await post(url, benchBody(variant));
    await options.subgraphs.reset();
    const check = await post(url, benchBody(variant));
    const checkFetches = Object.fromEntries(Object.entries(await options.subgraphs.stats()).map(([name, s]) => [name, s.requests]));
    if (check.status !== 200 || check.answer.errors !== undefined || check.answer.data === undefined) {
      throw new Error(`${gateway}, ${variant}: the check request got HTTP ${check.status}: ${JSON.stringify(check.answer.errors ?? check.answer).slice(0, 600)}`);
    }

    await load(url, variant, settings.connections, settings.warmupS);
    await quiet(options.subgraphs);
    await options.subgraphs.reset();
    const loadAverage = loadavg()[0]!;
    const startedAt = performance.now();
    const before = { gateway: cpuSeconds(proc.pid), runner: cpuSeconds(process.pid), subgraphs: cpuSeconds(options.subgraphsPid) };
    const result = await load(url, variant, settings.connections, settings.durationS);
    const after = { gateway: cpuSeconds(proc.pid), runner: cpuSeconds(process.pid), subgraphs: cpuSeconds(options.subgraphsPid) };
    const elapsedS = (performance.now() - startedAt) / 1000;
    const peakRss = peakRssBytes(proc.pid);
    // The requests still in flight when the window closed are not among the responses, but
    // their fetches count: divide by the requests sent (autocannon has the figure, untyped).
    await quiet(options.subgraphs);
    const sent = (result.requests as { sent?: number }).sent ?? result.requests.total;
    const subgraphRequests = Object.values(await options.subgraphs.stats()).reduce((sum, s) => sum + s.requests, 0);

    const requests = result.requests.total;
    const gatewayCpuS = after.gateway - before.gateway;
    return {
      checkData: check.answer.data,
      figures: {
        gateway,
        variant,
        requests,
        requestsPerS: result.requests.average,
        p50Ms: result.latency.p50,
        p99Ms: result.latency.p99,
        gatewayCpuS,
        gatewayCpuSPer1kRequests: requests > 0 ? (gatewayCpuS / requests) * 1000 : Number.NaN,
        requestsPerGatewayCpuS: gatewayCpuS > 0 ? requests / gatewayCpuS : Number.NaN,
        peakRssMiB: peakRss / 1024 / 1024,
        subgraphRequestsPerOperation: sent > 0 ? subgraphRequests / sent : Number.NaN,
        checkFetches,
        non2xx: result.non2xx,
        graphqlErrors: result.mismatches,
        socketErrors: result.errors + result.timeouts,
        bytesPerResponse: requests > 0 ? result.throughput.total / requests : Number.NaN,
        loadSideCpuPercent: ((after.runner - before.runner + after.subgraphs - before.subgraphs) / elapsedS) * 100,
        loadAverage,
      },
    };
  } finally {
    await proc.stop();
  }
}
