import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../platform/config/ConfigError.js';
import { findLeaks } from '../harness/leaks.js';
import { operation } from '../harness/operations.js';
import { startStack, type Stack } from '../harness/startStack.js';

const API_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-resource-policy': 'same-origin',
};

/**
 * This deployment's own push credentials, made now in `dir`: production refuses the sandbox's
 * (committed) service account, APNs key, key id and team.
 */
function ownPushCredentials(dir: string): Record<string, string> {
  const pem = (key: ReturnType<typeof generateKeyPairSync>['privateKey']) => key.export({ type: 'pkcs8', format: 'pem' }).toString();
  const keyId = randomBytes(5).toString('hex').toUpperCase();
  const serviceAccount = join(dir, 'service-account.json');
  writeFileSync(
    serviceAccount,
    JSON.stringify({
      type: 'service_account',
      project_id: 'acme-push-prod',
      private_key_id: randomBytes(20).toString('hex'),
      private_key: pem(generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey),
      client_email: 'push@acme-push-prod.iam.gserviceaccount.com',
    }),
  );
  const apnsKey = join(dir, `AuthKey_${keyId}.p8`);
  writeFileSync(apnsKey, pem(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey));
  return {
    NOTIFICATIONS_FCM_SERVICE_ACCOUNT_FILE: serviceAccount,
    NOTIFICATIONS_APNS_KEY_FILE: apnsKey,
    NOTIFICATIONS_APNS_KEY: keyId,
    NOTIFICATIONS_APNS_TEAM_ID: 'ACMETEAM42',
  };
}

/** Production refuses the sandbox's (public) signing secrets: payments' webhooks and the services' events get their own. */
function ownSigningSecrets(): Record<string, string> {
  const eventsSecret = `whsec_${randomBytes(32).toString('base64')}`;
  return {
    NODE_ENV: 'production',
    PAYMENTS_WEBHOOK_SECRETS: `whsec_${randomBytes(32).toString('base64')}`,
    PAYMENTS_EVENTS_SECRET: eventsSecret,
    REVIEWS_EVENTS_SECRET: eventsSecret,
    NOTIFICATIONS_EVENTS_SECRETS: eventsSecret,
  };
}

describe('NODE_ENV=production with the sandbox’s push credentials (committed in this repository)', () => {
  it('the stack does not start: notifications names every push credential to set', async () => {
    // Should it start after all, it is closed: the assertion below fails, not the run's clean-up.
    const refused = await startStack({ env: { ...ownSigningSecrets(), NOTIFICATIONS_APNS_KEY: 'sandbox-apns-key', NOTIFICATIONS_APNS_TEAM_ID: 'SANDBOXT3M' } }).then(
      (stack) => stack.close().then(() => undefined),
      (err: unknown) => err,
    );
    expect(refused).toBeInstanceOf(ConfigError);
    const message = (refused as ConfigError).message;
    expect(message).toMatch(/^Invalid configuration for notifications:/);
    for (const variable of ['NOTIFICATIONS_FCM_SERVICE_ACCOUNT_FILE', 'NOTIFICATIONS_APNS_KEY', 'NOTIFICATIONS_APNS_KEY_FILE', 'NOTIFICATIONS_APNS_TEAM_ID']) {
      expect(message).toMatch(new RegExp(`^  - ${variable}: .*when NODE_ENV=production`, 'm'));
    }
    expect(message).not.toContain('sandbox-apns-key');
  });
});

describe('NODE_ENV=production at the gateway', () => {
  let stack: Stack;
  let credentials: string | undefined;
  beforeAll(async () => {
    credentials = mkdtempSync(join(tmpdir(), 'production-push-'));
    stack = await startStack({ env: { ...ownSigningSecrets(), ...ownPushCredentials(credentials) } });
  });
  afterAll(async () => {
    try {
      await stack?.close();
    } finally {
      if (credentials) rmSync(credentials, { recursive: true, force: true });
    }
  });

  it('serves the app’s operations', async () => {
    const res = await stack.query(operation('HomeScreen'));
    expect(res.status).toBe(200);
    expect(res.json.errors).toBeUndefined();
  });

  it.each([
    ['__schema', '{ __schema { queryType { name } } }'],
    ['__type', '{ __type(name: "Product") { fields { name } } }'],
  ])('introspection (%s) → 400 "Introspection is disabled."', async (_name, query) => {
    const res = await stack.query(query);
    expect(res.status).toBe(400);
    expect(res.json.errors).toEqual([{ message: 'Introspection is disabled.', locations: expect.any(Array), extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }]);
    expect(res.text).not.toMatch(/Apollo|ApolloServer/);
  });

  it.each([
    ['a typo in a field', '{ prodcts(first: 1) { edges { node { id } } } }'],
    ['a typo in a nested field', '{ products(first: 1) { edges { node { nmae } } } }'],
    ['a typo in an argument', '{ products(frist: 1) { edges { node { id } } } }'],
  ])('%s → 400 without "Did you mean"', async (_name, query) => {
    const res = await stack.query(query);
    expect(res.status).toBe(400);
    expect(res.json.errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(res.text).not.toContain('Did you mean');
    expect(res.text).not.toMatch(/"name"|"first"|"products"/);
  });

  it('errors carry a code and a message only: no stack, no exception, no vendor', async () => {
    stack.sandbox.reviews.control.setFaults({ outage: true });
    try {
      // A product nobody asked for yet: nothing cached to serve instead.
      const res = await stack.query(operation('ProductPage'), { id: 'prod_0150', reviews: 7 });
      expect(res.status).toBe(200);
      expect(res.json.errors.length).toBeGreaterThan(0);
      for (const error of res.json.errors) {
        expect(Object.keys(error.extensions).sort()).toEqual(['code']);
      }
      expect(res.text).not.toMatch(/stacktrace|exception|at .+\.(ts|js):\d+/);
      expect(findLeaks(res.text, stack.sandbox)).toEqual([]);
    } finally {
      stack.sandbox.reviews.control.resetFaults();
    }
    const invalid = await stack.query('{ products(first: "x") { edges { node { id } } } }');
    expect(invalid.text).not.toMatch(/stacktrace|exception/);
  });

  it('CSRF: a GET without a preflight header is refused; with one it is served', async () => {
    const refused = await stack.get({ query: '{ __typename }' });
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('Cross-Site Request Forgery');

    const served = await stack.get({ query: '{ __typename }' }, { 'apollo-require-preflight': 'true' });
    expect(served.status).toBe(200);
    expect(served.json).toMatchObject({ data: { __typename: 'Query' } });
  });

  it('CSRF: a text/plain POST (a "simple" cross-site request) is refused', async () => {
    const res = await fetch(stack.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('Cross-Site Request Forgery');
  });

  it('no sandbox explorer page', async () => {
    const res = await fetch(stack.gatewayUrl, { headers: { accept: 'text/html' } });
    expect(res.headers.get('content-type') ?? '').not.toContain('text/html');
  });

  it('security headers, CSP and HSTS on every answer: GraphQL, refusals, health, 404', async () => {
    const outsideGraphQL = async (path: string) => {
      const res = await fetch(stack.gatewayUrl.replace('/graphql', path));
      await res.arrayBuffer();
      return res;
    };
    const answers = [
      await stack.post(JSON.stringify({ query: '{ __typename }' })),
      await stack.post('{"query": '),
      await stack.post('x'.repeat(200_000)),
      await stack.get({ query: '{ __typename }' }),
      await outsideGraphQL('/healthz'),
      await outsideGraphQL('/nowhere'),
    ];
    for (const res of answers) {
      for (const [name, value] of Object.entries(API_HEADERS)) expect(res.headers.get(name), `${name} on ${res.status}`).toBe(value);
      expect(res.headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'");
      expect(res.headers.get('strict-transport-security')).toMatch(/^max-age=\d+/);
    }
  });

  it('cache-control: no-store on the answer to a signed-in request', async () => {
    const token = await stack.sandbox.identity.oidc.signAccessToken({ sub: 'usr_0042' });
    const res = await stack.query(operation('HomeScreen'), undefined, { authorization: `Bearer ${token}` });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    // A refused token is answered before GraphQL, with no-store too.
    const refused = await stack.query(operation('HomeScreen'), undefined, { authorization: 'Bearer not-a-token' });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('cache-control')).toBe('no-store');
  });

  it('cache-control: no-store on the answer to a mutation, anonymous or not', async () => {
    const res = await stack.query('mutation { refreshSession(refreshToken: "not-a-refresh-token") { tokenType } }');
    expect(res.headers.get('cache-control')).toBe('no-store');
  });
});

describe('development keeps the sandbox explorer working', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack?.close());

  it('serves the explorer page with the API headers, its own strict CSP (its one script by hash, nothing from another origin) and no HSTS (plain http)', async () => {
    const res = await fetch(stack.gatewayUrl, { headers: { accept: 'text/html' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(await res.text()).toContain('<title>Explorer</title>');
    for (const [name, value] of Object.entries(API_HEADERS)) expect(res.headers.get(name)).toBe(value);
    const csp = new Map(
      (res.headers.get('content-security-policy') ?? '').split(';').map((directive): [string, string] => {
        const [name = '', ...values] = directive.trim().split(/\s+/);
        return [name, values.join(' ')];
      }),
    );
    expect(csp.get('default-src')).toBe("'none'");
    expect(csp.get('script-src')).toMatch(/^'sha256-[A-Za-z0-9+/]+=*'$/);
    expect(csp.get('connect-src')).toBe("'self'");
    expect(csp.get('frame-ancestors')).toBe("'none'");
    expect(csp.get('base-uri')).toBe("'none'");
    // No other origin, no wildcard, no eval (its inline styles are allowed; no inline script but its own).
    expect(res.headers.get('content-security-policy')).not.toMatch(/https?:|\*|'unsafe-eval'/);
    // HSTS is production's only: on a developer's http://127.0.0.1 it means nothing.
    expect(res.headers.get('strict-transport-security')).toBeNull();
  });

  it('introspection and field suggestions are on', async () => {
    const schema = await stack.query('{ __schema { queryType { name } } }');
    expect(schema.json.data.__schema.queryType.name).toBe('Query');
    const typo = await stack.query('{ prodcts(first: 1) { edges { node { id } } } }');
    expect(typo.json.errors[0].message).toContain('Did you mean "products"');
  });
});
