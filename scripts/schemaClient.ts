/**
 * `npm run -s schema:client [-- --out <file>] [--supergraph <file>]`: the schema the
 * app sees (the supergraph's API schema, no federation machinery) as SDL, on stdout or
 * into a file, for codegen and frontend tools. The same text as the gateway's
 * GET /schema.graphql. The supergraph defaults to the committed one.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { clientSchemaSdl } from '../gateway/src/explorer/clientSchemaSdl.js';
import { loadSupergraph, SupergraphLoadError } from '../gateway/src/loadSupergraph.js';

const USAGE = 'usage: npm run -s schema:client [-- --out <file>] [--supergraph <file>]';

function fail(message: string, usage = true): never {
  console.error(`schema:client: ${message}${usage ? `\n${USAGE}` : ''}`);
  process.exit(1);
}

let values: { out?: string; supergraph?: string };
try {
  ({ values } = parseArgs({
    args: process.argv.slice(2),
    strict: true,
    allowPositionals: false,
    options: { out: { type: 'string' }, supergraph: { type: 'string' } },
  }));
} catch (err) {
  fail((err as Error).message);
}
if (values.out !== undefined && values.out.trim() === '') fail('--out needs a file name');
if (values.supergraph !== undefined && values.supergraph.trim() === '') fail('--supergraph needs a file name');

let sdl: string;
try {
  sdl = clientSchemaSdl(loadSupergraph(values.supergraph ?? 'schema/supergraph.graphql', process.cwd()));
} catch (err) {
  if (!(err instanceof SupergraphLoadError)) throw err;
  fail(err.message, false);
}

if (values.out === undefined) {
  process.stdout.write(sdl);
} else {
  const out = resolve(values.out);
  try {
    writeFileSync(out, sdl);
  } catch (err) {
    fail(`cannot write ${out}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, false);
  }
  console.error(`schema:client: wrote the client schema to ${out}`);
}
