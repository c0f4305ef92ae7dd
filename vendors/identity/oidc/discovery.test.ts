import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createIdentityVendor, type RunningIdentityVendor } from '../createIdentityVendor.js';
import { tokenRequest } from '../identityTestClient.js';

let vendor: RunningIdentityVendor;

beforeAll(async () => {
  vendor = await createIdentityVendor({ apiKey: 'test-identity-key' });
});
afterAll(async () => {
  await vendor.close();
});
beforeEach(() => {
  vendor.control.resetFaults();
  vendor.control.resetStats();
});

describe('OpenID Connect discovery', () => {
  it('describes the issuer at the vendor URL, without an API key', async () => {
    const res = await fetch(`${vendor.url}/.well-known/openid-configuration`);
    expect(res.status).toBe(200);
    const issuer = vendor.url;
    expect(vendor.oidc.issuer).toBe(issuer);
    expect(vendor.oidc.audience).toBe('mobile-graph');
    expect(await res.json()).toEqual({
      issuer,
      authorization_endpoint: `${issuer}/authorize`,
      token_endpoint: `${issuer}/oauth/token`,
      jwks_uri: `${issuer}/.well-known/jwks.json`,
      registration_endpoint: `${issuer}/dbconnections/signup`,
      response_types_supported: ['code'],
      grant_types_supported: ['authorization_code', 'refresh_token', 'password'],
      code_challenge_methods_supported: ['S256'],
      token_endpoint_auth_methods_supported: ['none', 'client_secret_post', 'client_secret_basic'],
      id_token_signing_alg_values_supported: ['RS256'],
      scopes_supported: ['openid', 'profile', 'email', 'offline_access', 'reviews:write'],
      subject_types_supported: ['public'],
    });
  });

  it('serves public keys only, with kid, alg and use, cacheable for a minute', async () => {
    await vendor.oidc.rotateKeys(); // an active and a retiring key: both must be public-only
    const res = await fetch(`${vendor.url}/.well-known/jwks.json`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('public, max-age=60');
    const text = await res.text();
    const { keys } = JSON.parse(text) as { keys: Record<string, unknown>[] };
    expect(keys).toHaveLength(2);
    for (const key of keys) {
      expect(Object.keys(key).sort()).toEqual(['alg', 'e', 'kid', 'kty', 'n', 'use']);
      expect(key).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig' });
      for (const privatePart of ['d', 'p', 'q', 'dp', 'dq', 'qi']) expect(key).not.toHaveProperty(privatePart);
    }
    for (const privatePart of ['"d"', '"p"', '"q"', '"dp"', '"dq"', '"qi"']) expect(text).not.toContain(privatePart);
    expect(keys.map((k) => k.kid)).toContain(vendor.oidc.activeKid());
  });

  it('counts discovery, JWKS and token calls per route', async () => {
    await fetch(`${vendor.url}/.well-known/openid-configuration`);
    await fetch(`${vendor.url}/.well-known/jwks.json`);
    await fetch(`${vendor.url}/.well-known/jwks.json`);
    await tokenRequest(vendor, { grant_type: 'password' });
    const { byRoute, total } = vendor.control.stats();
    expect(total).toBe(4);
    expect(byRoute['GET /.well-known/openid-configuration']?.count).toBe(1);
    expect(byRoute['GET /.well-known/jwks.json']?.count).toBe(2);
    expect(byRoute['POST /oauth/token']?.count).toBe(1);
  });

  it('obeys faults: outage → 503 on the token endpoint and the JWKS; a script answers first; latency slows the JWKS', async () => {
    vendor.control.setFaults({ outage: true });
    const token = await tokenRequest(vendor, { grant_type: 'password' });
    expect(token.status).toBe(503);
    expect(token.headers.get('content-type')).toContain('text/html');
    expect((await fetch(`${vendor.url}/.well-known/jwks.json`)).status).toBe(503);
    expect(vendor.control.stats().calls.map((c) => [c.route, c.status])).toEqual([
      ['POST /oauth/token', 503],
      ['GET /.well-known/jwks.json', 503],
    ]);

    vendor.control.resetFaults();
    vendor.control.setFaults({ script: [{ status: 500 }] });
    expect((await fetch(`${vendor.url}/.well-known/jwks.json`)).status).toBe(500);
    expect((await fetch(`${vendor.url}/.well-known/jwks.json`)).status).toBe(200);

    vendor.control.setFaults({ latencyMs: 200 });
    const start = performance.now();
    expect((await fetch(`${vendor.url}/.well-known/jwks.json`)).status).toBe(200);
    expect(performance.now() - start).toBeGreaterThanOrEqual(190);
  });

  it('rate limits public endpoints per client address', async () => {
    vendor.control.setFaults({ rateLimit: { limit: 2, windowMs: 60_000 } });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await fetch(`${vendor.url}/.well-known/jwks.json`)).status);
    expect(statuses).toEqual([200, 200, 429]);
  });
});

describe('key control over HTTP', () => {
  it('lists, rotates and retires keys, without key material', async () => {
    const before = (await (await fetch(`${vendor.url}/__sandbox/keys`)).json()) as { activeKid: string; keys: { kid: string; state: string }[] };
    expect(before.activeKid).toBe(vendor.oidc.activeKid());

    const rotated = (await (await fetch(`${vendor.url}/__sandbox/keys/rotate`, { method: 'POST' })).json()) as { activeKid: string; retiringKids: string[] };
    expect(rotated.activeKid).not.toBe(before.activeKid);
    expect(rotated.retiringKids).toContain(before.activeKid);
    expect(vendor.oidc.activeKid()).toBe(rotated.activeKid);

    const listed = await (await fetch(`${vendor.url}/__sandbox/keys`)).text();
    expect(listed).not.toMatch(/"(n|e|d|p|q|dp|dq|qi)"/);
    expect(JSON.parse(listed)).toMatchObject({ activeKid: rotated.activeKid });

    const retired = (await (await fetch(`${vendor.url}/__sandbox/keys/retire`, { method: 'POST' })).json()) as { removedKids: string[] };
    expect(retired.removedKids).toEqual(rotated.retiringKids);
    const jwks = (await (await fetch(`${vendor.url}/.well-known/jwks.json`)).json()) as { keys: { kid: string }[] };
    expect(jwks.keys.map((k) => k.kid)).toEqual([rotated.activeKid]);

    expect((await fetch(`${vendor.url}/__sandbox/keys/rotate`)).status).toBe(405);
    expect(vendor.control.stats().total).toBe(1); // the JWKS fetch; control calls are never counted
  });
});
