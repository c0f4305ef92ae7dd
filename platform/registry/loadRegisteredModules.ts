/**
 * Imports the module of every registry entry by its conventional path (project-relative,
 * e.g. `subgraphs/reviews/subgraph.ts`) and returns its `exportName` export, in registry
 * order. A module that is missing, or exports something not named after its entry, fails
 * with the path: the registry and the folders disagree. Tools use this to reach every
 * service without importing any of them by name.
 */
export async function loadRegisteredModules<T extends { readonly name: string }>(
  entries: readonly { readonly name: string }[],
  pathOf: (name: string) => string,
  exportName: string,
): Promise<readonly T[]> {
  return Promise.all(
    entries.map(async (entry) => {
      const path = pathOf(entry.name);
      // `.js` like every other import here: tsx and vitest map it to the .ts file, and a compiled build keeps it.
      const module = (await import(new URL(`../../${path.replace(/\.ts$/, '.js')}`, import.meta.url).href)) as Record<string, T | undefined>;
      const value = module[exportName];
      if (value?.name !== entry.name) throw new Error(`${path} must export ${exportName} with name "${entry.name}"`);
      return value;
    }),
  );
}
