import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIdentityVendor, type RunningIdentityVendor } from '../createIdentityVendor.js';
import { authorizeCode, authorizeQuery, newPkce, postLogin, signUp, tokenRequest, uniqueEmail, verifyWithServedJwks, type TokenResponse } from '../identityTestClient.js';

let vendor: RunningIdentityVendor;
let user: { user_id: string; email: string };
let clockOffsetMs = 0;
const PASSWORD = 'mobile app password';
const APP_REDIRECT = 'com.example.shop:/oauth/callback';
const authorize = (query: URLSearchParams) => fetch(`${vendor.url}/authorize?${query.toString()}`, { redirect: 'manual' });
const exchange = (code: string, verifier: string, redirectUri = APP_REDIRECT) =>
  tokenRequest(vendor, { grant_type: 'authorization_code', code, redirect_uri: redirectUri, client_id: 'mobile-app', code_verifier: verifier });
const errorOf = async (res: Response) => ((await res.json()) as { error: string }).error;
const withParam = (query: URLSearchParams, name: string, value: string) => {
  const copy = new URLSearchParams(query);
  copy.set(name, value);
  return copy;
};
const redirectParams = (res: Response) => new URL(res.headers.get('location') ?? 'missing:').searchParams;

beforeAll(async () => {
  vendor = await createIdentityVendor({ apiKey: 'test-identity-key', clock: () => Date.now() + clockOffsetMs });
  user = await signUp(vendor, { email: uniqueEmail('app'), password: PASSWORD, name: 'Alex App' });
});
afterAll(async () => {
  await vendor.close();
});

describe('authorization code flow with PKCE (mobile-app)', () => {
  it('GET /authorize → login form; POST credentials → 302 with code and state; exchange with the verifier → tokens', async () => {
    const pkce = newPkce();
    const query = authorizeQuery({ challenge: pkce.challenge, state: 'st-123', nonce: 'n-456', scope: 'openid email offline_access reviews:write' });
    const form = await authorize(query);
    expect(form.status).toBe(200);
    expect(form.headers.get('content-type')).toContain('text/html');
    expect(form.headers.get('x-frame-options')).toBe('DENY');
    const html = await form.text();
    expect(html).toContain('<form method="post" action="/authorize">');
    for (const [name, value] of query) expect(html).toContain(`name="${name}" value="${value}"`);
    expect(html).toContain('name="password" type="password"');

    const login = await postLogin(vendor, query, { email: user.email, password: PASSWORD });
    expect(login.status).toBe(302);
    const location = login.headers.get('location') as string;
    expect(location.startsWith(`${APP_REDIRECT}?`)).toBe(true);
    const params = redirectParams(login);
    expect(params.get('state')).toBe('st-123');
    const code = params.get('code') as string;
    expect(Buffer.from(code, 'base64url')).toHaveLength(32);
    expect(location).not.toContain(PASSWORD);

    const res = await exchange(code, pkce.verifier);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const tokens = (await res.json()) as TokenResponse;
    expect(tokens.scope).toBe('openid email offline_access reviews:write');
    expect(tokens.refresh_token).toBeDefined();
    const access = await verifyWithServedJwks(vendor, tokens.access_token, { issuer: vendor.url, audience: 'mobile-graph' });
    expect(access.payload).toMatchObject({ sub: user.user_id, client_id: 'mobile-app', scope: tokens.scope });
    expect(access.payload.email).toBeUndefined();
    const id = await verifyWithServedJwks(vendor, tokens.id_token as string, { issuer: vendor.url, audience: 'mobile-app' });
    expect(id.payload).toMatchObject({ sub: user.user_id, nonce: 'n-456', email: user.email });
  });

  it('gives no refresh token without offline_access, and defaults the scope', async () => {
    const pkce = newPkce();
    const { code } = await authorizeCode(vendor, { challenge: pkce.challenge, email: user.email, password: PASSWORD });
    const tokens = (await (await exchange(code, pkce.verifier)).json()) as TokenResponse;
    expect(tokens.scope).toBe('openid profile reviews:write');
    expect(tokens.refresh_token).toBeUndefined();
  });

  it('shows the form again (200, no redirect) on wrong credentials, without the password', async () => {
    const query = authorizeQuery({ challenge: newPkce().challenge, state: 's' });
    const res = await postLogin(vendor, query, { email: user.email, password: 'not my password' });
    expect(res.status).toBe(200);
    expect(res.headers.get('location')).toBeNull();
    const html = await res.text();
    expect(html).toContain('Wrong email or password.');
    expect(html).toContain(`value="${user.email}"`);
    expect(html).not.toContain('not my password');
  });

  it('escapes everything it echoes into the page', async () => {
    const query = authorizeQuery({ challenge: newPkce().challenge, state: '"><script>alert(1)</script>' });
    const html = await (await authorize(query)).text();
    expect(html).not.toContain('<script>');
    expect(html).toContain('&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;');
    const again = await (await postLogin(vendor, query, { email: '<b>x</b>@example.com', password: 'whatever it is' })).text();
    expect(again).not.toContain('<b>x</b>');
  });

  it('refuses a wrong verifier with invalid_grant', async () => {
    const pkce = newPkce();
    const { code } = await authorizeCode(vendor, { challenge: pkce.challenge, email: user.email, password: PASSWORD });
    const res = await exchange(code, newPkce().verifier);
    expect(res.status).toBe(400);
    expect(await errorOf(res)).toBe('invalid_grant');
    expect(await errorOf(await exchange(code, 'too-short'))).toBe('invalid_grant'); // and the code is spent
  });

  it('refuses a reused code and revokes the refresh tokens issued from it', async () => {
    const pkce = newPkce();
    const { code } = await authorizeCode(vendor, { challenge: pkce.challenge, scope: 'openid offline_access', email: user.email, password: PASSWORD });
    const first = (await (await exchange(code, pkce.verifier)).json()) as TokenResponse;
    const replay = await exchange(code, pkce.verifier);
    expect(replay.status).toBe(400);
    expect(await errorOf(replay)).toBe('invalid_grant');
    const refresh = await tokenRequest(vendor, { grant_type: 'refresh_token', refresh_token: first.refresh_token as string, client_id: 'mobile-app' });
    expect(refresh.status).toBe(400);
    expect(await errorOf(refresh)).toBe('invalid_grant');
  });

  it('binds the code to its redirect_uri and client, and lets it expire after 60 s', async () => {
    const pkce = newPkce();
    const a = await authorizeCode(vendor, { challenge: pkce.challenge, email: user.email, password: PASSWORD });
    expect(await errorOf(await exchange(a.code, pkce.verifier, 'http://127.0.0.1:1234/cb'))).toBe('invalid_grant');

    const b = await authorizeCode(vendor, { challenge: pkce.challenge, email: user.email, password: PASSWORD });
    const other = await tokenRequest(vendor, {
      grant_type: 'authorization_code',
      code: b.code,
      redirect_uri: APP_REDIRECT,
      client_id: 'mobile-graph-accounts',
      client_secret: 'sandbox-accounts-client-secret',
      code_verifier: pkce.verifier,
    });
    expect(await errorOf(other)).toBe('unauthorized_client'); // that client may not use codes at all

    const c = await authorizeCode(vendor, { challenge: pkce.challenge, email: user.email, password: PASSWORD });
    clockOffsetMs = 61_000;
    try {
      expect(await errorOf(await exchange(c.code, pkce.verifier))).toBe('invalid_grant');
    } finally {
      clockOffsetMs = 0;
    }
  });

  it('accepts loopback redirects on any port and path (RFC 8252 §7.3)', async () => {
    for (const redirectUri of ['http://127.0.0.1:53123/oauth/cb', 'http://127.0.0.1:8080/', 'http://[::1]:49152/callback']) {
      const pkce = newPkce();
      const { code, location } = await authorizeCode(vendor, { challenge: pkce.challenge, redirectUri, state: 'x', email: user.email, password: PASSWORD });
      expect(location.startsWith(`${redirectUri}?`) || location.startsWith(`${redirectUri}&`)).toBe(true);
      expect((await exchange(code, pkce.verifier, redirectUri)).status).toBe(200);
    }
  });

  it('shows a 400 page, never a redirect, for an unknown client or an unregistered redirect_uri', async () => {
    const challenge = newPkce().challenge;
    const bad = [
      authorizeQuery({ challenge, redirectUri: 'https://evil.example/cb' }),
      authorizeQuery({ challenge, redirectUri: 'com.example.shop:/oauth/callback/extra' }),
      authorizeQuery({ challenge, redirectUri: 'http://localhost:5000/cb' }),
      authorizeQuery({ challenge, redirectUri: 'https://127.0.0.1:5000/cb' }),
      authorizeQuery({ challenge, clientId: 'unknown-app', redirectUri: 'https://evil.example/cb' }),
      new URLSearchParams({ response_type: 'code', client_id: 'mobile-app' }),
    ];
    for (const query of bad) {
      const res = await authorize(query);
      expect(res.status, query.toString()).toBe(400);
      expect(res.headers.get('location')).toBeNull();
      expect(res.headers.get('content-type')).toContain('text/html');
      const post = await postLogin(vendor, query, { email: user.email, password: PASSWORD });
      expect(post.status).toBe(400);
      expect(post.headers.get('location')).toBeNull();
    }
  });

  it('redirects other errors to the app with error= and state', async () => {
    const challenge = newPkce().challenge;
    const cases: [URLSearchParams, string][] = [
      [authorizeQuery({ state: 'k' }), 'invalid_request'], // no PKCE from a public client
      [withParam(authorizeQuery({ challenge, state: 'k' }), 'code_challenge_method', 'plain'), 'invalid_request'],
      [withParam(authorizeQuery({ challenge, state: 'k' }), 'code_challenge', 'too-short'), 'invalid_request'],
      [withParam(authorizeQuery({ challenge, state: 'k' }), 'response_type', 'token'), 'unsupported_response_type'],
      [authorizeQuery({ challenge, state: 'k', scope: 'openid admin' }), 'invalid_scope'],
    ];
    for (const [query, error] of cases) {
      const res = await authorize(query);
      expect(res.status, error).toBe(302);
      const params = redirectParams(res);
      expect(params.get('error')).toBe(error);
      expect(params.get('state')).toBe('k');
      expect(params.get('code')).toBeNull();
    }
  });
});
