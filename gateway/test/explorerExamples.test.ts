import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, type OperationDefinitionNode } from 'graphql';
import { afterAll, describe, expect, it } from 'vitest';
import { loadExplorerExamples } from '../src/explorer/loadExplorerExamples.js';
import { operationId, type ManifestOperation } from '../src/persistedQueries/PersistedQueryManifest.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const OPERATIONS = join(ROOT, 'test/operations');

const operation = (name: string, body: string, type: ManifestOperation['type'] = 'query'): ManifestOperation => ({ id: operationId(body), name, type, body });
const manifest = (...operations: ManifestOperation[]) => JSON.stringify({ format: 'apollo-persisted-query-manifest', version: 1, operations });

describe('loadExplorerExamples', () => {
  const dir = mkdtempSync(join(tmpdir(), 'explorer-examples-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const folder = (name: string, files: Record<string, string>) => {
    const target = mkdtempSync(join(dir, `${name}-`));
    for (const [file, text] of Object.entries(files)) writeFileSync(join(target, file), text);
    return target;
  };

  it('has every operation of the app (test/operations) once, HomeScreen first, each a document that names it', () => {
    const examples = loadExplorerExamples('schema/app-builds', ROOT);
    const appOperations = readdirSync(OPERATIONS)
      .filter((file) => file.endsWith('.graphql'))
      .map((file) => (parse(readFileSync(join(OPERATIONS, file), 'utf8')).definitions.find((d) => d.kind === 'OperationDefinition') as OperationDefinitionNode).name!.value);
    expect(appOperations.length).toBeGreaterThan(0);
    const names = examples.map((example) => example.name);
    expect(names).toEqual(expect.arrayContaining(appOperations));
    expect(new Set(names).size).toBe(names.length);
    expect(names[0]).toBe('HomeScreen');
    for (const example of examples) {
      const operations = parse(example.document).definitions.filter((d): d is OperationDefinitionNode => d.kind === 'OperationDefinition');
      expect(operations.map((op) => op.name?.value)).toEqual([example.name]);
    }
    // Queries before mutations: what a newcomer can run without side effects comes first.
    const kinds: string[] = examples.map((example) => (parse(example.document).definitions.find((d) => d.kind === 'OperationDefinition') as OperationDefinitionNode).operation);
    expect(kinds.indexOf('mutation')).toBeGreaterThan(kinds.lastIndexOf('query'));
  });

  it('takes each operation from the newest build that sends it (by version, not by file name)', () => {
    const old = 'query Home {\n  products(first: 1) {\n    edges {\n      cursor\n    }\n  }\n}';
    const current = 'query Home {\n  products(first: 20) {\n    edges {\n      cursor\n    }\n  }\n}';
    const onlyOld = 'query Legacy {\n  __typename\n}';
    const target = folder('builds', {
      // 3.10.0 sorts before 3.9.0 as text: newer all the same.
      'ios-3.10.0.json': manifest(operation('Home', current)),
      'ios-3.9.0.json': manifest(operation('Home', old), operation('Legacy', onlyOld)),
    });
    expect(loadExplorerExamples(target, '/')).toEqual([
      { name: 'Home', document: current },
      { name: 'Legacy', document: onlyOld },
    ]);
  });

  it('reads one manifest file, and a path relative to the working directory', () => {
    const body = 'mutation Like {\n  __typename\n}';
    const target = folder('file', { 'merged.json': manifest(operation('Like', body, 'mutation'), operation('HomeScreen', 'query HomeScreen {\n  __typename\n}')) });
    expect(loadExplorerExamples('merged.json', target)).toEqual([
      { name: 'HomeScreen', document: 'query HomeScreen {\n  __typename\n}' },
      { name: 'Like', document: body },
    ]);
  });

  it('gives no examples for a missing or unreadable manifest, and skips a bad file among good ones', () => {
    expect(loadExplorerExamples(join(dir, 'nowhere'), '/')).toEqual([]);
    expect(loadExplorerExamples(folder('broken', { 'ios-1.0.0.json': '{ not json' }), '/')).toEqual([]);
    expect(loadExplorerExamples(folder('empty', {}), '/')).toEqual([]);
    const body = 'query Fine {\n  __typename\n}';
    const mixed = folder('mixed', {
      'ios-1.0.0.json': manifest(operation('Fine', body)),
      // Newer, but not a manifest: it must not hide the older build's operations.
      'ios-2.0.0.json': JSON.stringify({ format: 'something-else', operations: [] }),
    });
    expect(loadExplorerExamples(mixed, '/')).toEqual([{ name: 'Fine', document: body }]);
  });
});
