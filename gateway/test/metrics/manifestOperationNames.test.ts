import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { manifestOperationNames } from '../../src/persistedQueries/manifestOperationNames.js';

const PROJECT_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

describe('manifestOperationNames (the app builds’ names for the metrics’ labels in APQ mode)', () => {
  it('reads the names of every app build', () => {
    const names = manifestOperationNames('schema/app-builds', PROJECT_ROOT);
    expect(names).toContain('HomeScreen');
    expect(names).toContain('ProductPage');
  });

  it('a missing or invalid manifest gives no names instead of stopping the gateway', () => {
    const dir = mkdtempSync(join(tmpdir(), 'manifest-names-'));
    try {
      expect(manifestOperationNames('no-such-folder', dir)).toEqual([]);
      writeFileSync(join(dir, 'broken.json'), '{ not json');
      expect(manifestOperationNames('broken.json', dir)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
