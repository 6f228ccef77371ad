// npm run bench:logs — the cockpit's log view following 5,000 lines/s: the data side of issue
// 14's figure (the UI renders from the same store). The simulator runs in a child process so
// the figures are the cockpit's alone: memory before and after (the view is bounded at 10,000
// lines), lines received per second, and the time each batch takes to apply to the store.
// BENCH_SECONDS (default 30) and BENCH_RATE (default 5000) change the run.
import { join } from 'node:path';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { execa } from 'execa';
import { startLogFollower } from '../src/cluster/log-follow.js';
import { createCockpitStore, initialState } from '../src/state/store.js';
import { LOG_VIEW_MAX_LINES } from '../src/state/types.js';

const seconds = Number(process.env.BENCH_SECONDS ?? 30);
const rate = Number(process.env.BENCH_RATE ?? 5000);
const root = join(import.meta.dirname, '..');

const percentile = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
};
const mb = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(1)} MB`;
const memory = (): { rss: number; heap: number } => {
  const m = process.memoryUsage();
  return { rss: m.rss, heap: m.heapUsed };
};
const waitFor = async (
  check: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 30_000,
): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
};

const dir = mkdtempSync(join(tmpdir(), 'bench-logs-'));
const kubeconfig = join(dir, 'kubeconfig');
const sim = execa(
  'npx',
  ['tsx', join(root, 'src/cli.tsx'), 'sim', '--scenario', 'empty', '--kubeconfig-out', kubeconfig],
  {
    cwd: root,
    reject: false,
  },
);
try {
  await waitFor(() => existsSync(kubeconfig), 'the simulator');
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfig);
  const core = kc.makeApiClient(CoreV1Api);
  await waitFor(
    () =>
      core.listNamespace().then(
        () => true,
        () => false,
      ),
    'the API',
  );
  await core.createNamespacedPod({
    namespace: 'default',
    body: {
      metadata: { name: 'firehose', annotations: { 'sim.aiops.dev/log-rate': String(rate) } },
      spec: { containers: [{ name: 'app', image: 'nginx:1.27' }] },
    },
  });
  await waitFor(
    () =>
      core
        .readNamespacedPod({ namespace: 'default', name: 'firehose' })
        .then((p) => Boolean(p.status?.containerStatuses?.[0]?.state?.running)),
    'the pod to run',
  );

  const store = createCockpitStore(initialState({ context: 'sim', server: '', namespace: 'default' }));
  // Time every batch the follower applies (the store's own action, wrapped).
  const applyMs: number[] = [];
  const batchSizes: number[] = [];
  const append = store.getState().appendLogLines;
  store.setState({
    appendLogLines(lines) {
      const start = performance.now();
      append(lines);
      applyMs.push(performance.now() - start);
      batchSizes.push(lines.length);
    },
  });
  global.gc?.();
  const before = memory();
  const follower = startLogFollower(store, kc, { tailLines: 0 });
  follower.open({ kind: 'pods', namespace: 'default', name: 'firehose' }, { previous: false });
  const started = performance.now();
  const samples: { at: number; rss: number; heap: number; lines: number }[] = [];
  while (performance.now() - started < seconds * 1000) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const view = store.getState().logView;
    samples.push({
      at: performance.now() - started,
      ...memory(),
      lines: (view?.lines.length ?? 0) + (view?.dropped ?? 0),
    });
  }
  const view = store.getState().logView!;
  const elapsed = (performance.now() - started) / 1000;
  global.gc?.();
  const after = memory();
  follower.close();

  const received = view.lines.length + view.dropped;
  console.log(
    `log view following ${rate} lines/s for ${seconds} s (status ${view.status}${view.message ? `: ${view.message}` : ''})`,
  );
  console.log(
    `  lines received: ${received} (${Math.round(received / elapsed)}/s), kept ${view.lines.length} (bound ${LOG_VIEW_MAX_LINES}), dropped ${view.dropped}`,
  );
  console.log(`  memory before: RSS ${mb(before.rss)}, heap ${mb(before.heap)}`);
  console.log(`  memory after:  RSS ${mb(after.rss)}, heap ${mb(after.heap)}`);
  const peak = samples.reduce((m, s) => Math.max(m, s.rss), 0);
  const late = samples.slice(Math.floor(samples.length / 2));
  console.log(
    `  RSS peak ${mb(peak)}; second half of the run ${mb(Math.min(...late.map((s) => s.rss)))}–${mb(Math.max(...late.map((s) => s.rss)))} (bounded when it stays flat)`,
  );
  console.log(
    `  batches: ${applyMs.length} (${(applyMs.length / elapsed).toFixed(1)}/s, median ${percentile(batchSizes, 50)} lines), apply to the store p50 ${percentile(applyMs, 50).toFixed(3)} ms, p95 ${percentile(applyMs, 95).toFixed(3)} ms, max ${Math.max(...applyMs).toFixed(3)} ms`,
  );
} finally {
  sim.kill('SIGTERM');
  await sim;
  rmSync(dir, { recursive: true, force: true });
}
