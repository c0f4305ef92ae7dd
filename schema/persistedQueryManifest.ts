import { Kind, parse, print, visit, type DocumentNode, type FragmentDefinitionNode, type OperationDefinitionNode } from 'graphql';
import {
  MANIFEST_FORMAT,
  operationId,
  type ManifestOperation,
  type PersistedQueryManifest,
} from '../gateway/src/persistedQueries/PersistedQueryManifest.js';
import { parseErrorMessage } from './parseErrorMessage.js';

/** Where the app's operations (the build being developed) live, project-relative. */
export const OPERATIONS_DIR = 'test/operations';

export interface OperationFile {
  /** Project-relative, for messages. */
  readonly path: string;
  readonly text: string;
}

export type ManifestBuild = { readonly ok: true; readonly manifest: PersistedQueryManifest } | { readonly ok: false; readonly errors: readonly string[] };

/**
 * The operations of a set of `.graphql` files as written (no client transform: see
 * appBuilds/manifestAsApolloClientSends.ts for the manifest an app build registers): one entry per named
 * operation, whose body is the operation and the fragments it uses (from any file),
 * printed by graphql-js (the canonical form Apollo's tooling and clients send), and
 * whose id is the SHA-256 of that body. Sorted by name, so the output only changes
 * when an operation does. Every problem is reported: syntax errors, anonymous or
 * duplicate operations, duplicate or unknown fragments.
 */
export function buildManifest(files: readonly OperationFile[]): ManifestBuild {
  const errors: string[] = [];
  const operations: { node: OperationDefinitionNode; path: string }[] = [];
  const fragments = new Map<string, { node: FragmentDefinitionNode; path: string }>();

  for (const file of files) {
    let document: DocumentNode;
    try {
      document = parse(file.text);
    } catch (err) {
      errors.push(parseErrorMessage(file.path, err));
      continue;
    }
    for (const definition of document.definitions) {
      if (definition.kind === Kind.OPERATION_DEFINITION) {
        if (!definition.name) errors.push(`${file.path}: every operation needs a name (the manifest and the app refer to it by name)`);
        operations.push({ node: definition, path: file.path });
      } else if (definition.kind === Kind.FRAGMENT_DEFINITION) {
        const seen = fragments.get(definition.name.value);
        if (seen) errors.push(`${file.path}: fragment ${definition.name.value} is also defined in ${seen.path}`);
        else fragments.set(definition.name.value, { node: definition, path: file.path });
      } else {
        errors.push(`${file.path}: only operations and fragments belong in an operation file, found a ${definition.kind}`);
      }
    }
  }

  const byName = new Map<string, string>();
  const entries: ManifestOperation[] = [];
  for (const { node, path } of operations) {
    const name = node.name?.value;
    if (name === undefined) continue;
    const other = byName.get(name);
    if (other !== undefined) {
      errors.push(`${path}: operation ${name} is also defined in ${other}`);
      continue;
    }
    byName.set(name, path);
    const used = usedFragments(node, fragments, (missing) => errors.push(`${path}: operation ${name} uses fragment ${missing}, defined nowhere`));
    const body = print({ kind: Kind.DOCUMENT, definitions: [node, ...used] });
    entries.push({ id: operationId(body), name, type: node.operation, body });
  }

  if (errors.length > 0) return { ok: false, errors };
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { ok: true, manifest: { format: MANIFEST_FORMAT, version: 1, operations: entries } };
}

/** The fragments an operation spreads, directly or through other fragments, sorted by name. */
function usedFragments(
  operation: OperationDefinitionNode,
  fragments: ReadonlyMap<string, { node: FragmentDefinitionNode }>,
  onMissing: (name: string) => void,
): FragmentDefinitionNode[] {
  const used = new Map<string, FragmentDefinitionNode>();
  const pending: (OperationDefinitionNode | FragmentDefinitionNode)[] = [operation];
  while (pending.length > 0) {
    const node = pending.pop();
    if (!node) break;
    visit(node, {
      FragmentSpread(spread) {
        const name = spread.name.value;
        if (used.has(name)) return;
        const fragment = fragments.get(name)?.node;
        if (!fragment) return void onMissing(name);
        used.set(name, fragment);
        pending.push(fragment);
      },
    });
  }
  return [...used.keys()].sort().map((name) => used.get(name) as FragmentDefinitionNode);
}
