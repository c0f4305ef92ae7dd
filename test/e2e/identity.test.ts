import type { IncomingMessage } from 'node:http';
import { decodeJwt, decodeProtectedHeader, importJWK, SignJWT } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createIdentitySigner } from '../../platform/identity/createIdentitySigner.js';
import { createIdentityVerifier } from '../../platform/identity/createIdentityVerifier.js';
import { generateIdentityKeys } from '../../platform/identity/generateIdentityKeys.js';
import { passwordSignIn, signUp, uniqueEmail } from '../../vendors/identity/identityTestClient.js';
import { startStack, type Stack, type SubgraphName } from '../harness/startStack.js';
import { operation } from '../harness/operations.js';

// The three subgraphs the home screen touches.
const SUBGRAPHS = ['catalog', 'reviews', 'accounts'] as const;
const ME = '{ me { id displayName } }';

/**
 * Authentication at the gateway and the identity it forwards, across real servers: the
 * sandbox identity vendor issues access tokens (its own keys, its own JWKS), the gateway
 * verifies them and signs an identity per subgraph, and the subgraphs verify that.
 */
describe('identity from the app to the subgraphs', () => {
  let stack: Stack;
  // Every x-gateway-identity header each subgraph received, as it arrived on the wire.
  const received: Record<(typeof SUBGRAPHS)[number], (string | undefined)[]> = { catalog: [], reviews: [], accounts: [] };

  beforeAll(async () => {
    // Short JWKS timings so that key rotation at the issuer shows within the test.
    stack = await startStack({ env: { AUTH_JWKS_COOLDOWN_MS: '200', AUTH_JWKS_MAX_AGE_MS: '1500', AUTH_JWKS_MAX_STALE_MS: '2000' } });
    for (const name of SUBGRAPHS) {
      stack.subgraph(name).http.server.on('request', (req: IncomingMessage) => {
        const header = req.headers['x-gateway-identity'];
        received[name].push(typeof header === 'string' ? header : undefined);
      });
    }
  });
  afterAll(() => stack?.close());
  beforeEach(() => {
    for (const name of SUBGRAPHS) received[name].length = 0;
    stack.sandbox.identity.control.resetFaults();
  });

  const verify = (token: string | undefined, audience: SubgraphName) =>
    createIdentityVerifier({ jwks: stack.identityKeys.publicJwks, audience }).verify(token ?? '');
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  const accessToken = (claims: Record<string, unknown> = {}, options?: { kid?: string }) =>
    stack.sandbox.identity.oidc.signAccessToken({ sub: 'usr_0042', ...claims }, options);

  it('a signed-in request: the viewer reaches the subgraph (me is the token’s user), in a token for that subgraph only', async () => {
    const res = await stack.query(ME, undefined, { ...bearer(await accessToken()), 'x-request-id': 'req-me-1' });
    expect(res.status).toBe(200);
    expect(res.json.errors).toBeUndefined();
    expect(res.json.data.me.id).toBe('usr_0042');

    expect(received.accounts).toHaveLength(1);
    const forwarded = received.accounts[0]!;
    await expect(verify(forwarded, 'accounts')).resolves.toEqual({ userId: 'usr_0042', scopes: ['openid', 'profile', 'reviews:write'] });
    expect(decodeJwt(forwarded)).toMatchObject({ iss: 'mobile-graph-gateway', aud: 'accounts', sub: 'usr_0042' });
    // Nothing per request in it, so the gateway can reuse it and the subgraph skip re-verifying.
    expect(decodeJwt(forwarded).rid).toBeUndefined();
    expect(decodeProtectedHeader(forwarded)).toMatchObject({ alg: 'ES256', kid: JSON.parse(stack.identityKeys.privateJwk).kid });
    // Useless at any other subgraph.
    await expect(verify(forwarded, 'reviews')).rejects.toThrow(/aud/);
  });

  it('every subgraph a query touches gets its own identity, anonymous requests included', async () => {
    const res = await stack.query(operation('HomeScreen'));
    expect(res.status).toBe(200);
    for (const name of SUBGRAPHS) {
      expect(received[name].length).toBeGreaterThan(0);
      for (const token of received[name]) await expect(verify(token, name)).resolves.toBeNull();
    }
  });

  it('a real sign-in at the identity provider (password grant) gives a token the gateway accepts', async () => {
    const email = uniqueEmail('identity-e2e');
    const password = 'correct horse battery';
    // Both throw unless the provider answers 201 and 200.
    await signUp(stack.sandbox.identity, { email, password, name: 'Identity Test' });
    const { access_token: token } = await passwordSignIn(stack.sandbox.identity, { username: email, password });
    const userId = decodeJwt(token).sub!;

    const res = await stack.query(ME, undefined, bearer(token));
    expect(res.status).toBe(200);
    expect(res.json.data.me).toEqual({ id: userId, displayName: 'Identity Test' });
    expect((await verify(received.accounts.at(-1), 'accounts'))?.userId).toBe(userId);
  });

  it('x-gateway-identity and x-user-id sent by a client have no effect', async () => {
    const posing = { 'x-gateway-identity': await stack.signIdentity({ userId: 'usr_0001', scopes: ['admin'] }, 'accounts'), 'x-user-id': 'usr_0001' };

    const anonymous = await stack.query(ME, undefined, posing);
    expect(anonymous.status).toBe(200);
    expect(anonymous.json.data.me).toBeNull();
    expect(received.accounts.at(-1)).not.toBe(posing['x-gateway-identity']);
    await expect(verify(received.accounts.at(-1), 'accounts')).resolves.toBeNull();

    const signedIn = await stack.query(ME, undefined, { ...posing, ...bearer(await accessToken()) });
    expect(signedIn.json.data.me.id).toBe('usr_0042');
  });

  it('a token the issuer did not sign for us is refused at the gateway with 401', async () => {
    const res = await stack.query(ME, undefined, bearer(await accessToken({ aud: 'someone-else' })));
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="mobile-graph", error="invalid_token", error_description="The access token is not for this API"');
    expect(res.json.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    expect(received.accounts).toHaveLength(0);
  });

  it('key rotation at the issuer: the new key works at once, the retired one stops once the cache expires', async () => {
    const before = await accessToken();
    expect((await stack.query(ME, undefined, bearer(before))).status).toBe(200);

    await new Promise((r) => setTimeout(r, 250)); // past the unknown-kid refetch cooldown
    const { activeKid } = await stack.sandbox.identity.oidc.rotateKeys();
    const after = await accessToken();
    expect(decodeProtectedHeader(after).kid).toBe(activeKid);
    expect((await stack.query(ME, undefined, bearer(after))).json.data.me.id).toBe('usr_0042');

    stack.sandbox.identity.oidc.retireKeys();
    // Still in the gateway's cached key set.
    expect((await stack.query(ME, undefined, bearer(before))).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1_600)); // past AUTH_JWKS_MAX_AGE_MS
    const refused = await stack.query(ME, undefined, bearer(before));
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toContain('The access token is signed with an unknown key');
    expect((await stack.query(ME, undefined, bearer(after))).status).toBe(200);
  });

  it('the identity provider down: known keys keep working for the max-stale window, then 503 (not 401)', async () => {
    const token = await accessToken();
    await expect(stack.query('{ __typename }', undefined, bearer(token))).resolves.toMatchObject({ status: 200 });
    await new Promise((r) => setTimeout(r, 1_600)); // the cached key set is past its max age
    stack.sandbox.identity.control.setFaults({ outage: true });
    const stale = await stack.query(ME, undefined, bearer(token));
    expect(stale.status).toBe(200);
    expect(stale.json.data.me.id).toBe('usr_0042');

    await new Promise((r) => setTimeout(r, 2_000)); // and now past max age + max stale
    const res = await stack.query('{ __typename }', undefined, bearer(token));
    expect(res.status).toBe(503);
    expect(res.json.errors[0].extensions.code).toBe('SERVICE_UNAVAILABLE');
    expect(res.text).not.toContain(stack.sandbox.identity.url);
    stack.sandbox.identity.control.resetFaults();
  });

  describe('calling a subgraph directly', () => {
    const call = (name: SubgraphName, headers: Record<string, string>) =>
      fetch(stack.subgraph(name).url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-request-id': 'direct-1', ...headers },
        body: JSON.stringify({ query: '{ __typename }' }),
      });

    it.each(SUBGRAPHS)('%s: 200 with a valid identity', async (name) => {
      const res = await call(name, { 'x-gateway-identity': await stack.signIdentity({ userId: 'usr_0042', scopes: [] }, name) });
      expect(res.status).toBe(200);
    });

    const refusals: [string, (name: SubgraphName) => Promise<Record<string, string>>][] = [
      ['no identity (but an Authorization and an x-user-id)', async () => ({ authorization: 'Bearer x', 'x-user-id': 'usr_0001' })],
      ['an identity signed by another key', async (name) => {
        const forger = createIdentitySigner({ privateJwk: (await generateIdentityKeys()).privateJwk });
        return { 'x-gateway-identity': await forger.sign({ viewer: { userId: 'usr_0001', scopes: [] }, audience: name, requestId: 'r' }) };
      }],
      ['an identity for another subgraph', async (name) => ({
        'x-gateway-identity': await stack.signIdentity(null, name === 'catalog' ? 'reviews' : 'catalog'),
      })],
      ['an expired identity', async (name) => {
        const jwk = JSON.parse(stack.identityKeys.privateJwk) as { kid: string };
        const iat = Math.floor(Date.now() / 1000) - 600;
        const token = await new SignJWT({ rid: 'r', sub: 'usr_0001', scope: '' })
          .setProtectedHeader({ alg: 'ES256', kid: jwk.kid, typ: 'gateway-identity+jwt' })
          .setIssuer('mobile-graph-gateway')
          .setAudience(name)
          .setIssuedAt(iat)
          .setExpirationTime(iat + 60)
          .setJti('old')
          .sign(await importJWK(jwk, 'ES256'));
        return { 'x-gateway-identity': token };
      }],
    ];

    for (const [what, headers] of refusals) {
      it.each(SUBGRAPHS)(`%s: 401 UNAUTHENTICATED with ${what}`, async (name) => {
        const res = await call(name, await headers(name));
        expect(res.status).toBe(401);
        const body = (await res.json()) as { data?: unknown; errors: { extensions: Record<string, unknown> }[] };
        expect(body.data).toBeUndefined();
        expect(body.errors[0]!.extensions).toEqual({ code: 'UNAUTHENTICATED', requestId: 'direct-1' });
      });
    }
  });
});
