import type { SandboxVendorEntry, SubgraphEntry } from '../../platform/registry/services.js';

const SUBGRAPH_MARKER = '  // new:subgraph';
const VENDOR_MARKER = '  // new:vendor';

const literal = (value: unknown): string => (typeof value === 'string' ? `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'` : String(value));
const entryLine = (entry: object) =>
  `  { ${Object.entries(entry)
    .map(([k, v]) => `${k}: ${literal(v)}`)
    .join(', ')} },\n`;

/** The registry's source with a subgraph and its vendor added above the generator's markers. */
export function addToRegistry(source: string, subgraph: SubgraphEntry, vendor: SandboxVendorEntry): string {
  for (const marker of [SUBGRAPH_MARKER, VENDOR_MARKER]) {
    if (source.split(marker).length !== 2) throw new Error(`platform/registry/services.ts must hold the line "${marker.trim()}" exactly once`);
  }
  return source.replace(SUBGRAPH_MARKER, `${entryLine(subgraph)}${SUBGRAPH_MARKER}`).replace(VENDOR_MARKER, `${entryLine(vendor)}${VENDOR_MARKER}`);
}
