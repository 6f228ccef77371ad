// npx tsx bench/cockpit-data.ts [N...] — the data layer alone against the simulator: time to the
// first pods page in the store and to the whole list, next to `kubectl get pods -A`; RSS and heap
// once synced; the cost of deriving every pod row. The simulator and the data layer each run in
// a child (bench/harness.ts), so the data layer's RSS is its own and no wait can hang the bench.
import { CoreV1Api } from '@kubernetes/client-node';
import { bench, median, run, startSim, step, until } from './harness.js';
import { startCockpitData } from '../src/cluster/cockpit-service.js';
import { loadConnection } from '../src/cluster/connect.js';
import { podRows } from '../src/state/selectors.js';
import type { CockpitState } from '../src/state/types.js';

const mb = (n: number): number => Math.round(n / 2 ** 20);

/** In the child: start the data layer and time the store filling up. */
async function measure(kubeconfig: string): Promise<Record<string, number>> {
  globalThis.gc?.();
  const rssBefore = process.memoryUsage().rss;
  const start = performance.now();
  const data = startCockpitData(loadConnection({ kubeconfig, allNamespaces: true }));
  const at = (predicate: (s: CockpitState) => boolean): Promise<number> =>
    new Promise((resolve) => {
      const unsubscribe = data.store.subscribe((s) => {
        if (!predicate(s)) return;
        unsubscribe();
        resolve(performance.now());
      });
    });
  const [firstPage, synced] = await Promise.all([
    at((s) => s.pods.size > 0),
    at((s) => s.synced.pods === true),
  ]);
  const state = data.store.getState();
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    podRows(state, Date.now() + i * 5000, '', 'name');
    times.push(performance.now() - t);
  }
  // A watch batch that changed one pod: the same clock and metrics, one new pod object.
  const [firstKey, firstPod] = state.pods.entries().next().value!;
  const churned = { ...state, pods: new Map(state.pods).set(firstKey, { ...firstPod }) };
  const now = Date.now();
  podRows(state, now, '', 'name');
  const t = performance.now();
  podRows(churned, now, '', 'name');
  const podRowsOneChangedMs = performance.now() - t;
  globalThis.gc?.();
  const memory = process.memoryUsage();
  data.stop();
  return {
    processToFirstPageMs: Math.round(firstPage),
    firstPageMs: Math.round(firstPage - start),
    syncedMs: Math.round(synced - start),
    rssMb: mb(memory.rss),
    rssGrowthMb: mb(memory.rss - rssBefore),
    heapMb: mb(memory.heapUsed),
    podRowsMs: Math.round(median(times)),
    podRowsOneChangedMs: Math.round(podRowsOneChangedMs),
  };
}

const [, , first, ...rest] = process.argv;
if (first === '--child') {
  console.log(JSON.stringify(await measure(rest[0]!)));
  process.exit(0);
}
await bench('cockpit-data', 20 * 60_000, async () => {
  console.log(
    '| pods | first page | all pods | `kubectl get pods -A` | from process start | RSS (growth) | heap | podRows(): new clock / one pod changed |',
  );
  console.log('|---|---|---|---|---|---|---|---|');
  for (const pods of [first, ...rest]
    .filter(Boolean)
    .map(Number)
    .concat(first ? [] : [1000, 10000])) {
    const sim = await startSim(`large:${pods}`);
    // Measure a settled cluster: while the simulated kubelet starts N pods, its events swamp both sides.
    const core = sim.kubeConfig.makeApiClient(CoreV1Api);
    await step(`${pods} pods Running`, 180_000, (signal) =>
      until(
        async () => (await core.listPodForAllNamespaces()).items.every((p) => p.status?.phase === 'Running'),
        signal,
        500,
      ),
    );
    const kubectl = await step(`3 × kubectl get pods -A at ${pods} pods`, 120_000, async () => {
      const times: number[] = [];
      for (let i = 0; i < 3; i++) {
        const t = performance.now();
        await run('kubectl', ['--kubeconfig', sim.kubeconfigPath, 'get', 'pods', '-A'], 60_000);
        times.push(performance.now() - t);
      }
      return times;
    });
    const { stdout } = await step(`the data layer synced at ${pods} pods (child)`, 180_000, () =>
      run(
        process.execPath,
        ['--expose-gc', '--import', 'tsx', import.meta.filename, '--child', sim.kubeconfigPath],
        170_000,
      ),
    );
    const r = JSON.parse(stdout) as Record<string, number>;
    console.log(
      `| ${pods} | ${r.firstPageMs} ms | ${r.syncedMs} ms | ${Math.round(median(kubectl))} ms | ${r.processToFirstPageMs} ms | ${r.rssMb} MB (+${r.rssGrowthMb} MB) | ${r.heapMb} MB | ${r.podRowsMs} ms / ${r.podRowsOneChangedMs} ms |`,
    );
    await sim.stop();
  }
});
