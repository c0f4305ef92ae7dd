import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../platform/config/ConfigError.js';
import { parseConfig } from '../../platform/config/parseConfig.js';
import { ApnsClient, APNS_SANDBOX_BUNDLE_ID, APNS_SANDBOX_TEAM_ID, signProviderToken } from './apnsClient.js';
import type { RunningApnsVendor } from './createApnsVendor.js';
import { sandboxVendor } from './sandbox.js';

const TOKEN = 'ab'.repeat(32);
const PAYLOAD = { aps: { alert: { title: 'Hi', body: 'there' } } };
const KEY_ID = 'K3YID12345';
const TEAM_ID = 'T3AMID6789';
const pkcs8 = (): string => generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

let dir: string;
const clients: ApnsClient[] = [];
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'apns-key-'));
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const parse = (env: Record<string, string>) => parseConfig('t', sandboxVendor.settings, env);

describe('SANDBOX_APNS_KEY_FILE, SANDBOX_APNS_TEAM_ID, SANDBOX_APNS_TOPICS', () => {
  it('unset: the committed fixture, its team and bundle id, as before', () => {
    expect(sandboxVendor.optionsFrom(parse({}))).toEqual({ teamId: APNS_SANDBOX_TEAM_ID, topics: [APNS_SANDBOX_BUNDLE_ID] });
  });

  it('the vendor trusts the given key under SANDBOX_APNS_KEY and the given team, for the given topics; the fixture no longer', async () => {
    const privateKeyPem = pkcs8();
    const file = join(dir, 'AuthKey.p8');
    writeFileSync(file, privateKeyPem);
    const options = sandboxVendor.optionsFrom(parse({ SANDBOX_APNS_KEY_FILE: file, SANDBOX_APNS_TEAM_ID: TEAM_ID, SANDBOX_APNS_TOPICS: 'com.example.one, com.example.two' }));
    expect(options).toMatchObject({ teamId: TEAM_ID, topics: ['com.example.one', 'com.example.two'] });
    expect(String(options.publicKeyPem)).toMatch(/^-----BEGIN PUBLIC KEY-----/);
    const vendor = (await sandboxVendor.start({ host: '127.0.0.1', port: 0, apiKey: KEY_ID, latencyMs: 0 }, options)) as RunningApnsVendor;
    const send = async (providerToken: string, topic = 'com.example.two') => {
      const client = new ApnsClient(vendor.url);
      clients.push(client);
      return client.send({ token: TOKEN, payload: PAYLOAD, providerToken, topic });
    };
    try {
      expect(vendor.apns).toMatchObject({ keyId: KEY_ID, teamId: TEAM_ID });
      expect((await send(await signProviderToken({ privateKeyPem, keyId: KEY_ID, teamId: TEAM_ID }))).status).toBe(200);
      expect(vendor.apns.notifications().count).toBe(1);
      // The fixture key, another key under the same id, another team: APNs' 403 InvalidProviderToken.
      for (const token of [
        await signProviderToken(),
        await signProviderToken({ privateKeyPem: pkcs8(), keyId: KEY_ID, teamId: TEAM_ID }),
        await signProviderToken({ privateKeyPem, keyId: KEY_ID, teamId: APNS_SANDBOX_TEAM_ID }),
      ]) {
        expect(await send(token)).toMatchObject({ status: 403, reason: 'InvalidProviderToken' });
      }
      expect(vendor.apns.notifications().count).toBe(1);
    } finally {
      await vendor.close();
    }
  });

  it('a missing file, not a key, an RSA key, a bad team id or topic: refused at config time, each named', () => {
    writeFileSync(join(dir, 'text.p8'), 'SECRET-NOT-A-KEY');
    writeFileSync(join(dir, 'rsa.p8'), generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
    const problemsOf = (env: Record<string, string>): readonly string[] => {
      try {
        parse(env);
      } catch (err) {
        expect(err).toBeInstanceOf(ConfigError);
        return (err as ConfigError).problems;
      }
      throw new Error('accepted');
    };
    expect(problemsOf({ SANDBOX_APNS_KEY_FILE: join(dir, 'absent.p8') })).toEqual([expect.stringMatching(/^SANDBOX_APNS_KEY_FILE: expected the path of an APNs auth key .*there is no such file/)]);
    expect(problemsOf({ SANDBOX_APNS_KEY_FILE: join(dir, 'text.p8') })).toEqual([expect.stringMatching(/not a PEM private key/)]);
    expect(problemsOf({ SANDBOX_APNS_KEY_FILE: join(dir, 'rsa.p8') })).toEqual([expect.stringMatching(/not ES256 \(P-256\)/)]);
    const all = problemsOf({ SANDBOX_APNS_KEY_FILE: join(dir, 'text.p8'), SANDBOX_APNS_TEAM_ID: 'short', SANDBOX_APNS_TOPICS: 'not a bundle' });
    expect(all.map((p) => p.split(':')[0])).toEqual(['SANDBOX_APNS_KEY_FILE', 'SANDBOX_APNS_TEAM_ID', 'SANDBOX_APNS_TOPICS']);
    expect(all.join('\n')).not.toMatch(/SECRET-NOT-A-KEY/);
  });
});
