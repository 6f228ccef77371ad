// npm run bench — the cockpit's figures against the simulator, as a person meets them in a real
// terminal (tmux): launch → first frame with pods, as a ratio to `kubectl get pods -A` on the same
// simulator; RSS; keypress → frame under pod churn; idle CPU. Prints a Markdown table.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { startSimulator, type RunningSim } from '../src/sim/index.js';
import { K } from '../src/sim/resources.js';
import { makeTeam } from '../test/audit/identities.js';

const root = join(import.meta.dirname, '..');
const scratchHistory = mkdtempSync(join(tmpdir(), 'bench-history-'));
// The cockpit signs what it records: a throwaway key the scratch allowed signers list.
const operator = makeTeam(['bench']);
const cli = join(root, 'dist', 'cli.js');
const kubectl = join(root, '.tools', 'bin', 'kubectl');
// A fresh tmux server per launch: killing one and starting another on the same socket races.
let launches = 0;
let socket = '';
const tmux = (...args: string[]) => execa('tmux', ['-L', socket, ...args]);
const killTmux = () => execa('tmux', ['-L', socket, 'kill-server'], { reject: false });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
const median = (values: number[]) => percentile(values, 50);

async function kubectlWallMs(sim: RunningSim, runs = 5): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await execa(kubectl, ['--kubeconfig', sim.kubeconfigPath, 'get', 'pods', '-A']);
    times.push(performance.now() - start);
  }
  return median(times);
}

async function screen(): Promise<string> {
  return (await tmux('capture-pane', '-p', '-t', 'bench')).stdout;
}

async function until(predicate: (text: string) => boolean, timeoutMs = 60_000): Promise<string> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const text = await screen();
    if (predicate(text)) return text;
    if (performance.now() > deadline) throw new Error(`timed out; screen:\n${text}`);
    await sleep(5);
  }
}

/** Starts the cockpit in tmux and returns the ms until a pod row is on screen. */
async function launchCockpit(
  sim: RunningSim,
  extra: string[] = [],
  size = { width: 160, height: 48 },
): Promise<{ firstFrameMs: number; pid: number }> {
  await killTmux();
  socket = `aiops-bench-${process.pid}-${++launches}`;
  const start = performance.now();
  await execa('tmux', [
    '-L',
    socket,
    '-f',
    '/dev/null',
    'new-session',
    '-d',
    '-s',
    'bench',
    '-x',
    String(size.width),
    '-y',
    String(size.height),
    '-e',
    'CI=false',
    process.execPath,
    cli,
    '--kubeconfig',
    sim.kubeconfigPath,
    '-A',
    // Reports the cockpit writes while it runs go to a scratch directory, not the repository.
    '--history-dir',
    scratchHistory,
    ...operator.flags('bench'),
    ...extra,
  ]);
  await until((s) => /pod-\d{5}/.test(s));
  const firstFrameMs = performance.now() - start;
  const pid = Number((await tmux('display-message', '-p', '-t', 'bench', '#{pane_pid}')).stdout);
  return { firstFrameMs, pid };
}

function rssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmRSS:'))!;
  return Number(line.split(/\s+/)[1]) / 1024;
}

function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function firstFrame(
  pods: number,
): Promise<{ ratio: number; cockpitMs: number; kubectlMs: number; rss: number }> {
  const sim = await startSimulator({ scenario: `large:${pods}` });
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
    await killTmux();
    await sim.close();
  }
}

/** Types filter characters while the simulator churns pods at `eventsPerSecond`. */
async function keypressUnderChurn(eventsPerSecond: number, presses = 40): Promise<number[]> {
  const sim = await startSimulator({ scenario: 'large:1000' });
  const pods = sim.ctx.store.list(K.pods);
  let i = 0;
  const churn = setInterval(() => {
    for (let n = 0; n < eventsPerSecond / 100; n++) {
      const pod = pods[i++ % pods.length]!;
      sim.ctx.store.modify(K.pods, pod.metadata.namespace, pod.metadata.name, (p) => {
        p.metadata.labels = { ...p.metadata.labels, churn: String(i) };
      });
    }
  }, 10);
  try {
    await launchCockpit(sim);
    await tmux('send-keys', '-t', 'bench', '/');
    await until((s) => s.includes('/█'));
    const latencies: number[] = [];
    let typed = '';
    for (let k = 0; k < presses; k++) {
      const ch = k % 2 === 0 ? 'x' : 'y';
      typed += ch;
      const start = performance.now();
      await tmux('send-keys', '-t', 'bench', '-l', ch);
      await until((s) => s.includes(`/${typed}█`), 5000);
      latencies.push(performance.now() - start);
    }
    return latencies;
  } finally {
    clearInterval(churn);
    await killTmux();
    await sim.close();
  }
}

async function idleCpu(seconds: number): Promise<number> {
  const sim = await startSimulator({ scenario: 'large:1000' });
  try {
    const { pid } = await launchCockpit(sim, ['--metrics-interval', '15s']);
    await sleep(3000);
    const before = cpuSeconds(pid);
    await sleep(seconds * 1000);
    return ((cpuSeconds(pid) - before) / seconds) * 100;
  } finally {
    await killTmux();
    await sim.close();
  }
}

/**
 * Failure → finding on screen: pods whose command exits 3 are created one after another; each is
 * timed from the moment the API shows it in CrashLoopBackOff to the moment its ✖ line is on screen.
 */
async function failureToScreen(pods: number): Promise<number[]> {
  const sim = await startSimulator({ scenario: 'empty' });
  const failedAt = new Map<string, number>();
  const stopWatch = sim.ctx.store.watch(K.pods, {}, (e) => {
    const status = e.object.status?.containerStatuses?.[0];
    // The moment the API says CrashLoopBackOff, the state the pod-failure analyzer reports.
    const failed = status?.state?.waiting?.reason === 'CrashLoopBackOff';
    if (failed && !failedAt.has(e.object.metadata.name))
      failedAt.set(e.object.metadata.name, performance.now());
  });
  try {
    sim.ctx.store.create(K.pods, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'pod-00000', namespace: 'default' },
      spec: { containers: [{ name: 'idle', image: 'idle:1' }] },
    });
    // Wide enough for a finding's whole line in the side column.
    await launchCockpit(sim, [], { width: 200, height: 60 });
    const latencies: number[] = [];
    for (let i = 0; i < pods; i++) {
      const name = `crash-${i}`;
      sim.ctx.store.create(K.pods, {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name, namespace: 'default' },
        spec: { containers: [{ name: 'app', image: 'app:1', command: ['sh', '-c', 'exit 3'] }] },
      });
      const shown = new RegExp(`✖.*pod ${name}\\b`);
      await until((s) => shown.test(s), 20_000);
      latencies.push(performance.now() - failedAt.get(name)!);
    }
    return latencies;
  } finally {
    stopWatch();
    await killTmux();
    await sim.close();
  }
}

const mttd = await failureToScreen(Number(process.env.FAILURES ?? 10));
const f1 = await firstFrame(1000);
const f10 = await firstFrame(10_000);
const keys = await keypressUnderChurn(2000);
const idle = await idleCpu(Number(process.env.IDLE_SECONDS ?? 30));

console.log(`| figure | measured | goal |
|---|---|---|
| launch → first frame with pods, large:1000 (cockpit ${f1.cockpitMs.toFixed(0)} ms, kubectl get pods -A ${f1.kubectlMs.toFixed(0)} ms) | ratio ${f1.ratio.toFixed(2)} | ≤ 1.0 |
| the same at large:10000 (cockpit ${f10.cockpitMs.toFixed(0)} ms, kubectl ${f10.kubectlMs.toFixed(0)} ms) | ratio ${f10.ratio.toFixed(2)} | ≤ 1.0 |
| RSS at large:10000 | ${f10.rss.toFixed(0)} MB | ≤ 200 MB |
| keypress → frame under 2,000 pod events/s (${keys.length} presses, via tmux) | p50 ${median(keys).toFixed(0)} ms, p95 ${percentile(keys, 95).toFixed(0)} ms | p95 ≤ 50 ms |
| idle CPU at 1,000 pods, metrics every 15 s | ${idle.toFixed(2)} % of a core | ≤ 2 % |
| pod failure (API) → finding on screen (${mttd.length} failures) | p50 ${median(mttd).toFixed(0)} ms, p95 ${percentile(mttd, 95).toFixed(0)} ms | p95 ≤ 1,000 ms |`);
