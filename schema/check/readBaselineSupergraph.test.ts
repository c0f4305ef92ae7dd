import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fromRoot, SUPERGRAPH_FILE } from '../subgraphs.js';
import { readBaselineSupergraph } from './readSchemaCheckInput.js';

describe('the schema check baseline', () => {
  it('is the supergraph committed at HEAD, not the working file', () => {
    const committed = execFileSync('git', ['show', `HEAD:${SUPERGRAPH_FILE}`], { cwd: fromRoot('.'), encoding: 'utf8' });
    expect(readBaselineSupergraph()).toEqual({ sdl: committed, from: `${SUPERGRAPH_FILE} at HEAD` });
  });

  it('falls back to the working file when the revision has none', () => {
    expect(readBaselineSupergraph('no-such-revision-here')).toEqual({ sdl: readFileSync(fromRoot(SUPERGRAPH_FILE), 'utf8'), from: SUPERGRAPH_FILE });
  });
});
