import { subgraphEntries, subgraphPaths } from '../platform/registry/services.js';
import type { SubgraphModule } from './kit/server/SubgraphModule.js';

let loaded: Promise<readonly SubgraphModule[]> | undefined;

/**
 * The module (`subgraph.ts`) of every subgraph in the registry, in registry order, loaded
 * once: how npm start's tools, the docs and the test harness reach every subgraph without
 * listing them. A missing or mismatched module fails with the subgraph's name.
 */
export function loadSubgraphModules(): Promise<readonly SubgraphModule[]> {
  return (loaded ??= Promise.all(
    subgraphEntries.map(async (entry) => {
      const path = subgraphPaths(entry.name).module;
      const module = (await import(new URL(`../${path.replace(/\.ts$/, '.js')}`, import.meta.url).href)) as { subgraph?: SubgraphModule };
      if (module.subgraph?.name !== entry.name) throw new Error(`${path} must export subgraph with name "${entry.name}"`);
      return module.subgraph;
    }),
  ));
}
