import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', 'bench/**'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // Every test file starts its own servers on port 0; two workers match the two cores.
    maxWorkers: 2,
    reporters: ['default'],
  },
});
