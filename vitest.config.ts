import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

export default defineConfig({
  resolve: {
    // graphql 16 ships CJS (`main`) and ESM (`module`). Node (and so Apollo, at run time)
    // loads the CJS build; Vite would give our own code the ESM one, and two copies of
    // GraphQLError break `instanceof` between our errors and Apollo's. Load the one Node loads.
    alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }],
  },
  test: {
    include: ['**/*.test.ts'],
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
  },
});
