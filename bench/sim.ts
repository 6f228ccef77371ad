// npm run bench:sim — the simulator's own figures: list latency through client-node and
// `kubectl get pods -A` wall time at 1k and 10k pods, and pod updates → events a client-node
// Watch receives per second. The simulator runs in a child process (bench/harness.ts): a bench
// waiting on kubectl never stops it answering. Sizes: PODS=1000,10000 EVENTS=20000.
import { join } from 'node:path';
import { CoreV1Api, Watch } from '@kubernetes/client-node';
import { bench, churnPods, percentile, run, startSim, step, until } from './harness.js';

const kubectl = join(import.meta.dirname, '..', '.tools', 'bin', 'kubectl');
const SIZES = (process.env.PODS ?? '1000,10000').split(',').map(Number);
const EVENTS = Number(process.env.EVENTS ?? 20_000);

async function timed(runs: number, fn: () => Promise<unknown>): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await fn();
    times.push(performance.now() - start);
  }
  return times;
}

async function lists(pods: number) {
  const sim = await startSim(`large:${pods}`);
  try {
    const core = sim.kubeConfig.makeApiClient(CoreV1Api);
    const list = await step(`10 lists of ${pods} pods through client-node`, 120_000, () =>
      timed(10, () => core.listPodForAllNamespaces()),
    );
    const kubectlRuns = await step(`5 × kubectl get pods -A at ${pods} pods`, 120_000, () =>
      timed(5, () => run(kubectl, ['--kubeconfig', sim.kubeconfigPath, 'get', 'pods', '-A'], 60_000)),
    );
    return { pods, list, kubectlRuns };
  } finally {
    await sim.stop();
  }
}

/** Patches pods as fast as the server takes them and counts the events a client-node Watch receives. */
async function watchThroughput(events: number): Promise<{ perSecond: number; sent: number }> {
  const sim = await startSim('large:1000');
  try {
    const core = sim.kubeConfig.makeApiClient(CoreV1Api);
    const list = await step('list the pods to update', 60_000, () => core.listPodForAllNamespaces());
    const pods = list.items.map((p) => ({ namespace: p.metadata!.namespace!, name: p.metadata!.name! }));
    let received = 0;
    const controller = await step('open the watch', 30_000, () =>
      new Watch(sim.kubeConfig).watch(
        '/api/v1/pods',
        { resourceVersion: list.metadata!.resourceVersion! },
        () => void received++,
        () => {},
      ),
    );
    try {
      return await step(`${events} pod updates delivered to the watch`, 300_000, async (signal) => {
        const start = performance.now();
        // As fast as 64 requests in flight carry them.
        const churn = churnPods(sim.kubeConfig, pods, 1e9);
        await until(() => churn.sent() >= events, signal);
        await churn.stop();
        await until(() => received >= events, signal);
        return { perSecond: received / ((performance.now() - start) / 1000), sent: churn.sent() };
      });
    } finally {
      controller.abort();
    }
  } finally {
    await sim.stop();
  }
}

await bench('sim', 15 * 60_000, async () => {
  const rows = [];
  for (const pods of SIZES) rows.push(await lists(pods));
  const watch = await watchThroughput(EVENTS);
  const ms = (n: number) => `${n.toFixed(0)} ms`;
  console.log('| figure | p50 | p95 |\n|---|---|---|');
  for (const r of rows) {
    console.log(
      `| list all pods through client-node, ${r.pods} pods | ${ms(percentile(r.list, 50))} | ${ms(percentile(r.list, 95))} |`,
    );
    console.log(
      `| \`kubectl get pods -A\` wall time, ${r.pods} pods | ${ms(percentile(r.kubectlRuns, 50))} | ${ms(percentile(r.kubectlRuns, 95))} |`,
    );
  }
  console.log(
    `| pod updates (${watch.sent} merge patches, 64 in flight) → events delivered to a client-node Watch | ${watch.perSecond.toFixed(0)} events/s | |`,
  );
});
