// npm run bench:keys — issue 15 item 4, as a person meets it in a real terminal (tmux, 160×48, the
// built dist/cli.js, `-A`): (a) keypress → frame under pod churn: the simulator (a child process)
// rewrites a label on RATE pods a second itself (`aiops-tui sim --churn`), and PRESSES `j`/`k`
// presses are each timed from send-keys to the frame whose selection mark `›` stands on the row
// the key moves to (capture-pane polled every 3 ms); the event rate achieved is read from the
// simulator's resourceVersion over the presses, with the cockpit's own CPU meanwhile. (b) Idle CPU: no churn, metrics every 15 s,
// utime+stime of the cockpit from /proc over CPU_SECONDS. Prints a Markdown table.
// Env: PODS=1000 RATE=2000 PRESSES=40 CPU_SECONDS=60 CPU_WARMUP=5 ONLY=keys|cpu; CLI (another build to compare,
// default dist/cli.js); NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") for the cockpit.
import { loadavg } from 'node:os';
import { join } from 'node:path';
import {
  cockpitArgv,
  processExits,
  bench,
  cpuSeconds,
  percentile,
  sleep,
  startSim,
  step,
  tmuxSession,
  type SimChild,
} from './harness.js';

const root = join(import.meta.dirname, '..');
const cli = process.env.CLI ?? join(root, 'dist', 'cli.js');
const env = (name: string, fallback: number): number => Number(process.env[name] ?? fallback);
const nodeArgs = (process.env.NODE_ARGS ?? '').split(' ').filter(Boolean);
const only = new Set((process.env.ONLY ?? 'keys,cpu').split(','));
const PODS = env('PODS', 1000);
const RATE = env('RATE', 2000);
const PRESSES = env('PRESSES', 40);
const CPU_SECONDS = env('CPU_SECONDS', 60);
/** Seconds from the first pod row to the idle sample (130: past the first read of every log). */
const CPU_WARMUP = env('CPU_WARMUP', 5);

const terminal = tmuxSession('keys');

/** Waits (polling the pane every 3 ms) for `predicate`; the screen then. */
const until = (name: string, predicate: (text: string) => boolean, timeoutMs = 30_000): Promise<string> =>
  terminal.waitFor(name, predicate, timeoutMs, 3);

/** The cockpit in a fresh tmux server at 160×48, once a pod row shows; its pid. */
async function launch(sim: SimChild, extra: string[] = []): Promise<number> {
  await terminal.launch([...cockpitArgv(cli, sim.kubeconfigPath, ['-A', ...extra], nodeArgs)]);
  await until('the cockpit shows pod rows', (s) => /pod-\d{5}/.test(s), 60_000);
  return terminal.pid();
}

/** Ends the cockpit with `q`, so a --cpu-prof run writes its profile. */
async function quit(pid: number): Promise<void> {
  await terminal.keys('q');
  await processExits(pid, 'the cockpit quits').catch(() => {});
}

/** The pod rows on screen top to bottom, and the index of the one marked selected (`›`). */
function podLines(text: string): { names: string[]; marked: number } {
  const names: string[] = [];
  let marked = -1;
  for (const line of text.split('\n')) {
    const name = /(pod-\d{5})/.exec(line)?.[1];
    if (!name) continue;
    if (/›\s*load-\d+\s+pod-\d{5}/.test(line)) marked = names.length;
    names.push(name);
  }
  return { names, marked };
}

/** The simulator's resourceVersion: every change it made, churn included. */
async function resourceVersion(sim: SimChild): Promise<number> {
  const token = sim.kubeConfig.getCurrentUser()?.token;
  const response = await fetch(`${sim.url}/api/v1/pods?limit=1`, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  return Number(
    ((await response.json()) as { metadata: { resourceVersion: string } }).metadata.resourceVersion,
  );
}

const rows: string[] = [];
const row = (figure: string, measured: string, goal: string) => {
  rows.push(`| ${figure} | ${measured} | ${goal} |`);
  process.stderr.write(`  ${figure}: ${measured}\n`);
};
const load = () => loadavg()[0]!.toFixed(1);

await bench('keys', 15 * 60_000, async () => {
  if (only.has('keys')) {
    const sim = await startSim(`large:${PODS}`, 1, RATE);
    const loadBefore = load();
    try {
      const pid = await launch(sim);
      // Past the first sync, the later kinds' lists and the first analyses: the steady state.
      await sleep(5_000);
      const latencies: number[] = [];
      const rv0 = await step('read the resourceVersion', 10_000, () => resourceVersion(sim));
      const t0 = performance.now();
      const cpu0 = cpuSeconds(pid);
      let text = await terminal.screen();
      for (let k = 0; k < PRESSES; k++) {
        const key = k < PRESSES / 2 ? 'j' : 'k';
        const before = podLines(text);
        const expected = before.names[before.marked + (key === 'j' ? 1 : -1)];
        if (before.marked < 0 || !expected)
          throw new Error(`press ${k + 1}: no row for ${key} to move to; screen:\n${text}`);
        const start = performance.now();
        await terminal.literal(key);
        text = await until(
          `the selection moves to ${expected} (press ${k + 1})`,
          (s) => {
            const after = podLines(s);
            return after.names[after.marked] === expected;
          },
          5_000,
        );
        latencies.push(performance.now() - start);
        await sleep(50 + Math.random() * 50); // presses at a person's pace, off the frame grid
      }
      const seconds = (performance.now() - t0) / 1000;
      // The cockpit's own CPU meanwhile: what it asks of a core under churn, whatever the load.
      const cpu = ((cpuSeconds(pid) - cpu0) / seconds) * 100;
      const rate = ((await resourceVersion(sim)) - rv0) / seconds;
      await quit(pid);
      row(
        `keypress (j/k) → frame under ${RATE} pod events/s asked, ${rate.toFixed(0)}/s achieved, large:${PODS} (${latencies.length} presses, load ${loadBefore}→${load()})`,
        `p50 ${percentile(latencies, 50).toFixed(0)} ms, p95 ${percentile(latencies, 95).toFixed(0)} ms, max ${Math.max(...latencies).toFixed(0)} ms; cockpit CPU ${cpu.toFixed(0)} % of a core`,
        'p95 ≤ 50 ms',
      );
    } finally {
      await terminal.kill();
      await sim.stop();
    }
  }
  if (only.has('cpu')) {
    const sim = await startSim(`large:${PODS}`);
    const loadBefore = load();
    try {
      const pid = await launch(sim, ['--metrics-interval', '15s']);
      await sleep(CPU_WARMUP * 1000);
      const before = cpuSeconds(pid);
      await sleep(CPU_SECONDS * 1000);
      const percent = ((cpuSeconds(pid) - before) / CPU_SECONDS) * 100;
      await quit(pid);
      row(
        `idle CPU at large:${PODS}, metrics every 15 s (${CPU_SECONDS} s from ${CPU_WARMUP} s after the first row, load ${loadBefore}→${load()})`,
        `${percent.toFixed(2)} % of a core`,
        '≤ 1 %',
      );
    } finally {
      await terminal.kill();
      await sim.stop();
    }
  }
  console.log('| figure | measured | goal |\n|---|---|---|\n' + rows.join('\n'));
});
