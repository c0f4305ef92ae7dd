import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { manifestProblems } from '../gateway/src/persistedQueries/PersistedQueryManifest.js';
import { buildManifest, type OperationFile } from './persistedQueryManifest.js';

const files: OperationFile[] = [
  { path: 'ops/Home.graphql', text: 'query Home { products(first: 2) { ...Card } }\n' },
  { path: 'ops/fragments.graphql', text: 'fragment Card on ProductConnection { edges { node { ...Name } } }\nfragment Name on Product { id name }\n' },
  { path: 'ops/Add.graphql', text: '# a comment\nmutation   AddReview($id: ID!) { addReview(productId: $id) { id } }' },
];

function built(input: readonly OperationFile[] = files) {
  const result = buildManifest(input);
  if (!result.ok) throw new Error(result.errors.join('\n'));
  return result.manifest;
}

describe('buildManifest', () => {
  it('one entry per operation, sorted by name, with the fragments it uses, id = SHA-256 of the printed body', () => {
    const manifest = built();
    expect(manifest.format).toBe('apollo-persisted-query-manifest');
    expect(manifest.version).toBe(1);
    expect(manifest.operations.map((op) => [op.name, op.type])).toEqual([
      ['AddReview', 'mutation'],
      ['Home', 'query'],
    ]);
    const home = manifest.operations[1]!;
    expect(home.body).toBe(
      'query Home {\n  products(first: 2) {\n    ...Card\n  }\n}\n\nfragment Card on ProductConnection {\n  edges {\n    node {\n      ...Name\n    }\n  }\n}\n\nfragment Name on Product {\n  id\n  name\n}',
    );
    expect(home.id).toBe(createHash('sha256').update(home.body).digest('hex'));
    expect(manifest.operations[0]!.body).toBe('mutation AddReview($id: ID!) {\n  addReview(productId: $id) {\n    id\n  }\n}');
    expect(manifestProblems(manifest)).toEqual([]);
  });

  it('is stable: the order of files and their formatting do not change the output', () => {
    const shuffled = [files[2]!, files[0]!, { ...files[1]!, text: files[1]!.text.replace(/ /g, '   ') }];
    expect(built(shuffled)).toEqual(built());
  });

  it('reports every problem at once, naming the file', () => {
    const result = buildManifest([
      { path: 'a.graphql', text: '{ products { id } }' },
      { path: 'b.graphql', text: 'query Dup { a } query Dup { b }' },
      { path: 'c.graphql', text: 'query Uses { ...Missing }' },
      { path: 'd.graphql', text: 'query Broken {' },
      { path: 'e.graphql', text: 'type Product { id: ID }' },
    ]);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toEqual([
      'a.graphql: every operation needs a name (the manifest and the app refer to it by name)',
      expect.stringMatching(/^d\.graphql:1:15: Syntax Error/),
      'e.graphql: only operations and fragments belong in an operation file, found a ObjectTypeDefinition',
      'b.graphql: operation Dup is also defined in b.graphql',
      'c.graphql: operation Uses uses fragment Missing, defined nowhere',
    ]);
  });
});
