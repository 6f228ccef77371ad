// The real-cluster tier (npm run test:cluster): test/cluster-real/**/*.cluster.test.ts against a
// real control plane on loopback (test/cluster/control-plane.ts; binaries from
// scripts/build-control-plane.sh). `npm test` does not run these files.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: fileURLToPath(new URL('../..', import.meta.url)),
    include: ['test/cluster-real/**/*.cluster.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    // Each file starts a control plane of its own (five processes, ~1 GB): one file at a time.
    fileParallelism: false,
    maxWorkers: 1,
  },
});
