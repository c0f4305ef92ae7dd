import { execFileSync } from 'node:child_process';
import * as undici from 'undici';
import { describe, expect, it } from 'vitest';
import { errors, Pool } from './undiciPool.js';

describe('undiciPool', () => {
  it('is the Pool and the error classes undici itself exports (a new undici that moved its files fails here)', () => {
    expect(Pool).toBe(undici.Pool);
    expect(errors).toBe(undici.errors);
    expect(new errors.HeadersTimeoutError()).toBeInstanceOf(undici.errors.UndiciError);
  });

  it("gives the pool undici's request API without loading undici's index", () => {
    // A process of its own: this one has loaded the index above, which adds the API too.
    const script = [
      "const { Pool } = await import('./platform/http/undiciPool.ts');",
      "const { createRequire } = await import('node:module');",
      "const loaded = Object.keys(createRequire(import.meta.url).cache);",
      "console.log(JSON.stringify({ request: typeof Pool.prototype.request, stream: typeof Pool.prototype.stream, index: loaded.some((f) => f.endsWith('/node_modules/undici/index.js')) }));",
    ].join('\n');
    const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(JSON.parse(out.trim().split('\n').pop()!)).toEqual({ request: 'function', stream: 'function', index: false });
  });
});
