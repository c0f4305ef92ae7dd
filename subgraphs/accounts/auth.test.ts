import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { decodeJwt } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Viewer } from '../../platform/identity/Viewer.js';
import { createLogger } from '../../platform/log/createLogger.js';
import { executeAs } from '../../test/harness/executeAs.js';
import { useSubgraphOnSandbox } from '../../test/harness/useSubgraphOnSandbox.js';
import { parseAccountsConfig } from './config.js';
import { createAccountsSubgraph } from './server.js';

/* The accounts subgraph in-process against the sandbox identity provider, with every log
   line captured: passwords and tokens must never appear in them. */

const logLines: string[] = [];
const logSink = new Writable({
  write(chunk: Buffer, _encoding, done) {
    logLines.push(chunk.toString('utf8'));
    done();
  },
});
const logger = createLogger({ service: 'accounts-test', level: 'debug', destination: logSink });

const PAYLOAD = 'accessToken refreshToken tokenType expiresIn scope user { id displayName avatarUrl }';
const SIGN_UP = `mutation ($input: SignUpInput!) { signUp(input: $input) { ${PAYLOAD} } }`;
const SIGN_IN = `mutation ($input: SignInInput!) { signIn(input: $input) { ${PAYLOAD} } }`;
const REFRESH = `mutation ($token: String!) { refreshSession(refreshToken: $token) { ${PAYLOAD} } }`;
const EMAIL_OF = `query ($reps: [_Any!]!) { _entities(representations: $reps) { ... on User { id displayName email } } }`;

const suite = useSubgraphOnSandbox({
  name: 'accounts-test',
  logger,
  create: ({ sandbox, ...deps }) =>
    createAccountsSubgraph({
      ...deps,
      config: parseAccountsConfig({ ACCOUNTS_VENDOR_URL: sandbox.identity.url, ACCOUNTS_VENDOR_KEY: sandbox.identity.apiKey, LOG_LEVEL: 'debug' }),
    }),
});
/** Every password and token the tests used or received, to scan the logs for. */
const secrets = new Set<string>();

const run = (query: string, variables?: Record<string, unknown>, viewer: Viewer | null = null) => executeAs(suite.service, viewer, query, { variables, logger });
const codes = (errors: readonly { extensions?: Record<string, unknown> }[] | undefined) => (errors ?? []).map((e) => e.extensions?.code);
const calls = (route: string) => suite.sandbox.identity.control.stats().byRoute[route]?.count ?? 0;
const newEmail = () => `shopper.${randomUUID().slice(0, 8)}@example.com`;
const PASSWORD = 'correct horse battery';

async function signUp(input: { email: string; password: string; displayName: string }) {
  secrets.add(input.password);
  const res = await run(SIGN_UP, { input });
  if (res.data?.signUp) {
    secrets.add(res.data.signUp.accessToken);
    secrets.add(res.data.signUp.refreshToken);
  }
  return res;
}

describe('signUp', () => {
  it('creates the account and signs it in: tokens for the new user, and the user', async () => {
    const email = newEmail();
    const res = await signUp({ email, password: PASSWORD, displayName: '  Ada Shopper ' });
    expect(res.errors).toBeUndefined();
    const payload = res.data.signUp;
    expect(payload).toMatchObject({ tokenType: 'Bearer', user: { displayName: 'Ada Shopper', avatarUrl: null } });
    expect(payload.user.id).toMatch(/^usr_\d+$/);
    expect(decodeJwt(payload.accessToken).sub).toBe(payload.user.id);
    expect(payload.expiresIn).toBeGreaterThan(0);
    expect(payload.scope.split(' ')).toEqual(expect.arrayContaining(['openid', 'reviews:write', 'offline_access']));
    expect(payload.refreshToken.length).toBeGreaterThan(10);
    expect(calls('POST /dbconnections/signup')).toBe(1);
    expect(calls('POST /oauth/token')).toBe(1);

    // The new user is visible to lookups at once (e.g. as a review author).
    const entity = await run(EMAIL_OF, { reps: [{ __typename: 'User', id: payload.user.id }] }, { userId: payload.user.id, scopes: [] });
    expect(entity.data._entities[0]).toEqual({ id: payload.user.id, displayName: 'Ada Shopper', email });
  });

  it('AuthPayload.user.email is refused: the request that signs in is still anonymous', async () => {
    const res = await run(`mutation ($input: SignUpInput!) { signUp(input: $input) { user { id email } } }`, {
      input: { email: newEmail(), password: PASSWORD, displayName: 'Bea' },
    });
    expect(res.data.signUp.user.email).toBeNull();
    expect(codes(res.errors)).toEqual(['FORBIDDEN']);
  });

  /** The identity provider's calls per route since the last reset, for comparing two paths. */
  const vendorCalls = () => {
    const byRoute = suite.sandbox.identity.control.stats().byRoute;
    return Object.fromEntries(Object.entries(byRoute).map(([route, stat]) => [route, stat?.count ?? 0]));
  };

  it('an email that already has an account, with another password: the wrong-password answer of signIn, never "taken"', async () => {
    const email = newEmail();
    expect((await signUp({ email, password: PASSWORD, displayName: 'First' })).errors).toBeUndefined();
    const again = await signUp({ email: email.toUpperCase(), password: 'another password 2', displayName: 'Second' });
    expect(again.data).toBeNull();
    expect(again.errors?.map((e) => [e.extensions?.code, e.message])).toEqual([['UNAUTHENTICATED', 'Wrong email or password.']]);
    const signIn = await run(SIGN_IN, { input: { email, password: 'another password 2' } });
    expect(again.errors?.map((e) => [e.extensions, e.message])).toEqual(signIn.errors?.map((e) => [e.extensions, e.message]));
  });

  it('a taken email costs the identity provider the same calls as a new one (no faster answer to time)', async () => {
    const taken = newEmail();
    expect((await signUp({ email: taken, password: PASSWORD, displayName: 'First' })).errors).toBeUndefined();

    suite.sandbox.identity.control.resetStats();
    const fresh = await signUp({ email: newEmail(), password: 'another password 3', displayName: 'Fresh' });
    expect(fresh.errors).toBeUndefined();
    const forNew = vendorCalls();

    suite.sandbox.identity.control.resetStats();
    const probe = await signUp({ email: taken, password: 'another password 3', displayName: 'Probe' });
    expect(codes(probe.errors)).toEqual(['UNAUTHENTICATED']);
    const forTaken = vendorCalls();

    expect(forNew).toEqual({ 'POST /dbconnections/signup': 1, 'POST /oauth/token': 1 });
    expect(forTaken).toEqual(forNew);
  });

  it('an email that already has an account, with its own password: signed in to it, like a new account would be', async () => {
    const email = newEmail();
    const first = await signUp({ email, password: PASSWORD, displayName: 'Original' });
    const again = await signUp({ email, password: PASSWORD, displayName: 'Ignored' });
    expect(again.errors).toBeUndefined();
    secrets.add(again.data.signUp.accessToken);
    secrets.add(again.data.signUp.refreshToken);
    expect(again.data.signUp).toMatchObject({ tokenType: 'Bearer', user: { id: first.data.signUp.user.id, displayName: 'Original', avatarUrl: null } });
    expect(decodeJwt(again.data.signUp.accessToken).sub).toBe(first.data.signUp.user.id);
  });

  const invalid: [string, Record<string, string>, string][] = [
    ['a short password', { password: 'short' }, 'password'],
    ['a password of 129 characters', { password: 'p'.repeat(129) }, 'password'],
    ['the email as password', { email: 'same.as.password@example.com', password: ' Same.As.Password@example.com ' }, 'password'],
    ['a malformed email', { email: 'not-an-email' }, 'email'],
    ['an email of 255 characters', { email: `${'a'.repeat(243)}@example.com` }, 'email'],
    ['a blank display name', { displayName: '   ' }, 'displayName'],
    ['a display name of 81 characters', { displayName: 'n'.repeat(81) }, 'displayName'],
  ];
  it.each(invalid)('%s → BAD_USER_INPUT naming the field, without calling the provider', async (_name, change, field) => {
    const res = await signUp({ email: newEmail(), password: PASSWORD, displayName: 'Cleo', ...change });
    expect(codes(res.errors)).toEqual(['BAD_USER_INPUT']);
    expect(res.errors?.[0]?.extensions).toMatchObject({ argument: 'input', field });
    expect(res.errors?.[0]?.message).toContain(`"${field}"`);
    expect(calls('POST /dbconnections/signup')).toBe(0);
  });
});

describe('signIn and refreshSession', () => {
  const email = newEmail();
  let userId = '';

  beforeAll(async () => {
    const res = await signUp({ email, password: PASSWORD, displayName: 'Dana' });
    userId = res.data.signUp.user.id;
  });

  it('signs in with the right password: tokens for that user, and the user', async () => {
    const res = await run(SIGN_IN, { input: { email, password: PASSWORD } });
    expect(res.errors).toBeUndefined();
    secrets.add(res.data.signIn.accessToken);
    secrets.add(res.data.signIn.refreshToken);
    expect(res.data.signIn.user).toEqual({ id: userId, displayName: 'Dana', avatarUrl: null });
    expect(decodeJwt(res.data.signIn.accessToken).sub).toBe(userId);
  });

  it('a wrong password and an unknown email get the same UNAUTHENTICATED answer', async () => {
    secrets.add('wrong password 123');
    const wrong = await run(SIGN_IN, { input: { email, password: 'wrong password 123' } });
    const unknown = await run(SIGN_IN, { input: { email: newEmail(), password: 'wrong password 123' } });
    for (const res of [wrong, unknown]) {
      expect(res.data).toBeNull();
      expect(res.errors?.map((e) => [e.extensions?.code, e.message])).toEqual([['UNAUTHENTICATED', 'Wrong email or password.']]);
    }
  });

  it('refreshSession rotates: new tokens, and the old refresh token is refused (and ends the session)', async () => {
    const signedIn = await run(SIGN_IN, { input: { email, password: PASSWORD } });
    const first = signedIn.data.signIn.refreshToken as string;
    secrets.add(first);
    secrets.add(signedIn.data.signIn.accessToken);

    const refreshed = await run(REFRESH, { token: first });
    expect(refreshed.errors).toBeUndefined();
    const second = refreshed.data.refreshSession.refreshToken as string;
    secrets.add(second);
    secrets.add(refreshed.data.refreshSession.accessToken);
    expect(second).not.toBe(first);
    expect(refreshed.data.refreshSession.user.id).toBe(userId);

    const reused = await run(REFRESH, { token: first });
    expect(reused.errors?.map((e) => [e.extensions?.code, e.message])).toEqual([['UNAUTHENTICATED', 'This session has ended. Sign in again.']]);
    // Reuse revoked the whole family: the successor stops working too.
    const successor = await run(REFRESH, { token: second });
    expect(codes(successor.errors)).toEqual(['UNAUTHENTICATED']);
  });

  it('a blank refresh token → BAD_USER_INPUT, without calling the provider', async () => {
    const res = await run(REFRESH, { token: '' });
    expect(res.errors?.map((e) => [e.extensions?.code, e.extensions?.argument])).toEqual([['BAD_USER_INPUT', 'refreshToken']]);
    expect(calls('POST /oauth/token')).toBe(0);
  });
});

describe('me and User.email', () => {
  const usr1: Viewer = { userId: 'usr_0001', scopes: ['openid', 'profile'] };
  const usr2: Viewer = { userId: 'usr_0002', scopes: ['openid', 'profile'] };
  const reps = { reps: [{ __typename: 'User', id: 'usr_0002' }] };

  it('me is null when anonymous', async () => {
    const res = await run('{ me { id } }');
    expect(res).toMatchObject({ data: { me: null } });
    expect(res.errors).toBeUndefined();
  });

  it("me is the viewer's profile, with their own email", async () => {
    const res = await run('{ me { id displayName email } }', undefined, usr2);
    expect(res.errors).toBeUndefined();
    expect(res.data.me).toMatchObject({ id: 'usr_0002', email: expect.stringMatching(/@example\.com$/) });
  });

  it("another user's email through _entities → FORBIDDEN and null; the rest of the profile is public", async () => {
    const res = await run(EMAIL_OF, reps, usr1);
    expect(res.data._entities[0]).toMatchObject({ id: 'usr_0002', email: null });
    expect(res.data._entities[0].displayName).toEqual(expect.any(String));
    expect(res.errors?.map((e) => [e.path?.join('.'), e.extensions?.code])).toEqual([['_entities.0.email', 'FORBIDDEN']]);
  });

  it('the same _entities lookup by the owner shows the email', async () => {
    const res = await run(EMAIL_OF, reps, usr2);
    expect(res.errors).toBeUndefined();
    expect(res.data._entities[0].email).toMatch(/@example\.com$/);
  });

  it('anonymous callers get FORBIDDEN for any email', async () => {
    const res = await run(EMAIL_OF, reps);
    expect(codes(res.errors)).toEqual(['FORBIDDEN']);
  });
});

describe('provider failures under the shield', () => {
  it('an outage is VENDOR_UNAVAILABLE for me and for signIn (one attempt: a write is not retried)', async () => {
    suite.sandbox.identity.control.setFaults({ outage: true });
    const me = await run('{ me { id } }', undefined, { userId: 'usr_0003', scopes: [] });
    expect(codes(me.errors)).toEqual(['VENDOR_UNAVAILABLE']);
    const signIn = await run(SIGN_IN, { input: { email: newEmail(), password: PASSWORD } });
    expect(codes(signIn.errors)).toEqual(['VENDOR_UNAVAILABLE']);
    expect(calls('POST /oauth/token')).toBe(1);
    expect(JSON.stringify([me, signIn])).not.toMatch(/Not Authorised|IdentiCo/);
  });
});

describe('logs', () => {
  it('never contain a password, a token or the client secret (and did record the failures)', () => {
    const text = logLines.join('');
    expect(text).toContain('vendor call failed'); // the scan below is not vacuous
    expect(secrets.size).toBeGreaterThan(8);
    for (const secret of [...secrets, PASSWORD, 'sandbox-accounts-client-secret']) {
      expect(text.includes(secret), `a log line contains ${secret.slice(0, 6)}…`).toBe(false);
    }
  });
});
