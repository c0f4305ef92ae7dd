import { request } from 'node:http';
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createIdentitySigner } from '../../platform/identity/createIdentitySigner.js';
import { generateIdentityKeys } from '../../platform/identity/generateIdentityKeys.js';
import { COLD_START_BUDGETS } from '../harness/coldStartBudgets.js';
import { descendants } from '../harness/descendants.js';
import { inMemoryStores } from '../harness/inMemoryStores.js';
import { operation } from '../harness/operations.js';
import { isAlive, spawnEntry, type SpawnedEntry } from '../harness/spawnEntry.js';
import { isPortFree } from '../harness/listenPorts.js';
import { npmStartPortEnvs, npmStartPorts } from '../harness/npmStartPorts.js';
import { gatewayEntry, sandboxVendorEntries, sandboxVendorEnv, subgraphEnv } from '../../platform/registry/services.js';

/**
 * `npm start` as a process manager, an IDE or a terminal stops it: SIGTERM, Ctrl-C (SIGINT
 * to the whole foreground process group) or SIGKILL. Each time, every service it started is
 * gone afterwards (found by PID, not by waiting a while), and a graceful stop exits 0.
 */
interface Started {
  readonly start: SpawnedEntry;
  readonly ports: Record<string, number>;
  /** Every process npm start runs (its descendants), by PID. */
  readonly services: number[];
}

async function npmStart(ports: Record<string, number>, extraEnv: Record<string, string> = {}): Promise<Started> {
  const env = { ...COLD_START_BUDGETS, ...inMemoryStores(), ...Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, String(v)])), ...extraEnv };
  const start = spawnEntry('scripts/start.ts', env);
  try {
    await start.waitFor(/Ctrl-C stops everything/, 240_000);
  } catch (err) {
    start.kill();
    throw err;
  }
  return { start, ports, services: descendants(start.pid) };
}

/** Polls until none of `pids` runs; generous, it returns as soon as they are gone. */
async function waitGone(pids: readonly number[], timeoutMs = 90_000): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  let alive = pids.filter(isAlive);
  while (alive.length > 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    alive = alive.filter(isAlive);
  }
  return alive;
}

function refusesConnections(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}

/** JSON over node:http: fetch refuses the ports browsers block (6000, 6665–6669, 6697). */
function sendJson(method: string, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: unknown }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers: { 'content-type': 'application/json', ...headers } }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => {
        try {
          resolve({ status: res.statusCode ?? 0, json: JSON.parse(text) as unknown });
        } catch (err) {
          reject(err instanceof Error ? err : new Error(String(err)));
        }
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The first port of fetch's blocked list in the 6000s that nothing on this machine uses. */
async function freeBlockedPort(): Promise<number | undefined> {
  for (const port of [6000, 6665, 6666, 6667, 6668, 6669, 6697]) if (await isPortFree(port)) return port;
  return undefined;
}

async function expectAllGone({ services, ports }: Started): Promise<void> {
  expect(services.length).toBeGreaterThanOrEqual(npmStartPortEnvs.length - sandboxVendorEntries.length + 1);
  expect(await waitGone(services)).toEqual([]);
  for (const [name, port] of Object.entries(ports)) expect(await refusesConnections(port), `${name} :${port}`).toBe(true);
}

/** After a failure: whatever survived, killed by PID (the services may run in process groups of their own). */
function cleanUp({ start, services }: Started): void {
  start.kill();
  for (const pid of services) {
    try {
      if (isAlive(pid)) process.kill(pid, 'SIGKILL');
    } catch {
      // gone, as it should be
    }
  }
}

describe('npm start stops everything it started', () => {
  it('SIGTERM (a process manager, an IDE): the signal forwarded once, every service drains and is gone, exit 0; a gateway on a port fetch refuses (6000) works', async () => {
    const ports = await npmStartPorts();
    const blocked = await freeBlockedPort();
    if (blocked !== undefined) ports[gatewayEntry.portEnv] = blocked;
    const started = await npmStart(ports);
    try {
      const gatewayUrl = `http://127.0.0.1:${ports[gatewayEntry.portEnv]}/graphql`;
      expect(started.start.output()).toContain(gatewayUrl);
      const res = await sendJson('POST', gatewayUrl, { query: operation('HomeScreen') });
      expect(res.status).toBe(200);
      expect((res.json as { errors?: unknown }).errors).toBeUndefined();

      process.kill(started.start.pid, 'SIGTERM');
      expect(await started.start.exited()).toEqual({ code: 0, signal: null });
      expect(started.start.output()).not.toMatch(/second signal|did not stop cleanly/);
      await expectAllGone(started);
    } finally {
      cleanUp(started);
    }
    if (blocked === undefined) console.warn('no port of 6000, 6665-6669, 6697 was free: the gateway ran on an ordinary port');
  }, 300_000);

  it('Ctrl-C in a terminal (SIGINT to the whole process group): each service gets one signal, not two, answers what it was doing, and all exit 0', async () => {
    const keys = await generateIdentityKeys();
    const ports = await npmStartPorts();
    const started = await npmStart(ports, {
      GATEWAY_IDENTITY_PRIVATE_KEY: keys.privateJwk,
      GATEWAY_IDENTITY_JWKS: keys.publicJwks,
      // The request below waits on a slow vendor, well inside its budget.
      REVIEWS_VENDOR_DEADLINE_MS: '30000',
      REVIEWS_CACHE_TTL_MS: '0',
    });
    try {
      // A request in flight at the reviews subgraph when Ctrl-C comes (the sandbox says when the vendor holds it).
      const vendor = `http://127.0.0.1:${ports[sandboxVendorEnv('reviews').port]}/__sandbox`;
      await sendJson('PUT', `${vendor}/faults`, { latencyMs: 3_000 });
      const identity = await createIdentitySigner({ privateJwk: keys.privateJwk }).sign({ viewer: null, audience: 'reviews', requestId: 'ctrl-c' });
      const inFlight = sendJson('POST', `http://127.0.0.1:${ports[subgraphEnv('reviews').port]}/graphql`, {
        query: 'query ($reps: [_Any!]!) { _entities(representations: $reps) { ... on Product { rating { count } } } }',
        variables: { reps: [{ __typename: 'Product', id: 'prod_0001' }] },
      }, { 'x-gateway-identity': identity });
      inFlight.catch(() => undefined);
      await waitFor(async () => ((await sendJson('GET', `${vendor}/stats`)).json as { calls: { status: number }[] }).calls.some((c) => c.status === 0));

      process.kill(-started.start.pid, 'SIGINT');
      const answer = await inFlight;
      expect(answer.status).toBe(200);
      expect((answer.json as { data?: unknown }).data).toBeDefined();
      expect(await started.start.exited()).toEqual({ code: 0, signal: null });
      expect(started.start.output()).not.toMatch(/second signal|did not stop cleanly/);
      await expectAllGone(started);
    } finally {
      cleanUp(started);
    }
  }, 300_000);

  it('SIGKILL (no handler runs): the services notice and stop on their own, none is orphaned', async () => {
    const started = await npmStart(await npmStartPorts());
    try {
      process.kill(started.start.pid, 'SIGKILL');
      await started.start.exited();
      await expectAllGone(started);
    } finally {
      cleanUp(started);
    }
  }, 300_000);
});
