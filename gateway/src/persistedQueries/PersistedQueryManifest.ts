import { createHash } from 'node:crypto';

/**
 * Apollo's persisted query manifest (the format of `rover persisted-queries publish`,
 * `@apollo/generate-persisted-query-manifest` and GraphOS safelists): every operation an
 * app build may send, each identified by the SHA-256 of its exact body.
 */
export const MANIFEST_FORMAT = 'apollo-persisted-query-manifest';

export const operationTypes = ['query', 'mutation', 'subscription'] as const;
export type OperationType = (typeof operationTypes)[number];

export interface ManifestOperation {
  /** SHA-256 of `body`, lowercase hex: what a client sends as `extensions.persistedQuery.sha256Hash`. */
  readonly id: string;
  readonly name: string;
  readonly type: OperationType;
  /** The operation and the fragments it uses, as the app sends it. */
  readonly body: string;
}

export interface PersistedQueryManifest {
  readonly format: typeof MANIFEST_FORMAT;
  readonly version: 1;
  readonly operations: readonly ManifestOperation[];
}

/** The id of an operation body: its SHA-256, lowercase hex (the same hash as automatic persisted queries). */
export function operationId(body: string): string {
  return createHash('sha256').update(body).digest('hex');
}

const SHA256_HEX = /^[0-9a-f]{64}$/;

/**
 * Checks that `value` (parsed JSON) is a manifest this gateway can serve: the format
 * and version, and for every operation a name, a type, a body and an id that is the
 * SHA-256 of that body, with no id twice. Returns every problem found (empty = valid).
 */
export function manifestProblems(value: unknown): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return ['expected a JSON object'];
  const problems: string[] = [];
  const { format, version, operations } = value as Record<string, unknown>;
  if (format !== MANIFEST_FORMAT) problems.push(`"format" must be "${MANIFEST_FORMAT}", got ${JSON.stringify(format) ?? 'nothing'}`);
  if (version !== 1) problems.push(`"version" must be 1, got ${JSON.stringify(version) ?? 'nothing'}`);
  if (!Array.isArray(operations)) return [...problems, '"operations" must be an array'];
  const seen = new Set<string>();
  operations.forEach((op: unknown, index) => {
    const where = `operations[${index}]`;
    if (typeof op !== 'object' || op === null) return void problems.push(`${where} is not an object`);
    const { id, name, type, body } = op as Record<string, unknown>;
    if (typeof name !== 'string' || name === '') problems.push(`${where}: "name" must be a non-empty string`);
    if (!operationTypes.includes(type as OperationType)) problems.push(`${where}: "type" must be one of ${operationTypes.join(', ')}`);
    if (typeof body !== 'string' || body.trim() === '') return void problems.push(`${where}: "body" must be a non-empty string`);
    if (typeof id !== 'string' || !SHA256_HEX.test(id)) return void problems.push(`${where}: "id" must be a SHA-256 in lowercase hex`);
    if (id !== operationId(body)) problems.push(`${where}: "id" is not the SHA-256 of its body (the body was edited by hand? run npm run manifest)`);
    if (seen.has(id)) problems.push(`${where}: id ${id} appears twice`);
    seen.add(id);
  });
  return problems;
}
