/**
 * docker-compose.yml, checked offline (no Docker engine needed): `docker-compose config` resolves
 * the file with a .env made by `npm run keys:env` (and with the profiles, development mode, and
 * no .env at all), and each service's resulting environment goes through that service's own
 * config parser, the one its main.ts calls. What the test proves is what `up` would start with.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { parseGatewayConfig } from '../../gateway/src/config.js';
import { ConfigError } from '../../platform/config/ConfigError.js';
import type { Env } from '../../platform/config/setting.js';
import { createLogger } from '../../platform/log/createLogger.js';
import { loadRegisteredModules } from '../../platform/registry/loadRegisteredModules.js';
import { gatewayEntry, issuerVendorEntry, sandboxVendorEntries, serviceMemoryMiB, subgraphEntries, subgraphPaths } from '../../platform/registry/services.js';
import { compiledEntry, imageEntries } from '../../scripts/build/imageEntries.js';
import { APNS_KEY_FILE, COMPOSE_SECRETS_MOUNT, FCM_SERVICE_ACCOUNT_FILE, generateComposeSecrets } from '../../scripts/composeSecrets.js';
import type { SubgraphModule } from '../../subgraphs/kit/server/SubgraphModule.js';
import { createPushSender, type PushSenderConfig } from '../../subgraphs/notifications/push/createPushSender.js';
import type { PushMessage } from '../../subgraphs/notifications/push/PushSender.js';
import { signProviderToken } from '../../vendors/apns/apnsClient.js';
import { ApnsClient } from '../../vendors/apns/apnsClient.js';
import type { RunningApnsVendor } from '../../vendors/apns/createApnsVendor.js';
import type { RunningFcmVendor } from '../../vendors/fcm/createFcmVendor.js';
import { exchangeAssertion, newDeviceToken, signAssertion, type ServiceAccountJson } from '../../vendors/fcm/fcmClient.js';
import { parseSandboxConfig, sandboxOptionsFrom } from '../../vendors/config.js';
import { uniqueEmail } from '../../vendors/identity/identityTestClient.js';
import { loadSandboxVendors } from '../../vendors/loadSandboxVendors.js';
import { startSandbox, type Sandbox } from '../../vendors/startSandbox.js';
import { operation } from '../harness/operations.js';
import { runEntry } from '../harness/runEntry.js';
import { startStack, type Stack } from '../harness/startStack.js';
import { thrownBy } from '../harness/thrownBy.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const hasCompose = spawnSync('docker-compose', ['version'], { encoding: 'utf8' }).status === 0;

interface Service {
  readonly image?: string;
  readonly command?: readonly string[];
  readonly environment?: Record<string, unknown>;
  readonly ports?: readonly (string | { published?: number | string; target?: number; host_ip?: string })[];
  readonly profiles?: readonly string[];
  readonly volumes?: readonly (string | { source?: string; target?: string })[];
  readonly mem_limit?: string | number;
}

interface Resolved {
  /** Services that `up` would start: those of no profile, and those of an active one. */
  readonly services: Record<string, Service>;
  /** Every service of the file, whatever its profile. */
  readonly all: Record<string, Service>;
}

/** A dotenv file as docker-compose reads ours: NAME='value' lines, comments, blanks. */
function readEnvFile(path: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const match = /^([A-Z_][A-Z0-9_]*)='([^']*)'$/.exec(line);
    if (match) out[match[1]!] = match[2]!;
  }
  return out;
}

const resolved = new Map<string, Resolved>();

/**
 * `docker-compose config` with this env file only: nothing from this shell (vitest's NODE_ENV,
 * CI's DATABASE_URL) leaks in. Run once per env file and mode: a test writes a file once, never
 * changes it, and only reads what comes back.
 */
function composeConfig(envFile: string, opts: { dev?: boolean } = {}): Resolved {
  const key = `${envFile}${opts.dev ? ' (dev)' : ''}`;
  const known = resolved.get(key);
  if (known !== undefined) return known;
  const files = ['-f', 'docker-compose.yml', ...(opts.dev ? ['-f', 'deploy/compose/dev.yml'] : [])];
  const result = spawnSync('docker-compose', ['--env-file', envFile, ...files, 'config'], {
    cwd: root,
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', ...(process.env.HOME ? { HOME: process.env.HOME } : {}) },
  });
  expect(result.status, result.stderr).toBe(0);
  const all = (parseYaml(result.stdout) as { services: Record<string, Service> }).services;
  const profiles = (readEnvFile(envFile).COMPOSE_PROFILES ?? '').split(',').filter((p) => p !== '');
  const services = Object.fromEntries(Object.entries(all).filter(([, s]) => s.profiles === undefined || s.profiles.some((p) => profiles.includes(p))));
  resolved.set(key, { services, all });
  return { services, all };
}

/** A service's environment as its process would see it: every value a string. */
function envOf(service: Service | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(service?.environment ?? {}).map(([k, v]) => [k, v === null || v === undefined ? '' : String(v)]));
}

/** A service's volumes as `source:target`. */
function mountsOf(service: Service | undefined): string[] {
  return (service?.volumes ?? []).map((v) => (typeof v === 'string' ? v.split(':').slice(0, 2).join(':') : `${v.source}:${v.target}`));
}

/** Where each compose service listens, from the registry: what a URL in an environment may name. */
function listeningPorts(services: Record<string, Service>): Map<string, Set<number>> {
  const ports = new Map<string, Set<number>>([
    [gatewayEntry.name, new Set([gatewayEntry.port, Number(envOf(services.gateway).METRICS_PORT)])],
    ['sandbox', new Set(sandboxVendorEntries.map((v) => v.port))],
    ['redis', new Set([6379])],
    ['postgres', new Set([5432])],
    ['proxy', new Set([4000])],
    ['prometheus', new Set([9090])],
    ['grafana', new Set([3000])],
  ]);
  for (const s of subgraphEntries) ports.set(s.name, new Set([s.port]));
  return ports;
}

/** The TypeScript entry a compiled command runs, when it is a service's of the registry (the gateway, a subgraph, a worker, the sandbox). */
function registryEntryOf(command: readonly string[] | undefined): string | undefined {
  const [node, entry, ...rest] = command ?? [];
  if (node !== 'node' || entry === undefined || rest.length > 0) return undefined;
  const source = imageEntries(root).find((e) => e.kind !== 'healthcheck' && compiledEntry(e.source) === entry)?.source;
  return source !== undefined && existsSync(join(root, source)) ? source : undefined;
}

let dir: string;
let envFile: string;
let secretsDir: string;
let generated: Record<string, string>;
let subgraphModules: readonly SubgraphModule[];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'compose-test-'));
  envFile = join(dir, '.env');
  secretsDir = join(dir, 'secrets');
  const made = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/generateComposeEnv.ts', '--out', envFile, '--secrets-dir', secretsDir], { cwd: root, encoding: 'utf8' });
  expect(made.status, made.stderr).toBe(0);
  generated = readEnvFile(envFile);
  subgraphModules = await loadRegisteredModules<SubgraphModule>(subgraphEntries, (name) => subgraphPaths(name).module, 'subgraph');
}, 60_000);
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** A path under the secrets mount, at this test's folder: keys:env wrote the files there instead of deploy/compose/secrets/. */
const here = (path: string) => path.replace(COMPOSE_SECRETS_MOUNT, secretsDir);

/** An environment with the secrets mount at this test's folder (see `here`). */
function mounted(env: Env): Env {
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v === undefined ? v : here(v)]));
}

/**
 * Every service's config parser (what its main.ts calls) on its compose environment; throws the
 * first ConfigError. The sandbox's reads the push credential files it names, as mounted.
 */
async function parseEveryService(services: Record<string, Service>) {
  const vendors = await loadSandboxVendors();
  return {
    gateway: parseGatewayConfig(envOf(services.gateway)),
    sandbox: parseSandboxConfig(mounted(envOf(services.sandbox)), vendors),
    subgraphs: Object.fromEntries(subgraphModules.map((m) => [m.name, m.parseConfig(envOf(services[m.name])) as unknown as Record<string, unknown>])),
  };
}

describe.skipIf(!hasCompose)('docker-compose.yml (docker-compose config)', () => {
  it('has every service of the registry, the sandbox and the proxy; URLs name compose services on the ports they listen on', () => {
    const { services } = composeConfig(envFile);
    for (const name of [gatewayEntry.name, 'sandbox', 'proxy', 'redis', ...subgraphEntries.map((s) => s.name)]) expect(Object.keys(services)).toContain(name);
    const ports = listeningPorts(services);
    for (const [name, service] of Object.entries(services)) {
      for (const [variable, value] of Object.entries(envOf(service))) {
        expect(value, `${name} ${variable}`).not.toMatch(/:\/\/(?:[^@/\s]*@)?(127\.0\.0\.1|localhost|0\.0\.0\.0|\[::1?\])/);
        for (const match of (value ?? '').matchAll(/\b[a-z][a-z0-9+]*:\/\/(?:[^@/\s]*@)?([a-z0-9.-]+):(\d+)/g)) {
          const [url, host, port] = match;
          expect(services[host!], `${name} ${variable}: ${url} names no compose service`).toBeDefined();
          expect([...(ports.get(host!) ?? [])], `${name} ${variable}: ${url}`).toContain(Number(port));
        }
      }
    }
  }, 90_000);

  it('.env.example used as .env as it is points no container at this machine, and keeps production mode', () => {
    const { services } = composeConfig(join(root, '.env.example'));
    for (const [name, service] of Object.entries(services)) {
      for (const [variable, value] of Object.entries(envOf(service))) expect(value, `${name} ${variable}`).not.toMatch(/127\.0\.0\.1|localhost/);
    }
    expect(envOf(services.gateway).NODE_ENV).toBe('production');
  }, 90_000);

  it("the gateway checks tokens against the issuer the sandbox puts in them, and fetches its keys by service name", () => {
    const { services } = composeConfig(envFile);
    const issuerVendor = issuerVendorEntry()!;
    const issuer = envOf(services.sandbox).SANDBOX_IDENTITY_ISSUER;
    expect(issuer).toBe(`http://sandbox:${issuerVendor.port}`);
    const gateway = parseGatewayConfig(envOf(services.gateway));
    expect(gateway.authIssuer).toBe(issuer);
    expect(gateway.authJwksUrl).toBe(`http://sandbox:${issuerVendor.port}/.well-known/jwks.json`);
    // Accounts signs users in at the same vendor, whose tokens it passes on.
    expect(envOf(services.accounts).ACCOUNTS_VENDOR_URL).toBe(`http://sandbox:${issuerVendor.port}`);
  }, 90_000);

  it('only the proxy publishes a port (the observability profile on loopback); the gateway trusts that one hop', () => {
    const { all, services } = composeConfig(envFile);
    for (const [name, service] of Object.entries(all)) {
      const ports = service.ports ?? [];
      if (name === 'proxy') {
        expect(ports).toHaveLength(1);
        continue;
      }
      if (name === 'prometheus' || name === 'grafana') {
        expect(service.profiles).toEqual(['observability']);
        for (const port of ports) expect(typeof port === 'string' ? port : port.host_ip, name).toMatch(/^127\.0\.0\.1/);
        continue;
      }
      expect(ports, `${name} publishes ${JSON.stringify(ports)}`).toEqual([]);
    }
    expect(parseGatewayConfig(envOf(services.gateway)).trustProxyHops).toBe(1);
    const nginx = readFileSync(join(root, 'deploy/compose/nginx.conf'), 'utf8');
    expect(nginx).toMatch(/resolver 127\.0\.0\.11/);
    expect(nginx).toMatch(/set \$gateway http:\/\/gateway:4000;\s*proxy_pass \$gateway;/);
  }, 90_000);

  it('every service of the image runs a compiled entry point of the registry with plain node', () => {
    const { all } = composeConfig(envFile);
    const images = Object.entries(all).filter(([, s]) => s.image === 'mobile-graph:local');
    expect(images.map(([name]) => name).sort()).toEqual(['sandbox', gatewayEntry.name, ...subgraphEntries.map((s) => s.name)].sort());
    for (const [name, service] of images) expect(registryEntryOf(service.command), `${name}: ${JSON.stringify(service.command)}`).toBeDefined();
    expect(all.gateway?.command).toEqual(['node', compiledEntry(gatewayEntry.entry)]);
    for (const s of subgraphEntries) expect(all[s.name]?.command).toEqual(['node', compiledEntry(subgraphPaths(s.name).entry)]);
    expect(all.sandbox?.command).toEqual(['node', 'dist/vendors/main.js']);
    // None replaces the image's NODE_OPTIONS (its V8 flags, the registry's SERVICE_NODE_FLAGS).
    expect(images.filter(([, s]) => s.environment?.NODE_OPTIONS !== undefined).map(([name]) => name)).toEqual([]);
    // Each has the memory of its Kubernetes container (the registry's), which Node sizes its heap from.
    expect(Object.fromEntries(images.map(([name, s]) => [name, s.mem_limit]))).toEqual(Object.fromEntries(images.map(([name]) => [name, `${serviceMemoryMiB(name)}m`])));
  }, 90_000);

  it('production by default: every service accepts its environment with the generated .env, secrets agreeing across services', async () => {
    const { services } = composeConfig(envFile);
    const config = await parseEveryService(services);
    expect(config.gateway.nodeEnv).toBe('production');
    expect(config.gateway.explorer).toBe(false);
    expect(config.gateway.identityPrivateKey).toBe(generated.GATEWAY_IDENTITY_PRIVATE_KEY);
    for (const s of subgraphEntries) {
      const sub = config.subgraphs[s.name]!;
      expect(sub.nodeEnv, s.name).toBe('production');
      expect(sub.identityJwks, s.name).toBe(generated.GATEWAY_IDENTITY_JWKS);
    }
    const { reviews, payments, notifications, accounts } = config.subgraphs as Record<string, Record<string, unknown>>;
    expect(notifications!.eventsSecrets).toEqual(expect.arrayContaining([reviews!.eventsSecret, payments!.eventsSecret]));
    expect(payments!.webhookSecrets).toEqual([config.sandbox['payments.webhookSecret']]);
    expect(accounts!.oauthClientSecret).toBe(config.sandbox['identity.accountsClientSecret']);
    // The push vendors trust what notifications signs with: the same files (one mount), key id and team.
    const sandboxEnv = envOf(services.sandbox);
    expect(sandboxEnv.SANDBOX_FCM_SERVICE_ACCOUNT_FILE).toBe(notifications!.fcmServiceAccountFile);
    expect(sandboxEnv.SANDBOX_APNS_KEY_FILE).toBe(notifications!.apnsKeyFile);
    expect([config.sandbox['apns.key'], config.sandbox['apns.teamId']]).toEqual([notifications!.apnsKeyId, notifications!.apnsTeamId]);
    // No worker services: the workers run inside payments and notifications, on their embedded stores.
    expect(payments!.inboxWorkers).toBeGreaterThan(0);
    expect(notifications!.workers).toBeGreaterThan(0);
    expect(payments!.databaseUrl).toBeUndefined();
    for (const name of ['payments', 'notifications']) {
      expect(mountsOf(services[name]).map((m) => m.split(':')[1]), name).toContain('/app/.data');
    }
  }, 90_000);

  it("notifications starts with the generated push credentials as mounted (read and checked as at start-up)", async () => {
    const { services } = composeConfig(envFile);
    expect(mountsOf(services.notifications)).toContain(`${join(root, 'deploy/compose/secrets')}:${COMPOSE_SECRETS_MOUNT}`);
    const config = (await parseEveryService(services)).subgraphs.notifications as unknown as PushSenderConfig;
    const sender = createPushSender(
      { ...config, fcmServiceAccountFile: here(config.fcmServiceAccountFile), apnsKeyFile: here(config.apnsKeyFile) },
      createLogger({ service: 'notifications', level: 'silent' }),
    );
    await sender.close();
  }, 90_000);

  it("pushes: the sandbox's FCM and APNs vendors trust the credentials notifications holds (compose's settings, production mode); another set is refused", async () => {
    const { services } = composeConfig(envFile);
    expect(mountsOf(services.sandbox)).toContain(`${join(root, 'deploy/compose/secrets')}:${COMPOSE_SECRETS_MOUNT}`);
    const vendors = await loadSandboxVendors();
    const options = sandboxOptionsFrom(parseSandboxConfig(mounted(envOf(services.sandbox)), vendors), vendors);
    const startVendor = async (name: string) => {
      const { port: _port, apiKey, ...own } = options.vendors?.[name] ?? {};
      return vendors.find((v) => v.name === name)!.start({ host: '127.0.0.1', port: 0, apiKey: String(apiKey), latencyMs: 0 }, own);
    };
    const fcm = (await startVendor('fcm')) as RunningFcmVendor;
    const apns = (await startVendor('apns')) as RunningApnsVendor;
    const logger = createLogger({ service: 'notifications', level: 'silent' });
    const notificationsWith = (env: Env) => {
      const module = subgraphModules.find((m) => m.name === 'notifications')!;
      // Only the vendors' addresses differ from compose's (http://sandbox:4105 and :4106 there).
      const config = module.parseConfig({ ...mounted(env), NOTIFICATIONS_VENDOR_URL: fcm.url, NOTIFICATIONS_APNS_URL: apns.url }) as unknown as PushSenderConfig;
      expect(config.nodeEnv).toBe('production');
      return createPushSender(config, logger);
    };
    const message: PushMessage = { title: 'Your order shipped', body: 'Tap to see it', collapseId: 'order-1', data: { kind: 'order' }, expiresAt: new Date(Date.now() + 3_600_000), priority: 'high' };
    const android = { platform: 'ANDROID' as const, token: newDeviceToken() };
    const ios = { platform: 'IOS' as const, token: 'ab'.repeat(32) };
    const call = { requestId: 'compose-push' };
    const sender = notificationsWith(envOf(services.notifications));
    try {
      expect(await sender.send(android, message, call)).toMatchObject({ kind: 'sent' });
      expect(await sender.send(ios, message, call)).toMatchObject({ kind: 'sent' });
      const account = JSON.parse(readFileSync(join(secretsDir, FCM_SERVICE_ACCOUNT_FILE), 'utf8')) as ServiceAccountJson;
      expect(fcm.push.messages().messages).toEqual([expect.objectContaining({ project: account.project_id, token: android.token })]);
      expect(apns.apns.notifications().notifications).toEqual([expect.objectContaining({ token: ios.token })]);
      expect(apns.apns).toMatchObject({ keyId: generated.NOTIFICATIONS_APNS_KEY, teamId: generated.NOTIFICATIONS_APNS_TEAM_ID });

      // Another keys:env's credentials (a stale .env, a secrets folder from elsewhere): refused by the sandbox.
      const other = await generateComposeSecrets();
      const otherDir = join(dir, 'other-secrets');
      mkdirSync(otherDir, { recursive: true });
      for (const [name, content] of Object.entries(other.files)) writeFileSync(join(otherDir, name), content);
      const otherAccount = { ...(JSON.parse(other.files[FCM_SERVICE_ACCOUNT_FILE]!) as ServiceAccountJson), token_uri: `${fcm.url}/token` };
      expect(await exchangeAssertion(otherAccount.token_uri, await signAssertion(otherAccount))).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
      const send401 = await fetch(`${fcm.url}/v1/projects/${account.project_id}/messages:send`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer not-a-token-it-issued' },
        body: JSON.stringify({ message: { token: android.token, notification: { title: 'x' } } }),
      });
      expect(send401.status).toBe(401);
      const client = new ApnsClient(apns.url);
      try {
        const otherKey = other.files[APNS_KEY_FILE]!;
        const forged = await signProviderToken({ privateKeyPem: otherKey, keyId: generated.NOTIFICATIONS_APNS_KEY, teamId: generated.NOTIFICATIONS_APNS_TEAM_ID });
        expect(await client.send({ token: ios.token, payload: { aps: { alert: 'x' } }, providerToken: forged })).toMatchObject({ status: 403, reason: 'InvalidProviderToken' });
      } finally {
        await client.close();
      }
      const otherEnv = Object.fromEntries(other.entries.map((e) => [e.name, e.value.replace(COMPOSE_SECRETS_MOUNT, otherDir)]));
      const stranger = notificationsWith({
        ...envOf(services.notifications),
        NOTIFICATIONS_FCM_SERVICE_ACCOUNT_FILE: join(otherDir, FCM_SERVICE_ACCOUNT_FILE),
        NOTIFICATIONS_APNS_KEY_FILE: join(otherDir, APNS_KEY_FILE),
        NOTIFICATIONS_APNS_KEY: otherEnv.NOTIFICATIONS_APNS_KEY!,
        NOTIFICATIONS_APNS_TEAM_ID: otherEnv.NOTIFICATIONS_APNS_TEAM_ID!,
      });
      try {
        expect(await stranger.send(android, message, call)).not.toMatchObject({ kind: 'sent' });
        expect(await stranger.send(ios, message, call)).not.toMatchObject({ kind: 'sent' });
      } finally {
        await stranger.close();
      }
      expect(fcm.push.messages().count).toBe(1);
      expect(apns.apns.notifications().count).toBe(1);
    } finally {
      await sender.close();
      await fcm.close();
      await apns.close();
    }
  }, 120_000);

  it('without the generated .env, production mode is refused by each service with every missing secret named', async () => {
    const empty = join(dir, 'empty.env');
    writeFileSync(empty, '');
    const { services } = composeConfig(empty);
    const vendors = await loadSandboxVendors();
    // The sandbox has no production mode: it starts on its public defaults.
    expect(() => parseSandboxConfig(envOf(services.sandbox), vendors)).not.toThrow();
    const refusals: Record<string, readonly string[]> = {};
    const refuse = (name: string, parse: () => unknown) => {
      const err = thrownBy(parse);
      if (err === undefined) throw new Error(`${name} accepted a production environment without secrets`);
      expect(err, name).toBeInstanceOf(ConfigError);
      refusals[name] = (err as ConfigError).problems;
    };
    refuse('gateway', () => parseGatewayConfig(envOf(services.gateway)));
    for (const m of subgraphModules) refuse(m.name, () => m.parseConfig(envOf(services[m.name])));
    expect(refusals.gateway).toEqual(expect.arrayContaining([expect.stringMatching(/^GATEWAY_IDENTITY_PRIVATE_KEY: .*required when NODE_ENV=production/)]));
    for (const s of subgraphEntries) expect(refusals[s.name], s.name).toEqual(expect.arrayContaining([expect.stringMatching(/^GATEWAY_IDENTITY_JWKS: .*required when NODE_ENV=production/)]));
    expect(refusals.payments).toEqual(expect.arrayContaining([expect.stringMatching(/^PAYMENTS_WEBHOOK_SECRETS: /), expect.stringMatching(/^PAYMENTS_EVENTS_SECRET: /)]));
    expect(refusals.notifications).toEqual(
      expect.arrayContaining(['NOTIFICATIONS_EVENTS_SECRETS', 'NOTIFICATIONS_FCM_SERVICE_ACCOUNT_FILE', 'NOTIFICATIONS_APNS_KEY_FILE'].map((v) => expect.stringMatching(new RegExp(`^${v}: `)))),
    );
  }, 90_000);

  it('a service started so exits 1 with the message, not a stack trace', () => {
    const empty = join(dir, 'empty.env');
    writeFileSync(empty, '');
    const { services } = composeConfig(empty);
    for (const [name, entry] of [[gatewayEntry.name, gatewayEntry.entry], ['payments', subgraphPaths('payments').entry]] as const) {
      const run = runEntry(entry, envOf(services[name]));
      expect(run.status, `${name}: ${run.stderr}`).toBe(1);
      expect(run.stderr).toMatch(new RegExp(`^Invalid configuration for ${name}:\\n  - `));
      expect(run.stderr).not.toMatch(/\n\s+at /);
    }
  }, 120_000);

  it('development mode (deploy/compose/dev.yml): NODE_ENV=development everywhere, the sandbox push credentials', async () => {
    const { services } = composeConfig(envFile, { dev: true });
    const config = await parseEveryService(services);
    expect(config.gateway.nodeEnv).toBe('development');
    expect(config.gateway.explorer).toBe(true);
    for (const s of subgraphEntries) expect(config.subgraphs[s.name]!.nodeEnv, s.name).toBe('development');
    const notifications = config.subgraphs.notifications as unknown as PushSenderConfig;
    const sandboxDefaults = (await parseEveryService({})).subgraphs.notifications as unknown as PushSenderConfig;
    expect(notifications.fcmServiceAccountFile).toBe(sandboxDefaults.fcmServiceAccountFile);
    expect(notifications.apnsKeyFile).toBe(sandboxDefaults.apnsKeyFile);
    expect(notifications.apnsKeyId).toBe(envOf(services.sandbox).SANDBOX_APNS_KEY);
    // …which the sandbox's push vendors trust again: its own settings back at the fixtures.
    const vendors = await loadSandboxVendors();
    const sandbox = parseSandboxConfig(envOf(services.sandbox), vendors);
    const fixtures = parseSandboxConfig({}, vendors);
    for (const key of ['fcm.serviceAccount', 'apns.publicKeyPem', 'apns.teamId', 'apns.key']) expect(sandbox[key], key).toEqual(fixtures[key]);
  }, 90_000);

  it('the postgres profile: COMPOSE_PROFILES and DATABASE_URL in .env put payments and notifications on the postgres service', async () => {
    const text = readFileSync(envFile, 'utf8').replace(/^# (COMPOSE_PROFILES|DATABASE_URL)=/gm, '$1=');
    const withPostgres = join(dir, 'postgres.env');
    writeFileSync(withPostgres, text);
    const { services } = composeConfig(withPostgres);
    expect(Object.keys(services)).toContain('postgres');
    const password = envOf(services.postgres).POSTGRES_PASSWORD;
    expect(password).toBe(generated.POSTGRES_PASSWORD);
    expect(password!.length).toBeGreaterThanOrEqual(16);
    const config = await parseEveryService(services);
    for (const name of ['payments', 'notifications']) {
      const url = new URL(String(config.subgraphs[name]!.databaseUrl));
      expect([url.hostname, url.port, url.password, url.pathname], name).toEqual(['postgres', '5432', password, '/mobile_graph']);
    }
    // Without the profile there is no postgres to start.
    expect(Object.keys(composeConfig(envFile).services)).not.toContain('postgres');
  }, 90_000);

  it('the observability profile adds Prometheus and Grafana', () => {
    const withObservability = join(dir, 'observability.env');
    writeFileSync(withObservability, `${readFileSync(envFile, 'utf8')}COMPOSE_PROFILES='observability'\n`);
    expect(Object.keys(composeConfig(withObservability).services)).toEqual(expect.arrayContaining(['prometheus', 'grafana']));
    expect(Object.keys(composeConfig(envFile).services)).not.toContain('prometheus');
  }, 90_000);
});

/**
 * What compose's wiring does to a signed-in user, on loopback: the sandbox names itself as
 * docker-compose.yml's SANDBOX_IDENTITY_ISSUER says, the gateway checks AUTH_ISSUER as compose
 * sets it, and only the JWKS URL (http://sandbox:4103/... in compose) is this machine's address,
 * standing in for Docker's DNS. Sign-up and sign-in go through accounts to the vendor's token
 * endpoint; `me` needs the gateway to accept the token.
 */
describe('sign-up, sign-in and me with the issuer named as in docker-compose.yml', () => {
  const composeFile = parseYaml(readFileSync(join(root, 'docker-compose.yml'), 'utf8'), { merge: true }) as { services: Record<string, Service> };
  const issuer = String(composeFile.services.sandbox?.environment?.SANDBOX_IDENTITY_ISSUER);
  const authIssuer = /^\$\{AUTH_ISSUER:-(.*)\}$/.exec(String(composeFile.services.gateway?.environment?.AUTH_ISSUER))?.[1];
  let sandbox: Sandbox;
  let stack: Stack;

  beforeAll(async () => {
    const vendors = await loadSandboxVendors();
    const options = sandboxOptionsFrom(parseSandboxConfig({ SANDBOX_IDENTITY_ISSUER: issuer }, vendors), vendors);
    sandbox = await startSandbox({ vendors: Object.fromEntries(Object.entries(options.vendors ?? {}).map(([name, own]) => [name, { ...own, port: 0 }])) });
    stack = await startStack({
      sandbox,
      env: {
        AUTH_ISSUER: authIssuer ?? '',
        AUTH_JWKS_URL: `${sandbox.identity.url}/.well-known/jwks.json`,
        // Password hashing on a busy machine: this test is about issuers, not deadlines.
        ACCOUNTS_VENDOR_DEADLINE_MS: '10000',
        REQUEST_BUDGET_MS: '15000',
        SUBGRAPH_TIMEOUT_MS: '15000',
      },
    });
  }, 120_000);
  afterAll(async () => {
    await stack?.close();
    await sandbox?.close();
  });

  it('works end to end', async () => {
    expect(issuer).toBe(`http://sandbox:${issuerVendorEntry()!.port}`);
    expect(authIssuer).toBe(issuer);
    expect(sandbox.identity.oidc.issuer).toBe(issuer);
    const email = uniqueEmail('compose');
    const password = 'correct horse battery staple';
    const signUp = await stack.query(operation('SignUp'), { input: { email, password, displayName: 'Compose User' } });
    expect(signUp.json.errors).toBeUndefined();
    const signIn = await stack.query(operation('SignIn'), { input: { email, password } });
    expect(signIn.json.errors).toBeUndefined();
    const token = signIn.json.data.signIn.accessToken as string;
    const me = await stack.query(operation('Me'), undefined, { authorization: `Bearer ${token}` });
    expect(me.json.errors).toBeUndefined();
    expect(me.json.data.me).toMatchObject({ displayName: 'Compose User', email });
  }, 90_000);

  it("a token that names the vendor's listening address instead (the bug this setting fixes) is refused", async () => {
    const token = await sandbox.identity.oidc.signAccessToken({ sub: 'usr_0001', iss: sandbox.identity.url });
    const me = await stack.query(operation('Me'), undefined, { authorization: `Bearer ${token}` });
    expect(me.status).toBe(401);
  }, 90_000);
});
