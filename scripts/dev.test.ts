import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { sandboxVendorEnv, subgraphEntries, subgraphEnv } from '../platform/registry/services.js';
import { listenPorts } from '../test/harness/listenPorts.js';

const root = fileURLToPath(new URL('..', import.meta.url));

/** This process's environment without identity keys (the run makes its own pair) and vitest's variables. */
function cleanEnv(): Record<string, string> {
  return Object.fromEntries(
    Object.entries(process.env).filter(
      (entry): entry is [string, string] => entry[1] !== undefined && !entry[0].startsWith('VITEST') && !entry[0].startsWith('GATEWAY_IDENTITY_'),
    ),
  );
}

function isListening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe('npm run dev', () => {
  it('refuses a missing or unknown name, listing the subgraphs of the registry', () => {
    const run = (args: string[]) =>
      spawnSync(process.execPath, ['--import', 'tsx', 'scripts/dev.ts', ...args], { cwd: root, env: cleanEnv(), encoding: 'utf8', timeout: 60_000 });
    const missing = run([]);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('dev: usage: npm run dev -- <name>');
    const unknown = run(['weather']);
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toContain(`dev: unknown subgraph "weather"; subgraphs in platform/registry/services.ts: ${subgraphEntries.map((s) => s.name).join(', ')}`);
  });

  describe('a real run', () => {
    let dev: ChildProcess | undefined;
    let exited: Promise<number | null> | undefined;

    afterAll(async () => {
      // A failed test must not leave it running: SIGTERM stops the subgraph and the vendor too.
      if (dev && dev.exitCode === null && dev.signalCode === null) {
        dev.kill('SIGTERM');
        const force = setTimeout(() => dev?.kill('SIGKILL'), 20_000);
        await exited;
        clearTimeout(force);
      }
    });

    it('serves one subgraph over only its own sandbox vendor, prints a working curl, and stops both on SIGINT', async () => {
      const [subgraphPort, vendorPort] = (await listenPorts(2)) as [number, number];
      let stdout = '';
      let stderr = '';
      dev = spawn(process.execPath, ['--import', 'tsx', 'scripts/dev.ts', 'catalog'], {
        cwd: root,
        env: { ...cleanEnv(), [subgraphEnv('catalog').port]: String(subgraphPort), [sandboxVendorEnv('commerce').port]: String(vendorPort), LOG_LEVEL: 'warn' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const child = dev;
      exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
      child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));

      // Generous: two processes start and load Apollo and the sandbox.
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`not ready in 90 s:\n${stdout}\n${stderr}`)), 90_000);
        const check = () => {
          if (stdout.includes('Ctrl-C stops both.')) {
            clearTimeout(timer);
            resolve();
          }
        };
        child.stdout!.on('data', check);
        void exited!.then((code) => reject(new Error(`dev exited (${code}) before it was ready:\n${stdout}\n${stderr}`)));
      });

      const url = `http://127.0.0.1:${subgraphPort}/graphql`;
      expect(stdout).toContain(`Subgraph   ${url}`);
      expect(stdout).toContain(`commerce (ShopCore) http://127.0.0.1:${vendorPort}`);
      expect(stdout).toContain(`-H "x-gateway-identity: $(npm run -s token:identity -- catalog)"`);
      expect(stdout).toContain(`--data '{"query":"{ _service { sdl } }"}'`);
      const privateKey = /export GATEWAY_IDENTITY_PRIVATE_KEY='([^']+)'/.exec(stdout)?.[1];
      expect(privateKey).toBeDefined();

      // What the printed curl does: a token from token:identity with the printed key, then the query.
      const token = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/identityToken.ts', 'catalog'], {
        cwd: root,
        env: { ...cleanEnv(), GATEWAY_IDENTITY_PRIVATE_KEY: privateKey! },
        encoding: 'utf8',
        timeout: 60_000,
      }).stdout.trim();
      const ask = (query: string, headers: Record<string, string> = {}) =>
        fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query }) });

      const sdl = await ask('{ _service { sdl } }', { 'x-gateway-identity': token });
      expect(sdl.status).toBe(200);
      expect(((await sdl.json()) as { data: { _service: { sdl: string } } }).data._service.sdl).toContain('type Product');
      // It reaches its vendor: the sandbox on the port it was given.
      const products = await ask('{ products(first: 2) { edges { node { id } } } }', { 'x-gateway-identity': token });
      expect(((await products.json()) as { data: { products: { edges: unknown[] } } }).data.products.edges).toHaveLength(2);
      // Like a deployed subgraph, it answers only a caller with the gateway's identity.
      expect((await ask('{ _service { sdl } }')).status).toBe(401);

      child.kill('SIGINT');
      expect(await exited).toBe(0);
      expect(await isListening(subgraphPort)).toBe(false);
      expect(await isListening(vendorPort)).toBe(false);
    }, 180_000);
  });
});
