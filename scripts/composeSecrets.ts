import { generateKeyPairSync, randomBytes, randomInt } from 'node:crypto';
import { generateIdentityKeys } from '../platform/identity/generateIdentityKeys.js';
import { subgraphEntries, subgraphEnv } from '../platform/registry/services.js';

/** Where docker-compose.yml mounts deploy/compose/secrets/ in the notifications and sandbox containers. */
export const COMPOSE_SECRETS_MOUNT = '/run/secrets/mobile-graph';
export const FCM_SERVICE_ACCOUNT_FILE = 'fcm-service-account.json';
export const APNS_KEY_FILE = 'apns-auth-key.p8';

export interface EnvEntry {
  readonly name: string;
  readonly value: string;
  /** Comment lines written above it. */
  readonly comment?: string;
  /** Written commented out: a line to enable by hand. */
  readonly disabled?: boolean;
}

export interface ComposeSecrets {
  readonly entries: readonly EnvEntry[];
  /** Files for deploy/compose/secrets/ (mounted read-only at COMPOSE_SECRETS_MOUNT), by name. */
  readonly files: Readonly<Record<string, string>>;
}

/** Standard Webhooks secret: `whsec_` and the base64 of 32 random bytes. */
const signingSecret = (): string => `whsec_${randomBytes(32).toString('base64')}`;
const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
/** Apple's key ids and team ids: 10 capital letters or digits. */
const appleId = (): string => Array.from({ length: 10 }, () => ALPHANUMERIC[randomInt(ALPHANUMERIC.length)]).join('');

/**
 * Every secret docker-compose.yml's production mode needs, fresh: the gateway identity pair,
 * the events secrets (each producer's one, all of them at the consumer), the payment vendor's
 * webhook secret (the sandbox signs with it, payments verifies), the accounts OAuth client
 * secret (both sides), a PostgreSQL password, and push credentials of the shapes Google and
 * Apple hand out, so that notifications starts. Those are made up here: FCM and APNs do not
 * accept them, but the sandbox's push vendors do (docker-compose.yml mounts the same folder into
 * the sandbox and gives it the same key id and team id), so pushes reach the sandbox.
 */
export async function generateComposeSecrets(): Promise<ComposeSecrets> {
  const identity = await generateIdentityKeys();
  const reviewsEvents = signingSecret();
  const paymentsEvents = signingSecret();
  const postgresPassword = randomBytes(18).toString('base64url');
  const projectId = `mobile-graph-${randomBytes(4).toString('hex')}`;
  const fcm = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const apns = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const serviceAccount = {
    type: 'service_account',
    project_id: projectId,
    private_key_id: randomBytes(20).toString('hex'),
    private_key: fcm.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    client_email: `push@${projectId}.iam.gserviceaccount.com`,
    client_id: String(randomInt(1e9, 9e9)),
    token_uri: 'https://oauth2.googleapis.com/token',
  };
  return {
    entries: [
      {
        name: 'GATEWAY_IDENTITY_PRIVATE_KEY',
        value: identity.privateJwk,
        comment: 'Gateway identity: the private key signs what the gateway forwards; every subgraph verifies with the JWKS.',
      },
      { name: 'GATEWAY_IDENTITY_JWKS', value: identity.publicJwks },
      { name: 'REVIEWS_EVENTS_SECRET', value: reviewsEvents, comment: "Events between services: each producer's secret, all of them at the consumer." },
      { name: 'PAYMENTS_EVENTS_SECRET', value: paymentsEvents },
      { name: 'NOTIFICATIONS_EVENTS_SECRETS', value: `${reviewsEvents},${paymentsEvents}` },
      {
        name: 'PAYMENTS_WEBHOOK_SECRETS',
        value: signingSecret(),
        comment: "The payment vendor's webhook signing secret: the sandbox signs with it, payments verifies.",
      },
      { name: 'ACCOUNTS_OAUTH_CLIENT_SECRET', value: randomBytes(24).toString('base64url'), comment: "The accounts service's OAuth client secret at the identity provider (and the sandbox's)." },
      {
        name: 'NOTIFICATIONS_FCM_SERVICE_ACCOUNT_FILE',
        value: `${COMPOSE_SECRETS_MOUNT}/${FCM_SERVICE_ACCOUNT_FILE}`,
        comment: [
          'Push credentials, written to deploy/compose/secrets/ (mounted into notifications and the sandbox, whose',
          'FCM and APNs vendors trust them). Made up: for the real FCM and APNs put your service-account file and',
          'APNs key there (and their ids here). Development mode (deploy/compose/dev.yml) uses the sandbox\'s instead.',
        ].join('\n'),
      },
      { name: 'NOTIFICATIONS_APNS_KEY_FILE', value: `${COMPOSE_SECRETS_MOUNT}/${APNS_KEY_FILE}` },
      { name: 'NOTIFICATIONS_APNS_KEY', value: appleId() },
      { name: 'NOTIFICATIONS_APNS_TEAM_ID', value: appleId() },
      { name: 'POSTGRES_PASSWORD', value: postgresPassword, comment: 'The postgres profile: uncomment both lines below to keep payments and notifications in PostgreSQL.' },
      { name: 'COMPOSE_PROFILES', value: 'postgres', disabled: true },
      { name: 'DATABASE_URL', value: `postgres://postgres:${postgresPassword}@postgres:5432/mobile_graph`, disabled: true },
    ],
    files: {
      [FCM_SERVICE_ACCOUNT_FILE]: `${JSON.stringify(serviceAccount, null, 2)}\n`,
      [APNS_KEY_FILE]: apns.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    },
  };
}

/**
 * One `NAME='value'` line. Single quotes keep JSON's double quotes, `+`, `/` and `=` literal
 * in every dotenv reader docker-compose has (v1's python-dotenv, v2's compose-go): nothing
 * inside is unescaped or interpolated. A value they could not carry that way is refused.
 */
export function envLine(name: string, value: string): string {
  if (!/^[A-Z_][A-Z0-9_]*$/.test(name)) throw new Error(`not an environment variable name: ${name}`);
  if (/['\\$\n\r]/.test(value)) throw new Error(`${name}: a value with a quote, backslash, $ or line break cannot be written literally`);
  return `${name}='${value}'`;
}

/** The env file: a header, then each entry under its comment. */
export function renderEnvFile(entries: readonly EnvEntry[], header: readonly string[]): string {
  const lines = header.map((line) => `# ${line}`.trimEnd());
  for (const entry of entries) {
    if (entry.comment !== undefined) lines.push('', ...entry.comment.split('\n').map((line) => `# ${line}`));
    lines.push(`${entry.disabled ? '# ' : ''}${envLine(entry.name, entry.value)}`);
  }
  return `${lines.join('\n')}\n`;
}

/** Where the Kubernetes dev overlay is, from the project root; `--k8s-dev` makes an overlay over it. */
export const K8S_DEV_OVERLAY = 'deploy/k8s/overlays/dev';

/**
 * The dev overlay's generated Secrets, each from one env file of the same name (its keys: the
 * variables the pods read). A subgraph not named here (one `npm run new:subgraph` added) has the
 * generator's `<name>-secrets` with its vendor key alone.
 */
export const K8S_DEV_SECRETS: Readonly<Record<string, readonly string[]>> = {
  ...Object.fromEntries(subgraphEntries.map((s) => [`${s.name}-secrets`, [subgraphEnv(s.name).vendorKey]])),
  'gateway-identity': ['GATEWAY_IDENTITY_PRIVATE_KEY', 'GATEWAY_IDENTITY_JWKS'],
  'mobile-graph-datastores': ['REDIS_URL', 'DATABASE_URL'],
  'postgres-dev': ['POSTGRES_PASSWORD'],
  'catalog-secrets': ['CATALOG_VENDOR_KEY'],
  'reviews-secrets': ['REVIEWS_VENDOR_KEY', 'REVIEWS_EVENTS_SECRET'],
  'accounts-secrets': ['ACCOUNTS_VENDOR_KEY', 'ACCOUNTS_OAUTH_CLIENT_SECRET'],
  'payments-secrets': ['PAYMENTS_VENDOR_KEY', 'PAYMENTS_COMMERCE_KEY', 'PAYMENTS_WEBHOOK_SECRETS', 'PAYMENTS_EVENTS_SECRET'],
  'notifications-secrets': ['NOTIFICATIONS_VENDOR_KEY', 'NOTIFICATIONS_APNS_KEY', 'NOTIFICATIONS_EVENTS_SECRETS'],
};

const K8S_HEADER = [
  '# Made by `npm run keys:env -- --k8s-dev <this folder>` for the Kubernetes dev overlay. Secrets: never',
  '# commit (deploy/k8s/overlays/dev-local/ is git-ignored). Apply with: kubectl apply -k <this folder>',
];

/**
 * The files of a Kustomize overlay over the dev overlay (`devOverlay`: its path from the folder
 * they go to) that replaces each of its placeholder Secrets with the secrets of `secrets`, so they
 * agree across services as in docker-compose: the identity pair, the events secrets (each
 * producer's, all at notifications), the webhook and OAuth client secrets and every vendor key
 * (the sandbox reads the subgraphs' Secrets), the push credential files with their key id, and
 * the APNs team id (notifications-config, which the sandbox reads too).
 */
export function k8sDevOverlayFiles(secrets: ComposeSecrets, devOverlay: string): Record<string, string> {
  const value = (name: string): string => {
    const found = secrets.entries.find((e) => e.name === name);
    if (found === undefined) throw new Error(`no ${name} among the generated secrets`);
    return found.value;
  };
  const vendorKey = (): string => randomBytes(24).toString('base64url');
  const catalogKey = vendorKey();
  const account = JSON.parse(secrets.files[FCM_SERVICE_ACCOUNT_FILE]!) as { private_key_id: string };
  const values: Record<string, string> = {
    GATEWAY_IDENTITY_PRIVATE_KEY: value('GATEWAY_IDENTITY_PRIVATE_KEY'),
    GATEWAY_IDENTITY_JWKS: value('GATEWAY_IDENTITY_JWKS'),
    REDIS_URL: 'redis://redis:6379',
    DATABASE_URL: `postgres://mobile_graph:${value('POSTGRES_PASSWORD')}@postgres:5432/mobile_graph`,
    POSTGRES_PASSWORD: value('POSTGRES_PASSWORD'),
    CATALOG_VENDOR_KEY: catalogKey,
    REVIEWS_VENDOR_KEY: vendorKey(),
    REVIEWS_EVENTS_SECRET: value('REVIEWS_EVENTS_SECRET'),
    ACCOUNTS_VENDOR_KEY: vendorKey(),
    ACCOUNTS_OAUTH_CLIENT_SECRET: value('ACCOUNTS_OAUTH_CLIENT_SECRET'),
    PAYMENTS_VENDOR_KEY: vendorKey(),
    // Prices come from the commerce vendor: catalog's key.
    PAYMENTS_COMMERCE_KEY: catalogKey,
    PAYMENTS_WEBHOOK_SECRETS: value('PAYMENTS_WEBHOOK_SECRETS'),
    PAYMENTS_EVENTS_SECRET: value('PAYMENTS_EVENTS_SECRET'),
    // FCM has no API key: the sandbox's fcm key is the service account's key id.
    NOTIFICATIONS_VENDOR_KEY: account.private_key_id,
    NOTIFICATIONS_APNS_KEY: value('NOTIFICATIONS_APNS_KEY'),
    NOTIFICATIONS_EVENTS_SECRETS: value('NOTIFICATIONS_EVENTS_SECRETS'),
  };
  for (const keys of Object.values(K8S_DEV_SECRETS)) for (const key of keys) values[key] ??= vendorKey();
  const files: Record<string, string> = {};
  const generators: string[] = [];
  for (const [secret, keys] of Object.entries(K8S_DEV_SECRETS)) {
    const lines = keys.map((key) => {
      if (/[\n\r]/.test(values[key]!)) throw new Error(`${key}: a value with a line break cannot go in an env file`);
      return `${key}=${values[key]}`;
    });
    files[`${secret}.env`] = `${[...K8S_HEADER, ...lines].join('\n')}\n`;
    generators.push(`  - name: ${secret}`, '    behavior: replace', `    envs: [${secret}.env]`);
  }
  generators.push('  - name: notifications-push-credentials', '    behavior: replace', `    files: [${FCM_SERVICE_ACCOUNT_FILE}, ${APNS_KEY_FILE}]`);
  Object.assign(files, secrets.files);
  files['kustomization.yaml'] = `${[
    ...K8S_HEADER,
    '# The dev overlay with this folder\'s secrets in place of its placeholders (deploy/k8s/README.md, "dev").',
    'apiVersion: kustomize.config.k8s.io/v1beta1',
    'kind: Kustomization',
    'namespace: mobile-graph-dev',
    'resources:',
    `  - ${JSON.stringify(devOverlay)}`,
    'configMapGenerator:',
    '  # The team of the APNs key below; the sandbox\'s apns vendor reads it from the same ConfigMap.',
    '  - name: notifications-config',
    '    behavior: merge',
    '    literals:',
    `      - NOTIFICATIONS_APNS_TEAM_ID=${value('NOTIFICATIONS_APNS_TEAM_ID')}`,
    'secretGenerator:',
    ...generators,
  ].join('\n')}\n`;
  return files;
}
