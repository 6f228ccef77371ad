// npm run bench — the cockpit's figures against the simulator, as a person meets them in a real
// terminal (tmux): launch → first frame with pods, as a ratio to `kubectl get pods -A` on the same
// simulator; RSS; keypress → frame under pod churn; idle CPU. Prints a Markdown table.
// The simulator runs in a child process and every step has a time-out (bench/harness.ts); pods
// are churned and created through the API. Sizes: PODS=1000,10000 PRESSES=40 CHURN=2000
// FAILURES=10 IDLE_SECONDS=30.
import { join } from 'node:path';
import { CoreV1Api, KubernetesObjectApi, Watch, type V1Pod } from '@kubernetes/client-node';
import {
  cockpitArgv,
  bench,
  churnPods,
  cpuSeconds,
  median,
  percentile,
  rssMb,
  run,
  sleep,
  startSim,
  step,
  tmuxSession,
  until as poll,
  type SimChild,
} from './harness.js';

const root = join(import.meta.dirname, '..');
const cli = join(root, 'dist', 'cli.js');
const kubectl = join(root, '.tools', 'bin', 'kubectl');
const terminal = tmuxSession('cockpit');

async function kubectlWallMs(sim: SimChild, runs = 5): Promise<number> {
  return step(`${runs} × kubectl get pods -A`, 120_000, async () => {
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const start = performance.now();
      await run(kubectl, ['--kubeconfig', sim.kubeconfigPath, 'get', 'pods', '-A'], 60_000);
      times.push(performance.now() - start);
    }
    return median(times);
  });
}

/** Starts the cockpit in tmux and returns the ms until a pod row is on screen. */
async function launchCockpit(
  sim: SimChild,
  extra: string[] = [],
  size = { width: 160, height: 48 },
): Promise<{ firstFrameMs: number; pid: number }> {
  await terminal.kill();
  const start = performance.now();
  await terminal.launch(
    [
      // Reports the cockpit writes while it runs go to a scratch directory, not the repository.
      ...cockpitArgv(cli, sim.kubeconfigPath, ['-A', ...extra]),
    ],
    size,
  );
  await terminal.waitFor('the cockpit shows pod rows', (s) => /pod-\d{5}/.test(s));
  const firstFrameMs = performance.now() - start;
  return { firstFrameMs, pid: await terminal.pid() };
}

async function firstFrame(
  pods: number,
): Promise<{ ratio: number; cockpitMs: number; kubectlMs: number; rss: number }> {
  const sim = await startSim(`large:${pods}`);
  try {
    const kubectlMs = await kubectlWallMs(sim);
    const launches: number[] = [];
    let rss = 0;
    for (let i = 0; i < 3; i++) {
      const { firstFrameMs, pid } = await launchCockpit(sim);
      launches.push(firstFrameMs);
      await sleep(2000);
      rss = Math.max(rss, rssMb(pid));
    }
    const cockpitMs = median(launches);
    return { ratio: cockpitMs / kubectlMs, cockpitMs, kubectlMs, rss };
  } finally {
    await terminal.kill();
    await sim.stop();
  }
}

/** Types filter characters while the simulator churns pods at `eventsPerSecond`. */
async function keypressUnderChurn(
  eventsPerSecond: number,
  presses = 40,
): Promise<{ latencies: number[]; achieved: number }> {
  const sim = await startSim('large:1000');
  const list = await step('list the pods to churn', 60_000, () =>
    sim.kubeConfig.makeApiClient(CoreV1Api).listPodForAllNamespaces(),
  );
  const pods = list.items.map((p) => ({ namespace: p.metadata!.namespace!, name: p.metadata!.name! }));
  const churn = churnPods(sim.kubeConfig, pods, eventsPerSecond);
  const churnStart = performance.now();
  try {
    await launchCockpit(sim);
    await terminal.keys('/');
    await terminal.waitFor('the filter line open', (s) => s.includes('/█'));
    const latencies: number[] = [];
    let typed = '';
    for (let k = 0; k < presses; k++) {
      const ch = k % 2 === 0 ? 'x' : 'y';
      typed += ch;
      const start = performance.now();
      await terminal.literal(ch);
      await terminal.waitFor(`keypress ${k + 1} on screen`, (s) => s.includes(`/${typed}█`), 5000);
      latencies.push(performance.now() - start);
    }
    return { latencies, achieved: churn.sent() / ((performance.now() - churnStart) / 1000) };
  } finally {
    await churn.stop();
    await terminal.kill();
    await sim.stop();
  }
}

async function idleCpu(seconds: number): Promise<number> {
  const sim = await startSim('large:1000');
  try {
    const { pid } = await launchCockpit(sim, ['--metrics-interval', '15s']);
    return await step(`idle CPU over ${seconds} s`, (seconds + 30) * 1000, async () => {
      await sleep(3000);
      const before = cpuSeconds(pid);
      await sleep(seconds * 1000);
      return ((cpuSeconds(pid) - before) / seconds) * 100;
    });
  } finally {
    await terminal.kill();
    await sim.stop();
  }
}

/**
 * Failure → finding on screen: pods whose command exits 3 are created one after another; each is
 * timed from the moment the API shows it in CrashLoopBackOff (a watch on the simulator) to the
 * moment its ✖ line is on screen.
 */
async function failureToScreen(pods: number): Promise<number[]> {
  const sim = await startSim('empty');
  const failedAt = new Map<string, number>();
  const objects = KubernetesObjectApi.makeApiClient(sim.kubeConfig);
  const create = (name: string, container: V1Pod['spec']) =>
    step(`create pod ${name}`, 30_000, () =>
      objects.create({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name, namespace: 'default' },
        spec: container,
      } as V1Pod),
    );
  const watch = await step('watch the pods', 30_000, () =>
    new Watch(sim.kubeConfig).watch(
      '/api/v1/pods',
      {},
      (_type, pod: V1Pod) => {
        const status = pod.status?.containerStatuses?.[0];
        // The moment the API says CrashLoopBackOff, the state the pod-failure analyzer reports.
        const failed = status?.state?.waiting?.reason === 'CrashLoopBackOff';
        if (failed && !failedAt.has(pod.metadata!.name!))
          failedAt.set(pod.metadata!.name!, performance.now());
      },
      () => {},
    ),
  );
  try {
    await create('pod-00000', { containers: [{ name: 'idle', image: 'idle:1' }] });
    // Wide enough for a finding's whole line in the side column.
    await launchCockpit(sim, [], { width: 200, height: 60 });
    const latencies: number[] = [];
    for (let i = 0; i < pods; i++) {
      const name = `crash-${i}`;
      await create(name, { containers: [{ name: 'app', image: 'app:1', command: ['sh', '-c', 'exit 3'] }] });
      const shown = new RegExp(`✖.*pod ${name}\\b`);
      await terminal.waitFor(`the crash loop of ${name} on screen`, (s) => shown.test(s), 20_000);
      await step(`the watch saw ${name} crash-looping`, 10_000, (signal) =>
        poll(() => failedAt.has(name), signal),
      );
      latencies.push(performance.now() - failedAt.get(name)!);
    }
    return latencies;
  } finally {
    watch.abort();
    await terminal.kill();
    await sim.stop();
  }
}

await bench('cockpit', 30 * 60_000, async () => {
  const sizes = (process.env.PODS ?? '1000,10000').split(',').map(Number);
  const mttd = await failureToScreen(Number(process.env.FAILURES ?? 10));
  const frames = [];
  for (const pods of sizes) frames.push({ pods, ...(await firstFrame(pods)) });
  const churnRate = Number(process.env.CHURN ?? 2000);
  const keys = await keypressUnderChurn(churnRate, Number(process.env.PRESSES ?? 40));
  const idle = await idleCpu(Number(process.env.IDLE_SECONDS ?? 30));
  const largest = frames.at(-1)!;
  console.log(`| figure | measured | goal |
|---|---|---|
${frames
  .map(
    (f) =>
      `| launch → first frame with pods, large:${f.pods} (cockpit ${f.cockpitMs.toFixed(0)} ms, kubectl get pods -A ${f.kubectlMs.toFixed(0)} ms) | ratio ${f.ratio.toFixed(2)} | ≤ 1.0 |`,
  )
  .join('\n')}
| RSS at large:${largest.pods} | ${largest.rss.toFixed(0)} MB | ≤ 200 MB |
| keypress → frame under ${churnRate} pod events/s asked, ${keys.achieved.toFixed(0)}/s sent (${keys.latencies.length} presses, via tmux) | p50 ${median(keys.latencies).toFixed(0)} ms, p95 ${percentile(keys.latencies, 95).toFixed(0)} ms | p95 ≤ 50 ms |
| idle CPU at 1,000 pods, metrics every 15 s | ${idle.toFixed(2)} % of a core | ≤ 2 % |
| pod failure (API) → finding on screen (${mttd.length} failures) | p50 ${median(mttd).toFixed(0)} ms, p95 ${percentile(mttd, 95).toFixed(0)} ms | p95 ≤ 1,000 ms |`);
});
