// npm run bench:memory — the cockpit's footprint (issue 15, items 3 and 4), as a person runs it
// in a real terminal (tmux, the built dist/cli.js) against the simulator:
//   RSS (and its high-water mark) at large:1000 and large:10000, 15 s after the first pod row;
//   idle growth: RSS in minute 1 and in minute 10 idle at 1,000 pods with metrics every 15 s, in
//     real time by default. SPEED > 1 runs the simulator's clock and the metrics polls that much
//     faster, but what grows after start (the later kinds' lists, recent logs read 20 containers
//     per 2 s, V8 sizing its heaps) grows in wall time, so a fast clock mostly measures the first
//     minute: 10 real minutes is the figure;
//   idle CPU at 1,000 pods, metrics every 15 s, real time;
//   keypress → frame p95 under 2,000 pod events/s.
// Env: ONLY=rss,idle,cpu,keys (default all), SPEED (default 1), IDLE_MINUTES (default 10),
// CPU_SECONDS (default 60), PODS (default 1000,10000), CLI (another build to compare, default
// dist/cli.js), NODE_ARGS (node flags for the cockpit, e.g. --max-semi-space-size=8). Every wait
// has a time-out: a step that cannot finish fails with what the screen showed.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { startSimulator, type RunningSim } from '../src/sim/index.js';
import { K } from '../src/sim/resources.js';
import { makeTeam } from '../test/audit/identities.js';

const root = join(import.meta.dirname, '..');
const cli = process.env.CLI ?? join(root, 'dist', 'cli.js');
const nodeArgs = (process.env.NODE_ARGS ?? '').split(' ').filter(Boolean);
const history = mkdtempSync(join(tmpdir(), 'bench-memory-history-'));
const operator = makeTeam(['bench']);
const only = new Set((process.env.ONLY ?? 'rss,idle,cpu,keys').split(','));
const SPEED = Number(process.env.SPEED ?? 1);
const IDLE_MINUTES = Number(process.env.IDLE_MINUTES ?? 10);
const CPU_SECONDS = Number(process.env.CPU_SECONDS ?? 60);
const POD_COUNTS = (process.env.PODS ?? '1000,10000').split(',').map(Number);
const STEP_TIMEOUT_MS = 120_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const percentile = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
};

let socket = '';
let launches = 0;
const tmux = (...args: string[]) => execa('tmux', ['-L', socket, ...args], { timeout: 10_000 });
const killTmux = () => execa('tmux', ['-L', socket, 'kill-server'], { reject: false, timeout: 10_000 });
const screen = async (): Promise<string> => (await tmux('capture-pane', '-p', '-t', 'bench')).stdout;

async function until(predicate: (text: string) => boolean, timeoutMs = STEP_TIMEOUT_MS): Promise<string> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const text = await screen();
    if (predicate(text)) return text;
    if (performance.now() > deadline) throw new Error(`timed out; screen:\n${text}`);
    await sleep(5);
  }
}

/** The cockpit in a fresh tmux server; resolves with its pid once a pod row is on screen. */
async function launch(sim: RunningSim, extra: string[] = []): Promise<number> {
  await killTmux();
  socket = `aiops-bench-memory-${process.pid}-${++launches}`;
  await execa(
    'tmux',
    [
      ...['-L', socket, '-f', '/dev/null', 'new-session', '-d', '-s', 'bench', '-x', '160', '-y', '48'],
      ...['-e', 'CI=false', process.execPath, ...nodeArgs, cli, '--kubeconfig', sim.kubeconfigPath, '-A'],
      ...['--history-dir', history, ...operator.flags('bench'), ...extra],
    ],
    { timeout: 10_000 },
  );
  await until((s) => /pod-\d{5}/.test(s));
  return Number((await tmux('display-message', '-p', '-t', 'bench', '#{pane_pid}')).stdout);
}

/** VmRSS and VmHWM (the high-water mark) in MB. */
function memory(pid: number): { rss: number; hwm: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(status)![1]) / 1024;
  return { rss: field('VmRSS'), hwm: field('VmHWM') };
}

function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function withSim<T>(scenario: string, speed: number, fn: (sim: RunningSim) => Promise<T>): Promise<T> {
  const sim = await startSimulator({ scenario, speed });
  try {
    return await fn(sim);
  } finally {
    await killTmux();
    await sim.close();
  }
}

const rows: string[] = [];
const row = (figure: string, measured: string, goal: string) => {
  rows.push(`| ${figure} | ${measured} | ${goal} |`);
  console.error(`  ${figure}: ${measured}`);
};

if (only.has('rss'))
  for (const pods of POD_COUNTS) {
    const m = await withSim(`large:${pods}`, 1, async (sim) => {
      const pid = await launch(sim, ['--metrics-interval', '15s']);
      await sleep(15_000);
      return memory(pid);
    });
    row(
      `RSS at large:${pods}, 15 s after the first pod row (high-water mark)`,
      `${m.rss.toFixed(0)} MB (${m.hwm.toFixed(0)} MB)`,
      pods <= 1000 ? '≤ 150 MB' : '≤ 250 MB',
    );
  }

if (only.has('idle')) {
  // RSS is a sawtooth (V8 grows its young generation, then gives pages back): compare the mean of
  // each idle minute's samples (one every 2 s of wall time), not two single readings.
  const minutes = await withSim('large:1000', SPEED, async (sim) => {
    const pid = await launch(sim, ['--metrics-interval', `${15_000 / SPEED}ms`]);
    const start = performance.now();
    const byMinute: number[][] = Array.from({ length: IDLE_MINUTES }, () => []);
    for (;;) {
      const minute = Math.floor(((performance.now() - start) * SPEED) / 60_000);
      if (minute >= IDLE_MINUTES) break;
      byMinute[minute]!.push(memory(pid).rss);
      await sleep(2_000);
    }
    return byMinute.map((samples, i) => {
      const mean = samples.reduce((sum, v) => sum + v, 0) / Math.max(1, samples.length);
      console.error(
        `    idle minute ${i + 1} (×${SPEED}): RSS mean ${mean.toFixed(0)} MB, ${Math.min(...samples).toFixed(0)}–${Math.max(...samples).toFixed(0)} MB`,
      );
      return mean;
    });
  });
  const first = minutes[0]!;
  const last = minutes.at(-1)!;
  row(
    `RSS idle at large:1000, mean of minute 1 → minute ${IDLE_MINUTES}, metrics every 15 s (clock ×${SPEED})`,
    `${first.toFixed(0)} → ${last.toFixed(0)} MB (${(((last - first) / first) * 100).toFixed(1)} %)`,
    '≤ +10 %',
  );
}

if (only.has('cpu')) {
  const percent = await withSim('large:1000', 1, async (sim) => {
    const pid = await launch(sim, ['--metrics-interval', '15s']);
    await sleep(5_000);
    const before = cpuSeconds(pid);
    await sleep(CPU_SECONDS * 1000);
    return ((cpuSeconds(pid) - before) / CPU_SECONDS) * 100;
  });
  row(
    `idle CPU at large:1000, metrics every 15 s (${CPU_SECONDS} s)`,
    `${percent.toFixed(2)} % of a core`,
    '≤ 1 %',
  );
}

if (only.has('keys')) {
  const eventsPerSecond = 2000;
  const latencies = await withSim('large:1000', 1, async (sim) => {
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
      await launch(sim);
      // Let the later kinds' lists and the first analyses land: the steady state under churn.
      await sleep(5_000);
      await tmux('send-keys', '-t', 'bench', '/');
      await until((s) => s.includes('/█'));
      const out: number[] = [];
      let typed = '';
      for (let k = 0; k < 40; k++) {
        typed += k % 2 === 0 ? 'x' : 'y';
        const start = performance.now();
        await tmux('send-keys', '-t', 'bench', '-l', typed.at(-1)!);
        await until((s) => s.includes(`/${typed}█`), 5_000);
        out.push(performance.now() - start);
      }
      return out;
    } finally {
      clearInterval(churn);
    }
  });
  row(
    `keypress → frame under ${eventsPerSecond} pod events/s (${latencies.length} presses)`,
    `p50 ${percentile(latencies, 50).toFixed(0)} ms, p95 ${percentile(latencies, 95).toFixed(0)} ms`,
    'p95 ≤ 50 ms',
  );
}

console.log(['| figure | measured | goal |', '|---|---|---|', ...rows].join('\n'));
process.exit(0);
