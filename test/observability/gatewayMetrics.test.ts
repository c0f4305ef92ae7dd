import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseGatewayConfig } from '../../gateway/src/config.js';
import { createGateway, type Gateway } from '../../gateway/src/createGateway.js';
import { MAX_UNLISTED_OPERATION_NAMES } from '../../gateway/src/metrics/operationLabel.js';
import { manifestOperationNames } from '../../gateway/src/persistedQueries/manifestOperationNames.js';
import type { PersistedQueryManifest } from '../../gateway/src/persistedQueries/PersistedQueryManifest.js';
import { createLogger } from '../../platform/log/createLogger.js';
import { startHttpServer, type RunningHttpServer } from '../../platform/http/startHttpServer.js';
import { createMetricsHandler } from '../../platform/metrics/createMetricsHandler.js';
import { COLD_START_BUDGETS } from '../harness/coldStartBudgets.js';
import { operation } from '../harness/operations.js';
import { scrape, type Exposition } from '../harness/prometheusText.js';
import { startStack, type GraphQLResult, type Stack } from '../harness/startStack.js';

const PER_IP = 3;
const PER_IP_SHARED = 5;
const HOME = operation('HomeScreen');
const HOME_SUBGRAPHS = ['catalog', 'reviews', 'accounts'];
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
/** The app builds' operation names (the default PERSISTED_QUERY_MANIFEST): the most that can have a label outside the cap. */
const APP_BUILD_NAMES = new Set(manifestOperationNames('schema/app-builds', fileURLToPath(new URL('../../', import.meta.url))));

// One proxy in front of the gateway: each test is its own client address, so the small rate limit only limits the test about it.
const from = (ip: string, headers: Record<string, string> = {}) => ({ 'x-forwarded-for': `203.0.113.250, ${ip}`, ...headers });

function errorCodes(res: GraphQLResult): Map<string, number> {
  const counts = new Map<string, number>();
  for (const error of (res.json.errors ?? []) as { extensions: { code: string } }[]) counts.set(error.extensions.code, (counts.get(error.extensions.code) ?? 0) + 1);
  return counts;
}

describe('the gateway’s Prometheus metrics, through the whole stack', () => {
  let stack: Stack;
  let origin: string;
  const metrics = (): Promise<Exposition> => scrape(origin);

  beforeAll(async () => {
    stack = await startStack({
      env: {
        // Every HomeScreen needs the reviews vendor, so an outage is an error rather than a cached answer.
        REVIEWS_CACHE_TTL_MS: '0',
        REVIEWS_BREAKER_VOLUME: '1000',
        RATE_LIMIT_PER_IP: String(PER_IP),
        RATE_LIMIT_PER_IP_SHARED: String(PER_IP_SHARED),
        RATE_LIMIT_WINDOW_S: '60',
        TRUST_PROXY_HOPS: '1',
      },
    });
    origin = new URL(stack.gatewayUrl).origin;
  });
  afterAll(() => stack?.close());

  it('a HomeScreen query: one request, one duration, an ok fetch from each of its subgraphs', async () => {
    const before = await metrics();
    const res = await stack.query(HOME, undefined, from('198.51.100.1'));
    expect(res.status).toBe(200);
    expect(res.json.errors).toBeUndefined();
    const after = await metrics();

    const change = (name: string, labels: Record<string, string>) => after.value(name, labels) - before.value(name, labels);
    expect(change('gateway_requests_total', { operation: 'HomeScreen' })).toBe(1);
    expect(change('gateway_request_duration_seconds_count', { operation: 'HomeScreen' })).toBe(1);
    expect(change('gateway_request_duration_seconds_bucket', { operation: 'HomeScreen', le: '+Inf' })).toBe(1);
    expect(after.sum('gateway_request_errors_total', { operation: 'HomeScreen' })).toBe(before.sum('gateway_request_errors_total', { operation: 'HomeScreen' }));
    for (const subgraph of HOME_SUBGRAPHS) {
      expect(change('gateway_subgraph_fetches_total', { subgraph, outcome: 'ok' }), subgraph).toBeGreaterThanOrEqual(1);
      expect(change('gateway_subgraph_fetch_duration_seconds_count', { subgraph }), subgraph).toBe(change('gateway_subgraph_fetches_total', { subgraph, outcome: 'ok' }));
      for (const outcome of ['timeout', 'unavailable', 'breaker_open']) expect(change('gateway_subgraph_fetches_total', { subgraph, outcome })).toBe(0);
      expect(after.value('gateway_subgraph_breaker_state', { subgraph })).toBe(0);
    }
    expect(after.types.get('gateway_requests_total')).toBe('counter');
    expect(after.types.get('gateway_request_duration_seconds')).toBe('histogram');
    expect(after.types.get('gateway_subgraph_breaker_state')).toBe('gauge');
    expect(after.find('gateway_requests_total')[0]?.labels.service).toBe('gateway');
  });

  it('a vendor outage: errors counted by the code the client saw; the gateway’s fetch from reviews still ok (the subgraph answered)', async () => {
    stack.sandbox.reviews.control.setFaults({ outage: true });
    try {
      const before = await metrics();
      const res = await stack.query(HOME, undefined, from('198.51.100.2'));
      expect(res.status).toBe(200);
      const seen = errorCodes(res);
      expect(seen.get('VENDOR_UNAVAILABLE')).toBeGreaterThan(0);
      const after = await metrics();

      for (const [code, count] of seen) {
        expect(after.value('gateway_request_errors_total', { operation: 'HomeScreen', code }) - before.value('gateway_request_errors_total', { operation: 'HomeScreen', code }), code).toBe(count);
      }
      expect(after.sum('gateway_request_errors_total', { operation: 'HomeScreen' }) - before.sum('gateway_request_errors_total', { operation: 'HomeScreen' })).toBe(res.json.errors.length);
      expect(after.value('gateway_requests_total', { operation: 'HomeScreen' }) - before.value('gateway_requests_total', { operation: 'HomeScreen' })).toBe(1);
      expect(after.value('gateway_subgraph_fetches_total', { subgraph: 'reviews', outcome: 'unavailable' })).toBe(before.value('gateway_subgraph_fetches_total', { subgraph: 'reviews', outcome: 'unavailable' }));
    } finally {
      stack.sandbox.reviews.control.resetFaults();
    }
  });

  it('rate-limit refusals are counted by limit, and /metrics still answers the limited client', async () => {
    const before = await metrics();
    const cheap = '{ __typename }';
    for (let i = 0; i < PER_IP; i++) expect((await stack.query(cheap, undefined, from('198.51.100.3'))).status).toBe(200);
    expect((await stack.query(cheap, undefined, from('198.51.100.3'))).status).toBe(429);
    expect((await stack.query(cheap, undefined, from('198.51.100.3'))).status).toBe(429);

    // Two installs behind one address: each has its own PER_IP, the address PER_IP_SHARED in all.
    const install = (n: number) => ({ 'x-install-id': `00000000-0000-4000-8000-00000000000${n}` });
    for (let i = 0; i < PER_IP; i++) expect((await stack.query(cheap, undefined, from('198.51.100.4', install(1)))).status).toBe(200);
    for (let i = PER_IP; i < PER_IP_SHARED; i++) expect((await stack.query(cheap, undefined, from('198.51.100.4', install(2)))).status).toBe(200);
    expect((await stack.query(cheap, undefined, from('198.51.100.4', install(2)))).status).toBe(429);

    const scraped = await fetch(`${origin}/metrics`, { headers: from('198.51.100.3') });
    expect(scraped.status).toBe(200);
    await scraped.text();
    const after = await metrics();
    const refusals = (limit: string) => after.value('gateway_rate_limit_refusals_total', { limit }) - before.value('gateway_rate_limit_refusals_total', { limit });
    expect(refusals('ip')).toBe(2);
    expect(refusals('ipShared')).toBe(1);
    expect(refusals('user')).toBe(0);
    // Refused before Apollo: not GraphQL operations answered.
    expect(after.value('gateway_requests_total', { operation: '__anonymous' }) - before.value('gateway_requests_total', { operation: '__anonymous' })).toBe(PER_IP + PER_IP_SHARED);
  });

  it('automatic persisted queries: a miss, then (once registered) a hit, by operation; a miss is no request answered', async () => {
    const query = 'query ApqProbe { products(first: 1) { edges { node { id name } } } }';
    const hashOnly = (name?: string) => JSON.stringify({ ...(name ? { operationName: name } : {}), extensions: { persistedQuery: { version: 1, sha256Hash: sha256(query) } } });
    const lookups = (e: Exposition, operation: string, result: string) => e.value('gateway_persisted_queries_total', { operation, result });
    const before = await metrics();

    const miss = await stack.post(hashOnly('ApqProbe'), from('198.51.100.5'));
    expect(miss.json.errors[0].extensions.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    const anonymousMiss = await stack.post(hashOnly(), from('198.51.100.5'));
    expect(anonymousMiss.json.errors[0].extensions.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    const afterMiss = await metrics();
    // Nothing resolved, and ApqProbe is no app build's: the name it claims gets no label of its own.
    expect(lookups(afterMiss, '__other', 'miss') - lookups(before, '__other', 'miss')).toBe(1);
    expect(lookups(afterMiss, '__unknown', 'miss') - lookups(before, '__unknown', 'miss')).toBe(1);
    expect(afterMiss.find('gateway_persisted_queries_total', { operation: 'ApqProbe' })).toEqual([]);
    // The client resends at once: the miss is a step of the protocol, not a request answered nor an error.
    expect(afterMiss.sum('gateway_requests_total')).toBe(before.sum('gateway_requests_total'));
    expect(afterMiss.sum('gateway_request_errors_total', { code: 'PERSISTED_QUERY_NOT_FOUND' })).toBe(0);
    expect(afterMiss.sum('gateway_request_duration_seconds_count')).toBe(before.sum('gateway_request_duration_seconds_count'));

    const register = await stack.post(JSON.stringify({ query, extensions: JSON.parse(hashOnly()).extensions }), from('198.51.100.6'));
    expect(register.json.errors).toBeUndefined();
    const hit = await stack.post(hashOnly('ApqProbe'), from('198.51.100.7'));
    expect(hit.json.errors).toBeUndefined();
    const afterHit = await metrics();
    // A hit resolved its operation: labelled by it.
    expect(lookups(afterHit, 'ApqProbe', 'hit') - lookups(before, 'ApqProbe', 'hit')).toBe(1);
    // The registration looked nothing up.
    expect(afterHit.sum('gateway_persisted_queries_total', { result: 'miss' })).toBe(afterMiss.sum('gateway_persisted_queries_total', { result: 'miss' }));
    expect(afterHit.value('gateway_requests_total', { operation: 'ApqProbe' }) - before.value('gateway_requests_total', { operation: 'ApqProbe' })).toBe(2);
  });

  it('made-up names on persisted-query misses take no label: they read as __other', async () => {
    const CLAIMS = MAX_UNLISTED_OPERATION_NAMES + 10;
    const before = await metrics();
    for (let i = 0; i < CLAIMS; i++) {
      const body = JSON.stringify({ operationName: `Claimed${i}`, extensions: { persistedQuery: { version: 1, sha256Hash: sha256(`never registered ${i}`) } } });
      const res = await stack.post(body, from(`10.78.${i >> 8}.${i & 255}`));
      expect(res.json.errors[0].extensions.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    }
    const after = await metrics();
    expect(after.value('gateway_persisted_queries_total', { operation: '__other', result: 'miss' }) - before.value('gateway_persisted_queries_total', { operation: '__other', result: 'miss' })).toBe(CLAIMS);
    expect(after.samples.some((sample) => sample.labels.operation?.startsWith('Claimed'))).toBe(false);
    // Not one slot of the cap was used: the labels of the requests are the ones there were.
    expect(after.find('gateway_requests_total').map((sample) => sample.labels.operation).sort()).toEqual(before.find('gateway_requests_total').map((sample) => sample.labels.operation).sort());
  });

  it('a query that does not parse or validate counts as __invalid; the text it sent is nowhere', async () => {
    const before = await metrics();
    const broken = await stack.query('query Leaky_Name_7f3a { products(first: 1) { edges { node { nope } } } }', undefined, from('198.51.100.8'));
    expect(broken.json.errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const unparsable = await stack.query('query Unparsable_7f3a {', undefined, from('198.51.100.8'));
    expect(unparsable.json.errors[0].extensions.code).toBe('GRAPHQL_PARSE_FAILED');
    const after = await metrics();
    expect(after.value('gateway_requests_total', { operation: '__invalid' }) - before.value('gateway_requests_total', { operation: '__invalid' })).toBe(2);
    expect(after.value('gateway_request_errors_total', { operation: '__invalid', code: 'GRAPHQL_PARSE_FAILED' }) - before.value('gateway_request_errors_total', { operation: '__invalid', code: 'GRAPHQL_PARSE_FAILED' })).toBe(1);
    const text = await (await fetch(`${origin}/metrics`)).text();
    expect(text).not.toContain('7f3a');
  });

  // Last: it fills the cap of names for the rest of this stack.
  it('a flood of distinct operation names stays bounded in /metrics', async () => {
    const FLOOD = 200;
    const before = await metrics();
    const other = (e: Exposition) => e.value('gateway_requests_total', { operation: '__other' });
    for (let start = 0; start < FLOOD; start += 20) {
      await Promise.all(
        Array.from({ length: 20 }, async (_, k) => {
          const i = start + k;
          const res = await stack.query(`query Flood${i} { __typename }`, undefined, from(`10.77.${i >> 8}.${i & 255}`));
          expect(res.status).toBe(200);
        }),
      );
    }
    const after = await metrics();
    const labels = after.find('gateway_requests_total').map((s) => s.labels.operation!);
    // Names outside the app builds' (whatever the earlier tests of this stack sent): at most the cap.
    const unlisted = labels.filter((l) => !l.startsWith('__') && !APP_BUILD_NAMES.has(l));
    expect(unlisted.length).toBeLessThanOrEqual(MAX_UNLISTED_OPERATION_NAMES);
    // In all: the app builds' names, the cap, and the four labels that are not names.
    expect(labels.length).toBeLessThanOrEqual(APP_BUILD_NAMES.size + MAX_UNLISTED_OPERATION_NAMES + 4);
    expect(labels).toContain('__other');
    expect(labels).toContain('HomeScreen');
    const flooded = labels.filter((l) => l.startsWith('Flood'));
    expect(flooded.length).toBeGreaterThan(0);
    // Every flood request is counted once: under its own name while the cap had room, then as __other.
    expect(flooded.length + other(after) - other(before)).toBe(FLOOD);
    expect(other(after) - other(before)).toBeGreaterThanOrEqual(FLOOD - MAX_UNLISTED_OPERATION_NAMES);
    expect(after.find('gateway_request_duration_seconds_count')).toHaveLength(labels.length);
  });
});

describe('safelist mode: lookups counted by the app build’s operation; a refusal or miss by the app build’s name the client sent, else __other', () => {
  let stack: Stack;
  const manifest = JSON.parse(readFileSync(new URL('../../schema/app-builds/ios-3.2.0.json', import.meta.url), 'utf8')) as PersistedQueryManifest;
  const home = manifest.operations.find((op) => op.name === 'HomeScreen')!;
  const persisted = (hash: string) => ({ persistedQuery: { version: 1, sha256Hash: hash } });
  beforeAll(async () => {
    stack = await startStack({ env: { PERSISTED_QUERIES: 'safelist' } });
  });
  afterAll(() => stack?.close());

  it('hit, miss and refused', async () => {
    const origin = new URL(stack.gatewayUrl).origin;
    const before = await scrape(origin);
    expect((await stack.post(JSON.stringify({ operationName: 'HomeScreen', extensions: persisted(home.id) }))).json.errors).toBeUndefined();
    const miss = await stack.post(JSON.stringify({ operationName: 'Ghost', extensions: persisted(sha256('nothing registered')) }));
    expect(miss.json.errors[0].extensions.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    // An app build's name with a hash this gateway does not have: which build's operation is missing.
    const buildMiss = await stack.post(JSON.stringify({ operationName: 'HomeScreen', extensions: persisted(sha256('an older HomeScreen')) }));
    expect(buildMiss.json.errors[0].extensions.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    const refused = await stack.post(JSON.stringify({ operationName: 'Sneaky', query: 'query Sneaky { __typename }' }));
    expect(refused.json.errors[0].extensions.code).toBe('OPERATION_NOT_ALLOWED');
    const after = await scrape(origin);

    const change = (name: string, labels: Record<string, string>) => after.value(name, labels) - before.value(name, labels);
    expect(change('gateway_persisted_queries_total', { operation: 'HomeScreen', result: 'hit' })).toBe(1);
    expect(change('gateway_persisted_queries_total', { operation: 'HomeScreen', result: 'miss' })).toBe(1);
    expect(change('gateway_persisted_queries_total', { operation: '__other', result: 'miss' })).toBe(1);
    expect(change('gateway_persisted_queries_total', { operation: '__other', result: 'refused' })).toBe(1);
    expect(after.samples.some((s) => s.labels.operation === 'Ghost' || s.labels.operation === 'Sneaky')).toBe(false);
    // The refusal is an answer the client acts on; the misses are resent at once and are not requests answered.
    expect(change('gateway_requests_total', { operation: 'HomeScreen' })).toBe(1);
    expect(change('gateway_requests_total', { operation: '__other' })).toBe(1);
    expect(change('gateway_request_errors_total', { operation: '__other', code: 'OPERATION_NOT_ALLOWED' })).toBe(1);
    expect(after.sum('gateway_request_errors_total', { code: 'PERSISTED_QUERY_NOT_FOUND' })).toBe(0);
    // The placeholder a refused request runs instead of its text is not an operation of its own.
    expect(after.value('gateway_requests_total', { operation: '__anonymous' })).toBe(0);
  });
});

describe('NODE_ENV=production: /metrics only on a listener of its own', () => {
  let stack: Stack;
  let gateway: Gateway | undefined;
  let publicHttp: RunningHttpServer | undefined;
  let metricsHttp: RunningHttpServer | undefined;

  beforeAll(async () => {
    // The subgraphs of a stack, behind a production gateway of this test (a stack does not expose its gateway's registry).
    stack = await startStack();
    const config = parseGatewayConfig({
      NODE_ENV: 'production',
      GATEWAY_PORT: '0',
      LOG_LEVEL: 'silent',
      SUBGRAPH_URLS: stack.subgraphs.map((s) => `${s.name}=${s.url}`).join(','),
      GATEWAY_IDENTITY_PRIVATE_KEY: stack.identityKeys.privateJwk,
      AUTH_ISSUER: stack.sandbox.identity.url,
      ...COLD_START_BUDGETS,
    });
    expect(config.metricsPort).toBeUndefined();
    const supergraphSdl = readFileSync(new URL('../../schema/supergraph.graphql', import.meta.url), 'utf8');
    gateway = createGateway({ config, supergraphSdl, logger: createLogger({ service: 'gateway', level: 'silent' }) });
    await gateway.start();
    publicHttp = await startHttpServer(gateway.handler, { host: '127.0.0.1', port: 0 });
    metricsHttp = await startHttpServer(createMetricsHandler(gateway.metrics), { host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await publicHttp?.close(1_000);
    await metricsHttp?.close(1_000);
    await gateway?.stop();
    await stack?.close();
  });

  it('the public port answers 404 for /metrics; the metrics listener has the gateway’s series', async () => {
    const res = await fetch(`${publicHttp!.origin}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: HOME }) });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { errors?: unknown }).errors).toBeUndefined();

    const hidden = await fetch(`${publicHttp!.origin}/metrics`);
    expect(hidden.status).toBe(404);
    expect(await hidden.text()).not.toContain('gateway_requests_total');

    const scraped = await scrape(metricsHttp!.origin);
    expect(scraped.value('gateway_requests_total', { operation: 'HomeScreen' })).toBe(1);
    expect(scraped.value('gateway_request_duration_seconds_count', { operation: 'HomeScreen' })).toBe(1);
    for (const subgraph of HOME_SUBGRAPHS) expect(scraped.value('gateway_subgraph_fetches_total', { subgraph, outcome: 'ok' }), subgraph).toBeGreaterThanOrEqual(1);
  });
});
