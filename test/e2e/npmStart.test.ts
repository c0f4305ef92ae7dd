import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { COLD_START_BUDGETS } from '../harness/coldStartBudgets.js';
import { descendants } from '../harness/descendants.js';
import { inMemoryStores } from '../harness/inMemoryStores.js';
import { operation } from '../harness/operations.js';
import { npmStartPortEnvs, npmStartPorts } from '../harness/npmStartPorts.js';
import { gatewayEntry, SANDBOX_ENTRY, serviceNodeOptions, subgraphEntries, subgraphEnv, subgraphPaths } from '../../platform/registry/services.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** NODE_OPTIONS of each process below `parent` that runs an entry point, by that entry (Linux /proc). */
function nodeOptionsByEntry(parent: number): Record<string, string | undefined> {
  const found: Record<string, string | undefined> = {};
  for (const pid of descendants(parent)) {
    try {
      const entry = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').find((arg) => arg.endsWith('main.ts'));
      const env = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
      if (entry !== undefined) found[entry] = env.find((v) => v.startsWith('NODE_OPTIONS='))?.slice('NODE_OPTIONS='.length);
    } catch {
      // Gone meanwhile.
    }
  }
  return found;
}

describe('npm start', () => {
  it('starts every service, prints the gateway URL and a working curl, and stops cleanly on Ctrl-C', async () => {
    // Every service of the registry gets a port away from the defaults, where nothing listens.
    const ports = await npmStartPorts();
    const env = Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, String(v)]));
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', ...COLD_START_BUDGETS, ...inMemoryStores(), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`npm start was not ready in time:\n${out}`)), 40_000);
        const check = () => {
          if (out.includes('Ctrl-C stops everything')) {
            clearTimeout(timer);
            resolve();
          }
        };
        child.stdout.on('data', check);
        child.once('exit', () => reject(new Error(`npm start exited early:\n${out}`)));
      });
      const gatewayUrl = `http://127.0.0.1:${ports[gatewayEntry.portEnv]}/graphql`;
      for (const s of subgraphEntries) expect(out).toContain(`${s.name} :${ports[subgraphEnv(s.name).port]}`);
      expect(out).toContain(gatewayUrl);
      expect(out).toMatch(/curl -s .+ --data '\{"query":"query HomeScreen/);

      const res = await fetch(gatewayUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: operation('HomeScreen') }),
      });
      const json = (await res.json()) as { data: { products: { edges: unknown[] } }; errors?: unknown };
      expect(json.errors).toBeUndefined();
      expect(json.data.products.edges).toHaveLength(20);

      // Each service with the image's V8 flags and the heap of its container, as the registry says.
      if (existsSync('/proc/self/environ')) {
        expect(nodeOptionsByEntry(child.pid!)).toEqual({
          [SANDBOX_ENTRY]: serviceNodeOptions('sandbox', undefined),
          ...Object.fromEntries(subgraphEntries.map((s) => [subgraphPaths(s.name).entry, serviceNodeOptions(s.name, undefined)])),
          [gatewayEntry.entry]: serviceNodeOptions(gatewayEntry.name, undefined),
        });
      }
    } finally {
      child.kill('SIGINT');
      const [code] = (await once(child, 'exit')) as [number | null];
      expect(code).toBe(0);
    }
    // Everything it started has stopped.
    for (const name of npmStartPortEnvs) await expect(fetch(`http://127.0.0.1:${ports[name]}/healthz`), name).rejects.toThrow();
  }, 60_000);
});
