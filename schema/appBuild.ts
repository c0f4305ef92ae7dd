import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { PersistedQueryManifest } from '../gateway/src/persistedQueries/PersistedQueryManifest.js';
import { APP_BUILDS_DIR, type AppBuildsFolder } from './appBuilds/appBuildFiles.js';
import { checkAppBuilds, registerAppBuild, retireAppBuild, type CommandOutcome, type ManifestSource } from './appBuilds/appBuildCommands.js';
import { manifestAsApolloClientSends } from './appBuilds/manifestAsApolloClientSends.js';
import { OPERATIONS_DIR } from './persistedQueryManifest.js';
import { readOperationFiles } from './readOperationFiles.js';
import { fromRoot } from './subgraphs.js';

/**
 * The app builds whose operations the gateway's safelist serves (schema/app-builds/):
 *
 *   npm run app-build:register -- <build> [manifest.json] [--replace]
 *       adds a build: the manifest its build produced (@apollo/generate-persisted-query-manifest,
 *       Apollo iOS or Kotlin codegen), or without a file the app's operations in
 *       test/operations/ as @apollo/client 4 sends them (the build being developed)
 *   npm run app-build:retire -- <build>     removes a build no longer supported
 *   npm run manifest:check                  validates every manifest, and that the app's
 *                                           operations are in the safelist (CI)
 *   npm run manifest                        the same, printing the builds
 */
const folder: AppBuildsFolder = { dir: fromRoot(APP_BUILDS_DIR), label: APP_BUILDS_DIR };
const [command, ...rest] = process.argv.slice(2);
const flags = rest.filter((a) => a.startsWith('--'));
const args = rest.filter((a) => !a.startsWith('--'));
const usage = 'usage: app-build register <platform>-<version> [manifest.json] [--replace] | retire <platform>-<version> | check';

async function developingBuild(): Promise<{ from: string; manifest: PersistedQueryManifest } | string[]> {
  const files = readOperationFiles();
  if (files.length === 0) return [`no .graphql operations under ${OPERATIONS_DIR}/`];
  const built = await manifestAsApolloClientSends(files);
  return built.ok ? { from: `${OPERATIONS_DIR}/`, manifest: built.manifest } : [...built.errors];
}

async function run(): Promise<CommandOutcome> {
  switch (command) {
    case 'register': {
      const [build, path] = args;
      if (!build || args.length > 2 || flags.some((f) => f !== '--replace')) return { ok: false, lines: [usage] };
      let source: ManifestSource;
      if (path) {
        let text: string;
        try {
          text = readFileSync(resolve(process.cwd(), path), 'utf8');
        } catch (err) {
          return { ok: false, lines: [`error: cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`] };
        }
        source = { kind: 'file', path, text };
      } else {
        const developing = await developingBuild();
        if (Array.isArray(developing)) return { ok: false, lines: developing.map((e) => `error: ${e}`) };
        source = { kind: 'generated', ...developing };
      }
      return registerAppBuild(folder, build, source, { replace: flags.includes('--replace') });
    }
    case 'retire': {
      const [build] = args;
      if (!build || args.length > 1) return { ok: false, lines: [usage] };
      return retireAppBuild(folder, build);
    }
    case 'check': {
      const developing = await developingBuild();
      if (Array.isArray(developing)) return { ok: false, lines: developing.map((e) => `error: ${e}`) };
      return checkAppBuilds(folder, developing);
    }
    default:
      return { ok: false, lines: [usage] };
  }
}

const outcome = await run();
for (const line of outcome.lines) (outcome.ok ? process.stdout : process.stderr).write(`${line}\n`);
process.exit(outcome.ok ? 0 : 1);
