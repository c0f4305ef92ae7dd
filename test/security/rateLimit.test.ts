import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operation } from '../harness/operations.js';
import { describeOnReplicas } from '../harness/startReplicas.js';
import { startStack, type GraphQLResult, type Stack } from '../harness/startStack.js';

const CHEAP = '{ __typename }';
// One proxy in front of the gateway: the client is the last address of x-forwarded-for.
const from = (ip: string, headers: Record<string, string> = {}) => ({ 'x-forwarded-for': `203.0.113.250, ${ip}`, ...headers });

function expectRateLimited(res: GraphQLResult, windowS: number): void {
  expect(res.status, res.text).toBe(429);
  const retryAfter = res.headers.get('retry-after');
  expect(retryAfter).toMatch(/^\d+$/);
  const seconds = Number(retryAfter);
  expect(seconds).toBeGreaterThanOrEqual(1);
  expect(seconds).toBeLessThanOrEqual(windowS);
  expect(res.json).toEqual({
    errors: [
      {
        message: 'Too many requests. Try again later.',
        extensions: { code: 'RATE_LIMITED', retryAfterSeconds: seconds, requestId: res.headers.get('x-request-id') },
      },
    ],
  });
}

describe('rate limits per client address and per user, counted per operation', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({
      env: { RATE_LIMIT_PER_IP: '5', RATE_LIMIT_PER_USER: '3', RATE_LIMIT_WINDOW_S: '60', TRUST_PROXY_HOPS: '1', MAX_BATCH_OPERATIONS: '5' },
    });
  });
  afterAll(() => stack?.close());

  it('the 6th operation from one address → 429 RATE_LIMITED with Retry-After; other addresses are unaffected', async () => {
    for (let i = 0; i < 5; i++) expect((await stack.query(CHEAP, undefined, from('198.51.100.1'))).status).toBe(200);
    expectRateLimited(await stack.query(CHEAP, undefined, from('198.51.100.1')), 60);
    // Still limited, whatever is asked.
    expectRateLimited(await stack.query(operation('HomeScreen'), undefined, from('198.51.100.1')), 60);

    // The cheap query: what is asserted is the other address's quota, not how fast the vendors answer on a busy machine.
    const other = await stack.query(CHEAP, undefined, from('198.51.100.2'));
    expect(other.status).toBe(200);
    expect(other.json.errors).toBeUndefined();
  });

  it('the address is the one the trusted proxy saw, not one the client wrote further left', async () => {
    for (let i = 0; i < 5; i++) {
      const res = await stack.query(CHEAP, undefined, { 'x-forwarded-for': `10.9.9.${i}, 198.51.100.3` });
      expect(res.status).toBe(200);
    }
    expectRateLimited(await stack.query(CHEAP, undefined, { 'x-forwarded-for': '10.9.9.99, 198.51.100.3' }), 60);
  });

  it('health checks are never counted', async () => {
    for (let i = 0; i < 20; i++) {
      const res = await fetch(stack.gatewayUrl.replace('/graphql', i % 2 ? '/healthz' : '/readyz'), { headers: from('198.51.100.4') });
      expect(res.status).toBe(200);
    }
    for (let i = 0; i < 5; i++) expect((await stack.query(CHEAP, undefined, from('198.51.100.4'))).status).toBe(200);
  });

  it('a batch counts each of its operations: one HTTP request cannot hide many', async () => {
    const batch = (n: number) => JSON.stringify(Array.from({ length: n }, () => ({ query: CHEAP })));
    const first = await stack.post(batch(3), from('198.51.100.5'));
    expect(first.status).toBe(200);
    expect(first.json).toHaveLength(3);
    // 3 + 3 > 5.
    expectRateLimited(await stack.post(batch(3), from('198.51.100.5')), 60);
  });

  it('a batch over MAX_BATCH_OPERATIONS → 400 BAD_REQUEST', async () => {
    const res = await stack.post(JSON.stringify(Array.from({ length: 6 }, () => ({ query: CHEAP }))), from('198.51.100.6'));
    expect(res.status).toBe(400);
    expect(res.json.errors[0]).toMatchObject({ message: 'A batched request may hold at most 5 operations.', extensions: { code: 'BAD_REQUEST' } });
  });

  it('a signed-in user is limited across addresses; another user is not', async () => {
    const token = await stack.sandbox.identity.oidc.signAccessToken({ sub: 'usr_0042' });
    const as = (ip: string, bearer: string) => from(ip, { authorization: `Bearer ${bearer}` });
    for (let i = 0; i < 3; i++) expect((await stack.query(CHEAP, undefined, as(`198.51.100.${20 + i}`, token))).status).toBe(200);
    expectRateLimited(await stack.query(CHEAP, undefined, as('198.51.100.30', token)), 60);

    const other = await stack.sandbox.identity.oidc.signAccessToken({ sub: 'usr_0007' });
    expect((await stack.query(CHEAP, undefined, as('198.51.100.30', other))).status).toBe(200);
  });
});

describe('behind one address (a carrier NAT), each app install has its own budget under a shared ceiling', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ env: { RATE_LIMIT_PER_IP: '5', RATE_LIMIT_PER_IP_SHARED: '12', RATE_LIMIT_WINDOW_S: '60', TRUST_PROXY_HOPS: '1' } });
  });
  afterAll(() => stack?.close());

  const install = (ip: string, id: string) => from(ip, { 'x-install-id': id });
  const status = async (headers: Record<string, string>) => (await stack.query(CHEAP, undefined, headers)).status;

  it('two installs behind one address each get the per-client budget; one exhausting it (and keeping on) does not block the other', async () => {
    const [a, b] = [randomUUID(), randomUUID()];
    for (let i = 0; i < 5; i++) expect(await status(install('198.51.100.60', a))).toBe(200);
    expectRateLimited(await stack.query(CHEAP, undefined, install('198.51.100.60', a)), 60);
    // Refused operations are not counted for the address: A hammering on does not eat B's share.
    for (let i = 0; i < 10; i++) expect(await status(install('198.51.100.60', a))).toBe(429);
    for (let i = 0; i < 5; i++) expect(await status(install('198.51.100.60', b))).toBe(200);
    expectRateLimited(await stack.query(CHEAP, undefined, install('198.51.100.60', b)), 60);
    // Without an install id, the address's own bucket is untouched by the installs' traffic.
    for (let i = 0; i < 2; i++) expect(await status(from('198.51.100.60'))).toBe(200);
  });

  it('rotating install ids from one address stops at the shared ceiling, for every install behind it; other addresses are unaffected', async () => {
    for (let i = 0; i < 12; i++) expect(await status(install('198.51.100.61', randomUUID()))).toBe(200);
    expectRateLimited(await stack.query(CHEAP, undefined, install('198.51.100.61', randomUUID())), 60);
    expect(await status(from('198.51.100.61'))).toBe(429);
    expect(await status(install('198.51.100.62', randomUUID()))).toBe(200);
  });

  it('a malformed install id is ignored: those requests share the address’s bucket with requests that send none', async () => {
    const malformed = ['not-a-uuid', `{${randomUUID()}}`, `${randomUUID()}0`, `${randomUUID()}, ${randomUUID()}`, randomUUID().replaceAll('-', '')];
    for (const id of malformed) expect(await status(install('198.51.100.63', id))).toBe(200);
    expectRateLimited(await stack.query(CHEAP, undefined, from('198.51.100.63')), 60);
    expect(await status(install('198.51.100.63', 'zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz'))).toBe(429);
    // A well-formed one (any case) is its own client.
    expect(await status(install('198.51.100.63', randomUUID().toUpperCase()))).toBe(200);
  });

  it('IPv6 clients are still grouped by /64: installs split it, other addresses of the /64 share the ceiling', async () => {
    const id = randomUUID();
    for (let i = 0; i < 5; i++) expect(await status(install(`2001:db8:77:1::${i + 1}`, id))).toBe(200);
    expect(await status(install('2001:db8:77:1::99', id))).toBe(429);
    for (let i = 0; i < 7; i++) expect(await status(install(`2001:db8:77:1::${100 + i}`, randomUUID()))).toBe(200);
    expect(await status(install('2001:db8:77:1:ffff::1', randomUUID()))).toBe(429);
  });
});

const replicaEnv = { RATE_LIMIT_PER_IP: '5', RATE_LIMIT_PER_IP_SHARED: '8', TRUST_PROXY_HOPS: '1' };

describeOnReplicas('two gateway replicas share the rate limit through Redis', process.env.REDIS_URL, { env: replicaEnv }, (replicas) => {
  it('3 operations on replica A and 2 on replica B use up the address’s 5; the next one is refused on either', async () => {
    const { a, b } = replicas();
    for (let i = 0; i < 3; i++) expect((await a.query(CHEAP, undefined, from('198.51.100.40'))).status).toBe(200);
    for (let i = 0; i < 2; i++) expect((await b.query(CHEAP, undefined, from('198.51.100.40'))).status).toBe(200);
    expectRateLimited(await a.query(CHEAP, undefined, from('198.51.100.40')), 60);
    expectRateLimited(await b.query(CHEAP, undefined, from('198.51.100.40')), 60);
    expect((await b.query(CHEAP, undefined, from('198.51.100.41'))).status).toBe(200);
  });

  it('an install’s budget and its address’s shared ceiling are shared too', async () => {
    const { a, b } = replicas();
    const as = (id: string) => from('198.51.100.42', { 'x-install-id': id });
    const one = randomUUID();
    for (let i = 0; i < 3; i++) expect((await a.query(CHEAP, undefined, as(one))).status).toBe(200);
    for (let i = 0; i < 2; i++) expect((await b.query(CHEAP, undefined, as(one))).status).toBe(200);
    expectRateLimited(await a.query(CHEAP, undefined, as(one)), 60);
    // 5 of the address's 8 are spent: three more installs, on either replica, then the ceiling.
    for (let i = 0; i < 3; i++) expect((await (i % 2 ? a : b).query(CHEAP, undefined, as(randomUUID()))).status).toBe(200);
    expectRateLimited(await b.query(CHEAP, undefined, as(randomUUID())), 60);
    expectRateLimited(await a.query(CHEAP, undefined, as(randomUUID())), 60);
  });
});
