import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildProduction } from '../../scripts/build/buildProduction.js';
import { COMPOSE_SECRETS_MOUNT, generateComposeSecrets } from '../../scripts/composeSecrets.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Where the bench's production build goes, from the project root (git-ignored; emptied by each build). */
export const BENCH_BUILD_DIR = '.test-output/bench/home-screen/dist';

/** The sandbox's variable → the service's, holding the same secret (docker-compose.yml's sandbox service). */
const SANDBOX_SIDE: Readonly<Record<string, string>> = {
  SANDBOX_FCM_SERVICE_ACCOUNT_FILE: 'NOTIFICATIONS_FCM_SERVICE_ACCOUNT_FILE',
  SANDBOX_APNS_KEY_FILE: 'NOTIFICATIONS_APNS_KEY_FILE',
  SANDBOX_APNS_KEY: 'NOTIFICATIONS_APNS_KEY',
  SANDBOX_APNS_TEAM_ID: 'NOTIFICATIONS_APNS_TEAM_ID',
  SANDBOX_ACCOUNTS_CLIENT_SECRET: 'ACCOUNTS_OAUTH_CLIENT_SECRET',
  SANDBOX_PAYMENTS_WEBHOOK_SECRET: 'PAYMENTS_WEBHOOK_SECRETS',
};

export interface ProductionServices {
  /** The production build's folder, relative to the project root (for `startProcesses`' `build`). */
  readonly build: string;
  /** `NODE_ENV=production` and every secret production requires, fresh, as `npm run keys:env` makes them. */
  readonly env: Readonly<Record<string, string>>;
  /** Deletes the credential files. */
  dispose(): void;
}

/**
 * The services as production runs them (the image: `node dist/…/main.js` with
 * `NODE_ENV=production`), for a bench that measures their speed: the production build,
 * compiled by tsc without its type check (the emitted code is the same), and the secrets
 * production refuses to start without, made up for this run as `npm run keys:env` makes them
 * for docker-compose. The push credential files go to a private temporary folder, and the
 * sandbox trusts them as docker-compose.yml wires it. Without this, the services would run
 * through tsx in development mode: graphql-js's development-only checks, tsx's resolver and
 * source maps in every process.
 */
export async function productionServices(buildDir = BENCH_BUILD_DIR): Promise<ProductionServices> {
  buildProduction({ root, outDir: buildDir, typeCheck: false });
  const secrets = await generateComposeSecrets();
  const dir = mkdtempSync(join(tmpdir(), 'mobile-graph-bench-'));
  for (const [name, content] of Object.entries(secrets.files)) writeFileSync(join(dir, name), content, { mode: 0o600 });
  const env: Record<string, string> = { NODE_ENV: 'production' };
  for (const entry of secrets.entries) {
    if (!entry.disabled) env[entry.name] = entry.value.replace(COMPOSE_SECRETS_MOUNT, dir);
  }
  // The sandbox's side of the same secrets, as docker-compose.yml passes them to it.
  for (const [sandbox, service] of Object.entries(SANDBOX_SIDE)) {
    const value = env[service];
    if (value === undefined) throw new Error(`generateComposeSecrets made no ${service} (the sandbox's ${sandbox})`);
    env[sandbox] = value;
  }
  return { build: buildDir, env, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}
