import { SignJWT, UnsecuredJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIdentitySigner, type IdentitySigner } from '../../../platform/identity/createIdentitySigner.js';
import type { Viewer } from '../../../platform/identity/Viewer.js';
import { startHttpServer } from '../../../platform/http/startHttpServer.js';
import { SubgraphDataSource } from '../../src/datasources/SubgraphDataSource.js';
import { silentLogger, startTopology, testIdentityKeys, THINGS_QUERY, type TestGateway, type TestSubgraph, type Topology } from '../../../test/harness/testSubgraphs.js';
import { startLocalIssuer, type LocalIssuer } from './localIssuer.js';

const now = () => Math.floor(Date.now() / 1000);
const viewer = { userId: 'usr_0042', scopes: ['openid', 'profile', 'reviews:write'] };

describe('authentication at the gateway', () => {
  let issuer: LocalIssuer;
  let alpha: TestSubgraph;
  let omega: TestSubgraph;
  let gw: TestGateway;
  let topology: Topology;
  beforeAll(async () => {
    issuer = await startLocalIssuer();
    // AUTH_JWKS_URL unset: derived from the issuer.
    topology = await startTopology({ AUTH_ISSUER: issuer.issuer });
    ({ alpha, omega, gw } = topology);
  });
  afterAll(async () => {
    await topology?.close();
    await issuer?.close();
  });

  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

  it('no Authorization header: anonymous, and every subgraph is told so', async () => {
    const res = await gw.query(THINGS_QUERY);
    expect(res.status).toBe(200);
    expect(res.json.errors).toBeUndefined();
    expect(alpha.viewers.at(-1)).toBeNull();
    expect(omega.viewers.at(-1)).toBeNull();
  });

  it('a valid access token: its viewer reaches every subgraph, verified there', async () => {
    const res = await gw.query(THINGS_QUERY, bearer(await issuer.sign()));
    expect(res.status).toBe(200);
    expect(res.json.errors).toBeUndefined();
    expect(res.json.data.things[0]).toEqual({ id: '1', title: 'Thing 1', score: 10 });
    expect(alpha.viewers.at(-1)).toEqual(viewer);
    expect(omega.viewers.at(-1)).toEqual(viewer);
  });

  it('the scheme is case-insensitive', async () => {
    const res = await gw.query(THINGS_QUERY, { authorization: `bearer ${await issuer.sign()}` });
    expect(res.status).toBe(200);
  });

  const failures: [string, () => Promise<Record<string, string>>, RegExp][] = [
    ['an expired token', async () => bearer(await issuer.sign({ iat: now() - 900, exp: now() - 300 })), /^The access token expired$/],
    ['a token not valid yet', async () => bearer(await issuer.sign({ nbf: now() + 600 })), /not valid yet/],
    ['a token from another issuer', async () => bearer(await issuer.sign({ iss: 'https://issuer.example/' })), /another issuer/],
    ['a token for another API', async () => bearer(await issuer.sign({ aud: 'payments-api' })), /not for this API/],
    ['an alg none token', async () => bearer(new UnsecuredJWT({ sub: 'usr_0001' }).setIssuer(issuer.issuer).setAudience('mobile-graph').setExpirationTime(now() + 300).encode()), /algorithm/],
    ['HS256 keyed with the public key', async () => {
      const kid = (await issuer.sign()).split('.')[0]!;
      const header = JSON.parse(Buffer.from(kid, 'base64url').toString()) as { kid: string };
      const token = await new SignJWT({ sub: 'usr_0001' })
        .setProtectedHeader({ alg: 'HS256', kid: header.kid })
        .setIssuer(issuer.issuer)
        .setAudience('mobile-graph')
        .setExpirationTime(now() + 300)
        .sign(new TextEncoder().encode(await issuer.publicPem(header.kid)));
      return bearer(token);
    }, /algorithm/],
    ['a token signed by an unknown key', async () => {
      const other = await startLocalIssuer();
      const token = await other.sign({ iss: issuer.issuer });
      await other.close();
      return bearer(token);
    }, /unknown key/],
    ['a tampered token', async () => {
      const [h, p, s] = (await issuer.sign()).split('.') as [string, string, string];
      const claims = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>;
      return bearer(`${h}.${Buffer.from(JSON.stringify({ ...claims, scope: 'admin' })).toString('base64url')}.${s}`);
    }, /signature/],
    ['garbage', async () => bearer('not-a-jwt'), /malformed/],
    ['another scheme (Basic)', async () => ({ authorization: `Basic ${Buffer.from('user:pass').toString('base64')}` }), /not a Bearer token/],
    ['Bearer without a token', async () => ({ authorization: 'Bearer' }), /not a Bearer token/],
    ['Bearer and spaces only', async () => ({ authorization: 'Bearer   ' }), /not a Bearer token/],
  ];

  it.each(failures)('%s → 401, WWW-Authenticate, UNAUTHENTICATED, nothing sent to a subgraph', async (_, headers, reason) => {
    const sent = await headers();
    const before = alpha.requestIds.length + omega.requestIds.length;
    const res = await gw.query(THINGS_QUERY, { ...sent, 'x-request-id': 'req-auth-1' });
    expect(res.status).toBe(401);
    const challenge = res.headers.get('www-authenticate') ?? '';
    expect(challenge).toMatch(/^Bearer realm="mobile-graph", error="invalid_token", error_description="([^"\\]+)"$/);
    const description = /error_description="([^"]+)"/.exec(challenge)![1]!;
    expect(description).toMatch(reason);
    expect(res.json).toEqual({ errors: [{ message: `${description}.`, extensions: { code: 'UNAUTHENTICATED', requestId: 'req-auth-1' } }] });
    expect(res.headers.get('x-request-id')).toBe('req-auth-1');
    // The token is never echoed.
    const token = sent.authorization!.replace(/^\S+\s*/, '');
    if (token.length > 8) expect(res.text + challenge).not.toContain(token);
    expect(alpha.requestIds.length + omega.requestIds.length).toBe(before);
  });

  it('headers a client sends to pose as someone never reach a subgraph', async () => {
    // Even a genuine identity token, signed with the gateway's own key for alpha.
    const { privateJwk } = await testIdentityKeys();
    const stolen = await createIdentitySigner({ privateJwk }).sign({ viewer: { userId: 'usr_0001', scopes: ['admin'] }, audience: 'alpha', requestId: 'x' });
    const posing = { 'x-gateway-identity': stolen, 'x-user-id': 'usr_0001' };

    const anonymous = await gw.query(THINGS_QUERY, posing);
    expect(anonymous.status).toBe(200);
    expect(alpha.viewers.at(-1)).toBeNull();
    expect(omega.viewers.at(-1)).toBeNull();

    const signedIn = await gw.query(THINGS_QUERY, { ...posing, ...bearer(await issuer.sign()) });
    expect(signedIn.status).toBe(200);
    expect(alpha.viewers.at(-1)).toEqual(viewer);
    expect(omega.viewers.at(-1)).toEqual(viewer);
  });
});

describe('when the issuer keys cannot be fetched', () => {
  it('a request with a token gets 503 SERVICE_UNAVAILABLE (not 401); anonymous requests still work', async () => {
    const issuer = await startLocalIssuer();
    const token = await issuer.sign();
    // A port that was just free: nothing listens there.
    const probe = await startHttpServer((_req, res) => res.end(), { host: '127.0.0.1', port: 0 });
    await probe.close(0);
    const topology = await startTopology({ AUTH_ISSUER: issuer.issuer, AUTH_JWKS_URL: `${probe.origin}/jwks.json` });
    const { gw } = topology;
    try {
      const res = await gw.query(THINGS_QUERY, { authorization: `Bearer ${token}` });
      expect(res.status).toBe(503);
      expect(res.headers.get('www-authenticate')).toBeNull();
      expect(res.json.errors[0].extensions.code).toBe('SERVICE_UNAVAILABLE');
      expect(res.text).not.toContain(probe.origin);
      const anonymous = await gw.query(THINGS_QUERY);
      expect(anonymous.status).toBe(200);
    } finally {
      await topology.close();
      await issuer.close();
    }
  });
});

describe('the identity the gateway signs for a subgraph', () => {
  it('is signed once per caller and reused for later requests, never shared between callers', async () => {
    const signer = createIdentitySigner({ privateJwk: (await testIdentityKeys()).privateJwk });
    let signed = 0;
    const counting: IdentitySigner = {
      ready: () => signer.ready(),
      sign: (input) => {
        signed += 1;
        return signer.sign(input);
      },
    };
    const source = new SubgraphDataSource({ name: 'alpha', url: 'http://alpha.invalid/graphql', timeoutMs: 1_000, connections: 1, logger: silentLogger, identity: counting });
    const sent = async (caller: Viewer | null): Promise<string | null> => {
      const headers = new Headers();
      await source.willSendRequest({
        request: { http: { headers } },
        context: { requestId: 'req-reuse', logger: silentLogger, viewer: caller },
      } as unknown as Parameters<typeof source.willSendRequest>[0]);
      return headers.get('x-gateway-identity');
    };
    try {
      const first = await sent({ userId: 'usr_0042', scopes: ['openid'] });
      expect(first).toEqual(expect.any(String));
      expect(await sent({ userId: 'usr_0042', scopes: ['openid'] })).toBe(first);
      expect(signed).toBe(1);
      // Another scope set, another user, or nobody: each gets a token of its own.
      const others = [await sent({ userId: 'usr_0042', scopes: ['openid', 'admin'] }), await sent({ userId: 'usr_0043', scopes: ['openid'] }), await sent(null)];
      expect(new Set([first, ...others]).size).toBe(4);
      expect(signed).toBe(4);
    } finally {
      await source.close();
    }
  });
});
