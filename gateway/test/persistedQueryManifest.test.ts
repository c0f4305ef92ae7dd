import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
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
      'operations[1]: "id" is not the SHA-256 of its body (edited by hand, or made by a generator with its own ids? clients send the body\'s SHA-256)',
      `operations[3]: id ${operationId(body)} appears twice`,
      'operations[4]: "body" must be a non-empty string',
      'operations[5] is not an object',
    ]);
    expect(manifestProblems([])).toEqual(['expected a JSON object']);
    expect(
      manifestProblems({ ...valid, operations: [valid.operations[0], { ...valid.operations[0], name: 'Other', body: `${body} ` }] }),
    ).toEqual([`operations[1]: id ${operationId(body)} is also the id of operations[0], whose body differs (one id, two operations)`]);
    expect(manifestProblems({ format: 'apollo-persisted-query-manifest', version: 1 })).toEqual(['"operations" must be an array']);
  });
});

describe('loadPersistedQueryManifest (start-up in safelist mode)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'manifest-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, text: string) => {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
    return name;
  };
  const otherBody = 'query Old {\n  products(first: 1) {\n    edges {\n      cursor\n    }\n  }\n}';
  const other = { ...valid, operations: [{ id: operationId(otherBody), name: 'Home', type: 'query', body: otherBody }] };

  it('reads a valid manifest, relative to the working directory', () => {
    expect(loadPersistedQueryManifest(write('ok.json', JSON.stringify(valid)), dir)).toEqual(valid);
  });

  it('a folder: the union of its manifests, one per app build (an operation both have, once)', () => {
    write('builds/ios-3.1.0.json', JSON.stringify(other));
    write('builds/ios-3.2.0.json', JSON.stringify(valid));
    write('builds/android-3.2.1.json', JSON.stringify(valid));
    write('builds/notes.txt', 'not a manifest, not read');
    const union = loadPersistedQueryManifest('builds', dir);
    expect(union.operations.map((op) => op.id).sort()).toEqual([operationId(body), operationId(otherBody)].sort());
  });

  it('a folder with a bad manifest: every bad file named, none served', () => {
    write('mixed/ios-3.2.0.json', JSON.stringify(valid));
    write('mixed/ios-3.0.0.json', '{"format": "apollo-persisted-query-manifest"');
    write('mixed/android-3.0.0.json', JSON.stringify({ ...valid, version: 2 }));
    expect(() => loadPersistedQueryManifest('mixed', dir)).toThrow(
      /^Not a valid persisted query manifest: .*mixed\/android-3\.0\.0\.json:\n {2}- "version" must be 1, got 2\nPersisted query manifest is not valid JSON: .*mixed\/ios-3\.0\.0\.json: /,
    );
  });

  it.each([
    ['missing', () => 'nope.json', /^Persisted query manifest not found: .*nope\.json\. Register an app build \(`npm run app-build:register`\) or set PERSISTED_QUERY_MANIFEST\.$/],
    ['not JSON', () => write('garbage.json', '<html>'), /^Persisted query manifest is not valid JSON: .*garbage\.json: /],
    ['not a manifest', () => write('other.json', '{"hello": 1}'), /^Not a valid persisted query manifest: .*other\.json:\n {2}- "format" must be/],
    ['empty', () => write('empty.json', JSON.stringify({ ...valid, operations: [] })), /^Persisted query manifest has no operations: /],
    ['a folder without manifests', () => write('none/README', 'x').replace('/README', ''), /^No persisted query manifests \(\*\.json\) in .*none\. Register/],
  ])('%s → a ManifestLoadError naming the file and what is wrong', (_name, file, message) => {
    const path = file();
    expect(() => loadPersistedQueryManifest(path, dir)).toThrow(ManifestLoadError);
    expect(() => loadPersistedQueryManifest(path, dir)).toThrow(message);
  });
});
