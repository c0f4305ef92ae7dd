import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

/** Suites that start every service as its own process: the scale-out test and the production build's run. */
const WHOLE_SYSTEM_SUITES = ['test/scale/**/*.test.ts', 'test/deploy/productionBuild.test.ts'];

export default defineConfig({
  resolve: {
    // graphql 16 ships CJS (`main`) and ESM (`module`). Node (and so Apollo, at run time)
    // loads the CJS build; Vite would give our own code the ESM one, and two copies of
    // GraphQLError break `instanceof` between our errors and Apollo's. Load the one Node loads.
    alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }],
  },
  test: {
    // Every response any test reads is scanned for secrets (vendor keys, signing keys).
    setupFiles: ['test/setup/scanResponses.ts'],
    globalSetup: ['test/setup/servicesNotice.ts'],
    exclude: ['node_modules/**', 'bench/**'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // Every test file starts its own servers on port 0; two workers match the two cores.
    maxWorkers: 2,
    reporters: ['default'],
    // No network here: Apollo Gateway's anonymous telemetry would only cost time.
    env: { APOLLO_TELEMETRY_DISABLED: '1' },
    projects: [
      { extends: true, test: { name: 'suite', include: ['**/*.test.ts'], exclude: ['node_modules/**', 'bench/**', ...WHOLE_SYSTEM_SUITES] } },
      // Each of these runs a whole system as a dozen processes (and the image's build). Beside
      // another test file they starved it on two cores (a vendor call past its 1 s deadline), so
      // they run after the rest, one file at a time.
      { extends: true, test: { name: 'whole-system', include: WHOLE_SYSTEM_SUITES, fileParallelism: false, sequence: { groupOrder: 1 } } },
    ],
  },
});
