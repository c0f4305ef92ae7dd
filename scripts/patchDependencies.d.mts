// Types of patchDependencies.mjs (plain JavaScript: it runs where there is no TypeScript).
export interface Replacement {
  readonly from: string;
  readonly to: string;
}
export interface DependencyPatch {
  readonly packageName: string;
  readonly version: string;
  /** Relative to the package's folder. */
  readonly file: string;
  readonly replacements: readonly Replacement[];
}
export type PatchOutcome = { status: 'applied'; text: string } | { status: 'already' } | { status: 'mismatch'; reason: string };
export const PATCH_MARKER: string;
export const DEPENDENCY_PATCHES: readonly DependencyPatch[];
export function applyDependencyPatch(text: string, patch: DependencyPatch): PatchOutcome;
export function patchDependencies(root: string, patches?: readonly DependencyPatch[]): string[];
