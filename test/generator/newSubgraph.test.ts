import { execFileSync, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';

/*
 * The generator end to end, in a throwaway copy of the project (the real tree is never
 * touched): generate a subgraph, then everything CI would run on it — composition, the
 * wiring and schema checks, the type check, lint, and the generated tests, which start
 * the whole stack with the new subgraph and query it through the gateway. So the
 * templates cannot rot without this failing.
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

  it('refuses a name that is taken or malformed, and a port in use, writing nothing', () => {
    const before = readFileSync(join(copy, 'platform/registry/services.ts'), 'utf8');
    const prometheusBefore = readFileSync(join(copy, 'deploy/prometheus/prometheus.yml'), 'utf8');
    for (const args of [['reviews'], ['Bad_Name'], ['coupons', '--port', '4001'], ['coupons', '--vendor', 'identity'], []]) {
      const result = tsx('scripts/newSubgraph.ts', ...args);
      expect(result.status, args.join(' ')).toBe(1);
      expect(result.stderr).toMatch(/new:subgraph: /);
    }
    expect(readFileSync(join(copy, 'platform/registry/services.ts'), 'utf8')).toBe(before);
    expect(existsSync(join(copy, 'subgraphs/coupons'))).toBe(false);
    expect(readFileSync(join(copy, 'deploy/prometheus/prometheus.yml'), 'utf8')).toBe(prometheusBefore);
  }, 60_000);

  it('stops before writing anything when the scrape config is laid out in a way it cannot edit', () => {
    const path = join(copy, 'deploy/prometheus/prometheus.yml');
    const edited = ['platform/registry/services.ts', 'docker-compose.yml', '.env.example'];
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
    } finally {
      writeFileSync(path, prometheus);
    }
  }, 60_000);
});
