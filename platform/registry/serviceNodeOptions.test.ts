import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { SERVICE_NODE_FLAGS, serviceNodeOptions } from './services.js';

describe('serviceNodeOptions', () => {
  it('puts the V8 flags every service runs with first, so that flags already set win where they overlap', () => {
    expect(serviceNodeOptions(undefined)).toBe(SERVICE_NODE_FLAGS.join(' '));
    expect(serviceNodeOptions('   ')).toBe(SERVICE_NODE_FLAGS.join(' '));
    expect(serviceNodeOptions(' --max-old-space-size=384 ')).toBe(`${SERVICE_NODE_FLAGS.join(' ')} --max-old-space-size=384`);
  });

  it('holds only flags this node accepts in NODE_OPTIONS (it refuses others at start-up)', () => {
    const run = spawnSync(process.execPath, ['-e', 'process.stdout.write("started")'], { env: { PATH: process.env.PATH ?? '', NODE_OPTIONS: serviceNodeOptions(undefined) }, encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect({ status: run.status, stdout: run.stdout }).toEqual({ status: 0, stdout: 'started' });
    // The check can fail: node refuses a flag it does not allow there.
    const refused = spawnSync(process.execPath, ['-e', '0'], { env: { PATH: process.env.PATH ?? '', NODE_OPTIONS: '--max-semi-space-size=16 --not-a-node-flag' }, encoding: 'utf8' });
    expect(refused.status).not.toBe(0);
  });
});
