import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.{ts,tsx}'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores: end-to-end tests in tmux and kubectl conformance spawn real processes.
    maxWorkers: 2,
  },
});
