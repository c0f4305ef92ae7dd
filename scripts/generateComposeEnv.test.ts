import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLocalJWKSet, importJWK, jwtVerify, SignJWT, type JSONWebKeySet, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SIGNING_SECRET } from '../platform/events/signingSecretsSetting.js';
import { loadApnsKey } from '../subgraphs/notifications/push/loadApnsKey.js';
import { loadServiceAccount } from '../subgraphs/notifications/push/loadServiceAccount.js';
import { SANDBOX_KEY_FINGERPRINTS } from '../subgraphs/notifications/push/pushSettings.js';
import { APNS_KEY_FILE, COMPOSE_SECRETS_MOUNT, envLine, FCM_SERVICE_ACCOUNT_FILE, K8S_DEV_OVERLAY, K8S_DEV_SECRETS } from './composeSecrets.js';

const root = fileURLToPath(new URL('..', import.meta.url));
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'keys-env-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

let runs = 0;
/** The script run directly (no npm), with a secrets folder of its own unless given. */
function keysEnv(...args: string[]): SpawnSyncReturns<string> & { secretsDir: string } {
  const secretsDir = join(dir, `secrets-${++runs}`);
  const withDir = args.includes('--secrets-dir') ? args : [...args, '--secrets-dir', secretsDir];
  return { ...spawnSync(process.execPath, ['--import', 'tsx', 'scripts/generateComposeEnv.ts', ...withDir], { cwd: root, encoding: 'utf8', timeout: 60_000 }), secretsDir };
}

/** Every line a comment, blank, or NAME='value' with nothing a dotenv reader would unescape or interpolate. */
function parseDotenv(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const line of text.trimEnd().split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([A-Z_][A-Z0-9_]*)='([^'\\$\n]*)'$/.exec(line);
    if (!match) throw new Error(`not a dotenv line: ${line.slice(0, 40)}`);
    values[match[1]!] = match[2]!;
  }
  return values;
}

const fingerprint = (key: KeyObject) => createHash('sha256').update(createPublicKey(key).export({ type: 'spki', format: 'der' })).digest('base64url');

const SECRETS = [
  'GATEWAY_IDENTITY_PRIVATE_KEY',
  'GATEWAY_IDENTITY_JWKS',
  'REVIEWS_EVENTS_SECRET',
  'PAYMENTS_EVENTS_SECRET',
  'NOTIFICATIONS_EVENTS_SECRETS',
  'PAYMENTS_WEBHOOK_SECRETS',
  'ACCOUNTS_OAUTH_CLIENT_SECRET',
  'NOTIFICATIONS_APNS_KEY',
  'NOTIFICATIONS_APNS_TEAM_ID',
  'POSTGRES_PASSWORD',
];

describe('npm run keys:env', () => {
  it('prints a dotenv file with every secret production mode needs, consistent across services', async () => {
    const run = keysEnv();
    expect(run.status, run.stderr).toBe(0);
    const env = parseDotenv(run.stdout);
    expect(Object.keys(env)).toEqual(expect.arrayContaining([...SECRETS, 'NOTIFICATIONS_FCM_SERVICE_ACCOUNT_FILE', 'NOTIFICATIONS_APNS_KEY_FILE']));

    // The identity pair matches: what the private key signs, the JWKS verifies.
    const privateJwk = JSON.parse(env.GATEWAY_IDENTITY_PRIVATE_KEY!) as JWK;
    const token = await new SignJWT({ sub: 'usr_0001' }).setProtectedHeader({ alg: 'ES256', kid: privateJwk.kid! }).sign(await importJWK(privateJwk, 'ES256'));
    const { payload } = await jwtVerify(token, createLocalJWKSet(JSON.parse(env.GATEWAY_IDENTITY_JWKS!) as JSONWebKeySet));
    expect(payload.sub).toBe('usr_0001');
    expect(env.GATEWAY_IDENTITY_JWKS).not.toContain('"d"');

    // Each producer signs with one secret the consumer accepts.
    for (const name of ['REVIEWS_EVENTS_SECRET', 'PAYMENTS_EVENTS_SECRET', 'PAYMENTS_WEBHOOK_SECRETS']) expect(env[name], name).toMatch(SIGNING_SECRET);
    expect(env.NOTIFICATIONS_EVENTS_SECRETS!.split(',')).toEqual([env.REVIEWS_EVENTS_SECRET, env.PAYMENTS_EVENTS_SECRET]);
    expect(env.NOTIFICATIONS_APNS_TEAM_ID).toMatch(/^[A-Z0-9]{10}$/);

    // The push credentials it names are written, loadable, and not the sandbox's.
    expect(env.NOTIFICATIONS_FCM_SERVICE_ACCOUNT_FILE).toBe(`${COMPOSE_SECRETS_MOUNT}/${FCM_SERVICE_ACCOUNT_FILE}`);
    expect(env.NOTIFICATIONS_APNS_KEY_FILE).toBe(`${COMPOSE_SECRETS_MOUNT}/${APNS_KEY_FILE}`);
    const account = loadServiceAccount(join(run.secretsDir, FCM_SERVICE_ACCOUNT_FILE));
    const apnsKey = loadApnsKey(join(run.secretsDir, APNS_KEY_FILE));
    expect(SANDBOX_KEY_FINGERPRINTS).not.toContain(fingerprint(account.privateKey));
    expect(SANDBOX_KEY_FINGERPRINTS).not.toContain(fingerprint(apnsKey));

    // The postgres profile's lines, ready to uncomment, agree with the password.
    expect(run.stdout).toContain(`# DATABASE_URL='postgres://postgres:${env.POSTGRES_PASSWORD}@postgres:5432/mobile_graph'`);
    expect(run.stdout).toContain("# COMPOSE_PROFILES='postgres'");
  }, 120_000);

  it('makes fresh secrets on every run', () => {
    const [a, b] = [keysEnv(), keysEnv()].map((run) => parseDotenv(run.stdout));
    for (const name of SECRETS) expect(a![name], name).not.toBe(b![name]);
  }, 120_000);

  it('npm run -s keys:env prints the file alone, without npm\'s banner', () => {
    const run = spawnSync('npm', ['run', '-s', 'keys:env', '--', '--secrets-dir', join(dir, 'npm-secrets')], { cwd: root, encoding: 'utf8', timeout: 60_000 });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout.split('\n')[0]).toMatch(/^# docker-compose \.env, made by `npm run keys:env`/);
    expect(run.stdout).not.toMatch(/^> /m);
    expect(() => parseDotenv(run.stdout)).not.toThrow();
  }, 120_000);

  it('--out writes the file (mode 600) and refuses to overwrite it, or the credential files, without --force', () => {
    const out = join(dir, 'compose.env');
    const secretsDir = join(dir, 'out-secrets');
    const first = keysEnv('--out', out, '--secrets-dir', secretsDir);
    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout).toBe('');
    expect(statSync(out).mode & 0o777).toBe(0o600);
    const written = readFileSync(out, 'utf8');
    const account = readFileSync(join(secretsDir, FCM_SERVICE_ACCOUNT_FILE), 'utf8');
    expect(parseDotenv(written).GATEWAY_IDENTITY_JWKS).toBeDefined();

    const again = keysEnv('--out', out, '--secrets-dir', secretsDir);
    expect(again.status).toBe(1);
    expect(again.stderr).toMatch(/already exist.*--force/);
    expect(readFileSync(out, 'utf8')).toBe(written);
    expect(readFileSync(join(secretsDir, FCM_SERVICE_ACCOUNT_FILE), 'utf8')).toBe(account);

    // A credential file left from another run is refused too, before the env file is written.
    const other = join(dir, 'other.env');
    expect(keysEnv('--out', other, '--secrets-dir', secretsDir).status).toBe(1);
    expect(() => statSync(other)).toThrow();

    const forced = keysEnv('--out', out, '--secrets-dir', secretsDir, '--force');
    expect(forced.status, forced.stderr).toBe(0);
    expect(readFileSync(out, 'utf8')).not.toBe(written);
    expect(readFileSync(join(secretsDir, FCM_SERVICE_ACCOUNT_FILE), 'utf8')).not.toBe(account);
  }, 120_000);

  it('refuses an unknown option, and a value it could not write literally', () => {
    const run = keysEnv('--outt', join(dir, 'x.env'));
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/^keys:env: .*usage: npm run keys:env/);
    for (const value of ["it's", 'a\\b', '$HOME', 'two\nlines']) expect(() => envLine('X', value)).toThrow(/cannot be written literally/);
    expect(envLine('X', '{"a":"b+/="}')).toBe(`X='{"a":"b+/="}'`);
  }, 120_000);
});

describe('npm run keys:env -- --k8s-dev <dir>', () => {
  const k8sDev = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'scripts/generateComposeEnv.ts', ...args], { cwd: root, encoding: 'utf8', timeout: 60_000 });

  it('writes an overlay over deploy/k8s/overlays/dev with every Secret it generates (mode 600, nothing on stdout), and refuses to overwrite it without --force', () => {
    const out = join(dir, 'k8s', 'local');
    const run = k8sDev('--k8s-dev', out);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toBe('');
    const files = readdirSync(out).sort();
    expect(files).toEqual(
      [...Object.keys(K8S_DEV_SECRETS).map((name) => `${name}.env`), FCM_SERVICE_ACCOUNT_FILE, APNS_KEY_FILE, 'kustomization.yaml'].sort(),
    );
    for (const f of files) expect(statSync(join(out, f)).mode & 0o777, f).toBe(0o600);
    const kustomization = readFileSync(join(out, 'kustomization.yaml'), 'utf8');
    expect(kustomization).toContain(`  - ${JSON.stringify(relative(out, join(root, K8S_DEV_OVERLAY)))}`);
    for (const name of [...Object.keys(K8S_DEV_SECRETS), 'notifications-push-credentials']) expect(kustomization).toMatch(new RegExp(`- name: ${name}\n    behavior: replace\n`));
    // Each env file holds its Secret's keys; the shared ones agree.
    const envOf = (name: string) => Object.fromEntries(readFileSync(join(out, `${name}.env`), 'utf8').split('\n').filter((l) => /^[A-Z]/.test(l)).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
    for (const [name, keys] of Object.entries(K8S_DEV_SECRETS)) expect(Object.keys(envOf(name)), name).toEqual(keys);
    expect(envOf('notifications-secrets').NOTIFICATIONS_EVENTS_SECRETS).toBe(`${envOf('reviews-secrets').REVIEWS_EVENTS_SECRET},${envOf('payments-secrets').PAYMENTS_EVENTS_SECRET}`);
    expect(envOf('payments-secrets').PAYMENTS_COMMERCE_KEY).toBe(envOf('catalog-secrets').CATALOG_VENDOR_KEY);
    expect(envOf('mobile-graph-datastores').DATABASE_URL).toContain(`:${envOf('postgres-dev').POSTGRES_PASSWORD}@postgres:5432/`);

    const before = readFileSync(join(out, 'gateway-identity.env'), 'utf8');
    const again = k8sDev('--k8s-dev', out);
    expect(again.status).toBe(1);
    expect(again.stderr).toMatch(/already exist.*--force/);
    expect(readFileSync(join(out, 'gateway-identity.env'), 'utf8')).toBe(before);
    expect(k8sDev('--k8s-dev', out, '--force').status).toBe(0);
    expect(readFileSync(join(out, 'gateway-identity.env'), 'utf8')).not.toBe(before);
  }, 120_000);

  it('is run apart from --out and --secrets-dir', () => {
    const run = k8sDev('--k8s-dev', join(dir, 'k8s-x'), '--out', join(dir, 'x.env'));
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/^keys:env: --k8s-dev writes only its folder/);
  }, 120_000);
});

// keys:identity stays as it was for its users: two lines, no banner with -s.
describe('npm run keys:identity', () => {
  it('still prints the two identity lines', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/generateIdentityKeys.ts'], { cwd: root, encoding: 'utf8', timeout: 60_000 });
    expect(run.status, run.stderr).toBe(0);
    expect(Object.keys(parseDotenv(run.stdout))).toEqual(['GATEWAY_IDENTITY_PRIVATE_KEY', 'GATEWAY_IDENTITY_JWKS']);
  }, 120_000);
});
