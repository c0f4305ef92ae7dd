import { describe, expect, it } from 'vitest';
import { parseNodeFlags } from '../../bench/federation/parseNodeFlags.js';

describe("bench:federation's --node-flags", () => {
  it('takes V8 heap sizes in MiB, in any order, and nothing when absent or blank', () => {
    expect(parseNodeFlags('--max-old-space-size=384 --max-semi-space-size=16')).toEqual(['--max-old-space-size=384', '--max-semi-space-size=16']);
    expect(parseNodeFlags('  --max-semi-space-size=4 ')).toEqual(['--max-semi-space-size=4']);
    expect(parseNodeFlags(undefined)).toEqual([]);
    expect(parseNodeFlags('   ')).toEqual([]);
  });

  it.each([
    ['--expose-gc', /got "--expose-gc"/],
    ['--require=./evil.js', /got "--require=\.\/evil\.js"/],
    ['--max-old-space-size=0', /got "--max-old-space-size=0"/],
    ['--max-old-space-size=-5', /got/],
    ['--max-old-space-size=1e3', /got/],
    ['--max-old-space-size=', /got/],
    ['--max-old-space-size=1234567', /got/],
    ['max-old-space-size=384', /got/],
    ['--max-old-space-size=384 --max-old-space-size=512', /--max-old-space-size given twice/],
  ])('refuses %j', (raw, message) => {
    expect(() => parseNodeFlags(raw)).toThrow(message);
  });
});
