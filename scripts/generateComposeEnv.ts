/**
 * `npm run keys:env -- --out .env`: docker-compose's `.env` with every secret its production
 * mode needs, fresh (see composeSecrets.ts), and the push credential files it names in
 * deploy/compose/secrets/ (git-ignored, mounted read-only into the notifications and sandbox containers).
 *   --out <file>          write the env file there (mode 600); without it, print it on stdout
 *   --force               overwrite the env file and the credential files if they exist
 *   --secrets-dir <dir>   where the credential files go (default deploy/compose/secrets)
 *   --k8s-dev <dir>       instead: a Kustomize overlay over deploy/k8s/overlays/dev in <dir> (use
 *                         deploy/k8s/overlays/dev-local, git-ignored) whose Secrets replace the dev
 *                         overlay's placeholders with fresh ones agreeing across services; then
 *                         `kubectl apply -k <dir>`. Writes nothing else (no env file on stdout).
 * Refuses, writing nothing, when a file exists and --force is not given. Only the env file
 * goes to stdout (`npm run -s keys:env > file` works too); messages go to stderr.
 */
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { generateComposeSecrets, K8S_DEV_OVERLAY, k8sDevOverlayFiles, renderEnvFile } from './composeSecrets.js';

const HEADER = [
  'docker-compose .env, made by `npm run keys:env`. Secrets: never commit this file.',
  'docker-compose reads it only to fill the ${VAR}s of docker-compose.yml (and COMPOSE_* settings);',
  'the services never read it. Other settings you may add: see .env.example.',
];

function fail(message: string): never {
  process.stderr.write(`keys:env: ${message}\n`);
  process.exit(1);
}

const USAGE = 'usage: npm run keys:env -- [--out .env] [--force] [--secrets-dir <dir>] | --k8s-dev <dir> [--force]';
let args: { out?: string; force?: boolean; 'secrets-dir'?: string; 'k8s-dev'?: string };
try {
  args = parseArgs({
    options: { out: { type: 'string' }, force: { type: 'boolean' }, 'secrets-dir': { type: 'string' }, 'k8s-dev': { type: 'string' } },
    strict: true,
    allowPositionals: false,
  }).values;
} catch (err) {
  fail(`${(err as Error).message} (${USAGE})`);
}
if (args['k8s-dev'] !== undefined && (args.out !== undefined || args['secrets-dir'] !== undefined)) fail(`--k8s-dev writes only its folder: run it apart from --out and --secrets-dir (${USAGE})`);

/** Refuses, before anything is written, when one of these exists and --force is not given: a refusal leaves no half-made set behind. */
function refuseExisting(paths: readonly string[], keepsOld: string): void {
  if (args.force) return;
  const existing = paths.filter((path) => existsSync(path));
  if (existing.length > 0) fail(`${existing.join(', ')} already exist${existing.length === 1 ? 's' : ''}; pass --force to replace (${keepsOld})`);
}

function writeAll(files: readonly { path: string; content: string; mode: number }[]): void {
  for (const file of files) {
    writeFileSync(file.path, file.content, { mode: file.mode });
    chmodSync(file.path, file.mode);
  }
}

if (args['k8s-dev'] !== undefined) {
  const outDir = resolve(args['k8s-dev']);
  const devDir = fileURLToPath(new URL(`../${K8S_DEV_OVERLAY}`, import.meta.url));
  // Kustomize refuses an overlay inside the folder it builds on ("cycle detected").
  if (!relative(devDir, outDir).startsWith('..')) fail(`--k8s-dev ${args['k8s-dev']}: an overlay cannot live inside ${K8S_DEV_OVERLAY} (Kustomize refuses the cycle); use a folder beside it, e.g. deploy/k8s/overlays/dev-local`);
  const files = Object.entries(k8sDevOverlayFiles(await generateComposeSecrets(), relative(outDir, devDir) || '.')).map(([name, content]) => ({ path: join(outDir, name), content, mode: 0o600 }));
  refuseExisting(files.map((f) => f.path), 'what runs keeps its old secrets until restarted');
  mkdirSync(outDir, { recursive: true, mode: 0o700 });
  writeAll(files);
  process.stderr.write(`keys:env: wrote the dev overlay's secrets to ${args['k8s-dev']}; apply with: kubectl apply -k ${args['k8s-dev']}\n`);
  process.exit(0);
}

const secretsDir = resolve(args['secrets-dir'] ?? fileURLToPath(new URL('../deploy/compose/secrets', import.meta.url)));
const secrets = await generateComposeSecrets();
// Readable by the containers' node user whatever its uid on this machine; the folder is git-ignored.
const files = Object.entries(secrets.files).map(([name, content]) => ({ path: join(secretsDir, name), content, mode: 0o644 }));
const out = args.out === undefined ? undefined : resolve(args.out);
refuseExisting([...(out === undefined ? [] : [out]), ...files.map((f) => f.path)], 'the running stack keeps its old secrets until recreated');

mkdirSync(secretsDir, { recursive: true });
writeAll(files);
const text = renderEnvFile(secrets.entries, HEADER);
if (out === undefined) {
  process.stdout.write(text);
} else {
  writeAll([{ path: out, content: text, mode: 0o600 }]);
  process.stderr.write(`keys:env: wrote ${args.out} and ${files.map((f) => f.path).join(', ')}\n`);
}
