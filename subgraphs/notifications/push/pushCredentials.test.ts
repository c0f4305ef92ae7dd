import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../../platform/config/parseConfig.js';
import { createLogger } from '../../../platform/log/createLogger.js';
import { sandboxDefaults } from '../../../platform/registry/services.js';
import { vendorSettings } from '../../kit/vendor/vendorSettings.js';
import { createPushSender } from './createPushSender.js';
import { loadApnsKey } from './loadApnsKey.js';
import { loadServiceAccount } from './loadServiceAccount.js';
import { PushCredentialsError } from './PushCredentialsError.js';
import { pushSettings, SANDBOX_APNS_KEY_FILE, SANDBOX_FCM_SERVICE_ACCOUNT_FILE } from './pushSettings.js';

const dir = mkdtempSync(join(tmpdir(), 'push-credentials-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

const account = JSON.parse(readFileSync(SANDBOX_FCM_SERVICE_ACCOUNT_FILE, 'utf8')) as Record<string, string>;
const APNS_PEM = readFileSync(SANDBOX_APNS_KEY_FILE, 'utf8');
/** A few characters of each private key that must never show up in an error. */
const keyBits = [account.private_key?.split('\n')[1]?.slice(0, 24) ?? '', APNS_PEM.split('\n')[1]?.slice(0, 24) ?? ''];

function refusal(load: () => unknown): PushCredentialsError {
  try {
    load();
  } catch (err) {
    expect(err).toBeInstanceOf(PushCredentialsError);
    const e = err as PushCredentialsError;
    for (const bits of keyBits) expect(`${e.message} ${e.stack ?? ''}`).not.toContain(bits);
    return e;
  }
  throw new Error('expected a PushCredentialsError');
}

describe('push credential files', () => {
  it('loads the sandbox fixtures, the defaults, from the project root', () => {
    const sa = loadServiceAccount(SANDBOX_FCM_SERVICE_ACCOUNT_FILE);
    expect(sa).toMatchObject({ projectId: 'sandbox-project', clientEmail: 'push@sandbox-project.iam.gserviceaccount.com', privateKeyId: 'sandbox-fcm-key' });
    expect(sa.privateKey.asymmetricKeyType).toBe('rsa');
    expect(loadApnsKey(SANDBOX_APNS_KEY_FILE).asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
  });

  it('a malformed service-account file is a clear error naming the setting, the path and the field, never the key', () => {
    const missing = refusal(() => loadServiceAccount(join(dir, 'nope.json')));
    expect(missing.message).toBe(`NOTIFICATIONS_FCM_SERVICE_ACCOUNT_FILE (${join(dir, 'nope.json')}): no such file`);
    // Cut in the middle of the key: JSON.parse's own message would quote the text around it.
    const cut = file('cut.json', JSON.stringify(account).slice(0, 400));
    expect(refusal(() => loadServiceAccount(cut)).problem).toBe('not JSON (expected a Google service-account key file)');
    expect(refusal(() => loadServiceAccount(file('empty.json', '  \n'))).problem).toBe('the file is empty');
    const noEmail = file('no-email.json', JSON.stringify({ ...account, client_email: undefined, type: 'authorized_user' }));
    expect(refusal(() => loadServiceAccount(noEmail)).problem).toMatch(/^not a service-account key file: type: .*; client_email: /);
    const badKey = file('bad-key.json', JSON.stringify({ ...account, private_key: `${account.private_key?.slice(0, 200)}garbage` }));
    expect(refusal(() => loadServiceAccount(badKey)).problem).toBe('private_key is not a PEM private key');
    const ecKey = file('ec-key.json', JSON.stringify({ ...account, private_key: APNS_PEM }));
    expect(refusal(() => loadServiceAccount(ecKey)).problem).toMatch(/not an RSA key/);
  });

  it('a malformed APNs key file is a clear error too', () => {
    expect(refusal(() => loadApnsKey(file('x.p8', 'not a key'))).message).toMatch(/^NOTIFICATIONS_APNS_KEY_FILE \(.*x\.p8\): not a PEM private key/);
    expect(refusal(() => loadApnsKey(file('cut.p8', APNS_PEM.slice(0, 80)))).problem).toMatch(/not a PEM private key/);
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(refusal(() => loadApnsKey(file('rsa.p8', rsa))).problem).toMatch(/not an ES256 \(P-256\) key/);
  });

  it('createPushSender reads both files at start-up: a bad one stops it there', () => {
    const settings = { ...vendorSettings('NOTIFICATIONS', { ...sandboxDefaults('notifications'), maxBatchSize: 1, cacheTtlMs: 0 }), ...pushSettings };
    const logger = createLogger({ service: 'test', level: 'silent' });
    const config = parseConfig('notifications', settings, { NOTIFICATIONS_APNS_KEY_FILE: file('bad.p8', '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n') });
    expect(refusal(() => createPushSender(config, logger)).setting).toBe('NOTIFICATIONS_APNS_KEY_FILE');
  });
});

describe('pushSettings', () => {
  const parse = (env: Record<string, string>) => parseConfig('notifications', pushSettings, env);

  it('defaults to the sandbox: its fixtures, the APNs sandbox port, the FCM vendor’s own token endpoint', () => {
    expect(parse({})).toEqual({
      fcmTokenUrl: '',
      fcmServiceAccountFile: 'vendors/fcm/sandbox-service-account.json',
      apnsUrl: 'http://127.0.0.1:4106',
      apnsKeyId: 'sandbox-apns-key',
      apnsKeyFile: 'vendors/apns/fixtures/AuthKey_sandbox-apns-key.p8',
      apnsTeamId: 'SANDBOXT3M',
      apnsTopic: 'com.example.mobilegraph',
      apnsDeadlineMs: 5000,
    });
    expect(pushSettings.fcmTokenUrl.defaultText).toBe('<NOTIFICATIONS_VENDOR_URL>/token');
  });

  it('takes the real services’ values and refuses wrong ones all at once, hiding the key id', () => {
    expect(parse({ NOTIFICATIONS_FCM_TOKEN_URL: 'https://oauth2.googleapis.com/token', NOTIFICATIONS_APNS_URL: 'https://api.push.apple.com/' })).toMatchObject({
      fcmTokenUrl: 'https://oauth2.googleapis.com/token',
      apnsUrl: 'https://api.push.apple.com',
    });
    expect(() => parse({ NOTIFICATIONS_FCM_TOKEN_URL: 'ftp://x', NOTIFICATIONS_APNS_TEAM_ID: 'short', NOTIFICATIONS_APNS_TOPIC: 'nodots', NOTIFICATIONS_APNS_DEADLINE_MS: '0' })).toThrow(
      /NOTIFICATIONS_FCM_TOKEN_URL[\s\S]*NOTIFICATIONS_APNS_TEAM_ID: expected an Apple team id[\s\S]*NOTIFICATIONS_APNS_TOPIC[\s\S]*NOTIFICATIONS_APNS_DEADLINE_MS/,
    );
    expect(pushSettings.apnsKeyId.secret).toBe(true);
  });
});
