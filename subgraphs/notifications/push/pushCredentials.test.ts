import { createHash, createPublicKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../../platform/config/ConfigError.js';
import { parseConfig } from '../../../platform/config/parseConfig.js';
import { serviceSettings } from '../../../platform/config/serviceSettings.js';
import { createLogger } from '../../../platform/log/createLogger.js';
import { sandboxDefaults } from '../../../platform/registry/services.js';
import { vendorSettings } from '../../kit/vendor/vendorSettings.js';
import { createPushSender } from './createPushSender.js';
import { loadApnsKey } from './loadApnsKey.js';
import { loadServiceAccount } from './loadServiceAccount.js';
import { PushCredentialsError } from './PushCredentialsError.js';
import { pushSettings, SANDBOX_APNS_KEY_FILE, SANDBOX_FCM_SERVICE_ACCOUNT_FILE, SANDBOX_KEY_FINGERPRINTS } from './pushSettings.js';

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

/** A deployment's own credentials, made now: a Google service-account key file and an Apple .p8, with their ids. */
function ownCredentials(name: string) {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const keyId = randomBytes(5).toString('hex').toUpperCase();
  const serviceAccount = { type: 'service_account', project_id: 'acme-push-prod', private_key_id: randomBytes(20).toString('hex'), private_key: rsa, client_email: 'push@acme-push-prod.iam.gserviceaccount.com' };
  return {
    NOTIFICATIONS_FCM_SERVICE_ACCOUNT_FILE: file(`${name}-service-account.json`, JSON.stringify(serviceAccount)),
    NOTIFICATIONS_APNS_KEY_FILE: file(`${name}-AuthKey_${keyId}.p8`, ec),
    NOTIFICATIONS_APNS_KEY: keyId,
    NOTIFICATIONS_APNS_TEAM_ID: 'ACMETEAM42',
  };
}

function configProblems(parse: () => unknown): readonly string[] {
  try {
    parse();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('NODE_ENV=production refuses the sandbox’s push credentials (they are committed in this repository)', () => {
  const parse = (env: Record<string, string>) => parseConfig('notifications', pushSettings, env);
  const PUSH_CREDENTIALS = ['NOTIFICATIONS_FCM_SERVICE_ACCOUNT_FILE', 'NOTIFICATIONS_APNS_KEY', 'NOTIFICATIONS_APNS_KEY_FILE', 'NOTIFICATIONS_APNS_TEAM_ID'];
  const senderSettings = {
    ...vendorSettings('NOTIFICATIONS', { ...sandboxDefaults('notifications'), maxBatchSize: 1, cacheTtlMs: 0 }),
    ...pushSettings,
    nodeEnv: serviceSettings('NOTIFICATIONS', 0).nodeEnv,
  };
  const logger = createLogger({ service: 'test', level: 'silent' });
  const senderConfig = (env: Record<string, string>) => parseConfig('notifications', senderSettings, env);

  it('the fingerprints of the sandbox’s keys are those of the committed fixtures', () => {
    const fingerprint = (pem: string) => createHash('sha256').update(createPublicKey(pem).export({ type: 'spki', format: 'der' })).digest('base64url');
    expect([fingerprint(account.private_key ?? ''), fingerprint(APNS_PEM)]).toEqual(SANDBOX_KEY_FINGERPRINTS);
  });

  it('unset: every push credential is required, all listed at once', () => {
    const problems = configProblems(() => parse({ NODE_ENV: 'production' }));
    expect(problems.map((p) => p.split(':')[0])).toEqual(PUSH_CREDENTIALS);
    for (const problem of problems) expect(problem).toMatch(/\(required when NODE_ENV=production\), got nothing$/);
  });

  it('set to the sandbox’s values (however the paths are spelt): refused, naming each variable, the key id hidden', () => {
    const problems = configProblems(() =>
      parse({
        NODE_ENV: 'production',
        NOTIFICATIONS_FCM_SERVICE_ACCOUNT_FILE: `./${SANDBOX_FCM_SERVICE_ACCOUNT_FILE}`,
        NOTIFICATIONS_APNS_KEY: 'sandbox-apns-key',
        NOTIFICATIONS_APNS_KEY_FILE: join(process.cwd(), SANDBOX_APNS_KEY_FILE),
        NOTIFICATIONS_APNS_TEAM_ID: 'SANDBOXT3M',
      }),
    );
    expect(problems.map((p) => p.split(':')[0])).toEqual(PUSH_CREDENTIALS);
    for (const problem of problems) expect(problem).toContain("not the sandbox's (committed, public) one, when NODE_ENV=production");
    expect(problems[1]).toBe("NOTIFICATIONS_APNS_KEY: expected the key id of your APNs auth key, not the sandbox's (committed, public) one, when NODE_ENV=production, got a value (hidden)");
  });

  it('the docs say so', () => {
    expect(pushSettings.apnsKeyId.defaultText).toBe('(sandbox value; required when NODE_ENV=production)');
    expect(pushSettings.apnsTeamId.defaultText).toBe('SANDBOXT3M (sandbox value; required when NODE_ENV=production)');
    expect(pushSettings.fcmServiceAccountFile.defaultText).toBe(`${SANDBOX_FCM_SERVICE_ACCOUNT_FILE} (sandbox value; required when NODE_ENV=production)`);
  });

  it('copies of the sandbox’s keys under other paths and ids: createPushSender refuses them, naming the variable, never the key', () => {
    const own = ownCredentials('copied');
    const copiedAccount = file('copied-account.json', JSON.stringify({ ...account, private_key_id: 'a-new-id' }));
    expect(refusal(() => createPushSender(senderConfig({ NODE_ENV: 'production', ...own, NOTIFICATIONS_FCM_SERVICE_ACCOUNT_FILE: copiedAccount }), logger)).message).toBe(
      `NOTIFICATIONS_FCM_SERVICE_ACCOUNT_FILE (${copiedAccount}): the sandbox's service account (its key is committed in this repository), refused when NODE_ENV=production: point it at your own FCM project's key file`,
    );
    // A fresh key still carrying the sandbox's key id is the sandbox's account too.
    const ownAccount = JSON.parse(readFileSync(own.NOTIFICATIONS_FCM_SERVICE_ACCOUNT_FILE, 'utf8')) as Record<string, string>;
    const sandboxId = file('sandbox-id.json', JSON.stringify({ ...ownAccount, private_key_id: 'sandbox-fcm-key' }));
    expect(refusal(() => createPushSender(senderConfig({ NODE_ENV: 'production', ...own, NOTIFICATIONS_FCM_SERVICE_ACCOUNT_FILE: sandboxId }), logger)).setting).toBe('NOTIFICATIONS_FCM_SERVICE_ACCOUNT_FILE');
    const copiedKey = file('AuthKey_ACOPY12345.p8', APNS_PEM);
    const apns = refusal(() => createPushSender(senderConfig({ NODE_ENV: 'production', ...own, NOTIFICATIONS_APNS_KEY_FILE: copiedKey }), logger));
    expect(apns.setting).toBe('NOTIFICATIONS_APNS_KEY_FILE');
    expect(apns.message).toContain('refused when NODE_ENV=production');
  });

  it('production with its own credentials starts', async () => {
    const config = senderConfig({ NODE_ENV: 'production', ...ownCredentials('own') });
    expect(config.nodeEnv).toBe('production');
    await createPushSender(config, logger).close();
  });

  it('development (and test) with the defaults, the sandbox’s, starts', async () => {
    for (const NODE_ENV of ['development', 'test']) {
      const config = senderConfig({ NODE_ENV });
      expect(config).toMatchObject({ fcmServiceAccountFile: SANDBOX_FCM_SERVICE_ACCOUNT_FILE, apnsKeyFile: SANDBOX_APNS_KEY_FILE, apnsKeyId: 'sandbox-apns-key', apnsTeamId: 'SANDBOXT3M' });
      await createPushSender(config, logger).close();
    }
  });
});
