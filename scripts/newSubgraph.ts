/**
 * `npm run new:subgraph -- <name> [--vendor <name>] [--brand <Brand>] [--port <n>] [--vendor-port <n>]`
 *
 * Generates a working subgraph and its sandbox vendor from scripts/newSubgraph/templates/,
 * registers both in platform/registry/services.ts, wires them into docker-compose.yml (and
 * its development override deploy/compose/dev.yml) and .env.example, gives the subgraph a
 * scrape job in deploy/prometheus/prometheus.yml and its Kubernetes manifests in deploy/k8s
 * (base/<name>.yaml, its ConfigMap, the gateway's route, the network policies, the dev
 * overlay's sandbox and placeholder Secret, the prod overlay's vendor URL), then recomposes
 * the supergraph and regenerates the docs. Its tests pass on day one; the team then fills in
 * the schema, the vendor client and the sandbox vendor.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { gatewayEntry, sandboxVendorEntries, subgraphEntries } from '../platform/registry/services.js';
import { addToComposeDevFile, COMPOSE_DEV } from './newSubgraph/editComposeDevFile.js';
import { addToComposeFile } from './newSubgraph/editComposeFile.js';
import { addToEnvExample } from './newSubgraph/editEnvExample.js';
import { addToKubernetes, K8S, kubernetesNameClashes } from './newSubgraph/editKubernetes.js';
import { addToPrometheusConfig } from './newSubgraph/editPrometheusConfig.js';
import { addToRegistry } from './newSubgraph/editRegistry.js';
import { planSubgraph } from './newSubgraph/planSubgraph.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const at = (path: string) => `${root}${path}`;
const USAGE = 'usage: npm run new:subgraph -- <name> [--vendor <name>] [--brand <Brand>] [--port <n>] [--vendor-port <n>]';

function fail(message: string): never {
  console.error(`new:subgraph: ${message}`);
  process.exit(1);
}

let args: ReturnType<typeof parse>;
function parse() {
  return parseArgs({
    allowPositionals: true,
    options: { vendor: { type: 'string' }, brand: { type: 'string' }, port: { type: 'string' }, 'vendor-port': { type: 'string' }, help: { type: 'boolean' } },
  });
}
try {
  args = parse();
} catch (err) {
  fail(`${(err as Error).message}\n${USAGE}`);
}
if (args.values.help) {
  console.log(USAGE);
  process.exit(0);
}
if (args.positionals.length !== 1) fail(`expected one subgraph name, got ${args.positionals.length}\n${USAGE}`);
const portArg = (flag: 'port' | 'vendor-port') => {
  const raw = args.values[flag];
  if (raw === undefined) return undefined;
  if (!/^\d{1,5}$/.test(raw)) fail(`--${flag} ${JSON.stringify(raw)}: expected a port number`);
  return Number(raw);
};

let plan: ReturnType<typeof planSubgraph>;
try {
  plan = planSubgraph(
    { name: args.positionals[0]!, vendor: args.values.vendor, brand: args.values.brand, port: portArg('port'), vendorPort: portArg('vendor-port') },
    { subgraphs: subgraphEntries, vendors: sandboxVendorEntries, gatewayPort: gatewayEntry.port },
    (path) => existsSync(at(path)),
  );
} catch (err) {
  fail((err as Error).message);
}

// Every edit is computed before the first write, so a file laid out unexpectedly stops it before anything changes.
const edits: [string, string][] = [];
const manifestEdits: string[] = [];
const wiring = { subgraph: plan.names, port: plan.subgraph.port, vendor: plan.vendorNames, vendorPort: plan.vendor.port, vendorKey: plan.vendor.defaultKey };
try {
  edits.push(['platform/registry/services.ts', addToRegistry(readFileSync(at('platform/registry/services.ts'), 'utf8'), plan.subgraph, plan.vendor)]);
  edits.push(['docker-compose.yml', addToComposeFile(readFileSync(at('docker-compose.yml'), 'utf8'), wiring)]);
  edits.push([COMPOSE_DEV, addToComposeDevFile(readFileSync(at(COMPOSE_DEV), 'utf8'), plan.names.name)]);
  edits.push(['.env.example', addToEnvExample(readFileSync(at('.env.example'), 'utf8'), wiring)]);
  edits.push(['deploy/prometheus/prometheus.yml', addToPrometheusConfig(readFileSync(at('deploy/prometheus/prometheus.yml'), 'utf8'), plan.subgraph)]);
  const manifests = new Map<string, string>(
    (readdirSync(at(K8S), { recursive: true, encoding: 'utf8' }) as string[])
      .filter((path) => /\.ya?ml$/.test(path))
      .map((path) => [`${K8S}/${path}`, readFileSync(at(`${K8S}/${path}`), 'utf8')] as const),
  );
  const clashes = kubernetesNameClashes(manifests, plan.names.name);
  if (clashes.length > 0) throw new Error(`cannot generate the subgraph: deploy/k8s already has ${clashes.join(', ')}; pick another name`);
  // The manifests as read above (README.md, not YAML, is read here).
  const current = (path: string) => manifests.get(path) ?? readFileSync(at(path), 'utf8');
  const kubernetes = addToKubernetes(current, { ...wiring, subgraphPorts: subgraphEntries.map((s) => s.port) });
  for (const [path, content] of kubernetes) {
    // A file the subgraph needs nothing from (its SUBGRAPH_URLS set elsewhere) is not rewritten.
    if (content === current(path)) continue;
    edits.push([path, content]);
    manifestEdits.push(path);
  }
} catch (err) {
  fail((err as Error).message);
}

for (const [path, content] of plan.files) {
  mkdirSync(dirname(at(path)), { recursive: true });
  writeFileSync(at(path), content, { flag: 'wx' });
}
for (const [path, content] of edits) writeFileSync(at(path), content);
const { name: created } = plan.names;
console.log(
  `created subgraphs/${created}/ and vendors/${plan.vendorNames.name}/ (${plan.files.size} files, with deploy/k8s/base/${created}.yaml and deploy/k8s/overlays/dev/placeholders/${created}-secrets.env); ` +
    `registered both; wired docker-compose.yml (and ${COMPOSE_DEV}), .env.example, deploy/prometheus/prometheus.yml and the Kubernetes manifests (${manifestEdits.join(', ')})`,
);

// In fresh processes: they read the registry as it is now.
const scripts = (JSON.parse(readFileSync(at('package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
for (const script of ['compose', 'docs', 'manifest:check']) {
  if (scripts[script] === undefined) continue;
  const run = spawnSync('npm', ['run', '--silent', script], { cwd: root, stdio: 'inherit' });
  if (run.status !== 0) fail(`npm run ${script} failed (above); fix it, then run it again`);
}

const { name, camel } = plan.names;
console.log(`
The ${name} subgraph is in the graph: Product.${camel} on port ${plan.subgraph.port}, over the sandbox vendor ${plan.vendorNames.name} (port ${plan.vendor.port}).

  npm run test:subgraph -- ${name}   its tests (they pass now)
  npm run dev -- ${name}             it and its sandbox vendor alone
  npm start                          the whole system, with it

Now make it yours (subgraphs/${name}/README.md, "Make it yours"):
  1. subgraphs/${name}/schema.graphql           your types and fields
  2. subgraphs/${name}/${camel}VendorClient.ts  your vendor's endpoints and answer validation
  3. vendors/${plan.vendorNames.name}/routes.ts and data.ts  the sandbox twin of your vendor
Then npm run compose, npm run schema:check, and commit.

Kubernetes (deploy/k8s/README.md): it runs as deploy/k8s/base/${name}.yaml. Before a prod apply, create the Secret
${name}-secrets (${plan.names.prefix}_VENDOR_KEY) in the cluster and set ${plan.names.prefix}_VENDOR_URL in deploy/k8s/overlays/prod/kustomization.yaml.`);
