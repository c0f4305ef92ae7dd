import { readdirSync } from 'node:fs';
import { join } from 'node:path';

/** The folders compiled into dist/ (tsconfig.build.json's `include`). */
export const RUNTIME_FOLDERS = ['platform', 'gateway', 'subgraphs', 'vendors'] as const;

/**
 * Files the services read through a setting whose default is a path relative to the
 * working directory, the project root (`SUPERGRAPH_PATH`, `PERSISTED_QUERY_MANIFEST`, the
 * notifications service's sandbox push credentials). They stay at their project path:
 * the services run from the project root, in a checkout as in the image (WORKDIR /app),
 * so the image copies each of these to the same path. Folders end with `/`.
 */
export const PROJECT_ROOT_ASSETS = [
  'schema/supergraph.graphql',
  'schema/app-builds/',
  'vendors/fcm/sandbox-service-account.json',
  'vendors/apns/fixtures/',
] as const;

/**
 * Every file of the runtime folders that is not TypeScript, docs or tests: files a module
 * reads beside itself (`new URL('./schema.graphql', import.meta.url)`, the sandbox's
 * fixtures), which the build copies beside the compiled module. Project-relative paths,
 * sorted; `test/` folders are skipped (tests never reach dist/).
 */
export function moduleAssets(root: string): string[] {
  const found: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory()) {
        if (entry.name !== 'test' && entry.name !== 'node_modules') walk(path);
      } else if (entry.isFile() && !entry.name.endsWith('.ts') && !entry.name.endsWith('.md')) {
        found.push(path);
      }
    }
  };
  for (const folder of RUNTIME_FOLDERS) walk(folder);
  return found.sort();
}
