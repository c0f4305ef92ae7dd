import {
  GraphQLError,
  Kind,
  NoUnusedFragmentsRule,
  Source,
  parse,
  specifiedRules,
  validate,
  type DefinitionNode,
  type DocumentNode,
  type GraphQLSchema,
} from 'graphql';
import type { PersistedQueryManifest } from '../../gateway/src/persistedQueries/PersistedQueryManifest.js';
import type { OperationFile } from '../persistedQueryManifest.js';

/** An operation an app sends that the schema no longer accepts. */
export interface BrokenOperation {
  /** Project-relative file: a `.graphql` file, or an app build's manifest. */
  readonly file: string;
  readonly line: number;
  /** The operation (or `fragment X`) the error is in. */
  readonly operation: string;
  /** graphql-js's validation message (for a manifest, with the line of the operation's body). */
  readonly message: string;
}

// Fragments may live in their own files, used from others: validated together, so an unused one is no error here.
const FILE_RULES = specifiedRules.filter((rule) => rule !== NoUnusedFragmentsRule);

/**
 * Validates the app's `.graphql` files (the build being developed) against a schema with
 * graphql-js, all files as one document (a fragment may be used from another file). Each
 * error names the file and line where it is, and the operation or fragment it is in.
 */
export function validateOperationFiles(schema: GraphQLSchema, files: readonly OperationFile[]): BrokenOperation[] {
  const broken: BrokenOperation[] = [];
  const definitions: DefinitionNode[] = [];
  for (const file of files) {
    try {
      definitions.push(...parse(new Source(file.text, file.path)).definitions);
    } catch (err) {
      const location = err instanceof GraphQLError ? err.locations?.[0] : undefined;
      broken.push({ file: file.path, line: location?.line ?? 1, operation: '(syntax)', message: (err as Error).message });
    }
  }
  const document: DocumentNode = { kind: Kind.DOCUMENT, definitions };
  for (const error of validate(schema, document, FILE_RULES)) {
    const node = error.nodes?.[0];
    broken.push({
      file: node?.loc?.source.name ?? files[0]?.path ?? '?',
      line: error.locations?.[0]?.line ?? 0,
      operation: node ? enclosingDefinition(definitions, node.loc?.source, node.loc?.start ?? -1) : '?',
      message: error.message,
    });
  }
  return broken;
}

/**
 * Validates every operation of an app build's manifest against a schema. The line is the
 * line of the manifest file that holds the operation's body (one JSON string), and the
 * message says the line inside that body.
 */
export function validateManifestOperations(schema: GraphQLSchema, file: string, text: string, manifest: PersistedQueryManifest): BrokenOperation[] {
  const broken: BrokenOperation[] = [];
  for (const op of manifest.operations) {
    const at = text.indexOf(JSON.stringify(op.body));
    const line = at < 0 ? 1 : text.slice(0, at).split('\n').length;
    let errors: readonly GraphQLError[];
    try {
      errors = validate(schema, parse(op.body));
    } catch (err) {
      errors = [err as GraphQLError];
    }
    for (const error of errors) {
      const bodyLine = error.locations?.[0]?.line;
      broken.push({ file, line, operation: op.name, message: `${error.message}${bodyLine ? ` (line ${bodyLine} of its body)` : ''}` });
    }
  }
  return broken;
}

function enclosingDefinition(definitions: readonly DefinitionNode[], source: Source | undefined, offset: number): string {
  const definition = definitions.find((d) => d.loc?.source === source && d.loc !== undefined && d.loc.start <= offset && offset <= d.loc.end);
  if (definition?.kind === Kind.OPERATION_DEFINITION) return definition.name?.value ?? '(anonymous)';
  if (definition?.kind === Kind.FRAGMENT_DEFINITION) return `fragment ${definition.name.value}`;
  return '?';
}
