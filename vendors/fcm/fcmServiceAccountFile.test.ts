import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../platform/config/ConfigError.js';
import { parseConfig } from '../../platform/config/parseConfig.js';
import { sandboxVendorEntry } from '../../platform/registry/services.js';
import { parseSandboxConfig } from '../config.js';
import { loadSandboxVendors } from '../loadSandboxVendors.js';
import type { RunningFcmVendor } from './createFcmVendor.js';
import { exchangeAssertion, newDeviceToken, obtainAccessToken, sendMessage, serviceAccountFor, signAssertion } from './fcmClient.js';
import { sandboxVendor } from './sandbox.js';

const KEY = sandboxVendorEntry('fcm').defaultKey;
let dir: string;

/** A key file of the shape Google hands out (as `npm run keys:env` makes one). */
function writeAccount(name: string, project: string): string {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const path = join(dir, name);
  const account = {
    type: 'service_account',
    project_id: project,
    private_key_id: `${project}-key-1`,
    private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    client_email: `push@${project}.iam.gserviceaccount.com`,
    token_uri: 'https://oauth2.googleapis.com/token',
  };
  writeFileSync(path, JSON.stringify(account));
  return path;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'fcm-account-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('SANDBOX_FCM_SERVICE_ACCOUNT_FILE', () => {
  it('unset: the committed fixture, as before', () => {
    expect(sandboxVendor.optionsFrom(parseConfig('t', sandboxVendor.settings, {}))).toEqual({ tokenTtlS: 3600 });
  });

  it('the vendor trusts the given account (its email, key id, key and project) and no longer the fixture', async () => {
    const file = writeAccount('ours.json', 'mobile-graph-test');
    const options = sandboxVendor.optionsFrom(parseConfig('t', sandboxVendor.settings, { SANDBOX_FCM_SERVICE_ACCOUNT_FILE: file }));
    const vendor = (await sandboxVendor.start({ host: '127.0.0.1', port: 0, apiKey: KEY, latencyMs: 0 }, options)) as RunningFcmVendor;
    try {
      expect(vendor.serviceAccount).toMatchObject({ project_id: 'mobile-graph-test', private_key_id: 'mobile-graph-test-key-1', token_uri: `${vendor.url}/token` });
      const { access_token: token } = await obtainAccessToken(vendor.serviceAccount);
      expect(await sendMessage(vendor.url, token, 'mobile-graph-test', { token: newDeviceToken(), notification: { title: 'Hi' } })).toMatchObject({ ok: true });
      expect(vendor.push.messages().count).toBe(1);

      // The committed fixture, and another key under the given account's name, are refused (Google's 400 invalid_grant).
      const fixture = await exchangeAssertion(`${vendor.url}/token`, await signAssertion(serviceAccountFor(vendor.url)));
      expect(fixture).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
      const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
      const forged = await exchangeAssertion(`${vendor.url}/token`, await signAssertion(vendor.serviceAccount, { privateKeyPem: other }));
      expect(forged).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
      // No token, no send: FCM's 401.
      expect(await sendMessage(vendor.url, 'not-a-token', 'mobile-graph-test', { token: newDeviceToken() })).toMatchObject({ ok: false, status: 401 });
      expect(vendor.push.messages().count).toBe(1);
    } finally {
      await vendor.close();
    }
  });

  it('a missing file, a file that is not JSON, or one without a usable key: refused at config time, every problem listed, nothing of the file quoted', async () => {
    writeFileSync(join(dir, 'text.json'), 'not json at all');
    writeFileSync(join(dir, 'nokey.json'), JSON.stringify({ type: 'service_account', project_id: 'p-123456', private_key_id: 'k', private_key: 'SECRET-NOT-A-KEY', client_email: 'a@b.c' }));
    writeFileSync(join(dir, 'partial.json'), JSON.stringify({ project_id: 'p-123456' }));
    writeFileSync(join(dir, 'bad.p8'), 'SECRET-NOT-A-KEY');
    const vendors = await loadSandboxVendors();
    const problemsOf = (env: Record<string, string>): readonly string[] => {
      try {
        parseSandboxConfig(env, vendors);
      } catch (err) {
        expect(err).toBeInstanceOf(ConfigError);
        expect((err as Error).stack ?? '').not.toMatch(/SECRET-NOT-A-KEY/);
        return (err as ConfigError).problems;
      }
      throw new Error('accepted');
    };
    const cases: [string, RegExp][] = [
      [join(dir, 'absent.json'), /there is no such file/],
      [join(dir, 'text.json'), /this file is not JSON/],
      [join(dir, 'nokey.json'), /its private_key is not a PEM private key/],
      [join(dir, 'partial.json'), /it lacks type "service_account", private_key_id, private_key, client_email/],
    ];
    for (const [file, why] of cases) {
      const problems = problemsOf({ SANDBOX_FCM_SERVICE_ACCOUNT_FILE: file });
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(/^SANDBOX_FCM_SERVICE_ACCOUNT_FILE: expected the path of a Google service-account key file/);
      expect(problems[0]).toMatch(why);
      expect(problems[0]).not.toMatch(/SECRET-NOT-A-KEY/);
    }
    // With the APNs settings wrong too: one error naming each.
    const all = problemsOf({
      SANDBOX_FCM_SERVICE_ACCOUNT_FILE: join(dir, 'text.json'),
      SANDBOX_APNS_KEY_FILE: join(dir, 'bad.p8'),
      SANDBOX_APNS_TEAM_ID: 'lower',
    });
    expect(all.map((p) => p.split(':')[0]).sort()).toEqual(['SANDBOX_APNS_KEY_FILE', 'SANDBOX_APNS_TEAM_ID', 'SANDBOX_FCM_SERVICE_ACCOUNT_FILE']);
  });

  it('the sandbox process exits 1 with the list, not a stack trace', async () => {
    const { spawnSync } = await import('node:child_process');
    const root = new URL('../..', import.meta.url);
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'vendors/main.ts'], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', SANDBOX_FCM_SERVICE_ACCOUNT_FILE: join(dir, 'absent.json'), SANDBOX_APNS_KEY_FILE: join(dir, 'absent.p8') },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.status, run.stderr).toBe(1);
    expect(run.stderr).toMatch(/^Invalid configuration for vendor sandbox:\n {2}- /);
    expect(run.stderr).toMatch(/SANDBOX_FCM_SERVICE_ACCOUNT_FILE: /);
    expect(run.stderr).toMatch(/SANDBOX_APNS_KEY_FILE: /);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  }, 90_000);
});
