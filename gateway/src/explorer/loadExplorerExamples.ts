import { readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { loadPersistedQueryManifest } from '../persistedQueries/loadPersistedQueryManifest.js';
import type { ManifestOperation, OperationType } from '../persistedQueries/PersistedQueryManifest.js';
import type { ExplorerExample } from './ExplorerExample.js';

/** What the app opens with: the example a newcomer should run first. */
const FIRST = 'HomeScreen';
const TYPE_ORDER: readonly OperationType[] = ['query', 'mutation', 'subscription'];

/**
 * The app builds' operations (PERSISTED_QUERY_MANIFEST: a folder of manifests, one per
 * build, or one manifest file), as the explorer's examples: one per operation name, from
 * the newest build that sends it (`<platform>-<version>.json`, by version), so an
 * operation reads as the app sends it today. HomeScreen first, then queries, mutations and
 * subscriptions, each by name. A missing or invalid manifest adds none (in a folder, the
 * others still count): the explorer works without examples, and safelist mode, which needs
 * the manifests, reports them at start-up itself.
 */
export function loadExplorerExamples(manifestPath: string, cwd: string): ExplorerExample[] {
  const target = resolve(cwd, manifestPath);
  const newest = new Map<string, ManifestOperation>();
  for (const file of manifestFiles(target)) {
    for (const operation of readOperations(file)) newest.set(operation.name, operation);
  }
  return [...newest.values()].sort(byExampleOrder).map(({ name, body }) => ({ name, document: body }));
}

/** The manifest files, oldest build first. */
function manifestFiles(target: string): string[] {
  try {
    if (!statSync(target).isDirectory()) return [target];
    return readdirSync(target)
      .filter((name) => name.endsWith('.json'))
      .sort(byBuildVersion)
      .map((name) => join(target, name));
  } catch {
    return [];
  }
}

function readOperations(file: string): readonly ManifestOperation[] {
  try {
    return loadPersistedQueryManifest(file, dirname(file)).operations;
  } catch {
    return [];
  }
}

/** `ios-3.10.0.json` after `ios-3.9.2.json`; names without a version first; then by name, so the order is stable. */
function byBuildVersion(a: string, b: string): number {
  const va = buildVersion(a);
  const vb = buildVersion(b);
  for (let i = 0; i < Math.max(va.length, vb.length); i++) {
    const diff = (va[i] ?? -1) - (vb[i] ?? -1);
    if (diff !== 0) return diff;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

function buildVersion(file: string): number[] {
  const match = /-(\d+(?:\.\d+)*)\.json$/.exec(file);
  return match ? match[1]!.split('.').map(Number) : [];
}

function byExampleOrder(a: ManifestOperation, b: ManifestOperation): number {
  if ((a.name === FIRST) !== (b.name === FIRST)) return a.name === FIRST ? -1 : 1;
  const byType = TYPE_ORDER.indexOf(a.type) - TYPE_ORDER.indexOf(b.type);
  if (byType !== 0) return byType;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}
