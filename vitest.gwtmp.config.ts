import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';
const require = createRequire(import.meta.url);
export default defineConfig({
  resolve: { alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }] },
  test: { include: ['**/*.test.ts'], exclude: ['node_modules/**', 'bench/**'], testTimeout: 20_000, hookTimeout: 30_000, maxWorkers: 2 },
});
