import type { GraphQLSchema } from 'graphql';
import { parseManifest, type AppBuildFile } from '../appBuilds/appBuildFiles.js';
import { composeSupergraph, type SubgraphSource } from '../composeSupergraph.js';
import type { OperationFile } from '../persistedQueryManifest.js';
import { apiSchemaOf } from './apiSchemaOf.js';
import type { Approvals, BreakingChangeApproval, NullableRuleException } from './approvals.js';
import { classifyChanges, type SchemaChange } from './classifyChanges.js';
import { findNullableRuleViolations, type NullableRuleViolation } from './nullableFieldRule.js';
import { validateManifestOperations, validateOperationFiles, type BrokenOperation } from './validateOperations.js';

export interface SchemaCheckInput {
  /** The committed supergraph (what the gateway serves today); undefined = none yet. */
  readonly committedSupergraphSdl: string | undefined;
  /** The subgraphs' schemas as they are now. */
  readonly subgraphs: readonly SubgraphSource[];
  /** The app's operations (`test/operations/`: the build being developed). */
  readonly operationFiles: readonly OperationFile[];
  /** The manifests of the supported app builds (`schema/app-builds/`). */
  readonly appBuilds: readonly AppBuildFile[];
  readonly approvals: Approvals;
}

export interface CheckedChange extends SchemaChange {
  /** Set when the change is breaking and approved. */
  readonly approval?: BreakingChangeApproval;
}

export interface CheckedViolation extends NullableRuleViolation {
  readonly exception?: NullableRuleException;
}

export interface SchemaCheckReport {
  /** Nothing breaks the app builds in the field, and the house rule holds. */
  readonly ok: boolean;
  /** Composition or input errors (invalid manifests or committed supergraph): nothing else could be checked. */
  readonly errors: readonly string[];
  /** False when there is no committed supergraph to compare with. */
  readonly compared: boolean;
  readonly changes: readonly CheckedChange[];
  readonly brokenOperations: readonly BrokenOperation[];
  readonly violations: readonly CheckedViolation[];
  /** Approvals that match no change: already in the committed supergraph (retire them) or mistyped. */
  readonly unusedApprovals: readonly BreakingChangeApproval[];
  readonly unusedExceptions: readonly NullableRuleException[];
  /** The new supergraph, when composition succeeded. */
  readonly supergraphSdl?: string;
}

/**
 * `npm run schema:check` as a pure function: composes the subgraphs, classifies every
 * change of the API schema against the committed supergraph's (graphql-inspector),
 * validates every operation of every supported app build and of the app's own files
 * against the new API schema, and applies the nullable house rule. Refuses (ok false) a
 * breaking change not approved, any operation that no longer validates (approval or not:
 * a build on phones cannot be fixed by a reason; retire it first), and a non-null
 * vendor-backed field without an exception.
 */
export async function checkSchema(input: SchemaCheckInput): Promise<SchemaCheckReport> {
  const empty = { compared: false, changes: [], brokenOperations: [], violations: [], unusedApprovals: [], unusedExceptions: [] };
  const composed = composeSupergraph(input.subgraphs);
  if (!composed.ok) return { ...empty, ok: false, errors: composed.errors.map((e) => `composition: ${e}`) };

  const errors: string[] = [];
  const after = apiSchemaOf(composed.supergraphSdl);
  let before: GraphQLSchema | undefined;
  if (input.committedSupergraphSdl !== undefined) {
    try {
      before = apiSchemaOf(input.committedSupergraphSdl);
    } catch (err) {
      errors.push(`the committed supergraph is not a valid supergraph: ${(err as Error).message}`);
    }
  }
  const manifests = input.appBuilds.map((file) => ({ file, parsed: parseManifest(file.path, file.text) }));
  for (const { parsed } of manifests) if (!parsed.ok) errors.push(...parsed.errors);
  if (errors.length > 0) return { ...empty, ok: false, errors, supergraphSdl: composed.supergraphSdl };

  const approvals = input.approvals.breakingChanges;
  const usedApprovals = new Set<BreakingChangeApproval>();
  const changes: CheckedChange[] = (before ? await classifyChanges(before, after) : []).map((change) => {
    if (change.level !== 'breaking') return change;
    const approval = approvals.find((a) => a.path === change.path && a.message === change.message);
    if (!approval) return change;
    usedApprovals.add(approval);
    return { ...change, approval };
  });

  const brokenOperations = [
    ...manifests.flatMap(({ file, parsed }) => (parsed.ok ? validateManifestOperations(after, file.path, file.text, parsed.manifest) : [])),
    ...validateOperationFiles(after, input.operationFiles),
  ];

  const exceptions = input.approvals.nullableRuleExceptions;
  const usedExceptions = new Set<NullableRuleException>();
  const violations: CheckedViolation[] = findNullableRuleViolations(input.subgraphs).map((violation) => {
    const exception = exceptions.find((e) => e.subgraph === violation.subgraph && e.field === violation.field);
    if (!exception) return violation;
    usedExceptions.add(exception);
    return { ...violation, exception };
  });

  const ok =
    changes.every((c) => c.level !== 'breaking' || c.approval !== undefined) && brokenOperations.length === 0 && violations.every((v) => v.exception !== undefined);
  return {
    ok,
    errors: [],
    compared: before !== undefined,
    changes,
    brokenOperations,
    violations,
    unusedApprovals: approvals.filter((a) => !usedApprovals.has(a)),
    unusedExceptions: exceptions.filter((e) => !usedExceptions.has(e)),
    supergraphSdl: composed.supergraphSdl,
  };
}
