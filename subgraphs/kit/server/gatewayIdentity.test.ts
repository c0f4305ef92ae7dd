import { parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../platform/log/createLogger.js';
import { createSubgraphServer, type SubgraphContext } from './createSubgraphServer.js';
import { startHttpServer, type RunningHttpServer } from '../../../platform/http/startHttpServer.js';
import { createIdentitySigner, type IdentitySigner } from '../../../platform/identity/createIdentitySigner.js';
import { generateIdentityKeys, type IdentityKeys } from '../../../platform/identity/generateIdentityKeys.js';
import type { Viewer } from '../../../platform/identity/Viewer.js';

const typeDefs = parse(`
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])
  type Query { whoami: Who }
  type Who { userId: String! scopes: [String!]! }
`);
const WHOAMI = JSON.stringify({ query: '{ whoami { userId scopes } }' });
const logger = createLogger({ service: 'test', level: 'silent' });
const viewer: Viewer = { userId: 'usr_0042', scopes: ['openid', 'reviews:write'] };

async function startWhoami(identityJwks: string | undefined): Promise<{ url: string; origin: string; close(): Promise<void> }> {
  const server = createSubgraphServer<SubgraphContext>({
    name: 'whoami',
    typeDefs,
    logger,
    identityJwks,
    resolvers: { Query: { whoami: (_: unknown, __: unknown, ctx: SubgraphContext) => ctx.viewer } },
    createContext: ({ requestId, logger: l, viewer: v }) => ({ requestId, logger: l, viewer: v }),
  });
  await server.start();
  const http: RunningHttpServer = await startHttpServer(server.handler, { host: '127.0.0.1', port: 0 });
  return {
    url: `${http.origin}/graphql`,
    origin: http.origin,
    async close() {
      await http.close(200);
      await server.stop();
    },
  };
}

async function post(url: string, headers: Record<string, string> = {}) {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: WHOAMI });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read arbitrary shapes
  return { status: res.status, json: (await res.json()) as any };
}

describe('a subgraph with GATEWAY_IDENTITY_JWKS', () => {
  let keys: IdentityKeys;
  let signer: IdentitySigner;
  let sub: Awaited<ReturnType<typeof startWhoami>>;
  beforeAll(async () => {
    keys = await generateIdentityKeys();
    signer = createIdentitySigner({ privateJwk: keys.privateJwk });
    sub = await startWhoami(keys.publicJwks);
  });
  afterAll(() => sub.close());

  const identity = (v: Viewer | null, audience = 'whoami') => signer.sign({ viewer: v, audience, requestId: 'r-1' });

  it('puts the verified viewer in the context', async () => {
    const res = await post(sub.url, { 'x-gateway-identity': await identity(viewer) });
    expect(res.status).toBe(200);
    expect(res.json.data.whoami).toEqual(viewer);
  });

  it('an anonymous identity is an anonymous viewer', async () => {
    const res = await post(sub.url, { 'x-gateway-identity': await identity(null) });
    expect(res.status).toBe(200);
    expect(res.json.data.whoami).toBeNull();
  });

  it('never believes the headers a client could set', async () => {
    const headers = { 'x-user-id': 'usr_0001', authorization: 'Bearer whatever', 'x-viewer': 'usr_0001' };
    const anonymous = await post(sub.url, { ...headers, 'x-gateway-identity': await identity(null) });
    expect(anonymous.json.data.whoami).toBeNull();
    const refused = await post(sub.url, headers);
    expect(refused.status).toBe(401);
  });

  it.each([
    ['no identity', async () => ({})],
    ['an identity for another subgraph', async () => ({ 'x-gateway-identity': await identity(viewer, 'catalog') })],
    ['an identity signed by another key', async () => {
      const forger = createIdentitySigner({ privateJwk: (await generateIdentityKeys()).privateJwk });
      return { 'x-gateway-identity': await forger.sign({ viewer, audience: 'whoami', requestId: 'r' }) };
    }],
    ['an expired identity', async () => {
      const old = createIdentitySigner({ privateJwk: keys.privateJwk, now: () => Date.now() - 300_000 });
      return { 'x-gateway-identity': await old.sign({ viewer, audience: 'whoami', requestId: 'r' }) };
    }],
    ['garbage', async () => ({ 'x-gateway-identity': 'not-a-token' })],
  ])('%s → 401 UNAUTHENTICATED, nothing executed', async (_, headers) => {
    const res = await post(sub.url, { ...(await headers()), 'x-request-id': 'req-401' });
    expect(res.status).toBe(401);
    expect(res.json.data).toBeUndefined();
    expect(res.json.errors).toHaveLength(1);
    expect(res.json.errors[0].extensions).toEqual({ code: 'UNAUTHENTICATED', requestId: 'req-401' });
  });

  it('health endpoints need no identity', async () => {
    expect((await fetch(`${sub.origin}/healthz`)).status).toBe(200);
    expect((await fetch(`${sub.origin}/readyz`)).status).toBe(200);
  });
});

describe('a subgraph without GATEWAY_IDENTITY_JWKS (development)', () => {
  let sub: Awaited<ReturnType<typeof startWhoami>>;
  beforeAll(async () => {
    sub = await startWhoami(undefined);
  });
  afterAll(() => sub.close());

  it('treats requests without identity as anonymous', async () => {
    const res = await post(sub.url, { 'x-user-id': 'usr_0001' });
    expect(res.status).toBe(200);
    expect(res.json.data.whoami).toBeNull();
  });

  it('refuses a request with an identity it cannot verify', async () => {
    const signer = createIdentitySigner({ privateJwk: (await generateIdentityKeys()).privateJwk });
    const res = await post(sub.url, { 'x-gateway-identity': await signer.sign({ viewer, audience: 'whoami', requestId: 'r' }) });
    expect(res.status).toBe(401);
    expect(res.json.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    expect(res.json.errors[0].message).toContain('GATEWAY_IDENTITY_JWKS');
  });
});
