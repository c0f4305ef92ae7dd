import { execFileSync, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { kubernetesFiles } from '../../scripts/newSubgraph/editKubernetes.js';
import { ingressAllowed, type PodRef } from '../deploy/networkPolicy.js';
import { hasKubectl, renderOverlay, type RenderedObject } from '../deploy/renderOverlay.js';
import { validateObject } from '../deploy/validateObject.js';

/*
 * The generator end to end, in a throwaway copy of the project (the real tree is never
 * touched): generate a subgraph, then everything CI would run on it — composition, the
 * wiring and schema checks, the type check, lint, the generated tests, which start
 * the whole stack with the new subgraph and query it through the gateway, and the
 * Kubernetes overlays rendered with it and checked as test/deploy checks every service. So
 * the templates cannot rot without this failing.
 */
const root = fileURLToPath(new URL('../..', import.meta.url));
let copy: string;

function run(command: string, args: readonly string[]): SpawnSyncReturns<string> {
  // A clean environment for the child tools: no vitest worker state, no test-only variables.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('VITEST') && k !== 'NODE_OPTIONS' && k !== 'TEST'));
  return spawnSync(command, args, { cwd: copy, env: { ...env, APOLLO_TELEMETRY_DISABLED: '1', NO_COLOR: '1' }, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
}
const tsx = (script: string, ...args: string[]) => run(process.execPath, ['--import', 'tsx', script, ...args]);
const bin = (name: string, ...args: string[]) => run(process.execPath, [join(root, 'node_modules', name), ...args]);
// eslint-disable-next-line no-control-regex -- terminal colour codes
const plain = (text: string) => text.replace(/\x1b\[[0-9;]*m/g, '');
const output = (r: SpawnSyncReturns<string>) => plain(`${r.stdout}\n${r.stderr}`);

// The generated Kubernetes manifests are rendered with kubectl's built-in kustomize, as test/deploy does.
const kubectl = hasKubectl();
const kubectlNote = 'kubectl not found: install kubectl 1.31+ (kustomize v5.5 built in, https://kubernetes.io/docs/tasks/tools/) to check the generated Kubernetes manifests';
if (!kubectl) console.warn(`test/generator/newSubgraph.test.ts: Kubernetes checks skipped: ${kubectlNote}`);

beforeAll(() => {
  copy = mkdtempSync(join(tmpdir(), 'mobile-graph-generator-'));
  // The project as a fresh clone would have it (tracked and new files, nothing ignored), sharing node_modules.
  const files = execFileSync('git', ['ls-files', '-co', '--exclude-standard', '-z'], { cwd: root, encoding: 'utf8' }).split('\0').filter(Boolean);
  for (const file of files) if (existsSync(join(root, file))) cpSync(join(root, file), join(copy, file));
  symlinkSync(join(root, 'node_modules'), join(copy, 'node_modules'), 'dir');
  // A repository of its own, as a team's clone is: the checks that read git (the schema
  // check's baseline, the import rules' file list) see the project before the generator ran.
  const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=generator-test', '-c', 'user.email=generator-test@localhost', ...args], { cwd: copy, stdio: 'ignore' });
  git('init', '-q');
  git('add', '-A');
  git('commit', '-q', '--no-verify', '-m', 'the project before new:subgraph');
});
afterAll(() => {
  if (copy) rmSync(copy, { recursive: true, force: true });
});

describe('npm run new:subgraph, end to end in a copy of the project', () => {
  it('generates a subgraph that composes, passes every check and its own tests, and serves 20 products with one vendor call', () => {
    const generated = tsx('scripts/newSubgraph.ts', 'loyalty', '--brand', 'Pointly');
    expect(generated.status, output(generated)).toBe(0);
    expect(generated.stdout).toContain('The loyalty subgraph is in the graph');
    expect(generated.stdout).toContain('deploy/k8s/base/loyalty.yaml');

    // Registered, composed and wired: nothing else for the team to touch.
    expect(readFileSync(join(copy, 'platform/registry/services.ts'), 'utf8')).toContain("{ name: 'loyalty', port: 4006, vendor: 'loyalty', owns: 'Product.loyalty' }");
    expect(readFileSync(join(copy, 'schema/supergraph.graphql'), 'utf8')).toMatch(/LOYALTY @join__graph\(name: "loyalty", url: "http:\/\/localhost:4006\/graphql"\)/);
    expect(readFileSync(join(copy, 'README.md'), 'utf8')).toContain('`LOYALTY_VENDOR_URL`');
    expect(readFileSync(join(copy, 'docker-compose.yml'), 'utf8')).toContain('loyalty=http://loyalty:4006/graphql');
    // Scraped by Prometheus where docker-compose.yml runs it, after the jobs that were there, the file's comments kept.
    const prometheus = readFileSync(join(copy, 'deploy/prometheus/prometheus.yml'), 'utf8');
    const jobsBefore = (parseYaml(execFileSync('git', ['show', 'HEAD:deploy/prometheus/prometheus.yml'], { cwd: copy, encoding: 'utf8' })) as { scrape_configs: { job_name: string }[] }).scrape_configs;
    const jobs = (parseYaml(prometheus) as { scrape_configs: { job_name: string; static_configs: { targets: string[] }[] }[] }).scrape_configs;
    expect(jobs).toEqual([...jobsBefore, { job_name: 'loyalty', static_configs: [{ targets: ['loyalty:4006'] }] }]);
    expect(prometheus).toContain('# one job per service of platform/registry/services.ts, reached by its compose service name.');

    // What CI checks, as package.json names it (type check included).
    const scripts = (JSON.parse(readFileSync(join(copy, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    const checks = ['compose:check', 'schema:check', 'manifest:check', 'docs:check', 'wiring:check', 'typecheck'];
    for (const name of checks) expect(scripts[name], `package.json has no "${name}" script`).toBeDefined();
    for (const check of checks) {
      const result = run('npm', ['run', '--silent', check]);
      expect(result.status, `npm run ${check}: ${output(result)}`).toBe(0);
    }
    const lint = bin('eslint/bin/eslint.js', 'subgraphs/loyalty', 'vendors/loyalty');
    expect(lint.status, output(lint)).toBe(0);

    // Its generated tests: the kit's promises counted at its sandbox vendor, and the gateway query.
    const tests = bin('vitest/vitest.mjs', 'run', '--reporter=verbose', 'subgraphs/loyalty', 'vendors/loyalty');
    expect(tests.status, output(tests)).toBe(0);
    expect(plain(tests.stdout)).toMatch(/Test Files\s+4 passed/);
    // And the shared tests that see every service keep passing with one more.
    const shared = bin('vitest/vitest.mjs', 'run', 'test/architecture', 'vendors/startSandbox.test.ts', 'scripts/newSubgraph', 'test/e2e/homeScreen.test.ts');
    expect(shared.status, output(shared)).toBe(0);
    expect(plain(tests.stdout)).toContain('adds loyalty to 20 products with one call to its vendor');
    // The operator kit's check that every registry service is scraped (and, with promtool, that the config still loads).
    const scraped = bin('vitest/vitest.mjs', 'run', '--reporter=verbose', 'test/observability/operatorKit.test.ts', '-t', 'scrapes every service of the registry|check config deploy/prometheus/prometheus.yml');
    expect(scraped.status, output(scraped)).toBe(0);
    expect(plain(scraped.stdout)).toMatch(/✓ .*scrapes every service of the registry by its compose name/);
  }, 300_000);

  it.skipIf(!kubectl)(`writes its Kubernetes manifests: both overlays render valid, with its Deployment, Service, PDB, policies and route, and test/deploy passes${kubectl ? '' : ` — skipped: ${kubectlNote}`}`, () => {
    const dataOf = (o: RenderedObject | undefined) => (o?.data ?? {}) as Record<string, string>;
    for (const { overlay, namespace } of [{ overlay: 'dev', namespace: 'mobile-graph-dev' }, { overlay: 'prod', namespace: 'mobile-graph' }]) {
      const objects = renderOverlay(join(copy, `deploy/k8s/overlays/${overlay}`));
      expect(objects.flatMap(validateObject), overlay).toEqual([]);
      const find = (kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name);
      // Generated ConfigMaps and Secrets carry a hash of their content in their name.
      const generated = (kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name.replace(/-[a-z0-9]{10}$/, '') === name);

      const deployment = find('Deployment', 'loyalty') as (RenderedObject & { spec: { template: { metadata: { labels: Record<string, string> }; spec: { containers: { command: string[]; ports: { containerPort: number }[]; envFrom: { configMapRef?: { name: string }; secretRef?: { name: string } }[] }[] } } } }) | undefined;
      expect(deployment, `${overlay}: Deployment loyalty`).toBeDefined();
      const container = deployment!.spec.template.spec.containers[0]!;
      expect(container.command).toEqual(['node', 'dist/subgraphs/loyalty/main.js']);
      expect(container.ports).toEqual([{ name: 'http', containerPort: 4006 }]);
      expect(container.envFrom.map((f) => (f.configMapRef ?? f.secretRef)!.name.replace(/-[a-z0-9]{10}$/, ''))).toEqual(['loyalty-config', 'loyalty-secrets']);
      expect((find('Service', 'loyalty')?.spec as { ports: { port: number }[] } | undefined)?.ports.map((p) => p.port)).toEqual([4006]);
      expect(find('PodDisruptionBudget', 'loyalty'), `${overlay}: PodDisruptionBudget loyalty`).toBeDefined();
      expect(dataOf(generated('ConfigMap', 'gateway-config')).SUBGRAPH_URLS?.split(',')).toContain('loyalty=http://loyalty:4006/graphql');
      expect(dataOf(generated('ConfigMap', 'loyalty-config'))).toMatchObject({ LOYALTY_HOST: '0.0.0.0', LOYALTY_INTROSPECTION: 'false', LOYALTY_VENDOR_URL: overlay === 'dev' ? 'http://sandbox:4107' : 'https://api.loyalty.example.com' });

      // Its NetworkPolicies: the gateway and Prometheus reach its port, no one else.
      const podOf = (name: string): PodRef => ({ namespace, labels: (find('Deployment', name)!.spec as { template: { metadata: { labels: Record<string, string> } } }).template.metadata.labels });
      const sources: Record<string, PodRef> = {
        gateway: podOf('gateway'),
        catalog: podOf('catalog'),
        prometheus: { namespace: 'monitoring', labels: { 'app.kubernetes.io/name': 'prometheus' } },
        'ingress-nginx': { namespace: 'ingress-nginx', labels: { 'app.kubernetes.io/name': 'ingress-nginx' } },
        stranger: { namespace, labels: { 'app.kubernetes.io/name': 'debug' } },
      };
      expect(Object.keys(sources).filter((from) => ingressAllowed(objects, sources[from]!, podOf('loyalty'), 4006))).toEqual(['gateway', 'prometheus']);

      if (overlay === 'dev') {
        // The sandbox serves its vendor with the placeholder key the subgraph holds.
        const sandbox = (find('Deployment', 'sandbox')!.spec as { template: { spec: { containers: { env: { name: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }[]; ports: { containerPort: number }[] }[] } } }).template.spec.containers[0]!;
        const key = sandbox.env.find((e) => e.name === 'SANDBOX_LOYALTY_KEY')?.valueFrom?.secretKeyRef;
        expect(key?.name.replace(/-[a-z0-9]{10}$/, '')).toBe('loyalty-secrets');
        expect(key?.key).toBe('LOYALTY_VENDOR_KEY');
        expect(sandbox.ports.map((p) => p.containerPort)).toContain(4107);
        expect((find('Service', 'sandbox')!.spec as { ports: { port: number }[] }).ports.map((p) => p.port)).toContain(4107);
        expect(Buffer.from(dataOf(generated('Secret', 'loyalty-secrets')).LOYALTY_VENDOR_KEY ?? '', 'base64').toString()).toMatch(/^PLACEHOLDER-dev-only-/);
      } else {
        expect(objects.filter((o) => o.kind === 'Secret')).toEqual([]);
      }
    }
    expect(readFileSync(join(copy, 'deploy/k8s/README.md'), 'utf8')).toContain('| `loyalty-secrets` | `LOYALTY_VENDOR_KEY` | loyalty |');

    // And every check test/deploy makes of every service of the registry, loyalty now among them.
    const deploy = bin('vitest/vitest.mjs', 'run', '--reporter=verbose', 'test/deploy/kubernetes.test.ts');
    expect(deploy.status, output(deploy)).toBe(0);
    expect(plain(deploy.stdout)).toMatch(/✓ .*overlay '?prod'? > '?loyalty'?: Deployment, Service and PodDisruptionBudget/);
  }, 120_000);

  it('runs in docker-compose like the others: the compiled entry, development mode in deploy/compose/dev.yml, test/deploy/compose.test.ts passing', () => {
    const compose = parseYaml(readFileSync(join(copy, 'docker-compose.yml'), 'utf8'), { merge: true }) as { services: Record<string, { command?: string[] }> };
    expect(compose.services.loyalty?.command).toEqual(['node', 'dist/subgraphs/loyalty/main.js']);
    const dev = parseYaml(readFileSync(join(copy, 'deploy/compose/dev.yml'), 'utf8')) as { services: Record<string, unknown> };
    expect(dev.services.loyalty).toEqual({ environment: { NODE_ENV: 'development' } });
    // Skips itself (and says why) where docker-compose is missing.
    const checked = bin('vitest/vitest.mjs', 'run', 'test/deploy/compose.test.ts');
    expect(checked.status, output(checked)).toBe(0);
  }, 300_000);

  it('refuses a name that is taken or malformed, and a port in use, writing nothing', () => {
    const watched = ['platform/registry/services.ts', 'deploy/prometheus/prometheus.yml', 'docker-compose.yml', 'deploy/compose/dev.yml', ...kubernetesFiles];
    const before = watched.map((file) => readFileSync(join(copy, file), 'utf8'));
    for (const args of [['reviews'], ['loyalty'], ['Bad_Name'], ['coupons', '--port', '4001'], ['coupons', '--vendor', 'identity'], []]) {
      const result = tsx('scripts/newSubgraph.ts', ...args);
      expect(result.status, args.join(' ')).toBe(1);
      expect(result.stderr).toMatch(/new:subgraph: /);
    }
    // A name no service of the registry has, but a Deployment of deploy/k8s does (payments' worker).
    const worker = tsx('scripts/newSubgraph.ts', 'payments-worker');
    expect(worker.status, output(worker)).toBe(1);
    expect(worker.stderr).toContain('new:subgraph: cannot generate the subgraph: deploy/k8s already has Deployment "payments-worker" in deploy/k8s/base/payments.yaml');
    expect(watched.map((file) => readFileSync(join(copy, file), 'utf8'))).toEqual(before);
    for (const dir of ['subgraphs/coupons', 'subgraphs/payments-worker', 'vendors/payments-worker']) expect(existsSync(join(copy, dir)), dir).toBe(false);
    expect(existsSync(join(copy, 'deploy/k8s/base/payments-worker.yaml'))).toBe(false);
  }, 60_000);

  it('stops before writing anything when the scrape config is laid out in a way it cannot edit', () => {
    const path = join(copy, 'deploy/prometheus/prometheus.yml');
    const edited = ['platform/registry/services.ts', 'docker-compose.yml', 'deploy/compose/dev.yml', '.env.example', ...kubernetesFiles];
    const before = edited.map((file) => readFileSync(join(copy, file), 'utf8'));
    const prometheus = readFileSync(path, 'utf8');
    writeFileSync(path, 'global:\n  scrape_interval: 15s\nscrape_configs: []\n');
    try {
      const result = tsx('scripts/newSubgraph.ts', 'coupons');
      expect(result.status, output(result)).toBe(1);
      expect(result.stderr).toMatch(/new:subgraph: deploy\/prometheus\/prometheus\.yml: .*add the job by hand: - job_name: coupons \/ static_configs: - targets: \["coupons:\d+"\]/);
      expect(edited.map((file) => readFileSync(join(copy, file), 'utf8'))).toEqual(before);
      expect(existsSync(join(copy, 'subgraphs/coupons'))).toBe(false);
      expect(existsSync(join(copy, 'vendors/coupons'))).toBe(false);
      expect(existsSync(join(copy, 'deploy/k8s/base/coupons.yaml'))).toBe(false);
    } finally {
      writeFileSync(path, prometheus);
    }
  }, 60_000);
});
