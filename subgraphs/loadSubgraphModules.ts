import { loadRegisteredModules } from '../platform/registry/loadRegisteredModules.js';
import { subgraphEntries, subgraphPaths } from '../platform/registry/services.js';
import type { SubgraphModule } from './kit/server/SubgraphModule.js';

let loaded: Promise<readonly SubgraphModule[]> | undefined;

/**
 * The module (`subgraph.ts`) of every subgraph in the registry, in registry order, loaded
 * once: how npm start's tools, the docs and the test harness reach every subgraph without
 * listing them.
 */
export function loadSubgraphModules(): Promise<readonly SubgraphModule[]> {
  return (loaded ??= loadRegisteredModules<SubgraphModule>(subgraphEntries, (name) => subgraphPaths(name).module, 'subgraph'));
}
