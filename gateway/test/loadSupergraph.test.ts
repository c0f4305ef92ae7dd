import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadSupergraph, SupergraphLoadError } from '../src/loadSupergraph.js';
import { alphaSdl, testSupergraph } from '../../test/harness/testSubgraphs.js';

const dir = mkdtempSync(join(tmpdir(), 'supergraph-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string): string {
  writeFileSync(join(dir, name), content);
  return name;
}

function loadError(path: string): SupergraphLoadError {
  try {
    loadSupergraph(path, dir);
  } catch (err) {
    expect(err).toBeInstanceOf(SupergraphLoadError);
    return err as SupergraphLoadError;
  }
  throw new Error('expected loadSupergraph to fail');
}

describe('loadSupergraph', () => {
  it('reads a supergraph relative to the given directory', () => {
    const sdl = testSupergraph();
    expect(loadSupergraph(file('ok.graphql', sdl), dir)).toBe(sdl);
  });

  it('names the missing file and how to make it', () => {
    const error = loadError('nope/supergraph.graphql');
    expect(error.message).toContain(join(dir, 'nope/supergraph.graphql'));
    expect(error.message).toContain('not found');
    expect(error.message).toContain('npm run compose');
  });

  it('says when the file is not GraphQL, and where', () => {
    const error = loadError(file('garbage.graphql', '<html>502 Bad Gateway</html>'));
    expect(error.message).toContain('not valid GraphQL');
    expect(error.message).toContain('line 1, column 1');
    expect(error.message).toContain(join(dir, 'garbage.graphql'));
  });

  it('says when the file is GraphQL but not a supergraph', () => {
    expect(loadError(file('subgraph.graphql', alphaSdl)).message).toMatch(/Not a supergraph: .*subgraph\.graphql has no join__Graph enum/);
  });

  it('rejects an empty file and a directory', () => {
    expect(loadError(file('empty.graphql', '  \n')).message).toContain('empty');
    expect(loadError('.').message).toContain('directory');
  });
});
