import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { manifestProblems, type PersistedQueryManifest } from '../../gateway/src/persistedQueries/PersistedQueryManifest.js';

/** One manifest per supported app build (project-relative); the gateway's default PERSISTED_QUERY_MANIFEST. */
export const APP_BUILDS_DIR = 'schema/app-builds';

/** `<platform>-<major>.<minor>.<patch>[-prerelease]`, e.g. `ios-3.2.0`, `android-3.2.1`, `ios-3.3.0-beta.1`. */
const BUILD_NAME = /^[a-z][a-z0-9]*-\d+\.\d+\.\d+(?:-[0-9A-Za-z.]+)?$/;

export function buildNameProblem(build: string): string | undefined {
  return BUILD_NAME.test(build) ? undefined : `"${build}" is not an app build name: expected <platform>-<version>, e.g. ios-3.3.0 or android-3.2.1`;
}

/** A folder of app build manifests: where it is, and how messages name it. */
export interface AppBuildsFolder {
  /** Absolute path. */
  readonly dir: string;
  /** Project-relative, for messages, e.g. `schema/app-builds`. */
  readonly label: string;
}

export interface AppBuildFile {
  /** Project-relative path, for messages. */
  readonly path: string;
  /** e.g. `ios-3.2.0`. */
  readonly build: string;
  readonly text: string;
}

/** Every `*.json` of an app builds folder, sorted by name (none when the folder does not exist). */
export function readAppBuildFiles(folder: AppBuildsFolder): AppBuildFile[] {
  if (!existsSync(folder.dir)) return [];
  return readdirSync(folder.dir)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => ({ path: `${folder.label}/${name}`, build: name.slice(0, -'.json'.length), text: readFileSync(join(folder.dir, name), 'utf8') }));
}

export type ParsedManifest = { readonly ok: true; readonly manifest: PersistedQueryManifest } | { readonly ok: false; readonly errors: readonly string[] };

/**
 * Parses and validates one manifest (in Apollo's `apollo-persisted-query-manifest` format,
 * as `@apollo/generate-persisted-query-manifest`, Apollo iOS and Apollo Kotlin write it).
 * Every error starts with `where`, so a team knows which file to fix.
 */
export function parseManifest(where: string, text: string): ParsedManifest {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { ok: false, errors: [`${where}: not valid JSON: ${(err as Error).message}`] };
  }
  const problems = manifestProblems(value);
  if (problems.length > 0) return { ok: false, errors: problems.map((p) => `${where}: ${p}`) };
  const manifest = value as PersistedQueryManifest;
  if (manifest.operations.length === 0) return { ok: false, errors: [`${where}: no operations (an app build sends at least one)`] };
  return { ok: true, manifest };
}

/** The committed form of a build's manifest: Apollo's three keys, two-space JSON, one final newline. */
export function renderAppBuild(manifest: PersistedQueryManifest): string {
  const { format, version, operations } = manifest;
  return `${JSON.stringify({ format, version, operations: operations.map(({ id, name, type, body }) => ({ id, name, type, body })) }, null, 2)}\n`;
}
