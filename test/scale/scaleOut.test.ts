import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uniqueEmail } from '../../vendors/identity/identityTestClient.js';
import { operation } from '../harness/operations.js';
import { databaseUrlForTests } from '../harness/testDatabase.js';
import { startHomeScreenLoad, type LoadRecord } from './homeScreenLoad.js';
import { countOutcomes, stopFigures, table, unexplained, writeFigures, type StopEvent } from './scaleFigures.js';
import { startScaleCluster, type ScaleCluster } from './startScaleCluster.js';

const redisUrl = process.env.REDIS_URL || undefined;
const databaseUrl = databaseUrlForTests();
const skipped = !redisUrl || !databaseUrl;
const FIGURES = fileURLToPath(new URL('../../.test-output/scale/figures.json', import.meta.url));
const RATE_LIMIT_PER_IP = 10;
const CLIENTS = 8;
// The manifests' preStop pause, shortened: the balancer here drops a removed endpoint at once.
const PRE_STOP_MS = 1_000;

/* eslint-disable @typescript-eslint/no-explicit-any -- answers are read as the client reads them */
interface Answer {
  readonly status: number;
  readonly json: any;
}

async function gql(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const text = await res.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = { text };
  }
  return { status: res.status, json };
}

// Check requests come from addresses of their own (TEST-NET-2), apart from the load's 10.x.
let checkAddress = 0;
const fromNewAddress = () => ({ 'x-forwarded-for': `198.51.100.${++checkAddress}` });

describe.skipIf(skipped)(
  `scale out: 2 gateways and 2 replicas of every subgraph as processes, behind round-robin balancers, on one Redis and one PostgreSQL${
    skipped ? ' (skipped: set REDIS_URL and DATABASE_URL, e.g. redis://127.0.0.1:6379 and postgres://127.0.0.1:5432/test; CI sets both)' : ''
  }`,
  () => {
    let cluster: ScaleCluster | undefined;
    const figures: Record<string, unknown> = { at: new Date().toISOString(), cpus: cpus().length, node: process.version };
    const c = () => {
      if (!cluster) throw new Error('the cluster did not start');
      return cluster;
    };
    const gateway = (n: 1 | 2) => `${c().replica(`gateway-${n}`).origin}/graphql`;

    beforeAll(async () => {
      figures.loadAverageAtStart = loadavg().map((l) => Math.round(l * 100) / 100);
      cluster = await startScaleCluster({
        redisUrl: redisUrl!,
        databaseUrl: databaseUrl!,
        // Its persisted queries expire from the shared Redis a minute after the test (the shortest APQ_TTL_S).
        gatewayEnv: { TRUST_PROXY_HOPS: '1', RATE_LIMIT_PER_IP: String(RATE_LIMIT_PER_IP), APQ_TTL_S: '60' },
        logDir: join(dirname(FIGURES), 'logs'),
      });
      figures.processes = cluster.replicas().length + 1;
      figures.startMs = Math.round(cluster.startMs);
    }, 240_000);

    afterAll(async () => {
      const left = await cluster?.close();
      figures.childrenLeftAlive = left ?? [];
      // The gateways' per-subgraph breakers, as their logs tell (a replica's death must not open one).
      figures.gatewayBreakerOpens = cluster?.replicas().filter((r) => r.service === 'gateway').flatMap((r) =>
        [...r.process.output().matchAll(/"subgraph":"([^"]+)","state":"open"/g)].map((m) => `${r.id}: ${m[1]}`),
      );
      writeFigures(FIGURES, figures);
      console.log(`scale-out figures written to ${FIGURES}`);
      expect(left ?? [], 'processes still alive after the cluster closed').toEqual([]);
    }, 120_000);

    it('caches are shared: a home screen warmed through replica 1 of each subgraph costs replica 2 no vendor call', async () => {
      const { balancers } = c();
      const pin = (n: 1 | 2) => ['catalog', 'reviews', 'accounts'].forEach((s) => balancers[s]!.pin(`${s}-${n}`));
      const total = async () => Object.values(await c().vendorCalls()).reduce((a, b) => a + b, 0);
      const answered = () => ['catalog', 'reviews', 'accounts'].map((s) => balancers[s]!.stats(`${s}-2`).answered);
      try {
        pin(1);
        const before = await total();
        const warm = await gql(gateway(1), { query: operation('HomeScreen') }, fromNewAddress());
        expect(warm.status).toBe(200);
        expect(warm.json.errors).toBeUndefined();
        const cold = (await total()) - before;
        expect(cold, 'a cold home screen calls the vendors').toBeGreaterThan(0);

        pin(2);
        const answeredBefore = answered();
        const afterWarm = await total();
        const other = await gql(gateway(2), { query: operation('HomeScreen') }, fromNewAddress());
        expect(other.json.errors).toBeUndefined();
        expect(other.json.data).toEqual(warm.json.data);
        const warmCalls = (await total()) - afterWarm;
        answered().forEach((n, i) => expect(n, 'replica 2 of each subgraph answered').toBeGreaterThan(answeredBefore[i]!));
        expect(warmCalls, 'vendor calls of the same home screen through gateway 2 and replica 2 of each subgraph').toBe(0);
        figures.cache = { coldVendorCalls: cold, warmVendorCallsOnOtherReplicas: warmCalls };
      } finally {
        ['catalog', 'reviews', 'accounts'].forEach((s) => balancers[s]!.pin(null));
      }
    }, 60_000);

    it('APQ is shared: a query registered on gateway 1 is found by its hash on gateway 2', async () => {
      const query = `${operation('HomeScreen')}\n# scale-out ${randomUUID()}\n`;
      const extensions = { persistedQuery: { version: 1, sha256Hash: createHash('sha256').update(query).digest('hex') } };
      const miss = await gql(gateway(2), { extensions }, fromNewAddress());
      expect(miss.json.errors?.[0]?.extensions?.code, 'not registered anywhere yet').toBe('PERSISTED_QUERY_NOT_FOUND');
      const register = await gql(gateway(1), { query, extensions }, fromNewAddress());
      expect(register.json.errors).toBeUndefined();
      const hit = await gql(gateway(2), { extensions }, fromNewAddress());
      expect(hit.json.errors).toBeUndefined();
      expect(hit.json.data).toEqual(register.json.data);
      figures.apq = { missBeforeRegistering: miss.json.errors[0].extensions.code, hashOnlyOnOtherGateway: 'found' };
    }, 60_000);

    it(`rate limits are shared: one address alternating between the gateways is refused after its ${RATE_LIMIT_PER_IP}th operation in total`, async () => {
      const address = { 'x-forwarded-for': '203.0.113.7' };
      const statuses: number[] = [];
      for (let i = 0; i < RATE_LIMIT_PER_IP + 2; i++) {
        statuses.push((await gql(gateway(i % 2 === 0 ? 1 : 2), { query: 'query Ping { __typename }' }, address)).status);
      }
      expect(statuses).toEqual([...Array<number>(RATE_LIMIT_PER_IP).fill(200), 429, 429]);
      figures.rateLimit = { limitPerIp: RATE_LIMIT_PER_IP, statusesAlternatingGateways: statuses };
    }, 60_000);

    it('payments and notifications: an order made through replica 1 is listed by replica 2, a device registered through one is seen by the other (one PostgreSQL schema each)', async () => {
      const { balancers, url } = c();
      const signUp = await gql(url, { query: operation('SignUp'), variables: { input: { email: uniqueEmail('scale'), password: 'a long enough password', displayName: 'Scale Out' } } }, fromNewAddress());
      expect(signUp.json.errors).toBeUndefined();
      const auth = { authorization: `Bearer ${signUp.json.data.signUp.accessToken}` };
      const through = async (service: string, n: 1 | 2, body: unknown) => {
        balancers[service]!.pin(`${service}-${n}`);
        try {
          return await gql(url, body, { ...auth, ...fromNewAddress() });
        } finally {
          balancers[service]!.pin(null);
        }
      };

      const checkout = await through('payments', 1, {
        query: operation('StartCheckout'),
        variables: { items: [{ productId: 'prod_0003', quantity: 1 }], idempotencyKey: randomUUID() },
      });
      expect(checkout.json.errors).toBeUndefined();
      const orderId = checkout.json.data.startCheckout.order.id as string;
      const orders = await through('payments', 2, { query: operation('MyOrders') });
      expect(orders.json.errors).toBeUndefined();
      expect(orders.json.data.myOrders.edges.map((e: any) => e.node.id)).toContain(orderId);

      const token = randomBytes(32).toString('hex');
      const device = await through('notifications', 1, { query: operation('RegisterDevice'), variables: { platform: 'IOS', token, locale: 'en-US', appVersion: '3.2.0' } });
      expect(device.json.errors).toBeUndefined();
      const settings = await through('notifications', 2, { query: operation('NotificationSettings') });
      expect(settings.json.errors).toBeUndefined();
      expect(settings.json.data.myDevices.map((d: any) => d.id)).toContain(device.json.data.registerDevice.id);

      const served = Object.fromEntries(
        ['payments', 'notifications'].flatMap((s) => [1, 2].map((n) => [`${s}-${n}`, balancers[s]!.stats(`${s}-${n}`).answered])),
      );
      for (const [id, n] of Object.entries(served)) expect(n, `${id} answered`).toBeGreaterThan(0);
      figures.statefulReplicas = served;
    }, 60_000);

    it('under steady home-screen load: SIGKILL one replica of every subgraph and a gateway, restart one, SIGTERM-drain another: no 5xx, no transport error, partial answers only for requests a killed replica held', async () => {
      const cl = c();
      const { balancers } = cl;
      const load = startHomeScreenLoad({ url: cl.url, body: JSON.stringify({ query: operation('HomeScreen') }), clients: CLIENTS, thinkMs: 10, maxRequests: 50_000, maxMs: 240_000 });
      const events: StopEvent[] = [];
      const timeline: string[] = [];
      const t0 = performance.now();
      const note = (line: string) => timeline.push(`${String(Math.round(performance.now() - t0)).padStart(6)} ms  ${line}`);
      const fullAfter = (at: number, n: number) => (rs: readonly LoadRecord[]) => rs.filter((r) => r.outcome === 'full' && r.startedAt > at).length >= n;
      const refusedBefore = new Map<string, number>();

      const stop = async (id: string, signal: 'SIGKILL' | 'SIGTERM') => {
        const replica = cl.replica(id);
        const lb = balancers[replica.service]!;
        if (signal === 'SIGTERM') {
          // A pod's termination as the manifests run it: its endpoint leaves the Service, and the
          // preStop pause (5 s there) holds SIGTERM until no balancer can still be connecting to it.
          // Without that order a connect accepted just before the listener closed is cut, which no
          // server can drain.
          lb.remove(id);
          await new Promise((r) => setTimeout(r, PRE_STOP_MS));
        }
        const before = lb.stats(id);
        refusedBefore.set(id, before.refused);
        const at = performance.now();
        process.kill(-replica.process.pid, signal);
        const exit = await Promise.race([
          replica.process.exited(),
          new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${id} did not exit after ${signal}`)), 60_000).unref()),
        ]);
        const after = lb.stats(id);
        const event: StopEvent = {
          target: id,
          signal,
          at,
          exitedAt: performance.now(),
          exit,
          openAtSignal: before.inFlight,
          handedUntilExit: after.requests - before.requests - (after.refused - before.refused),
        };
        events.push(event);
        note(`${signal} ${id}: ${before.inFlight} open at the signal, exit ${exit.signal ?? `code ${exit.code}`}`);
        return event;
      };

      try {
        await load.until('40 full answers before any kill', fullAfter(t0, 40));
        note('steady');
        // One at a time, each followed by 20 full answers to requests started after it: every degraded answer belongs to one stop.
        for (const id of ['catalog-1', 'reviews-1', 'accounts-1', 'payments-1', 'notifications-1', 'gateway-1']) {
          const event = await stop(id, 'SIGKILL');
          await load.until(`20 full answers after ${id} was killed`, fullAfter(event.exitedAt, 20));
        }
        // Only after a new catalog replica is ready does the last one drain.
        note('starting catalog-3');
        await cl.start('catalog', 'catalog-3');
        balancers.catalog!.remove('catalog-1');
        await load.until('catalog-3 answering', () => balancers.catalog!.stats('catalog-3').answered >= 5);
        note('catalog-3 answering');
        const drain = await stop('catalog-2', 'SIGTERM');
        expect(drain.exit, 'catalog-2 drained and exited on its own, within its grace').toEqual({ code: 0, signal: null });
        await load.until('20 full answers after the drain', fullAfter(drain.exitedAt, 20));
      } finally {
        await load.stop();
        note('load stopped');
      }

      const records = load.records;
      const counts = countOutcomes(records);
      // refusedAfter: connects each stopped replica refused from its signal on (sent to the other replica instead).
      const stops = stopFigures(records, events).map((s) => ({ ...s, refusedAfter: balancers[cl.replica(s.target).service]!.stats(s.target).refused - refusedBefore.get(s.target)! }));

      // The stateful services still serve through their remaining replica.
      const signUp = await gql(cl.url, { query: operation('SignUp'), variables: { input: { email: uniqueEmail('scale'), password: 'a long enough password', displayName: 'After' } } }, fromNewAddress());
      const auth = { authorization: `Bearer ${signUp.json.data?.signUp?.accessToken}` };
      const afterOrders = await gql(cl.url, { query: operation('MyOrders') }, { ...auth, ...fromNewAddress() });
      const afterDevices = await gql(cl.url, { query: operation('NotificationSettings') }, { ...auth, ...fromNewAddress() });

      const backends = Object.fromEntries(Object.entries(balancers).map(([name, lb]) => [name, lb.all().map(({ id, requests, answered, refused, lost }) => ({ id, requests, answered, refused, lost }))]));
      // Requests a balancer answered 503 itself, no replica of its service being ready (both failing their probes at once).
      const unrouted = Object.fromEntries(Object.entries(balancers).map(([name, lb]) => [name, lb.unrouted]));
      Object.assign(figures, { load: { clients: CLIENTS, thinkMs: 10, ...counts }, stops, backends, unrouted, timeline, loadAverageAtEnd: loadavg().map((l) => Math.round(l * 100) / 100) });
      console.log(
        [
          `scale out: ${counts.requests} home screens from ${CLIENTS} clients: ${counts.full} full, ${counts.partial} partial, ${counts['5xx']} 5xx, ${counts.other} other, ${counts.transport} transport errors, ${counts.retried} retried once after a cut`,
          table([
            ['stop', 'signal', 'open at signal', 'handed until exit', 'refused after', 'partial', 'retried', 'ms to 1st full after', 'exit'],
            ...stops.map((s) => [s.target, s.signal, s.openAtSignal, s.handedUntilExit, s.refusedAfter, s.partialInFlight, s.retriedInFlight, s.msToFirstFullAfter, s.exit.signal ?? `code ${s.exit.code}`]),
          ]),
          table([['backend', 'requests', 'answered', 'refused', 'lost'], ...Object.values(backends).flat().map((b) => [b.id, b.requests, b.answered, b.refused, b.lost])]),
          `answered 503 by a balancer for want of a ready replica: ${JSON.stringify(unrouted)}`,
          ...timeline,
        ].join('\n'),
      );

      expect(counts['5xx'], '5xx answers').toBe(0);
      expect(counts.transport, 'transport errors after one retry').toBe(0);
      expect(counts.other, 'other non-200 answers').toBe(0);
      // Every degraded or retried request was in flight on a replica when it was SIGKILLed…
      expect(
        unexplained(records, events).map((r) => `${r.outcome}${r.retried ? ' (retried)' : ''} at ${Math.round(r.startedAt - t0)}..${Math.round(r.endedAt - t0)} ms: ${r.errors.join(', ')}`),
      ).toEqual([]);
      for (const s of stops) {
        // …and no stop degraded more requests than its balancer had handed to it before it died.
        expect(s.partialInFlight + s.retriedInFlight, `${s.target}: degraded or retried requests`).toBeLessThanOrEqual(s.openAtSignal + s.handedUntilExit);
        if (s.signal === 'SIGTERM') expect([s.partialInFlight, s.retriedInFlight], `${s.target} drained: nothing lost`).toEqual([0, 0]);
        if (s.target.startsWith('gateway')) expect(s.partialInFlight, 'a killed gateway costs retries, not fields').toBe(0);
      }
      expect(afterOrders.json.errors).toBeUndefined();
      expect(afterDevices.json.errors).toBeUndefined();
    }, 240_000);
  },
);
