import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createGateway } from '../../gateway/src/createGateway.js';
import { parseGatewayConfig } from '../../gateway/src/config.js';
import { loadPersistedQueryManifest } from '../../gateway/src/persistedQueries/loadPersistedQueryManifest.js';
import { loadExplorerExamples } from '../../gateway/src/explorer/loadExplorerExamples.js';
import { createIdentitySigner } from '../../platform/identity/createIdentitySigner.js';
import { generateIdentityKeys, type IdentityKeys } from '../../platform/identity/generateIdentityKeys.js';
import type { Viewer } from '../../platform/identity/Viewer.js';
import { createCacheStore, type CacheStore } from '../../platform/store/createCacheStore.js';
import { createLogger, type Logger, type LogLevel } from '../../platform/log/createLogger.js';
import { startHttpServer, type RunningHttpServer } from '../../platform/http/startHttpServer.js';
import type { SubgraphService } from '../../subgraphs/kit/server/SubgraphService.js';
import { subgraphCacheNamespace } from '../../subgraphs/kit/server/subgraphCacheNamespace.js';
import { envPrefix, issuerVendorEntry, subgraphEntry, subgraphEnv, subgraphEventsEnv, subgraphReadsEnv } from '../../platform/registry/services.js';
import { loadSubgraphModules } from '../../subgraphs/loadSubgraphModules.js';
import { COLD_START_BUDGETS, COLD_START_VENDOR_DEADLINES } from './coldStartBudgets.js';
import { registerPrivateJwk } from './secrets.js';
import { databaseUrlForTests, dropSchemas, uniqueSchema } from './testDatabase.js';
import { pointWebhooks } from '../../vendors/sandbox/pointWebhooks.js';
import { startSandbox, type Sandbox } from '../../vendors/startSandbox.js';

/** A subgraph's name in the registry (platform/registry/services.ts). */
export type SubgraphName = string;

export interface StackOptions {
  /** Extra environment for the subgraphs and the gateway, e.g. { REVIEWS_CACHE_TTL_MS: '0' }. */
  readonly env?: Record<string, string>;
  /**
   * This Redis as the shared store of the subgraphs' caches (a unique namespace per stack
   * keeps tests apart) and of the gateway's rate limits and APQ (keyed by `REDIS_PREFIX`).
   */
  readonly redisUrl?: string;
  /**
   * PostgreSQL of the stateful subgraphs (payments), each in a schema of its own made for
   * this stack and dropped when it closes. Default: DATABASE_URL when set (CI), else `null`:
   * each gets an in-memory embedded database.
   */
  readonly databaseUrl?: string | null;
  /**
   * The stack's REDIS_PREFIX unless `env` sets one (default: unique to the stack): stacks with
   * the same prefix share the subgraph caches, the rate limits and APQ (replicas).
   */
  readonly cacheNamespace?: string;
  /** Reuse an already running sandbox (several gateway replicas against one vendor set). */
  readonly sandbox?: Sandbox;
  readonly logLevel?: LogLevel;
  /** A service's logger (e.g. a capturing one for log tests); default: stdout at `logLevel`. */
  readonly logger?: (service: string) => Logger | undefined;
}

export interface GraphQLResult {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read arbitrary shapes
  readonly json: any;
  readonly ms: number;
}

export interface RunningSubgraph {
  readonly name: SubgraphName;
  /** Its GraphQL endpoint. */
  readonly url: string;
  readonly service: SubgraphService;
  readonly http: RunningHttpServer;
}

export interface Stack {
  readonly gatewayUrl: string;
  readonly sandbox: Sandbox;
  /** Every subgraph of the registry, in its order. */
  readonly subgraphs: readonly RunningSubgraph[];
  /** A subgraph by name; throws for a name the registry does not have. */
  subgraph(name: SubgraphName): RunningSubgraph;
  query(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<GraphQLResult>;
  post(body: string, headers?: Record<string, string>): Promise<GraphQLResult>;
  /** A GET with `params` in the query string (objects as JSON), as CDNs and persisted-query clients send. */
  get(params: Record<string, unknown>, headers?: Record<string, string>): Promise<GraphQLResult>;
  /**
   * An `x-gateway-identity` token as the gateway would sign it, for tests that call a
   * subgraph directly (subgraphs refuse requests without one). `audience` = subgraph name.
   */
  signIdentity(viewer: Viewer | null, audience: SubgraphName): Promise<string>;
  /** The gateway identity key pair of this stack (the same for every stack of the process). */
  readonly identityKeys: IdentityKeys;
  resetVendorStats(): void;
  close(): Promise<void>;
}

const SUPERGRAPH = new URL('../../schema/supergraph.graphql', import.meta.url);

let processIdentityKeys: Promise<IdentityKeys> | undefined;
const issuer = issuerVendorEntry();
const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * The whole system in this process, every server on 127.0.0.1 port 0: the vendor
 * sandbox, every subgraph of the registry and the gateway, wired exactly as in production
 * (real HTTP between all of them). Config goes through the same parsers as main.ts.
 */
export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const logLevel = options.logLevel ?? 'silent';
  const ownSandbox = options.sandbox === undefined;
  const sandbox = options.sandbox ?? (await startSandbox({ host: '127.0.0.1' }));
  const redisPrefix = options.env?.REDIS_PREFIX ?? options.cacheNamespace ?? `test-${randomUUID()}`;
  // The gateway signs the identity it forwards with the private key; every subgraph verifies it with the public one.
  const identityKeys = await (processIdentityKeys ??= generateIdentityKeys());
  // The response scanner (test/setup/scanResponses.ts) fails any test that ever sees it.
  registerPrivateJwk(identityKeys.privateJwk);
  const identitySigner = createIdentitySigner({ privateJwk: identityKeys.privateJwk });
  const redisEnv: Record<string, string> = options.redisUrl ? { REDIS_URL: options.redisUrl } : {};
  const modules = await loadSubgraphModules();
  const databaseUrl = options.databaseUrl === undefined ? databaseUrlForTests() : (options.databaseUrl ?? undefined);
  const schemas: string[] = [];
  // Every subgraph of the registry on port 0, pointed at its vendors in this sandbox, with a
  // store of its own (a fresh schema, or an in-memory database) should it keep one.
  const wiring: Record<string, string> = databaseUrl ? { DATABASE_URL: databaseUrl } : {};
  for (const { name } of modules) {
    const names = subgraphEnv(name);
    const entry = subgraphEntry(name);
    const vendor = sandbox.vendor(entry.vendor);
    const schema = uniqueSchema(name);
    schemas.push(schema, `${schema}_jobs`);
    Object.assign(wiring, {
      [names.port]: '0',
      [names.vendorUrl]: vendor.url,
      [names.vendorKey]: vendor.apiKey,
      [`${envPrefix(name)}_DATA_DIR`]: 'memory://',
      [`${envPrefix(name)}_DATABASE_SCHEMA`]: schema,
    });
    for (const other of entry.reads ?? []) {
      const read = subgraphReadsEnv(name, other);
      Object.assign(wiring, { [read.url]: sandbox.vendor(other).url, [read.key]: sandbox.vendor(other).apiKey });
    }
  }
  const env: Record<string, string> = {
    ...COLD_START_VENDOR_DEADLINES,
    LOG_LEVEL: logLevel,
    REDIS_PREFIX: redisPrefix,
    GATEWAY_IDENTITY_JWKS: identityKeys.publicJwks,
    ...wiring,
    ...redisEnv,
    ...options.env,
  };

  const caches: CacheStore[] = [];
  const started: { name: SubgraphName; service: SubgraphService; http: RunningHttpServer }[] = [];
  const logger = (service: string) => options.logger?.(service) ?? createLogger({ service, level: logLevel });
  const cacheFor = (name: string, config: { readonly redisUrl?: string | undefined; readonly redisPrefix: string }) => {
    const cache = createCacheStore({ redisUrl: config.redisUrl, namespace: subgraphCacheNamespace(config.redisPrefix, name), logger: logger(name) });
    caches.push(cache);
    return cache;
  };

  let gatewayHttp: RunningHttpServer | undefined;
  let gateway: ReturnType<typeof createGateway> | undefined;
  try {
    // Every config is parsed before anything starts, as each main.ts would refuse to start
    // (a producer's events URL still at its default: only its consumer's port is unknown yet).
    for (const module of modules) module.parseConfig(env);
    const startOne = async (module: (typeof modules)[number]) => {
      const { name } = module;
      const config = module.parseConfig(env);
      const service = module.create({ config, logger: logger(name), cache: cacheFor(name, config) });
      let http: RunningHttpServer;
      try {
        await service.server.start();
        http = await startHttpServer(service.server.handler, { host: '127.0.0.1', port: 0 });
      } catch (err) {
        // Not in `started` yet, so the cleanup below would not close its vendor pool.
        await service.close().catch(() => undefined);
        throw err;
      }
      started.push({ name, service, http });
      const { webhookPath, eventsPath } = subgraphEntry(name);
      if (webhookPath !== undefined) await pointWebhooks(sandbox.vendor(subgraphEntry(name).vendor).url, `${http.origin}${webhookPath}`);
      // Its producers deliver to where it listens (port 0: known only now), unless the test points them elsewhere.
      if (eventsPath !== undefined) {
        for (const producer of modules.filter((m) => subgraphEntry(m.name).emitsTo === name)) {
          const setting = subgraphEventsEnv(producer.name).url;
          if (options.env?.[setting] === undefined) env[setting] = `${http.origin}${eventsPath}`;
        }
      }
    };
    // Consumers of events first, so that every producer starts knowing where to deliver.
    const isConsumer = (m: (typeof modules)[number]) => subgraphEntry(m.name).eventsPath !== undefined;
    for (const module of [...modules.filter(isConsumer), ...modules.filter((m) => !isConsumer(m))]) await startOne(module);
    // In the registry's order again, as the stack lists them.
    started.sort((a, b) => modules.findIndex((m) => m.name === a.name) - modules.findIndex((m) => m.name === b.name));

    const gatewayConfig = parseGatewayConfig({
      GATEWAY_PORT: '0',
      LOG_LEVEL: logLevel,
      SUBGRAPH_URLS: started.map((s) => `${s.name}=${s.http.origin}/graphql`).join(','),
      GATEWAY_IDENTITY_PRIVATE_KEY: identityKeys.privateJwk,
      // Access tokens come from the sandbox's issuer vendor (an OIDC issuer).
      ...(issuer ? { AUTH_ISSUER: sandbox.vendor(issuer.name).url } : {}),
      REDIS_PREFIX: redisPrefix,
      ...COLD_START_BUDGETS,
      ...redisEnv,
      ...options.env,
    });
    // Safelist mode reads the manifest as main.ts does, paths relative to the project root.
    const persistedQueryManifest =
      gatewayConfig.persistedQueries === 'safelist' ? loadPersistedQueryManifest(gatewayConfig.persistedQueryManifest, PROJECT_ROOT) : undefined;
    // As main.ts: the explorer's examples are the app builds' operations.
    const examples = gatewayConfig.explorer ? loadExplorerExamples(gatewayConfig.persistedQueryManifest, PROJECT_ROOT) : [];
    gateway = createGateway({ config: gatewayConfig, supergraphSdl: readFileSync(SUPERGRAPH, 'utf8'), logger: logger('gateway'), persistedQueryManifest, examples });
    await gateway.start();
    gatewayHttp = await startHttpServer(gateway.handler, { host: '127.0.0.1', port: 0 });
  } catch (err) {
    // A gateway that failed to start still holds its pools and Redis clients.
    await Promise.allSettled([gateway?.stop()]);
    await Promise.allSettled(started.map(async (s) => (await s.http.close(0), await s.service.close())));
    await Promise.allSettled(caches.map((c) => c.close()));
    if (ownSandbox) await sandbox.close();
    await dropSchemas(databaseUrl, schemas).catch(() => undefined);
    throw err;
  }

  const gatewayUrl = `${gatewayHttp.origin}/graphql`;
  const runningSubgraphs: readonly RunningSubgraph[] = Object.freeze(
    started.map((s) => ({ name: s.name, url: `${s.http.origin}/graphql`, service: s.service, http: s.http })),
  );
  const runningGateway = gateway;
  const runningGatewayHttp = gatewayHttp;

  const send = async (url: string, init: RequestInit): Promise<GraphQLResult> => {
    const t0 = performance.now();
    const res = await fetch(url, init);
    const text = await res.text();
    const ms = performance.now() - t0;
    let json: unknown = undefined;
    try {
      json = JSON.parse(text);
    } catch {
      // Non-JSON answers are asserted on `text`.
    }
    return { status: res.status, headers: res.headers, text, json, ms };
  };
  const post = (body: string, headers: Record<string, string> = {}) =>
    send(gatewayUrl, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

  return {
    gatewayUrl,
    sandbox,
    subgraphs: runningSubgraphs,
    subgraph(name) {
      const found = runningSubgraphs.find((s) => s.name === name);
      if (found === undefined) throw new Error(`the stack has no subgraph named "${name}"`);
      return found;
    },
    post,
    query: (query, variables, headers) => post(JSON.stringify({ query, variables }), headers),
    get: (params, headers = {}) => {
      const search = new URLSearchParams(Object.entries(params).map(([k, v]): [string, string] => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
      return send(`${gatewayUrl}?${search}`, { headers });
    },
    signIdentity: (viewer, audience) => identitySigner.sign({ viewer, audience, requestId: `test-${randomUUID()}` }),
    identityKeys,
    resetVendorStats() {
      for (const vendor of sandbox.vendors) vendor.control.resetStats();
    },
    async close() {
      // Outside in, and every step attempted even if one fails, so a test never leaks a server.
      const steps: (() => Promise<unknown>)[] = [
        () => runningGatewayHttp.close(1_000),
        () => runningGateway.stop(),
        ...started.map((s) => async () => {
          await s.http.close(1_000);
          await s.service.close();
        }),
        ...caches.map((c) => () => c.close()),
        ...(ownSandbox ? [() => sandbox.close()] : []),
        () => dropSchemas(databaseUrl, schemas),
      ];
      const failures: unknown[] = [];
      for (const step of steps) await step().catch((err: unknown) => failures.push(err));
      if (failures.length > 0) throw new AggregateError(failures, 'stack did not close cleanly');
    },
  };
}

