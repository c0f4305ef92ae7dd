import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIdentityVendor, type RunningIdentityVendor } from '../createIdentityVendor.js';
import { authorizeCode, newPkce, passwordSignIn, signUp, tokenRequest, uniqueEmail, verifyWithServedJwks, type TokenResponse } from '../identityTestClient.js';

let vendor: RunningIdentityVendor;
let user: { user_id: string; email: string };
const PASSWORD = 'refresh me please';
const SECRET = 'sandbox-accounts-client-secret';
const refreshAccounts = (token: string, extra: Record<string, string> = {}) =>
  tokenRequest(vendor, { grant_type: 'refresh_token', refresh_token: token, client_id: 'mobile-graph-accounts', client_secret: SECRET, ...extra });
const refreshApp = (token: string) => tokenRequest(vendor, { grant_type: 'refresh_token', refresh_token: token, client_id: 'mobile-app' });
const errorOf = async (res: Response) => ((await res.json()) as { error: string }).error;

beforeAll(async () => {
  vendor = await createIdentityVendor({ apiKey: 'test-identity-key' });
  user = await signUp(vendor, { email: uniqueEmail('refresh'), password: PASSWORD, name: 'Robin Refresh' });
});
afterAll(async () => {
  await vendor.close();
});

describe('refresh token rotation', () => {
  it('returns a new refresh token on every use and refuses the spent one', async () => {
    const signIn = await passwordSignIn(vendor, { username: user.email, password: PASSWORD });
    const first = signIn.refresh_token as string;
    const r1 = await refreshAccounts(first);
    expect(r1.status).toBe(200);
    expect(r1.headers.get('cache-control')).toBe('no-store');
    const t1 = (await r1.json()) as TokenResponse;
    expect(t1.refresh_token).toBeDefined();
    expect(t1.refresh_token).not.toBe(first);
    expect(t1.scope).toBe(signIn.scope);
    const { payload } = await verifyWithServedJwks(vendor, t1.access_token, { issuer: vendor.url, audience: 'mobile-graph' });
    expect(payload.sub).toBe(user.user_id);

    const t2 = (await (await refreshAccounts(t1.refresh_token as string)).json()) as TokenResponse;
    expect(new Set([first, t1.refresh_token, t2.refresh_token]).size).toBe(3);
  });

  it('detects reuse: a spent token revokes the whole family, the newest token included', async () => {
    const signIn = await passwordSignIn(vendor, { username: user.email, password: PASSWORD });
    const stolen = signIn.refresh_token as string;
    const legit1 = (await (await refreshAccounts(stolen)).json()) as TokenResponse;
    const legit2 = (await (await refreshAccounts(legit1.refresh_token as string)).json()) as TokenResponse;

    const replay = await refreshAccounts(stolen);
    expect(replay.status).toBe(400);
    expect(await errorOf(replay)).toBe('invalid_grant');
    const newest = await refreshAccounts(legit2.refresh_token as string);
    expect(newest.status).toBe(400);
    expect(await errorOf(newest)).toBe('invalid_grant');

    // Another sign-in (another family) is unaffected.
    const other = await passwordSignIn(vendor, { username: user.email, password: PASSWORD });
    expect((await refreshAccounts(other.refresh_token as string)).status).toBe(200);
  });

  it('rotates the mobile app’s tokens too (public client, client_id only)', async () => {
    const pkce = newPkce();
    const { code } = await authorizeCode(vendor, { challenge: pkce.challenge, scope: 'openid offline_access', email: user.email, password: PASSWORD });
    const tokens = (await (
      await tokenRequest(vendor, { grant_type: 'authorization_code', code, redirect_uri: 'com.example.shop:/oauth/callback', client_id: 'mobile-app', code_verifier: pkce.verifier })
    ).json()) as TokenResponse;
    const next = await refreshApp(tokens.refresh_token as string);
    expect(next.status).toBe(200);
    const rotated = (await next.json()) as TokenResponse;
    expect(await errorOf(await refreshApp(tokens.refresh_token as string))).toBe('invalid_grant');
    expect(await errorOf(await refreshApp(rotated.refresh_token as string))).toBe('invalid_grant');
  });

  it('binds refresh tokens to their client, and lets a refresh narrow but not widen the scope', async () => {
    const signIn = await passwordSignIn(vendor, { username: user.email, password: PASSWORD, scope: 'openid offline_access reviews:write' });
    const token = signIn.refresh_token as string;
    expect(await errorOf(await refreshApp(token))).toBe('invalid_grant'); // wrong client: refused, not spent
    expect(await errorOf(await refreshAccounts(token, { scope: 'openid email' }))).toBe('invalid_scope');

    const narrowed = (await (await refreshAccounts(token, { scope: 'reviews:write' })).json()) as TokenResponse;
    expect(narrowed.scope).toBe('reviews:write');
    // The refresh token keeps the original grant.
    const wide = (await (await refreshAccounts(narrowed.refresh_token as string)).json()) as TokenResponse;
    expect(wide.scope).toBe('openid offline_access reviews:write');
  });

  it('refuses unknown tokens and a confidential client without its secret', async () => {
    expect(await errorOf(await refreshAccounts('not-a-token'))).toBe('invalid_grant');
    const signIn = await passwordSignIn(vendor, { username: user.email, password: PASSWORD });
    const res = await tokenRequest(vendor, { grant_type: 'refresh_token', refresh_token: signIn.refresh_token as string, client_id: 'mobile-graph-accounts' });
    expect(res.status).toBe(401);
    expect(await errorOf(res)).toBe('invalid_client');
    expect((await refreshAccounts(signIn.refresh_token as string)).status).toBe(200); // it was not spent
  });
});
