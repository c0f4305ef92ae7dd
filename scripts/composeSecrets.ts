import { generateKeyPairSync, randomBytes, randomInt } from 'node:crypto';
import { generateIdentityKeys } from '../platform/identity/generateIdentityKeys.js';

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
