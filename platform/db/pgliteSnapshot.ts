import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type { Logger } from '../log/createLogger.js';

const DIGEST_BYTES = 32;
let snapshot: Promise<Blob> | undefined;

/**
 * A freshly initialized cluster as a tar, for in-memory databases: initdb in WASM takes
 * seconds, loading its result well under one, and a test suite opens dozens. Made once
 * per process, and kept under the OS temp dir keyed by the PGlite version so that later
 * processes (every vitest worker, every `npm test`) skip initdb too. The file starts with
 * a SHA-256 of the tar: PGlite fed a damaged tar fails outside any promise (an uncaught
 * zlib error), so a file that does not match is ignored and rewritten, never loaded.
 */
export function freshClusterSnapshot(logger: Logger): Promise<Blob> {
  snapshot ??= snapshotFromFile(snapshotPath(), logger).catch((err: unknown) => {
    snapshot = undefined;
    throw err;
  });
  return snapshot;
}

export function snapshotPath(): string {
  return join(tmpdir(), `mobile-graph-pglite-${pgliteVersion()}-fresh-cluster.snapshot`);
}

/** Not memoized: the file's snapshot, or a new one written to it (missing or damaged file). */
export async function snapshotFromFile(file: string, logger: Logger): Promise<Blob> {
  const stored = await readVerified(file);
  if (stored === 'corrupt') logger.warn({ file }, 'embedded PostgreSQL snapshot is damaged; ignoring it and writing a new one');
  if (stored instanceof Blob) return stored;

  const started = Date.now();
  const pglite = new PGlite();
  await pglite.waitReady;
  const tar = new Uint8Array(await (await pglite.dumpDataDir('none')).arrayBuffer());
  await pglite.close();
  logger.info({ ms: Date.now() - started, file }, 'initialized an embedded PostgreSQL cluster (once per machine and PGlite version)');
  await writeVerified(file, tar).catch((err: unknown) =>
    logger.warn({ file, err: err instanceof Error ? err.message : String(err) }, 'could not keep the embedded PostgreSQL snapshot'),
  );
  return tarBlob(tar);
}

async function readVerified(file: string): Promise<Blob | 'missing' | 'corrupt'> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch {
    return 'missing';
  }
  const tar = bytes.subarray(DIGEST_BYTES);
  if (bytes.length <= DIGEST_BYTES || !sha256(tar).equals(bytes.subarray(0, DIGEST_BYTES))) return 'corrupt';
  return tarBlob(tar);
}

/** Temp file then rename: several processes (vitest workers) may write it at once, and a reader must never see half. */
async function writeVerified(file: string, tar: Uint8Array): Promise<void> {
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(temp, Buffer.concat([sha256(tar), tar]));
    await rename(temp, file);
  } finally {
    await rm(temp, { force: true });
  }
}

function sha256(bytes: Uint8Array): Buffer {
  return createHash('sha256').update(bytes).digest();
}

/** The type is what tells PGlite it is an uncompressed tar. */
function tarBlob(tar: Uint8Array): Blob {
  // The cast: once graphql-yoga's typings are in the program (the explorer's page renderer), a
  // Uint8Array over an ArrayBufferLike is no longer a BlobPart to TypeScript; PGlite's bytes are never shared memory.
  return new Blob([tar as Uint8Array<ArrayBuffer>], { type: 'application/x-tar' });
}

function pgliteVersion(): string {
  // The package exports no package.json; its entry point sits in dist/, one level down.
  const entry = createRequire(import.meta.url).resolve('@electric-sql/pglite');
  const pkg = JSON.parse(readFileSync(join(dirname(entry), '..', 'package.json'), 'utf8')) as { version?: unknown };
  return typeof pkg.version === 'string' ? pkg.version : 'unknown';
}
