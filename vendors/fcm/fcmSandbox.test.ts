import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../platform/config/parseConfig.js';
import { sandboxVendorEntry } from '../../platform/registry/services.js';
import type { RunningFcmVendor } from './createFcmVendor.js';
import { newDeviceToken, obtainAccessToken, sendMessage } from './fcmClient.js';
import { sandboxVendor } from './sandbox.js';

const KEY = sandboxVendorEntry('fcm').defaultKey;
const start = (options: Record<string, unknown> = {}) =>
  sandboxVendor.start({ host: '127.0.0.1', port: 0, apiKey: KEY, latencyMs: 0 }, options) as Promise<RunningFcmVendor>;

const canListen = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });

describe('FCM sandbox: module and settings', () => {
  it('reads SANDBOX_FCM_TOKEN_TTL_S (default 3600, at most an hour) and starts with it', async () => {
    expect(parseConfig('t', sandboxVendor.settings, {})).toMatchObject({ tokenTtlS: 3600 });
    expect(() => parseConfig('t', sandboxVendor.settings, { SANDBOX_FCM_TOKEN_TTL_S: '7200' })).toThrow(/SANDBOX_FCM_TOKEN_TTL_S/);
    const options = sandboxVendor.optionsFrom(parseConfig('t', sandboxVendor.settings, { SANDBOX_FCM_TOKEN_TTL_S: '120' }));
    expect(options).toEqual({ tokenTtlS: 120 });
    const vendor = await start(options);
    try {
      expect(vendor).toMatchObject({ name: 'fcm', brand: sandboxVendorEntry('fcm').brand, apiKey: KEY });
      expect((await obtainAccessToken(vendor.serviceAccount)).expires_in).toBe(120);
    } finally {
      await vendor.close();
    }
  });

  it('refuses malformed control requests, listing what was wrong', async () => {
    const vendor = await start();
    try {
      const post = (path: string, body: unknown, method = 'POST') =>
        fetch(`${vendor.url}/__sandbox/${path}`, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      expect((await post('devices/unregister', {})).status).toBe(400);
      expect((await post('devices/move', { token: newDeviceToken() })).status).toBe(400);
      const quota = await post('quota', { limit: -1, windowMs: 0, burst: 2 }, 'PUT');
      expect(quota.status).toBe(400);
      expect(((await quota.json()) as { error: { problems: string[] } }).error.problems).toHaveLength(3);
      expect((await fetch(`${vendor.url}/__sandbox/messages`, { method: 'PUT' })).status).toBe(405);
      // Control requests are never counted as API calls.
      expect(vendor.control.stats().total).toBe(0);
    } finally {
      await vendor.close();
    }
  });
});

describe('FCM sandbox: close', () => {
  it('leaves nothing running: hung sends are ended, the port is free, later calls are refused', async () => {
    const vendor = await start();
    const { access_token: accessToken } = await obtainAccessToken(vendor.serviceAccount);
    vendor.control.setFaults({ hang: true });
    const hung = sendMessage(vendor.url, accessToken, 'sandbox-project', { token: newDeviceToken() });
    await expect.poll(() => vendor.control.stats().calls.filter((c) => c.status === 0).length).toBe(1);
    await vendor.close();
    await expect(hung).rejects.toThrow();
    await vendor.close(); // idempotent
    expect(await canListen(vendor.port)).toBe(true);
    await expect(fetch(`${vendor.url}/__sandbox/health`)).rejects.toThrow();
  });
});
