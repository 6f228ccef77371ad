// npm run bench:sim — the simulator's own figures: list latency through client-node and
// `kubectl get pods -A` wall time at 1k and 10k pods, and watch events delivered per second.
import { join } from 'node:path';
import { CoreV1Api, KubeConfig, Watch } from '@kubernetes/client-node';
import { execa } from 'execa';
import { startSimulator } from '../src/sim/index.js';
import { K } from '../src/sim/resources.js';

const kubectl = join(import.meta.dirname, '..', '.tools', 'bin', 'kubectl');

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

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
  const sim = await startSimulator({ scenario: `large:${pods}` });
  try {
    const kc = new KubeConfig();
    kc.loadFromFile(sim.kubeconfigPath);
    const core = kc.makeApiClient(CoreV1Api);
    const list = await timed(10, () => core.listPodForAllNamespaces());
    const kubectlRuns = await timed(5, () =>
      execa(kubectl, ['--kubeconfig', sim.kubeconfigPath, 'get', 'pods', '-A']),
    );
    return { pods, list, kubectlRuns };
  } finally {
    await sim.close();
  }
}

/** Modifies pods through the store as fast as it can and counts events a client-node Watch receives. */
async function watchThroughput(events: number): Promise<number> {
  const sim = await startSimulator({ scenario: 'large:1000' });
  try {
    const kc = new KubeConfig();
    kc.loadFromFile(sim.kubeconfigPath);
    let received = 0;
    let resolveDone!: () => void;
    const done = new Promise<void>((resolve) => (resolveDone = resolve));
    const controller = await new Watch(kc).watch(
      '/api/v1/pods',
      { resourceVersion: String(sim.ctx.store.resourceVersion) },
      () => {
        if (++received === events) resolveDone();
      },
      () => {},
    );
    const pods = sim.ctx.store.list(K.pods);
    const start = performance.now();
    for (let i = 0; i < events; i++) {
      const pod = pods[i % pods.length]!;
      sim.ctx.store.modify(K.pods, pod.metadata.namespace, pod.metadata.name, (p) => {
        p.metadata.labels = { ...p.metadata.labels, rev: String(i) };
      });
      // Yield now and then so the server writes while the loop produces.
      if (i % 500 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    await done;
    const seconds = (performance.now() - start) / 1000;
    controller.abort();
    return events / seconds;
  } finally {
    await sim.close();
  }
}

const rows = [await lists(1000), await lists(10_000)];
const eventsPerSecond = await watchThroughput(20_000);
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
  `| watch events delivered to a client-node Watch (20,000 pod updates) | ${eventsPerSecond.toFixed(0)} events/s | |`,
);
