import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadPersistedQueryManifest, ManifestLoadError } from '../src/persistedQueries/loadPersistedQueryManifest.js';
import { manifestProblems, operationId } from '../src/persistedQueries/PersistedQueryManifest.js';

const body = 'query Home {\n  products(first: 2) {\n    edges {\n      cursor\n    }\n  }\n}';
const valid = { format: 'apollo-persisted-query-manifest', version: 1, operations: [{ id: operationId(body), name: 'Home', type: 'query', body }] };

describe('manifestProblems', () => {
  it('accepts a valid manifest', () => {
    expect(manifestProblems(valid)).toEqual([]);
  });

  it('lists every problem at once', () => {
    expect(
      manifestProblems({
        format: 'something-else',
        version: 2,
        operations: [
          { id: 'ABC', name: 'X', type: 'query', body },
          { id: operationId('other'), name: '', type: 'fetch', body },
          { ...valid.operations[0] },
          { ...valid.operations[0] },
          { id: operationId(body), name: 'Y', type: 'query', body: '' },
          42,
        ],
      }),
    ).toEqual([
      '"format" must be "apollo-persisted-query-manifest", got "something-else"',
      '"version" must be 1, got 2',
      'operations[0]: "id" must be a SHA-256 in lowercase hex',
      'operations[1]: "name" must be a non-empty string',
      'operations[1]: "type" must be one of query, mutation, subscription',
      'operations[1]: "id" is not the SHA-256 of its body (the body was edited by hand? run npm run manifest)',
      `operations[3]: id ${operationId(body)} appears twice`,
      'operations[4]: "body" must be a non-empty string',
      'operations[5] is not an object',
    ]);
    expect(manifestProblems([])).toEqual(['expected a JSON object']);
    expect(manifestProblems({ format: 'apollo-persisted-query-manifest', version: 1 })).toEqual(['"operations" must be an array']);
  });
});

describe('loadPersistedQueryManifest (start-up in safelist mode)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'manifest-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, text: string) => {
    writeFileSync(join(dir, name), text);
    return name;
  };

  it('reads a valid manifest, relative to the working directory', () => {
    expect(loadPersistedQueryManifest(write('ok.json', JSON.stringify(valid)), dir)).toEqual(valid);
  });

  it.each([
    ['missing', () => 'nope.json', /^Persisted query manifest not found: .*nope\.json\. Run `npm run manifest` or set PERSISTED_QUERY_MANIFEST\.$/],
    ['not JSON', () => write('garbage.json', '<html>'), /^Persisted query manifest is not valid JSON: .*garbage\.json: /],
    ['not a manifest', () => write('other.json', '{"hello": 1}'), /^Not a valid persisted query manifest: .*other\.json:\n {2}- "format" must be/],
    ['empty', () => write('empty.json', JSON.stringify({ ...valid, operations: [] })), /^Persisted query manifest has no operations: /],
    ['a directory', () => '.', /^Cannot read the persisted query manifest .*: EISDIR\.$/],
  ])('%s → a ManifestLoadError naming the file and what is wrong', (_name, file, message) => {
    const path = file();
    expect(() => loadPersistedQueryManifest(path, dir)).toThrow(ManifestLoadError);
    expect(() => loadPersistedQueryManifest(path, dir)).toThrow(message);
  });
});
