import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../platform/config/ConfigError.js';
import { parseSandboxConfig, sandboxOptionsFrom, sandboxSettings } from './config.js';
import { loadSandboxVendors } from './loadSandboxVendors.js';
import { sandboxVendorEntries } from '../platform/registry/services.js';
import { vendorFetch } from './sandbox/vendorFetch.js';
import { startSandbox, type Sandbox } from './startSandbox.js';

let sandbox: Sandbox;

const listenAndClose = (port: number): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address !== null ? address.port : port));
    });
  });
const freePort = (): Promise<number> => listenAndClose(0);

beforeAll(async () => {
  sandbox = await startSandbox({ latencyMs: 0, vendors: { reviews: { rateLimit: null } } });
});
afterAll(async () => {
  await sandbox.close();
});

describe('startSandbox', () => {
  it('starts every vendor of the registry on ephemeral loopback ports with the default keys', async () => {
    expect(sandbox.vendors.map((v) => [v.name, v.brand])).toEqual(sandboxVendorEntries.map((v) => [v.name, v.brand]));
    expect(sandbox.vendors.map((v) => v.name)).toEqual(expect.arrayContaining(['commerce', 'reviews', 'identity']));
    for (const v of sandbox.vendors) {
      expect(v.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(v.apiKey).toBe(`sandbox-${v.name}-key`);
    }
    expect(new Set(sandbox.vendors.map((v) => v.port)).size).toBe(sandboxVendorEntries.length);
    expect((await vendorFetch(sandbox.commerce, '/v1/products/prod_0001')).status).toBe(200);
    expect((await vendorFetch(sandbox.reviews, '/v2/products/ratings?product_ids=prod_0001')).status).toBe(200);
    expect((await vendorFetch(sandbox.identity, '/api/users/usr_0001')).status).toBe(200);
    expect(sandbox.reviews.control.faults().rateLimit).toBeNull();
    expect(sandbox.identity.oidc.issuer).toBe(sandbox.identity.url);
    expect(sandbox.identity.oidc.audience).toBe('mobile-graph');
  });

  it('reset() clears every vendor’s faults and counters', () => {
    sandbox.identity.control.setFaults({ outage: true });
    sandbox.reset();
    expect(sandbox.identity.control.faults().outage).toBe(false);
    expect(sandbox.vendors.map((v) => v.control.stats().total)).toEqual(sandbox.vendors.map(() => 0));
  });

  it('closes what it started when a port is taken', async () => {
    const [reviewsPort, identityPort] = await Promise.all([freePort(), freePort()]);
    await expect(
      startSandbox({ vendors: { commerce: { port: sandbox.identity.port }, reviews: { port: reviewsPort }, identity: { port: identityPort } } }),
    ).rejects.toThrow(/EADDRINUSE/);
    // The two vendors that did start were closed again: their ports can be listened on.
    await expect(Promise.all([listenAndClose(reviewsPort), listenAndClose(identityPort)])).resolves.toBeDefined();
  });
});

describe('sandbox config', () => {
  it('has documented defaults, from the registry and each vendor', async () => {
    const vendors = await loadSandboxVendors();
    const config = parseSandboxConfig({}, vendors);
    expect(config).toMatchObject({
      host: '127.0.0.1',
      'commerce.port': 4101,
      'reviews.port': 4102,
      'identity.port': 4103,
      'commerce.key': 'sandbox-commerce-key',
      'reviews.reviewsRateLimit': 100,
      'identity.identityAudience': 'mobile-graph',
      'identity.accessTokenTtlS': 900,
      'identity.accountsClientSecret': 'sandbox-accounts-client-secret',
      latencyMs: 0,
    });
    expect(Object.isFrozen(config)).toBe(true);
    const options = sandboxOptionsFrom(config, vendors);
    expect(options.vendors?.identity).toMatchObject({ port: 4103, apiKey: 'sandbox-identity-key', audience: 'mobile-graph', accessTokenTtlS: 900, accountsClientSecret: 'sandbox-accounts-client-secret' });
    expect(options.vendors?.reviews?.rateLimit).toEqual({ limit: 100, windowMs: 1000 });
    expect(sandboxOptionsFrom(parseSandboxConfig({ SANDBOX_REVIEWS_RATE_LIMIT: '0' }, vendors), vendors).vendors?.reviews?.rateLimit).toBeNull();
    for (const setting of Object.values(sandboxSettings(vendors))) expect(setting.description.length).toBeGreaterThan(10);
  });

  it('lists every problem at once and hides keys', async () => {
    const vendors = await loadSandboxVendors();
    let error: unknown;
    try {
      parseSandboxConfig({ SANDBOX_COMMERCE_PORT: 'x', SANDBOX_LATENCY_MS: '-5', SANDBOX_REVIEWS_RATE_LIMIT: '1.5' }, vendors);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toHaveLength(3);
    const settings = sandboxSettings(vendors);
    expect(settings['commerce.key']?.secret).toBe(true);
    expect(settings['identity.accountsClientSecret']?.secret).toBe(true);
  });
});
