import { loadPersistedQueryManifest, ManifestLoadError } from './loadPersistedQueryManifest.js';

/**
 * The operation names of the app builds' manifests at `path` (PERSISTED_QUERY_MANIFEST),
 * for the metrics' operation labels when the manifest is not otherwise read (APQ mode):
 * those names always get a label of their own. Labels are all it is used for, so a missing
 * or invalid manifest gives no names rather than stopping the gateway; safelist mode reads
 * (and insists on) the manifest itself.
 */
export function manifestOperationNames(path: string, cwd: string): string[] {
  try {
    return loadPersistedQueryManifest(path, cwd).operations.map((op) => op.name);
  } catch (err) {
    if (err instanceof ManifestLoadError) return [];
    throw err;
  }
}
