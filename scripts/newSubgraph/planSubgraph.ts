import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { SandboxVendorEntry, SubgraphEntry } from '../../platform/registry/services.js';
import { nameProblem, namesOf, type Names } from './names.js';
import { renderTemplates } from './renderTemplates.js';

export interface NewSubgraphOptions {
  /** The subgraph's name, e.g. `loyalty`. */
  readonly name: string;
  /** Its sandbox vendor's name; default the subgraph's name. */
  readonly vendor?: string;
  /** The imitated vendor's brand (must never reach a client); default `<Name>Works`. */
  readonly brand?: string;
  /** Default: one above the highest subgraph port. */
  readonly port?: number;
  /** Default: one above the highest sandbox vendor port. */
  readonly vendorPort?: number;
}

export interface RegistrySnapshot {
  readonly subgraphs: readonly SubgraphEntry[];
  readonly vendors: readonly SandboxVendorEntry[];
  readonly gatewayPort: number;
}

export interface SubgraphPlan {
  readonly subgraph: SubgraphEntry;
  readonly vendor: SandboxVendorEntry;
  readonly names: Names;
  readonly vendorNames: Names;
  /** Project-relative path → content, every one a new file. */
  readonly files: ReadonlyMap<string, string>;
}

const TEMPLATES = fileURLToPath(new URL('./templates/', import.meta.url));

/**
 * Everything `npm run new:subgraph` will write, decided before anything is written:
 * names, ports and keys checked against the registry, then the templates filled in.
 * Throws an Error listing every problem with the options.
 */
export function planSubgraph(options: NewSubgraphOptions, registry: RegistrySnapshot, exists: (path: string) => boolean): SubgraphPlan {
  const problems: string[] = [];
  const vendorName = options.vendor ?? options.name;
  for (const [what, name] of [['subgraph', options.name], ['vendor', vendorName]] as const) {
    const problem = nameProblem(name);
    if (problem) problems.push(`${what} name: ${problem}`);
  }
  if (registry.subgraphs.some((s) => s.name === options.name) || exists(`subgraphs/${options.name}`)) {
    problems.push(`a subgraph named "${options.name}" already exists`);
  }
  if (registry.vendors.some((v) => v.name === vendorName) || exists(`vendors/${vendorName}`)) {
    problems.push(`a sandbox vendor named "${vendorName}" already exists (pass --vendor <another name>)`);
  }
  const taken = new Set([registry.gatewayPort, ...registry.subgraphs.map((s) => s.port), ...registry.vendors.map((v) => v.port)]);
  const port = options.port ?? Math.max(...registry.subgraphs.map((s) => s.port)) + 1;
  const vendorPort = options.vendorPort ?? Math.max(...registry.vendors.map((v) => v.port)) + 1;
  for (const [what, value] of [['port', port], ['vendor port', vendorPort]] as const) {
    if (!Number.isInteger(value) || value < 1024 || value > 65_535) problems.push(`${what} ${value}: expected an integer from 1024 to 65535`);
    else if (taken.has(value)) problems.push(`${what} ${value} is already used by another service of the registry`);
  }
  if (port === vendorPort) problems.push(`port and vendor port must differ (both ${port})`);
  const names = namesOf(options.name);
  const vendorNames = namesOf(vendorName);
  const brand = options.brand ?? `${vendorNames.pascal}Works`;
  if (!/^[A-Z][A-Za-z0-9]{3,30}$/.test(brand)) problems.push(`brand "${brand}": expected a word of 4 to 31 letters or digits starting with a capital`);
  if (problems.length > 0) throw new Error(`cannot generate the subgraph:\n  - ${problems.join('\n  - ')}`);

  const vendorKey = `sandbox-${vendorName}-key`;
  const tokens = {
    name: names.name,
    camel: names.camel,
    Pascal: names.pascal,
    PREFIX: names.prefix,
    vendor: vendorNames.name,
    vendorCamel: vendorNames.camel,
    VendorPascal: vendorNames.pascal,
    VENDOR_CONST: vendorNames.prefix,
    Brand: brand,
    port: String(port),
    vendorPort: String(vendorPort),
    // The sandbox's seeded randomness (jitter, error rates), different per vendor and stable per name.
    seed: `0x${createHash('sha256').update(vendorName).digest('hex').slice(0, 6)}`,
  };
  const files = new Map<string, string>();
  for (const [path, content] of renderTemplates(`${TEMPLATES}subgraph`, tokens)) files.set(`subgraphs/${names.name}/${path}`, content);
  for (const [path, content] of renderTemplates(`${TEMPLATES}vendor`, tokens)) files.set(`vendors/${vendorNames.name}/${path}`, content);
  // Its Kubernetes Deployment, Service and PodDisruptionBudget, and the dev overlay's placeholder Secret.
  for (const [path, content] of renderTemplates(`${TEMPLATES}deploy`, tokens)) files.set(`deploy/${path}`, content);
  const present = [...files.keys()].filter((path) => path.startsWith('deploy/') && exists(path));
  if (present.length > 0) throw new Error(`cannot generate the subgraph:\n  - ${present.map((path) => `${path} already exists`).join('\n  - ')}`);
  return {
    subgraph: { name: names.name, port, vendor: vendorNames.name, owns: `Product.${names.camel}` },
    vendor: { name: vendorNames.name, port: vendorPort, brand, defaultKey: vendorKey },
    names,
    vendorNames,
    files,
  };
}
