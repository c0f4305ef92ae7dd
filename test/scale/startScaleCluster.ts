import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { planServices, type ServicePlan } from '../../scripts/start/planServices.js';
import { generateIdentityKeys } from '../../platform/identity/generateIdentityKeys.js';
import { envPrefix, gatewayEntry, sandboxVendorEntries, subgraphEntries, subgraphEnv, subgraphPaths } from '../../platform/registry/services.js';
import { COLD_START_BUDGETS } from '../harness/coldStartBudgets.js';
import { registerPrivateJwk } from '../harness/secrets.js';
import { isAlive, spawnEntry, type SpawnedEntry } from '../harness/spawnEntry.js';
import { startRoundRobin, type RoundRobin } from '../harness/startRoundRobin.js';
import { dropSchemas, uniqueSchema } from '../harness/testDatabase.js';

/** 'gateway' or a subgraph of the registry. */
export type ServiceName = string;

export interface Replica {
  /** e.g. 'catalog-1' (also its backend id in its service's balancer). */
  readonly id: string;
  readonly service: ServiceName;
  readonly process: SpawnedEntry;
  /** e.g. http://127.0.0.1:41234 */
  readonly origin: string;
}

export interface ScaleClusterOptions {
  readonly redisUrl: string;
  readonly databaseUrl: string;
  /** Replicas of every service at start. Default 2. */
  readonly replicas?: number;
  /** Extra environment of the gateways, e.g. { RATE_LIMIT_PER_IP: '10' }. */
  readonly gatewayEnv?: Record<string, string>;
  readonly log?: (line: string) => void;
  /** Where each process's output is written when the cluster closes (for a failure's post-mortem). */
  readonly logDir?: string;
}

export interface ScaleCluster {
  /** The balancer in front of the gateways: what mobile clients call (`/graphql`). */
  readonly url: string;
  /** One balancer per service ('gateway' and each subgraph). */
  readonly balancers: Readonly<Record<ServiceName, RoundRobin>>;
  /** How long the start took (ms), every replica ready in its balancer. */
  readonly startMs: number;
  replica(id: string): Replica;
  /** Every replica started so far, killed ones included. */
  replicas(): readonly Replica[];
  /** Starts one more replica of `service` as `id`, adds it to its balancer and waits until the balancer finds it ready. */
  start(service: ServiceName, id: string): Promise<Replica>;
  /** Calls per vendor in the sandbox's counters (its control API: GET /__sandbox/stats). */
  vendorCalls(): Promise<Record<string, number>>;
  /** SIGTERM to whatever still runs, SIGKILL past 15 s, balancers closed, schemas dropped. Returns the pids still alive after (should be none). */
  close(): Promise<number[]>;
}

const READY_TIMEOUT_MS = 180_000;
const readyLine = (service: ServiceName) =>
  service === gatewayEntry.name ? /gateway ready at (http:\/\/[^\s"/]+)\/graphql/ : new RegExp(`${service} subgraph ready at (http://[^\\s"/]+)/graphql`);

/**
 * N gateways and N replicas of every subgraph of the registry, each its own OS process
 * (tsx, own process group, stops itself if this process dies), on one Redis (one
 * REDIS_PREFIX: shared caches, rate limits, APQ) and one PostgreSQL (one schema per
 * stateful service, shared by its replicas as two pods would), one vendor sandbox process,
 * and an in-process round-robin balancer per service standing in for its Kubernetes Service.
 * The wiring is `npm start`'s (scripts/start/planServices.ts) with each service's port being
 * its balancer's; replicas listen on port 0. Subgraphs start in parallel, the gateways too
 * (they load the supergraph file and need no subgraph to start).
 */
export async function startScaleCluster(options: ScaleClusterOptions): Promise<ScaleCluster> {
  const t0 = performance.now();
  const log = options.log ?? (() => undefined);
  const count = options.replicas ?? 2;
  const services = [gatewayEntry.name, ...subgraphEntries.map((s) => s.name)];
  const balancers: Record<ServiceName, RoundRobin> = {};
  const replicas: Replica[] = [];
  const spawned: SpawnedEntry[] = [];
  const schemas: string[] = [];
  let sandbox: SpawnedEntry | undefined;

  const close = async (): Promise<number[]> => {
    const all = [...spawned, ...(sandbox ? [sandbox] : [])];
    await Promise.all(all.map((p) => p.stop()));
    if (options.logDir !== undefined) {
      mkdirSync(options.logDir, { recursive: true });
      const name = (p: SpawnedEntry) => (p === sandbox ? 'sandbox' : (replicas.find((r) => r.process === p)?.id ?? `failed-start-${p.pid}`));
      for (const p of all) writeFileSync(join(options.logDir, `${name(p)}.log`), p.output());
    }
    await Promise.allSettled(Object.values(balancers).map((b) => b.close()));
    await dropSchemas(options.databaseUrl, schemas).catch((err: unknown) => log(`could not drop ${schemas.join(', ')}: ${String(err)}`));
    return all.map((p) => p.pid).filter(isAlive);
  };

  try {
    for (const service of services) {
      balancers[service] = await startRoundRobin({ name: service });
    }
    const ports = (vendors: Record<string, number>) => ({
      gateway: balancers[gatewayEntry.name]!.port,
      vendors,
      subgraphs: Object.fromEntries(subgraphEntries.map((s) => [s.name, balancers[s.name]!.port])),
    });

    // The sandbox first: the subgraphs need its URLs. Its webhooks go to the receiving subgraph's balancer.
    const sandboxEnv = Object.fromEntries(
      Object.entries(planServices(ports(Object.fromEntries(sandboxVendorEntries.map((v) => [v.name, 0])))).env).filter(([k]) => k.startsWith('SANDBOX_')),
    );
    // The reviews vendor's own rate limit (per key and second) would refuse a cold burst: this test is about replicas, not that limit.
    sandbox = spawnEntry('vendors/main.ts', { ...sandboxEnv, SANDBOX_HOST: '127.0.0.1', SANDBOX_REVIEWS_RATE_LIMIT: '0' }, [], { exitWithParent: true });
    const vendors: Record<string, string> = {};
    for (const v of sandboxVendorEntries) {
      const [, url] = await sandbox.waitFor(new RegExp(`sandbox ${v.name}\\s+\\(\\S+\\) (http://[^\\s]+)`), READY_TIMEOUT_MS);
      vendors[v.name] = url!;
    }
    const plan: ServicePlan = planServices(ports(Object.fromEntries(Object.entries(vendors).map(([name, url]) => [name, Number(new URL(url).port)]))));
    log(`sandbox up after ${Math.round(performance.now() - t0)} ms`);

    const keys = await generateIdentityKeys();
    // The response scanner fails any test that ever reads it.
    registerPrivateJwk(keys.privateJwk);
    const shared: Record<string, string> = {
      ...plan.env,
      LOG_LEVEL: 'info',
      REDIS_URL: options.redisUrl,
      REDIS_PREFIX: `scale-${randomUUID()}`,
      DATABASE_URL: options.databaseUrl,
      GATEWAY_IDENTITY_JWKS: keys.publicJwks,
    };
    for (const s of subgraphEntries) {
      const schema = uniqueSchema(`scale_${s.name}`);
      schemas.push(schema, `${schema}_jobs`);
      shared[`${envPrefix(s.name)}_DATABASE_SCHEMA`] = schema;
      // Generous, as the harness's cold-start budgets: a busy machine must not cost the load its fields.
      shared[`${envPrefix(s.name)}_VENDOR_DEADLINE_MS`] = '5000';
    }
    const envOf = (service: ServiceName): Record<string, string> =>
      service === gatewayEntry.name
        ? { ...shared, ...COLD_START_BUDGETS, [gatewayEntry.portEnv]: '0', GATEWAY_IDENTITY_PRIVATE_KEY: keys.privateJwk, ...options.gatewayEnv }
        : { ...shared, [subgraphEnv(service).port]: '0' };
    const entryOf = (service: ServiceName) => (service === gatewayEntry.name ? gatewayEntry.entry : subgraphPaths(service).entry);

    const start = async (service: ServiceName, id: string): Promise<Replica> => {
      const child = spawnEntry(entryOf(service), envOf(service), [], { exitWithParent: true });
      spawned.push(child);
      // No second chance: replicas starting together on one fresh schema must all come up (a
      // crash fails the start, with the replica's output).
      const [, origin] = await child.waitFor(readyLine(service), READY_TIMEOUT_MS);
      const replica: Replica = { id, service, process: child, origin: origin! };
      replicas.push(replica);
      balancers[service]!.add(replica.origin, id);
      await balancers[service]!.waitReady(id, READY_TIMEOUT_MS);
      log(`${id} ready at ${replica.origin} after ${Math.round(performance.now() - t0)} ms`);
      return replica;
    };

    const starts = services.flatMap((service) => Array.from({ length: count }, (_, i) => start(service, `${service}-${i + 1}`)));
    const results = await Promise.allSettled(starts);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;

    const startMs = performance.now() - t0;
    return {
      url: `${balancers[gatewayEntry.name]!.origin}/graphql`,
      balancers,
      startMs,
      replica(id) {
        const found = replicas.find((r) => r.id === id);
        if (found === undefined) throw new Error(`no replica ${id}`);
        return found;
      },
      replicas: () => [...replicas],
      start,
      async vendorCalls() {
        const entries = await Promise.all(
          Object.entries(vendors).map(async ([name, url]) => {
            const res = await fetch(`${url}/__sandbox/stats`);
            return [name, ((await res.json()) as { total: number }).total] as const;
          }),
        );
        return Object.fromEntries(entries);
      },
      close,
    };
  } catch (err) {
    const left = await close();
    if (left.length > 0) log(`still alive after a failed start: ${left.join(', ')}`);
    throw err;
  }
}
