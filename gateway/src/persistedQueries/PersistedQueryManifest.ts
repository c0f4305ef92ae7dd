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
 * SHA-256 of that body (what Apollo's persisted-query clients send), with no id twice.
 * Unknown extra keys (some generators add their own) are ignored. Returns every problem
 * found (empty = valid).
 */
export function manifestProblems(value: unknown): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return ['expected a JSON object'];
  const problems: string[] = [];
  const { format, version, operations } = value as Record<string, unknown>;
  if (format !== MANIFEST_FORMAT) problems.push(`"format" must be "${MANIFEST_FORMAT}", got ${JSON.stringify(format) ?? 'nothing'}`);
  if (version !== 1) problems.push(`"version" must be 1, got ${JSON.stringify(version) ?? 'nothing'}`);
  if (!Array.isArray(operations)) return [...problems, '"operations" must be an array'];
  const seen = new Map<string, { index: number; body: string }>();
  operations.forEach((op: unknown, index) => {
    const where = `operations[${index}]`;
    if (typeof op !== 'object' || op === null) return void problems.push(`${where} is not an object`);
    const { id, name, type, body } = op as Record<string, unknown>;
    if (typeof name !== 'string' || name === '') problems.push(`${where}: "name" must be a non-empty string`);
    if (!operationTypes.includes(type as OperationType)) problems.push(`${where}: "type" must be one of ${operationTypes.join(', ')}`);
    if (typeof body !== 'string' || body.trim() === '') return void problems.push(`${where}: "body" must be a non-empty string`);
    if (typeof id !== 'string' || !SHA256_HEX.test(id)) return void problems.push(`${where}: "id" must be a SHA-256 in lowercase hex`);
    const first = seen.get(id);
    if (first && first.body !== body) {
      return void problems.push(`${where}: id ${id} is also the id of operations[${first.index}], whose body differs (one id, two operations)`);
    }
    if (id !== operationId(body)) {
      problems.push(`${where}: "id" is not the SHA-256 of its body (edited by hand, or made by a generator with its own ids? clients send the body's SHA-256)`);
    }
    if (first) problems.push(`${where}: id ${id} appears twice`);
    seen.set(id, first ?? { index, body });
  });
  return problems;
}

/** One manifest of a folder of manifests, for `unionOfManifests`. */
export interface NamedManifest {
  /** Where it came from (a file name), for messages. */
  readonly source: string;
  readonly manifest: PersistedQueryManifest;
}

/**
 * The safelist of several app builds: every operation of every manifest, once per id
 * (ids are SHA-256 of bodies, so one id is one body whichever build it comes from; two
 * builds may have different operations under the same name). Order: the manifests' order,
 * then each manifest's own.
 */
export function unionOfManifests(manifests: readonly NamedManifest[]): PersistedQueryManifest {
  const byId = new Map<string, ManifestOperation>();
  for (const { manifest } of manifests) {
    for (const op of manifest.operations) if (!byId.has(op.id)) byId.set(op.id, op);
  }
  return { format: MANIFEST_FORMAT, version: 1, operations: [...byId.values()] };
}
