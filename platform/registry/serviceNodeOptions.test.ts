import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { gatewayEntry, SERVICE_NODE_FLAGS, serviceMemoryMiB, serviceNodeOptions, subgraphEntries } from './services.js';

const MiB = 1024 * 1024;

/** V8's heap limit in MiB (old generation plus young) of a node started with these NODE_OPTIONS. */
function heapLimitMiB(nodeOptions: string): number {
  const run = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(require("node:v8").getHeapStatistics().heap_size_limit))'], {
    env: { PATH: process.env.PATH ?? '', NODE_OPTIONS: nodeOptions },
    encoding: 'utf8',
  });
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  return Number(run.stdout) / MiB;
}

describe('serviceNodeOptions', () => {
  it('gives the image’s V8 flags first, then the old generation of the service’s container (half its memory), then flags already set', () => {
    expect(serviceNodeOptions(gatewayEntry.name, undefined)).toBe(`${SERVICE_NODE_FLAGS.join(' ')} --max-old-space-size=384`);
    expect(serviceNodeOptions('catalog', '   ')).toBe(`${SERVICE_NODE_FLAGS.join(' ')} --max-old-space-size=256`);
    expect(serviceNodeOptions('sandbox', ' --cpu-prof ')).toBe(`${SERVICE_NODE_FLAGS.join(' ')} --max-old-space-size=256 --cpu-prof`);
    expect(serviceMemoryMiB(gatewayEntry.name)).toBe(768);
    for (const s of subgraphEntries) expect(serviceMemoryMiB(s.name)).toBe(512);
  });

  it('node accepts them in NODE_OPTIONS and sizes its heap by them; a flag set after them wins', () => {
    // Old generation 384 MiB, plus a young generation of at most three 16 MiB semi-spaces.
    const gateway = heapLimitMiB(serviceNodeOptions(gatewayEntry.name, undefined));
    expect(gateway).toBeGreaterThanOrEqual(384);
    expect(gateway).toBeLessThanOrEqual(384 + 3 * 16);
    expect(heapLimitMiB(serviceNodeOptions(gatewayEntry.name, '--max-old-space-size=1000'))).toBeGreaterThanOrEqual(1000);
  });

  it('holds only flags this node accepts in NODE_OPTIONS (it refuses others at start-up)', () => {
    const run = spawnSync(process.execPath, ['-e', 'process.stdout.write("started")'], { env: { PATH: process.env.PATH ?? '', NODE_OPTIONS: SERVICE_NODE_FLAGS.join(' ') }, encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect({ status: run.status, stdout: run.stdout }).toEqual({ status: 0, stdout: 'started' });
    // The check can fail: node refuses a flag it does not allow there.
    const refused = spawnSync(process.execPath, ['-e', '0'], { env: { PATH: process.env.PATH ?? '', NODE_OPTIONS: '--max-semi-space-size=16 --not-a-node-flag' }, encoding: 'utf8' });
    expect(refused.status).not.toBe(0);
  });
});
