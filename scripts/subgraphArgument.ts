import { subgraphEntries, type SubgraphEntry } from '../platform/registry/services.js';

/**
 * The `<name>` argument of a per-team command (`npm run dev -- <name>`, …), checked
 * against the registry: the subgraph's entry, or a message that lists the ones there are.
 */
export function subgraphArgument(
  name: string | undefined,
  usage: string,
  subgraphs: readonly SubgraphEntry[] = subgraphEntries,
): { ok: true; subgraph: SubgraphEntry } | { ok: false; message: string } {
  const known = `subgraphs in platform/registry/services.ts: ${subgraphs.map((s) => s.name).join(', ')}`;
  if (name === undefined || name === '' || name.startsWith('-')) return { ok: false, message: `usage: ${usage}\nname a subgraph; ${known}` };
  const subgraph = subgraphs.find((s) => s.name === name);
  if (subgraph === undefined) return { ok: false, message: `unknown subgraph "${name}"; ${known}` };
  return { ok: true, subgraph };
}
