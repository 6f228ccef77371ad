import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.{ts,tsx}'],
    // The real-cluster tier runs on its own: npm run test:cluster (test/cluster-real/vitest.config.ts).
    exclude: [...configDefaults.exclude, 'test/cluster-real/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores: end-to-end tests in tmux and kubectl conformance spawn real processes.
    maxWorkers: 2,
  },
});
