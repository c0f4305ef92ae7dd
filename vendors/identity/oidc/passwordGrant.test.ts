import { decodeProtectedHeader } from 'jose';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createIdentityVendor, type RunningIdentityVendor } from '../createIdentityVendor.js';
import { passwordSignIn, signUp, tokenRequest, uniqueEmail, verifyWithServedJwks } from '../identityTestClient.js';

let vendor: RunningIdentityVendor;
let user: { user_id: string; email: string };
const PASSWORD = 'a long enough password';
const SECRET = 'sandbox-accounts-client-secret';
const grant = (extra: Record<string, string> = {}) => ({
  grant_type: 'password',
  username: user.email,
  password: PASSWORD,
  client_id: 'mobile-graph-accounts',
  client_secret: SECRET,
  ...extra,
});
const errorOf = async (res: Response) => ((await res.json()) as { error: string; error_description: string });
const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

beforeAll(async () => {
  vendor = await createIdentityVendor({ apiKey: 'test-identity-key' });
  user = await signUp(vendor, { email: uniqueEmail('pw'), password: PASSWORD, name: 'Pat Password' });
});
afterAll(async () => {
  await vendor.close();
});

describe('password grant (mobile-graph-accounts)', () => {
  it('issues an RS256 access token that verifies against the served JWKS, with exactly the specified claims', async () => {
    const res = await tokenRequest(vendor, grant());
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('pragma')).toBe('no-cache');
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 900, scope: 'openid profile offline_access reviews:write' });
    expect(typeof body.refresh_token).toBe('string');
    expect(Buffer.from(body.refresh_token as string, 'base64url')).toHaveLength(32);

    const token = body.access_token as string;
    const { payload, protectedHeader } = await verifyWithServedJwks(vendor, token, { issuer: vendor.url, audience: 'mobile-graph' });
    expect(protectedHeader).toEqual({ alg: 'RS256', kid: vendor.oidc.activeKid(), typ: 'at+jwt' });
    expect(Object.keys(payload).sort()).toEqual(['aud', 'client_id', 'exp', 'iat', 'iss', 'jti', 'nbf', 'scope', 'sub']);
    expect(payload).toMatchObject({ iss: vendor.url, sub: user.user_id, aud: 'mobile-graph', client_id: 'mobile-graph-accounts', scope: body.scope });
    expect(payload.nbf).toBe(payload.iat);
    expect((payload.exp as number) - (payload.iat as number)).toBe(900);
    expect(Math.abs((payload.iat as number) - Date.now() / 1000)).toBeLessThan(5);
    const raw = Buffer.from(token.split('.')[1] as string, 'base64url').toString();
    expect(raw).not.toContain(user.email);
    expect(raw).not.toContain('Pat');

    // The ID token is for the client: aud = client_id, a different typ, so it cannot pass for an access token.
    expect(decodeProtectedHeader(body.id_token as string).typ).toBe('JWT');
    const id = await verifyWithServedJwks(vendor, body.id_token as string, { issuer: vendor.url, audience: 'mobile-graph-accounts' });
    expect(id.payload).toMatchObject({ sub: user.user_id, name: 'Pat Password' });
    expect(id.payload.email).toBeUndefined(); // no email scope
  });

  it('accepts JSON bodies and client_secret_basic', async () => {
    expect((await tokenRequest(vendor, grant(), { json: true })).status).toBe(200);
    // As the accounts service's kit client sends it: JSON, client_secret_post, and the vendor's API key as Bearer.
    const withKey = await tokenRequest(vendor, grant(), { json: true, headers: { ...vendor.authHeaders } });
    expect(withKey.status).toBe(200);
    const { client_secret: _s, client_id: _c, ...rest } = grant();
    const res = await tokenRequest(vendor, rest, { headers: { authorization: basic('mobile-graph-accounts', SECRET) } });
    expect(res.status).toBe(200);
  });

  it('answers invalid_grant, without echoing the password, for a wrong password or an unknown user', async () => {
    for (const params of [grant({ password: 'wrong password here' }), grant({ username: 'nobody@example.com' })]) {
      const res = await tokenRequest(vendor, params);
      expect(res.status).toBe(400);
      const text = await res.text();
      expect(JSON.parse(text)).toEqual({ error: 'invalid_grant', error_description: 'Wrong email or password.' });
      expect(text).not.toContain(params.password);
    }
    // Email matching is case-insensitive.
    expect((await tokenRequest(vendor, grant({ username: user.email.toUpperCase() }))).status).toBe(200);
  });

  it('refuses a bad client secret with 401 invalid_client (WWW-Authenticate only for Basic)', async () => {
    const post = await tokenRequest(vendor, grant({ client_secret: 'not-the-secret' }));
    expect(post.status).toBe(401);
    expect((await errorOf(post)).error).toBe('invalid_client');
    expect(post.headers.get('www-authenticate')).toBeNull();

    const { client_secret: _s, client_id: _c, ...rest } = grant();
    const viaBasic = await tokenRequest(vendor, rest, { headers: { authorization: basic('mobile-graph-accounts', 'nope') } });
    expect(viaBasic.status).toBe(401);
    expect(viaBasic.headers.get('www-authenticate')).toMatch(/^Basic /);

    const { client_secret: _t, ...noSecret } = grant();
    expect((await tokenRequest(vendor, noSecret)).status).toBe(401);
    expect((await tokenRequest(vendor, grant({ client_id: 'who-knows' }))).status).toBe(401);
    const both = await tokenRequest(vendor, grant(), { headers: { authorization: basic('mobile-graph-accounts', SECRET) } });
    expect(both.status).toBe(400);
    expect((await errorOf(both)).error).toBe('invalid_request');
  });

  it('is only for the confidential client: the mobile app gets unauthorized_client', async () => {
    const { client_secret: _s, ...params } = grant({ client_id: 'mobile-app' });
    const res = await tokenRequest(vendor, params);
    expect(res.status).toBe(400);
    expect((await errorOf(res)).error).toBe('unauthorized_client');
  });

  it('narrows scopes to what was asked, and refuses unknown scopes', async () => {
    const narrow = await passwordSignIn(vendor, { username: user.email, password: PASSWORD, scope: 'reviews:write openid openid' });
    expect(narrow.scope).toBe('openid reviews:write');
    expect(narrow.refresh_token).toBeDefined(); // the password grant always gets one
    const { payload } = await verifyWithServedJwks(vendor, narrow.access_token, { issuer: vendor.url, audience: 'mobile-graph' });
    expect(payload.scope).toBe('openid reviews:write');

    const noOpenid = await passwordSignIn(vendor, { username: user.email, password: PASSWORD, scope: 'reviews:write' });
    expect(noOpenid.id_token).toBeUndefined();

    const unknown = await tokenRequest(vendor, grant({ scope: 'openid admin' }));
    expect(unknown.status).toBe(400);
    expect((await errorOf(unknown)).error).toBe('invalid_scope');
  });

  it('reports malformed requests per RFC 6749 §5.2', async () => {
    const cases: [Record<string, string>, string][] = [
      [{ ...grant(), grant_type: 'client_credentials' }, 'unsupported_grant_type'],
      [{ client_id: 'mobile-graph-accounts', client_secret: SECRET }, 'invalid_request'],
      [(({ password: _p, ...rest }) => rest)(grant()), 'invalid_request'],
    ];
    for (const [params, error] of cases) {
      const res = await tokenRequest(vendor, params);
      expect(res.status, error).toBe(400);
      expect((await errorOf(res)).error).toBe(error);
    }
    const repeated = await fetch(`${vendor.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `${new URLSearchParams(grant()).toString()}&scope=openid&scope=email`,
    });
    expect((await errorOf(repeated)).error).toBe('invalid_request');
    const empty = await fetch(`${vendor.url}/oauth/token`, { method: 'POST' });
    expect(empty.status).toBe(400);
    expect((await errorOf(empty)).error).toBe('invalid_request');
  });

  it('never logs a password', async () => {
    const spies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((m) => vi.spyOn(console, m).mockImplementation(() => {}));
    const stdout = vi.spyOn(process.stdout, 'write');
    try {
      await tokenRequest(vendor, grant({ password: 'wrong-secret-123' }));
      await tokenRequest(vendor, grant());
      const logged = [...spies, stdout].flatMap((s) => s.mock.calls.flat()).map(String).join('\n');
      expect(logged).not.toContain('wrong-secret-123');
      expect(logged).not.toContain(PASSWORD);
    } finally {
      for (const s of spies) s.mockRestore();
      stdout.mockRestore();
    }
  });

  it('uses the configured access token lifetime', async () => {
    vendor.oidc.setAccessTokenTtl(60);
    try {
      const t = await passwordSignIn(vendor, { username: user.email, password: PASSWORD });
      expect(t.expires_in).toBe(60);
      const { payload } = await verifyWithServedJwks(vendor, t.access_token, { issuer: vendor.url, audience: 'mobile-graph' });
      expect((payload.exp as number) - (payload.iat as number)).toBe(60);
      expect(() => vendor.oidc.setAccessTokenTtl(0)).toThrow(TypeError);
    } finally {
      vendor.oidc.setAccessTokenTtl(900);
    }
  });
});
