import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fromRoot } from './subgraphs.js';

export type DriftCheck = { readonly upToDate: true } | { readonly upToDate: false; readonly reason: string };

export interface GeneratedFile {
  /** Project-relative path of the committed file. */
  readonly path: string;
  /** What the file must contain now. */
  readonly content: string;
  /** Compares the committed text (undefined: no file) with `content`, saying what differs and what to run. */
  readonly drift: (committed: string | undefined) => DriftCheck;
  /** What an up-to-date check reports, e.g. `3 subgraphs`. */
  readonly count: string;
  /** What a write reports, e.g. `catalog, reviews, accounts`. */
  readonly names: string;
}

/**
 * The end of every generator of a committed file (`npm run compose`, `npm run manifest`):
 * with `check` it writes nothing and exits 1 on drift; otherwise it writes the file when
 * its content changed. Either way it says what it found.
 */
export function writeGeneratedFile(file: GeneratedFile, check: boolean): void {
  const target = fromRoot(file.path);
  const committed = existsSync(target) ? readFileSync(target, 'utf8') : undefined;
  if (check) {
    const drift = file.drift(committed);
    if (!drift.upToDate) {
      process.stderr.write(`${drift.reason}\n`);
      process.exit(1);
    }
    process.stdout.write(`${file.path} is up to date (${file.count}).\n`);
  } else if (committed === file.content) {
    process.stdout.write(`${file.path} unchanged (${file.names}).\n`);
  } else {
    writeFileSync(target, file.content);
    process.stdout.write(`wrote ${file.path} (${file.names}).\n`);
  }
}
