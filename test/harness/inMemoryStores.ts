import { envPrefix, subgraphEntries } from '../../platform/registry/services.js';

/**
 * `<NAME>_DATA_DIR=memory://` for every subgraph: a spawned system (npm start, chaos) whose
 * stateful subgraphs keep their embedded database in memory. On its default data dir, two
 * such runs at once (test files run in parallel) would open one directory from two processes.
 */
export function inMemoryStores(): Record<string, string> {
  return Object.fromEntries(subgraphEntries.map((s) => [`${envPrefix(s.name)}_DATA_DIR`, 'memory://']));
}
