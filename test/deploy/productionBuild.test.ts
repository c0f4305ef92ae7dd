/**
 * The production image's path, checked without a Docker engine: `npm run build` compiles
 * every entry point the image runs; the files the Dockerfile puts in the image (dist, the
 * project-relative data, package.json; node_modules resolved from the project) are enough to
 * run the whole system with plain `node`, a user signs up, signs in and loads the home screen
 * through the compiled gateway; the image's health check tells a live service from a dead
 * one; and the Dockerfile is read statically for what makes it a production image.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatewaySettings } from '../../gateway/src/config.js';
import { healthTargetOf, HealthTargetError } from '../../platform/healthcheck/healthTargetOf.js';
import { generateIdentityKeys } from '../../platform/identity/generateIdentityKeys.js';
import { gatewayEntry, sandboxVendorEntries, SERVICE_NODE_FLAGS, subgraphEntries, subgraphPaths } from '../../platform/registry/services.js';
import { listenPorts } from '../harness/listenPorts.js';
import { buildProduction } from '../../scripts/build/buildProduction.js';
import { compiledEntry, HEALTHCHECK_ENTRY, imageEntries } from '../../scripts/build/imageEntries.js';
import { moduleAssets, PROJECT_ROOT_ASSETS, RUNTIME_FOLDERS } from '../../scripts/build/runtimeAssets.js';
import { planServices } from '../../scripts/start/planServices.js';
import { probeReady } from '../../scripts/start/probeReady.js';
import { loadSubgraphModules } from '../../subgraphs/loadSubgraphModules.js';
import { uniqueEmail } from '../../vendors/identity/identityTestClient.js';
import { COLD_START_BUDGETS } from '../harness/coldStartBudgets.js';
import { inMemoryStores } from '../harness/inMemoryStores.js';
import { operation } from '../harness/operations.js';
import { copyOf, execForm, parseDockerfile, type Stage } from './parseDockerfile.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const dockerfile = parseDockerfile(readFileSync(join(root, 'Dockerfile'), 'utf8'));
const finalStage = dockerfile.stages.at(-1)!;
const stageNamed = (name: string | undefined) => dockerfile.stages.find((s) => s.name === name);
const instructionsOf = (stage: Stage, keyword: string) => stage.instructions.filter((i) => i.keyword === keyword);
const packageJson = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; devDependencies: Record<string, string>; scripts: Record<string, string> };
const image = imageEntries(root);

/** Every file under `dir`, relative to it, `/`-separated. */
function filesUnder(dir: string): string[] {
  return (readdirSync(dir, { recursive: true, withFileTypes: true }) as { name: string; parentPath: string; isFile(): boolean }[])
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)).split('\\').join('/'))
    .sort();
}

/** The package a bare specifier names: `@apollo/server/plugin/x` → `@apollo/server`, `graphql/error` → `graphql`. */
const packageOf = (specifier: string) => specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/');

/** Every module specifier a compiled file imports: static, dynamic with a literal, side-effect, re-export, createRequire'd. */
function specifiersOf(js: string): string[] {
  const found: string[] = [];
  for (const pattern of [/\bfrom\s*['"]([^'"]+)['"]/g, /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g, /^\s*import\s*['"]([^'"]+)['"]/gm, /\brequire\(\s*['"]([^'"]+)['"]\s*\)/g]) {
    for (const match of js.matchAll(pattern)) found.push(match[1]!);
  }
  return found;
}

interface Started {
  readonly name: string;
  readonly command: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly child: ChildProcess;
  output(): string;
  readonly exited: Promise<number | null>;
  exit: { code: number | null } | undefined;
}

/** `node <args>` from `cwd` with `env` and nothing else of this process's environment (PATH aside), in its own process group. */
function startNode(name: string, cwd: string, args: readonly string[], env: Record<string, string>): Started {
  const child = spawn(process.execPath, args, { cwd, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  const started: Started = {
    name,
    command: ['node', ...args],
    env,
    child,
    output: () => out,
    exit: undefined,
    exited: new Promise((resolve) => child.once('exit', (code) => {
      started.exit = { code };
      resolve(code);
    })),
  };
  return started;
}

/** Runs `node <args>` to its end: exit code and everything it wrote. */
async function runNode(cwd: string, args: readonly string[], env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const run = startNode('run', cwd, args, env);
  const code = await run.exited;
  return { code, output: run.output() };
}

/** Polls `url` until it answers 2xx; fails at once with the service's output if it exits. */
async function waitHealthy(service: Started, url: string, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (service.exit !== undefined) throw new Error(`${service.name} exited (${service.exit.code}) before it was ready:\n${service.output()}`);
    if (await probeReady(url, 2_000)) return;
    if (Date.now() > deadline) throw new Error(`${service.name} was not ready at ${url} in time:\n${service.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** A process's command line as /proc keeps it: what the image's health check reads of PID 1. */
const cmdlineOf = (pid: number) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter((a) => a !== '');

/** Whether any process of this process group still runs (its leader's PID is the group id). */
function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** SIGTERM to each group (they drain and exit), SIGKILL to what is left after `graceMs`. */
async function stopAll(services: readonly Started[], graceMs = 15_000): Promise<void> {
  for (const s of services) if (s.exit === undefined) signalGroup(s, 'SIGTERM');
  await Promise.race([Promise.all(services.map((s) => s.exited)), new Promise((resolve) => setTimeout(resolve, graceMs))]);
  for (const s of services) signalGroup(s, 'SIGKILL');
  await Promise.all(services.map((s) => s.exited));
}

function signalGroup(s: Started, signal: NodeJS.Signals): void {
  try {
    process.kill(-s.child.pid!, signal);
  } catch {
    // already gone
  }
}

describe('production build (npm run build: dist/, run with plain node)', () => {
  // The image's /app: dist/ and what the Dockerfile copies from the build context. Inside the
  // project, so that bare imports resolve from its node_modules as from the image's.
  const imageDir = join(root, '.test-output', `image-${randomBytes(4).toString('hex')}`);
  const dist = join(imageDir, 'dist');
  /** Every file of dist/, once built. */
  let built: string[];

  beforeAll(() => {
    // Type checking is `npm run typecheck`'s job; the emitted JavaScript is the same without it.
    buildProduction({ root, outDir: dist, typeCheck: false });
    built = filesUnder(dist);
    for (const copy of instructionsOf(finalStage, 'COPY').map(copyOf).filter((c) => c.flags.from === undefined)) {
      for (const source of copy.sources) {
        const target = join(imageDir, copy.sources.length === 1 && !copy.dest.endsWith('/') ? copy.dest : join(copy.dest, source));
        mkdirSync(dirname(target), { recursive: true });
        cpSync(join(root, source), target, { recursive: true });
      }
    }
  }, 240_000);

  afterAll(() => rmSync(imageDir, { recursive: true, force: true }));

  it('compiles every entry point of the image, puts the files modules read beside them, and ships no TypeScript and no tests', () => {
    expect(image.map((e) => e.kind)).toEqual(expect.arrayContaining(['gateway', 'subgraph', 'worker', 'sandbox', 'healthcheck']));
    expect(image.filter((e) => !built.includes(compiledEntry(e.source).replace(/^dist\//, ''))).map((e) => e.source)).toEqual([]);
    expect(built).toContain('gateway/src/main.js');
    for (const s of subgraphEntries) expect(built).toContain(`subgraphs/${s.name}/main.js`);
    expect(built).toEqual(expect.arrayContaining(['subgraphs/payments/worker/main.js', 'subgraphs/notifications/worker/main.js', 'vendors/main.js']));

    const assets = moduleAssets(root);
    expect(assets).toEqual(expect.arrayContaining(subgraphEntries.map((s) => `subgraphs/${s.name}/schema.graphql`)));
    expect(assets.filter((a) => !built.includes(a))).toEqual([]);
    expect(built.filter((f) => f.endsWith('.ts') || f.endsWith('.test.js') || f.split('/').includes('test'))).toEqual([]);
    expect(new Set(built.map((f) => f.split('/')[0]))).toEqual(new Set(RUNTIME_FOLDERS));
  });

  it('loads only production dependencies and Node built-ins at run time (no tsx, no dev package)', () => {
    const production = new Set(Object.keys(packageJson.dependencies));
    const builtins = new Set(builtinModules);
    const outside = built
      .filter((f) => f.endsWith('.js'))
      .flatMap((f) =>
        specifiersOf(readFileSync(join(dist, f), 'utf8'))
          .filter((s) => !s.startsWith('.') && !s.startsWith('node:') && !builtins.has(s) && !production.has(packageOf(s)))
          .map((s) => `${f} imports ${s}`),
      );
    expect(outside).toEqual([]);
    expect(packageJson.dependencies.tsx).toBeUndefined();
    expect(packageJson.devDependencies.tsx).toBeDefined();
  });

  it('runs the sandbox, every subgraph, a worker and the gateway with plain node: sign up, sign in, the home screen, me; the health check passes on each, and fails once they stop', async () => {
    const portList = await listenPorts(1 + subgraphEntries.length + sandboxVendorEntries.length + 1);
    const ports = {
      gateway: portList[0]!,
      subgraphs: Object.fromEntries(subgraphEntries.map((s, i) => [s.name, portList[1 + i]!])),
      vendors: Object.fromEntries(sandboxVendorEntries.map((v, i) => [v.name, portList[1 + subgraphEntries.length + i]!])),
    };
    const workerMetricsPort = portList.at(-1)!;
    const plan = planServices(ports);
    const keys = await generateIdentityKeys();
    const env = {
      ...plan.env,
      ...COLD_START_BUDGETS,
      ...inMemoryStores(),
      LOG_LEVEL: 'warn',
      APOLLO_TELEMETRY_DISABLED: '1',
      // The image's V8 flags (its ENV): node must accept them in NODE_OPTIONS on every Node CI runs.
      NODE_OPTIONS: SERVICE_NODE_FLAGS.join(' '),
      GATEWAY_IDENTITY_PRIVATE_KEY: keys.privateJwk,
      GATEWAY_IDENTITY_JWKS: keys.publicJwks,
    };
    const services: Started[] = [];
    const probe = (s: Started) => runNode(imageDir, [compiledEntry(HEALTHCHECK_ENTRY), ...s.command.slice(1)], s.env);
    try {
      for (const wave of plan.waves) {
        const started = wave.map((service) => ({ process: startNode(service.name, imageDir, [compiledEntry(service.entry)], env), health: service.health }));
        if (wave.some((s) => s.name === 'payments')) {
          // A worker alone, as its Deployment runs it (its own store here): its only listener is METRICS_PORT.
          const worker = startNode('payments-worker', imageDir, [compiledEntry(subgraphPaths('payments').worker)], { ...env, METRICS_PORT: String(workerMetricsPort) });
          started.push({ process: worker, health: `http://127.0.0.1:${workerMetricsPort}/healthz` });
        }
        services.push(...started.map((s) => s.process));
        await Promise.all(started.map((s) => waitHealthy(s.process, s.health)));
      }
      // Nothing runs TypeScript: every process, as the system runs it, is plain node (no loader, no
      // flag) on an entry the build compiled.
      const compiled = image.map((e) => compiledEntry(e.source));
      for (const s of services) {
        const [node, ...args] = cmdlineOf(s.child.pid!);
        expect(node, s.name).toBe(process.execPath);
        expect(args, s.name).toEqual([expect.stringMatching(/^dist\/.+\.js$/)]);
        expect(compiled, s.name).toContain(args[0]);
      }

      const graphql = async <T>(name: Parameters<typeof operation>[0], variables?: Record<string, unknown>, token?: string) => {
        const res = await fetch(plan.gatewayUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(token === undefined ? {} : { authorization: `Bearer ${token}` }) },
          body: JSON.stringify({ query: operation(name), variables }),
        });
        expect(res.status, name).toBe(200);
        return (await res.json()) as { data?: T; errors?: unknown[] };
      };
      const email = uniqueEmail('image');
      const password = 'correct horse battery staple';
      interface Session {
        readonly accessToken: string;
        readonly user: { readonly id: string };
      }
      const signedUp = await graphql<{ signUp: Session }>('SignUp', { input: { email, password, displayName: 'Image Tester' } });
      expect(signedUp.errors).toBeUndefined();
      const userId = signedUp.data!.signUp.user.id;
      const signedIn = await graphql<{ signIn: Session }>('SignIn', { input: { email, password } });
      expect(signedIn.errors).toBeUndefined();
      expect(signedIn.data!.signIn.user.id).toBe(userId);
      const home = await graphql<{ products: { edges: unknown[] } }>('HomeScreen');
      expect(home.errors).toBeUndefined();
      expect(home.data!.products.edges).toHaveLength(20);
      const me = await graphql<{ me: unknown }>('Me', undefined, signedIn.data!.signIn.accessToken);
      expect(me.errors).toBeUndefined();
      expect(me.data!.me).toEqual({ id: userId, displayName: 'Image Tester', avatarUrl: null, email });

      // The image's health check, on every service, with the command and environment the service got.
      const live = await Promise.all(services.map(async (s) => ({ name: s.name, ...(await probe(s)) })));
      for (const result of live) {
        expect(result, result.output).toMatchObject({ code: 0 });
        expect(result.output).toMatch(new RegExp(`^healthy: ${result.name} http://127\\.0\\.0\\.1:\\d+/`));
      }
      // What it reads in a container: the service's own command line, as /proc keeps it.
      const catalog = services.find((s) => s.name === 'catalog')!;
      expect(healthTargetOf(cmdlineOf(catalog.child.pid!), env)).toEqual({ service: 'catalog', url: `http://127.0.0.1:${ports.subgraphs.catalog}/readyz` });
    } finally {
      await stopAll(services);
    }
    // Every process it started, and anything they started, is gone.
    expect(services.filter((s) => groupAlive(s.child.pid!)).map((s) => s.name)).toEqual([]);

    const dead = await Promise.all(services.filter((s) => ['gateway', 'catalog', 'payments-worker', 'sandbox'].includes(s.name)).map(async (s) => ({ name: s.name, ...(await probe(s)) })));
    expect(dead).toHaveLength(4);
    for (const result of dead) {
      expect(result.code, result.output).toBe(1);
      expect(result.output).toMatch(new RegExp(`^unhealthy: ${result.name} http://127\\.0\\.0\\.1:\\d+/`));
    }
    const stranger = await runNode(imageDir, [compiledEntry(HEALTHCHECK_ENTRY), 'node', 'server.js'], {});
    expect(stranger.code).toBe(1);
    expect(stranger.output).toMatch(/^unhealthy: no service of this image in the command "node server\.js"/);
  }, 240_000);
});

describe('the health check finds the service and its URL from the command line and the environment', () => {
  it.each([
    [['node', 'dist/gateway/src/main.js'], {}, 'gateway', 'http://127.0.0.1:4000/readyz'],
    [['node', '/app/dist/gateway/src/main.js'], { GATEWAY_PORT: '8080', GATEWAY_HOST: '0.0.0.0' }, 'gateway', 'http://127.0.0.1:8080/readyz'],
    [['/sbin/docker-init', '--', 'node', 'dist/subgraphs/catalog/main.js'], { CATALOG_HOST: '10.1.2.3' }, 'catalog', 'http://10.1.2.3:4001/readyz'],
    [['node', 'dist/subgraphs/payments/main.js'], { PAYMENTS_HOST: '::' }, 'payments', 'http://127.0.0.1:4004/readyz'],
    [['node', 'dist/subgraphs/notifications/worker/main.js'], { METRICS_PORT: '9464', NOTIFICATIONS_HOST: '::1' }, 'notifications-worker', 'http://[::1]:9464/healthz'],
    [['node', '--import', 'tsx', 'vendors/main.ts'], { SANDBOX_COMMERCE_PORT: '5101' }, 'sandbox', 'http://127.0.0.1:5101/__sandbox/health'],
  ] as const)('%j %j → %s', (command, env, service, url) => {
    expect(healthTargetOf(command, env)).toEqual({ service, url });
  });

  it.each([
    [['node', 'server.js'], {}, /no service of this image in the command "node server\.js"/],
    [['node', 'dist/subgraphs/payments/worker/main.js'], {}, /payments-worker listens only when METRICS_PORT is set/],
    [['node', 'dist/subgraphs/catalog/main.js'], { CATALOG_PORT: '0' }, /catalog: CATALOG_PORT=0 is not a port that can be checked/],
  ] as const)('%j %j: refused', (command, env, message) => {
    expect(() => healthTargetOf(command, env)).toThrow(HealthTargetError);
    expect(() => healthTargetOf(command, env)).toThrow(message);
  });

  it('knows every service entry of the image', () => {
    const services = image.filter((e) => e.kind !== 'healthcheck');
    expect(services.map((e) => healthTargetOf(['node', compiledEntry(e.source)], { METRICS_PORT: '9464' }).service)).toEqual(services.map((e) => e.name));
  });
});

describe('Dockerfile', () => {
  it('is multi-stage: it builds with every dependency, installs production dependencies apart, and the image starts from an official, supported Node LTS slim image', () => {
    expect(dockerfile.stages.length).toBeGreaterThanOrEqual(3);
    for (const stage of dockerfile.stages) expect(stage.image).toMatch(/^node:(22|24)(\.\d+){0,2}-(trixie|bookworm)-slim(@sha256:[0-9a-f]{64})?$/);
    const build = stageNamed(copyOf(instructionsOf(finalStage, 'COPY').find((i) => copyOf(i).sources.includes('/app/dist'))!).flags.from)!;
    const runs = instructionsOf(build, 'RUN').map((i) => i.args);
    expect(runs.some((r) => /\bnpm ci\b/.test(r) && !r.includes('--omit=dev'))).toBe(true);
    expect(runs.some((r) => r.includes('npm run build'))).toBe(true);
    // The build stage gets what the build reads: the tsconfigs, the build script, the runtime folders.
    const given = instructionsOf(build, 'COPY').flatMap((i) => copyOf(i).sources);
    expect(given).toEqual(expect.arrayContaining(['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json', 'scripts/build.ts', 'scripts/build', ...RUNTIME_FOLDERS]));
  });

  it("every stage that runs npm ci has the files of package.json's install scripts first (npm ci runs them and fails without them)", () => {
    const installScripts = ['preinstall', 'install', 'postinstall'].flatMap((name) => packageJson.scripts[name] ?? []);
    const files = installScripts.flatMap((command) => command.split(/\s+/).filter((word) => /\.(c|m)?js$/.test(word)));
    expect(files.length, 'the install scripts name the files they run').toBe(installScripts.length);
    const installing = dockerfile.stages.filter((stage) => instructionsOf(stage, 'RUN').some((r) => /\bnpm ci\b/.test(r.args)));
    expect(installing.length).toBeGreaterThanOrEqual(2);
    for (const stage of installing) {
      const firstInstall = stage.instructions.findIndex((i) => i.keyword === 'RUN' && /\bnpm ci\b/.test(i.args));
      const copiedBefore = stage.instructions.slice(0, firstInstall).filter((i) => i.keyword === 'COPY').flatMap((i) => copyOf(i).sources);
      expect(copiedBefore, `stage ${stage.name ?? stage.image}`).toEqual(expect.arrayContaining(files));
    }
  });

  it('the image: production node_modules, dist, package.json and the project-relative data only; non-root; production mode; telemetry off', () => {
    const copies = instructionsOf(finalStage, 'COPY').map(copyOf);
    const modules = copies.find((c) => c.sources.includes('/app/node_modules'));
    const deps = stageNamed(modules?.flags.from);
    expect(deps, 'node_modules comes from a stage of its own').toBeDefined();
    expect(instructionsOf(deps!, 'RUN').some((r) => /npm ci\b.*--omit=dev/.test(r.args) && r.args.includes('npm cache clean --force'))).toBe(true);
    const build = stageNamed(copies.find((c) => c.sources.includes('/app/dist'))?.flags.from);
    expect(build !== undefined && instructionsOf(build, 'RUN').some((r) => r.args.includes('npm run build')), 'dist comes from the stage that builds it').toBe(true);

    const fromContext = copies.filter((c) => c.flags.from === undefined);
    const contextPaths = fromContext.flatMap((c) => c.sources.map((s) => [s, c.dest.replace(/^\.\//, '')] as const));
    // Each at its own path under the working directory, /app: where the settings' defaults point.
    expect(instructionsOf(finalStage, 'WORKDIR').at(-1)?.args).toBe('/app');
    expect(contextPaths.filter(([source, dest]) => source !== 'package.json' && dest !== source).map(([s, d]) => `${s} → ${d}`)).toEqual([]);
    expect(contextPaths.map(([source]) => source).sort()).toEqual(['package.json', ...PROJECT_ROOT_ASSETS.map((a) => a.replace(/\/$/, ''))].sort());
    expect(copies.filter((c) => c.flags.from !== undefined).flatMap((c) => c.sources).sort()).toEqual(['/app/dist', '/app/node_modules']);

    const user = instructionsOf(finalStage, 'USER').at(-1)?.args.trim();
    expect(user).toBeDefined();
    expect(['root', '0', '0:0', 'root:root']).not.toContain(user);
    const env = instructionsOf(finalStage, 'ENV').map((i) => i.args).join(' ');
    expect(env).toMatch(/\bNODE_ENV=production\b/);
    expect(env).toMatch(/\bAPOLLO_TELEMETRY_DISABLED=1\b/);
    // Every service's V8 flags, as npm start and the benches give them (the registry's list); no
    // heap size: in a container, Node sizes the heap from the container's memory limit.
    const nodeOptions = /\bNODE_OPTIONS=(\S+|"[^"]*")/.exec(env)?.[1]?.replace(/^"|"$/g, '');
    expect(nodeOptions).toBe(SERVICE_NODE_FLAGS.join(' '));
  });

  it('runs compiled JavaScript only: the gateway by default, a HEALTHCHECK for every service, no tsx at run time', () => {
    const built = new Set(image.map((e) => compiledEntry(e.source)));
    const cmd = instructionsOf(finalStage, 'CMD');
    expect(cmd).toHaveLength(1);
    expect(execForm(cmd[0]!.args)).toEqual(['node', compiledEntry(gatewayEntry.entry)]);
    for (const entrypoint of instructionsOf(finalStage, 'ENTRYPOINT')) {
      const form = execForm(entrypoint.args);
      expect(form?.every((a) => a === 'node' || built.has(a) || !/\.(ts|js)$/.test(a))).toBe(true);
    }
    const healthcheck = instructionsOf(finalStage, 'HEALTHCHECK');
    expect(healthcheck).toHaveLength(1);
    const [, options = '', check = ''] = /^(.*?)\bCMD\s+(.*)$/.exec(healthcheck[0]!.args) ?? [];
    expect(execForm(check)).toEqual(['node', compiledEntry(HEALTHCHECK_ENTRY)]);
    expect(options).toMatch(/--timeout=\d+s/);
    // Nothing in the image's own instructions loads TypeScript (a loader, a preload, a .ts entry),
    // NODE_OPTIONS included: it holds V8 flags only (checked above).
    const runtime = finalStage.instructions.map((i) => `${i.keyword} ${i.args}`);
    expect(runtime.filter((line) => /\btsx\b|\.ts\b|--import|--loader|--require|--experimental-loader|(^|\s)-r\s/.test(line))).toEqual([]);
  });

  it('.dockerignore keeps host installs, builds, data and secrets out of the build context, and nothing the Dockerfile copies', () => {
    const patterns = readFileSync(join(root, '.dockerignore'), 'utf8').split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
    expect(patterns).toEqual(expect.arrayContaining(['node_modules', 'dist', '.data', '.git', '.env']));
    const ignored = (path: string) => patterns.some((p) => !p.startsWith('!') && !p.includes('*') && (path === p || path.startsWith(`${p}/`)));
    const copied = dockerfile.stages.flatMap((s) => instructionsOf(s, 'COPY').map(copyOf).filter((c) => c.flags.from === undefined).flatMap((c) => c.sources));
    expect(copied.filter(ignored)).toEqual([]);
    expect(copied.filter((c) => !existsSync(join(root, c)))).toEqual([]);
  });

  it('copies every tracked file that a setting of the gateway or a subgraph points at by default (relative to the working directory)', async () => {
    const settings = [...Object.values(gatewaySettings), ...(await loadSubgraphModules()).flatMap((m) => Object.values(m.settings))];
    const defaults = settings.flatMap((s) => {
      const parsed = s.parse(undefined, {});
      return parsed.ok && typeof parsed.value === 'string' && parsed.value.includes('/') && !parsed.value.includes('://') ? [parsed.value] : [];
    });
    const tracked = defaults.filter((path) => execFileSync('git', ['ls-files', '--', path], { cwd: root, encoding: 'utf8' }).trim() !== '');
    expect(tracked).toEqual(expect.arrayContaining(['schema/supergraph.graphql', 'schema/app-builds']));
    const covered = (path: string) => PROJECT_ROOT_ASSETS.some((a) => path === a || (a.endsWith('/') && path.startsWith(a)) || `${path}/` === a);
    expect(tracked.filter((path) => !covered(path))).toEqual([]);
  });
});
