import { createRequire } from 'node:module';
import type { errors as undiciErrors, Pool as UndiciPool } from 'undici';

/**
 * undici's `Pool` (with its `request` API) and its error classes, required from their own
 * files instead of the package's index. The index also loads fetch, WebSocket, EventSource,
 * the HTTP cache and the mock agents: about 5 MB of live heap in every process, of which the
 * pool and its API need about 2 MB (why a MB held for good matters: bench/federation/README.md,
 * "Where the memory goes").
 *
 * undici has no `exports` map, so these files can be required; the lockfile pins the version,
 * and `undiciPool.test.ts` fails if they stop being the very classes the index exports.
 */
const require = createRequire(import.meta.url);

// What undici's index does to give every dispatcher `request`, `stream` and the rest of its
// API (`pool.request` is one of them); the same functions, so loading the index as well is harmless.
Object.assign((require('undici/lib/dispatcher/dispatcher.js') as { prototype: object }).prototype, require('undici/lib/api/index.js') as object);

export const Pool = require('undici/lib/dispatcher/pool.js') as typeof UndiciPool;
export type Pool = UndiciPool;

export const errors = require('undici/lib/core/errors.js') as typeof undiciErrors;
