import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { unionOfManifests, type PersistedQueryManifest } from '../../gateway/src/persistedQueries/PersistedQueryManifest.js';
import { buildNameProblem, parseManifest, readAppBuildFiles, renderAppBuild, type AppBuildsFolder } from './appBuildFiles.js';

/** What a command did: `lines` to print; `ok` false = refused, nothing written (lines say why, each `error: …`). */
export interface CommandOutcome {
  readonly ok: boolean;
  readonly lines: readonly string[];
}

const refused = (errors: readonly string[]): CommandOutcome => ({ ok: false, lines: errors.map((e) => `error: ${e}`) });
const short = (id: string) => id.slice(0, 12);

/** Where the manifest to register comes from: a file an app build produced, or the operations of the build being developed. */
export type ManifestSource =
  | { readonly kind: 'file'; readonly path: string; readonly text: string }
  | { readonly kind: 'generated'; readonly from: string; readonly manifest: PersistedQueryManifest };

/**
 * Adds a build's manifest to the folder (so the gateway's safelist serves it). Refuses an
 * invalid manifest (every problem, naming the file), a bad build name, and a build already
 * registered with other operations unless `replace` (for a build that has not shipped yet:
 * a shipped build's operations are on phones and cannot change).
 */
export function registerAppBuild(folder: AppBuildsFolder, build: string, source: ManifestSource, options: { replace?: boolean } = {}): CommandOutcome {
  const nameProblem = buildNameProblem(build);
  if (nameProblem) return refused([nameProblem]);
  let manifest: PersistedQueryManifest;
  if (source.kind === 'file') {
    const parsed = parseManifest(source.path, source.text);
    if (!parsed.ok) return refused(parsed.errors);
    manifest = parsed.manifest;
  } else {
    manifest = source.manifest;
  }

  const file = join(folder.dir, `${build}.json`);
  const label = `${folder.label}/${build}.json`;
  const content = renderAppBuild(manifest);
  const existing = existsSync(file) ? readFileSync(file, 'utf8') : undefined;
  if (existing === content) return { ok: true, lines: [`${build} is already registered with these ${manifest.operations.length} operations: ${label} unchanged.`] };
  if (existing !== undefined && !options.replace) {
    return refused([
      `${build} is already registered (${label}) with other operations. A shipped build's manifest never changes: register the new build under its own version, or pass --replace if ${build} has not shipped.`,
    ]);
  }

  const others = readAppBuildFiles(folder).filter((f) => f.build !== build);
  const known = new Set<string>();
  for (const other of others) {
    const parsed = parseManifest(other.path, other.text);
    if (parsed.ok) for (const op of parsed.manifest.operations) known.add(op.id);
  }
  const added = manifest.operations.filter((op) => !known.has(op.id));
  mkdirSync(folder.dir, { recursive: true });
  writeFileSync(file, content);
  return {
    ok: true,
    lines: [
      `${existing === undefined ? 'registered' : 'replaced'} ${build}: wrote ${label} (${manifest.operations.length} operations${source.kind === 'generated' ? `, from ${source.from}` : `, from ${source.path}`}).`,
      added.length === 0
        ? 'The safelist gains no operation: every one is already in another build.'
        : `The safelist gains ${added.length}: ${added.map((op) => `${op.name} (${short(op.id)})`).join(', ')}.`,
    ],
  };
}

/**
 * Removes a build that is no longer supported: its operations leave the safelist unless
 * another build has them too (they are listed). Refuses an unknown build and the last one.
 */
export function retireAppBuild(folder: AppBuildsFolder, build: string): CommandOutcome {
  const files = readAppBuildFiles(folder);
  const target = files.find((f) => f.build === build);
  if (!target) {
    return refused([`${build} is not a registered app build (registered: ${files.map((f) => f.build).join(', ') || 'none'}).`]);
  }
  if (files.length === 1) return refused([`${build} is the last registered app build: the safelist would be empty and safelist mode would refuse every app.`]);
  const mine = parseManifest(target.path, target.text);
  const kept = new Set<string>();
  for (const other of files.filter((f) => f !== target)) {
    const parsed = parseManifest(other.path, other.text);
    if (parsed.ok) for (const op of parsed.manifest.operations) kept.add(op.id);
  }
  const leaving = mine.ok ? mine.manifest.operations.filter((op) => !kept.has(op.id)) : [];
  rmSync(join(folder.dir, `${build}.json`));
  return {
    ok: true,
    lines: [
      `retired ${build}: removed ${target.path}.`,
      leaving.length === 0
        ? 'No operation leaves the safelist: the remaining builds send them all.'
        : `Leaving the safelist: ${leaving.map((op) => `${op.name} (${short(op.id)})`).join(', ')}. Fields only they used can now be removed (npm run schema:check protects the rest).`,
    ],
  };
}

export interface AppBuildsCheck extends CommandOutcome {
  /** The union the gateway serves, when every manifest is valid. */
  readonly safelist?: PersistedQueryManifest;
}

/**
 * Validates every manifest of the folder (names, JSON, format, ids = SHA-256 of bodies,
 * duplicates) and, given the manifest of the build being developed (the app's
 * operations as @apollo/client sends them), that each of its operations is in the
 * safelist: this commit's app must be served by this commit's gateway.
 */
export function checkAppBuilds(folder: AppBuildsFolder, developing?: { readonly from: string; readonly manifest: PersistedQueryManifest }): AppBuildsCheck {
  const files = readAppBuildFiles(folder);
  if (files.length === 0) return refused([`no app build manifests (*.json) in ${folder.label}: register one with npm run app-build:register -- <platform>-<version>`]);
  const errors: string[] = [];
  const manifests = [];
  for (const file of files) {
    const nameProblem = buildNameProblem(file.build);
    if (nameProblem) errors.push(`${file.path}: ${nameProblem}`);
    const parsed = parseManifest(file.path, file.text);
    if (parsed.ok) manifests.push({ source: file.path, manifest: parsed.manifest });
    else errors.push(...parsed.errors);
  }
  if (errors.length > 0) return refused(errors);
  const safelist = unionOfManifests(manifests);
  const served = new Set(safelist.operations.map((op) => op.id));
  const missing = developing ? developing.manifest.operations.filter((op) => !served.has(op.id)) : [];
  if (missing.length > 0) {
    return refused(
      missing.map(
        (op) =>
          `${developing?.from}: ${op.name} as @apollo/client sends it (id ${short(op.id)}) is in no registered app build: register the build being developed (npm run app-build:register -- <platform>-<version>, or --replace an unshipped one)`,
      ),
    );
  }
  return {
    ok: true,
    safelist,
    lines: [`${folder.label}: ${files.length} app builds (${files.map((f) => f.build).join(', ')}), ${safelist.operations.length} operations in the safelist.`],
  };
}
