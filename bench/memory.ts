// npm run bench:memory — the cockpit's footprint (issue 15, items 3 and 4), as a person runs it
// in a real terminal (tmux, the built dist/cli.js) against the simulator:
//   RSS (and its high-water mark) at large:1000 and large:10000, 15 s after the first pod row;
//   idle growth: RSS in minute 1 and in minute 10 idle at 1,000 pods with metrics every 15 s, in
//     real time by default. SPEED > 1 runs the simulator's clock and the metrics polls that much
//     faster, but what grows after start (the later kinds' lists, recent logs read 20 containers
//     per 2 s, V8 sizing its heaps) grows in wall time, so a fast clock mostly measures the first
//     minute: 10 real minutes is the figure;
//   idle CPU at 1,000 pods, metrics every 15 s, real time.
// (Keypress → frame under pod churn is bench/keys.ts.)
// The simulator runs in a child process and every wait is a step with a time-out (bench/harness.ts).
// Env: ONLY=rss,idle,cpu (default all), SPEED (default 1), IDLE_MINUTES (default 10),
// CPU_SECONDS (default 60), PODS (default 1000,10000), CLI (another build to compare, default
// dist/cli.js), NODE_ARGS (node flags for the cockpit, e.g. --max-semi-space-size=8). A step that
// cannot finish fails with what the screen showed.
import { join } from 'node:path';
import {
  cockpitArgv,
  bench,
  cpuSeconds,
  memoryMb,
  sleep,
  startSim,
  step,
  tmuxSession,
  type SimChild,
} from './harness.js';

const root = join(import.meta.dirname, '..');
const cli = process.env.CLI ?? join(root, 'dist', 'cli.js');
const nodeArgs = (process.env.NODE_ARGS ?? '').split(' ').filter(Boolean);
const only = new Set((process.env.ONLY ?? 'rss,idle,cpu').split(','));
const SPEED = Number(process.env.SPEED ?? 1);
const IDLE_MINUTES = Number(process.env.IDLE_MINUTES ?? 10);
const CPU_SECONDS = Number(process.env.CPU_SECONDS ?? 60);
const POD_COUNTS = (process.env.PODS ?? '1000,10000').split(',').map(Number);
const STEP_TIMEOUT_MS = 120_000;

const terminal = tmuxSession('memory');

/** The cockpit in a fresh tmux server; resolves with its pid once a pod row is on screen. */
async function launch(sim: SimChild, extra: string[] = []): Promise<number> {
  await terminal.launch([...cockpitArgv(cli, sim.kubeconfigPath, ['-A', ...extra], nodeArgs)]);
  await terminal.waitFor('a pod row on screen', (s) => /pod-\d{5}/.test(s), STEP_TIMEOUT_MS);
  return terminal.pid();
}

/** A wait of `ms` as a step (with room to spare), so that a stuck bench names where. */
const idle = (name: string, ms: number) => step(name, ms + 30_000, () => sleep(ms));

async function withSim<T>(scenario: string, speed: number, fn: (sim: SimChild) => Promise<T>): Promise<T> {
  const sim = await startSim(scenario, speed);
  try {
    return await fn(sim);
  } finally {
    await terminal.kill();
    await sim.stop();
  }
}

const rows: string[] = [];
const row = (figure: string, measured: string, goal: string) => {
  rows.push(`| ${figure} | ${measured} | ${goal} |`);
  console.error(`  ${figure}: ${measured}`);
};

// Real minutes idle, and room for the launches and the simulators' start-ups.
const idleMs = only.has('idle') ? (IDLE_MINUTES * 60_000) / SPEED : 0;
await bench('memory', idleMs + CPU_SECONDS * 1000 + 15 * 60_000, async () => {
  if (only.has('rss'))
    for (const pods of POD_COUNTS) {
      const m = await withSim(`large:${pods}`, 1, async (sim) => {
        const pid = await launch(sim, ['--metrics-interval', '15s']);
        await idle('15 s after the first pod row', 15_000);
        return memoryMb(pid);
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
      await step(`${IDLE_MINUTES} idle minutes (clock ×${SPEED})`, idleMs + 60_000, async () => {
        for (;;) {
          const minute = Math.floor(((performance.now() - start) * SPEED) / 60_000);
          if (minute >= IDLE_MINUTES) break;
          byMinute[minute]!.push(memoryMb(pid).rss);
          await sleep(2_000);
        }
      });
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
      await idle('5 s to settle', 5_000);
      const before = cpuSeconds(pid);
      await idle(`idle CPU over ${CPU_SECONDS} s`, CPU_SECONDS * 1000);
      return ((cpuSeconds(pid) - before) / CPU_SECONDS) * 100;
    });
    row(
      `idle CPU at large:1000, metrics every 15 s (${CPU_SECONDS} s)`,
      `${percent.toFixed(2)} % of a core`,
      '≤ 1 %',
    );
  }

  console.log(['| figure | measured | goal |', '|---|---|---|', ...rows].join('\n'));
});
