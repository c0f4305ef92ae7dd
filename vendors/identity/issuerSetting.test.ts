import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../platform/config/ConfigError.js';
import { parseSandboxConfig, sandboxOptionsFrom } from '../config.js';
import { loadSandboxVendors } from '../loadSandboxVendors.js';
import { startSandbox, type Sandbox } from '../startSandbox.js';
import { passwordSignIn, signUp, uniqueEmail, verifyWithServedJwks } from './identityTestClient.js';

/** The name other containers reach the vendor by, which is not where it listens. */
const PUBLIC_ISSUER = 'http://sandbox:4103';

let sandbox: Sandbox;

beforeAll(async () => {
  // As vendors/main.ts does: the settings, parsed, become the sandbox's options.
  const vendors = await loadSandboxVendors();
  const config = parseSandboxConfig({ SANDBOX_IDENTITY_ISSUER: PUBLIC_ISSUER }, vendors);
  const options = sandboxOptionsFrom(config, vendors);
  const zeroPorts = Object.fromEntries(Object.entries(options.vendors ?? {}).map(([name, own]) => [name, { ...own, port: 0 }]));
  sandbox = await startSandbox({ ...options, vendors: zeroPorts });
});
afterAll(async () => {
  await sandbox.close();
});

describe('SANDBOX_IDENTITY_ISSUER', () => {
  it('is the `iss` of the tokens a signed-in user gets, and the base of the discovery document', async () => {
    expect(sandbox.identity.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(sandbox.identity.oidc.issuer).toBe(PUBLIC_ISSUER);

    const email = uniqueEmail('issuer');
    await signUp(sandbox.identity, { email, password: 'correct horse battery', name: 'Issuer Test' });
    const tokens = await passwordSignIn(sandbox.identity, { username: email, password: 'correct horse battery', scope: 'openid profile' });
    expect(decodeJwt(tokens.access_token).iss).toBe(PUBLIC_ISSUER);
    // Verifiable by a verifier that expects the public issuer, with the keys the vendor serves.
    const { payload } = await verifyWithServedJwks(sandbox.identity, tokens.access_token, { issuer: PUBLIC_ISSUER, audience: 'mobile-graph' });
    expect(payload.iss).toBe(PUBLIC_ISSUER);

    const discovery = (await (await fetch(`${sandbox.identity.url}/.well-known/openid-configuration`)).json()) as Record<string, string>;
    expect(discovery.issuer).toBe(PUBLIC_ISSUER);
    expect(discovery.jwks_uri).toBe(`${PUBLIC_ISSUER}/.well-known/jwks.json`);
    expect(discovery.token_endpoint).toBe(`${PUBLIC_ISSUER}/oauth/token`);
  });

  it('unset, the issuer is the vendor\'s own URL', async () => {
    const vendors = await loadSandboxVendors();
    expect(sandboxOptionsFrom(parseSandboxConfig({}, vendors), vendors).vendors?.identity).not.toHaveProperty('issuer');
    expect(sandboxOptionsFrom(parseSandboxConfig({ SANDBOX_IDENTITY_ISSUER: 'https://id.example.com' }, vendors), vendors).vendors?.identity).toMatchObject({
      issuer: 'https://id.example.com',
    });
  });

  it('a malformed issuer is refused at config time, with every other problem', async () => {
    const vendors = await loadSandboxVendors();
    for (const bad of ['sandbox:4103', 'ftp://sandbox:4103', 'http://sandbox:4103/', 'http://sandbox:4103?x=1', 'http://sandbox:4103#a', 'http://user:pw@sandbox:4103']) {
      let error: unknown;
      try {
        parseSandboxConfig({ SANDBOX_IDENTITY_ISSUER: bad, SANDBOX_LATENCY_MS: '-1' }, vendors);
      } catch (err) {
        error = err;
      }
      expect(error, bad).toBeInstanceOf(ConfigError);
      const problems = (error as ConfigError).problems;
      expect(problems, bad).toHaveLength(2);
      expect(problems.find((p) => p.startsWith('SANDBOX_IDENTITY_ISSUER:')), bad).toMatch(/expected an absolute http\(s\) URL without a trailing slash/);
    }
  });
});
