// npm run bench:peers — aiops-tui beside its peers, in one run (issue 15 item 5): for
// `kubectl get pods -A`, aiops-tui (the built dist/cli.js) and k9s, the first frame (spawn in a
// fresh tmux server → the first screen showing pod rows; kubectl: until it exits), the RSS some
// seconds after that frame, and the idle CPU over a minute, at each pod count, on the simulator and
// on a real kube-apiserver (test/cluster/control-plane.ts, kwok nodes making the pods Running).
// First-frame launches are interleaved (kubectl, aiops-tui, k9s, kubectl, …) so that a noisy
// machine shifts all three alike; one unmeasured launch of each first fills the caches any second
// start has (Node's compile cache, k9s's discovery cache). The idle measurements run aiops-tui
// and k9s side by side, each from its own first frame.
// Env: RUNS (default 5), PODS (default 1000,10000), TARGETS (default sim,real), RSS_AT (default
// 15,75: seconds after the first frame), CPU_SECONDS (default 60, from the first RSS_AT).
// k9s is built by scripts/build-k9s.sh when .tools/bin/k9s is missing (~20 minutes cold).
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { controlPlaneMissing, startControlPlane, type ControlPlane } from '../test/cluster/control-plane.js';
import {
  cockpitArgv,
  bench,
  cpuSeconds,
  onCleanup,
  processName,
  rssMb,
  run,
  startSim,
  step,
  tmuxSession,
  until,
  type TmuxSession,
} from './harness.js';
import { createPods, type PodCreator } from './peers-pods.js';
import { idleSchedule, peersTable, type IdleFigures, type Sample } from './peers-table.js';

const root = join(import.meta.dirname, '..');
const bin = join(root, '.tools', 'bin');
const kubectl = join(bin, 'kubectl');
const k9s = join(bin, 'k9s');
const cli = join(root, 'dist', 'cli.js');

const list = (name: string, fallback: string) =>
  (process.env[name] ?? fallback)
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);
const RUNS = Number(process.env.RUNS ?? 5);
const POD_COUNTS = list('PODS', '1000,10000')
  .map(Number)
  .sort((a, b) => a - b);
const TARGETS = list('TARGETS', 'sim,real');
const RSS_AT = list('RSS_AT', '15,75').map(Number);
const CPU_SECONDS = Number(process.env.CPU_SECONDS ?? 60);
for (const t of TARGETS)
  if (t !== 'sim' && t !== 'real') {
    console.error(`bench peers: unknown target "${t}" in TARGETS (expected sim, real)`);
    process.exit(2);
  }
if (!(RUNS >= 1) || POD_COUNTS.some((n) => !(n > 0)) || RSS_AT.some((s) => !(s >= 0)) || !(CPU_SECONDS > 0)) {
  console.error('bench peers: RUNS, PODS, RSS_AT and CPU_SECONDS must be positive numbers');
  process.exit(2);
}
/** Seconds from a program's first frame to its last sample. */
const IDLE_SECONDS = Math.max(...RSS_AT, RSS_AT[0]! + CPU_SECONDS);

// k9s's private home: no release check (it would call out), no splash, no image scans; its
// config, data, state and cache under one scratch directory, not the user's.
const k9sHome = mkdtempSync(join(tmpdir(), 'bench-peers-k9s-'));
mkdirSync(join(k9sHome, 'k9s'));
writeFileSync(
  join(k9sHome, 'k9s', 'config.yaml'),
  'k9s:\n  skipLatestRevCheck: true\n  ui:\n    splashless: true\n  imageScans:\n    enable: false\n',
);
const k9sEnv = {
  K9S_CONFIG_DIR: join(k9sHome, 'k9s'),
  ...Object.fromEntries(['CONFIG', 'DATA', 'STATE', 'CACHE'].map((d) => [`XDG_${d}_HOME`, k9sHome])),
};

const POD_ROW = /pod-\d{5}/;
const FIRST_FRAME_MS = 180_000;

interface Screen {
  name: string;
  /** Its process's name, to be sure the figures are the program's and not a wrapper's. */
  process: string;
  argv(kubeconfig: string): string[];
  env?: Record<string, string>;
}
const AIOPS: Screen = {
  name: 'aiops-tui',
  process: 'node',
  argv: (kubeconfig) => [...cockpitArgv(cli, kubeconfig, ['-A', '--no-ai'])],
};
const K9S: Screen = {
  name: 'k9s v0.50.16',
  process: 'k9s',
  argv: (kubeconfig) => [
    k9s,
    '--kubeconfig',
    kubeconfig,
    '-A',
    '--command',
    'pods',
    '--splashless',
    '--readonly',
  ],
  env: k9sEnv,
};
const KUBECTL = 'kubectl get pods -A';

/** ms from spawning `program` in a fresh tmux server to pod rows on its screen; it keeps running. */
async function firstFrameMs(terminal: TmuxSession, program: Screen, kubeconfig: string): Promise<number> {
  await terminal.kill();
  const start = performance.now();
  await terminal.launch(program.argv(kubeconfig), program.env ? { env: program.env } : {});
  await terminal.waitFor(`${program.name}: pod rows on screen`, (s) => POD_ROW.test(s), FIRST_FRAME_MS);
  return performance.now() - start;
}

async function kubectlMs(kubeconfig: string): Promise<number> {
  const start = performance.now();
  await step(KUBECTL, FIRST_FRAME_MS, () =>
    run(kubectl, ['--kubeconfig', kubeconfig, 'get', 'pods', '-A'], FIRST_FRAME_MS, {
      ...process.env,
      // Its discovery cache in scratch, as warm as the peers' after the first run.
      KUBECACHEDIR: join(k9sHome, 'kubectl-cache'),
    } as Record<string, string>),
  );
  return performance.now() - start;
}

/** RSS at each RSS_AT and CPU over CPU_SECONDS, from the first frame of a program left idle. */
async function idleFigures(terminal: TmuxSession, program: Screen, kubeconfig: string): Promise<IdleFigures> {
  await firstFrameMs(terminal, program, kubeconfig);
  const shownAt = performance.now();
  const pid = await terminal.pid();
  if (processName(pid) !== program.process)
    throw new Error(
      `${program.name}: the pane's program is ${processName(pid)} (pid ${pid}), not ${program.process}`,
    );
  const rss: number[] = [];
  let cpuFrom = 0;
  let cpuAt = 0;
  let cpuPercent = NaN;
  const take = (sample: Sample) => {
    if (sample.what === 'rss') rss[sample.index] = rssMb(pid);
    else if (sample.what === 'cpu-from') [cpuFrom, cpuAt] = [cpuSeconds(pid), performance.now()];
    else cpuPercent = ((cpuSeconds(pid) - cpuFrom) / ((performance.now() - cpuAt) / 1000)) * 100;
  };
  const samples = idleSchedule(RSS_AT, CPU_SECONDS);
  await step(`${program.name}: ${IDLE_SECONDS} s idle`, (IDLE_SECONDS + 30) * 1000, async (signal) => {
    for (const sample of samples) {
      await until(() => performance.now() - shownAt >= sample.at * 1000, signal, 100);
      take(sample);
    }
  });
  await terminal.kill();
  return { rss, cpuPercent };
}

interface Result {
  target: string;
  pods: number;
  frames: Map<string, number[]>;
  idle: Map<string, IdleFigures>;
  load: string;
}

const aiopsTerminal = tmuxSession('peers-aiops');
const k9sTerminal = tmuxSession('peers-k9s');

async function measure(target: string, pods: number, kubeconfig: string): Promise<Result> {
  const load = loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
  console.error(`${target}, ${pods} pods (load ${load}): first frames, ${RUNS} interleaved runs`);
  // Unmeasured: fills Node's compile cache, k9s's and kubectl's discovery caches.
  await kubectlMs(kubeconfig);
  await firstFrameMs(aiopsTerminal, AIOPS, kubeconfig);
  await firstFrameMs(k9sTerminal, K9S, kubeconfig);
  await aiopsTerminal.kill();
  await k9sTerminal.kill();
  const frames = new Map<string, number[]>([
    [KUBECTL, []],
    [AIOPS.name, []],
    [K9S.name, []],
  ]);
  for (let i = 0; i < RUNS; i++) {
    frames.get(KUBECTL)!.push(await kubectlMs(kubeconfig));
    for (const [program, terminal] of [
      [AIOPS, aiopsTerminal],
      [K9S, k9sTerminal],
    ] as const) {
      frames.get(program.name)!.push(await firstFrameMs(terminal, program, kubeconfig));
      await terminal.kill();
    }
  }
  console.error(`${target}, ${pods} pods: idle, aiops-tui and k9s side by side, ${IDLE_SECONDS} s`);
  const [aiopsIdle, k9sIdle] = await Promise.all([
    idleFigures(aiopsTerminal, AIOPS, kubeconfig),
    idleFigures(k9sTerminal, K9S, kubeconfig),
  ]);
  const result = {
    target,
    pods,
    frames,
    idle: new Map([
      [AIOPS.name, aiopsIdle],
      [K9S.name, k9sIdle],
    ]),
    load,
  };
  console.log(table(result));
  return result;
}

const count = (n: number) => n.toLocaleString('en-US');

function table({ target, pods, frames, idle, load }: Result): string {
  return peersTable({
    title:
      target === 'sim'
        ? `simulator, ${count(pods)} pods`
        : `real kube-apiserver, ${count(pods)} Running pods on kwok nodes`,
    runs: RUNS,
    load,
    rssAt: RSS_AT,
    cpuSeconds: CPU_SECONDS,
    frames,
    idle,
    kubectl: KUBECTL,
    k9s: K9S.name,
  });
}

async function simulatorRuns(): Promise<void> {
  for (const pods of POD_COUNTS) {
    const sim = await startSim(`large:${pods}`);
    await measure('sim', pods, sim.kubeconfigPath);
    await sim.stop();
  }
}

async function realRuns(): Promise<void> {
  const missing = controlPlaneMissing();
  if (missing) {
    console.log(`real kube-apiserver: skipped, ${missing}\n`);
    return;
  }
  const most = POD_COUNTS.at(-1)!;
  // Enough kwok nodes for every pod at 1,000 a node (the scheduler is bypassed: pods name their node).
  const nodes = Math.max(2, Math.ceil(most / 1000));
  const cp: ControlPlane = await step('start the control plane', 180_000, () =>
    startControlPlane({ nodes, capacity: { pods: '1100' }, timeoutMs: 170_000 }),
  );
  const stop = onCleanup(() => cp.stop());
  const creator: PodCreator = createPods(cp);
  for (const pods of POD_COUNTS) {
    // About 100 pods a second at worst on two busy cores, and kwok's status updates after them.
    await step(`${count(pods)} Running pods on the control plane`, 120_000 + pods * 30, (signal) =>
      creator.runningPods(pods, signal, (line) => console.error(`  ${line}`)),
    );
    await measure('real', pods, cp.kubeconfig('admin'));
  }
  stop();
  await cp.stop();
}

const k9sMissing = !existsSync(k9s);
const overallMs =
  (k9sMissing ? 45 * 60_000 : 0) +
  TARGETS.length *
    POD_COUNTS.reduce(
      (sum, pods) => sum + 240_000 + pods * 40 + (RUNS + 1) * 30_000 + IDLE_SECONDS * 1000,
      0,
    ) +
  5 * 60_000;

await bench('peers', overallMs, async () => {
  if (!existsSync(cli)) throw new Error(`no ${cli}: npm run build (npm run bench:peers does)`);
  if (k9sMissing)
    await step('build k9s (scripts/build-k9s.sh)', 45 * 60_000, () =>
      run('bash', [join(root, 'scripts', 'build-k9s.sh')], 45 * 60_000),
    );
  console.log(
    `# aiops-tui beside kubectl and k9s\n\nRUNS=${RUNS} PODS=${POD_COUNTS.join(',')} TARGETS=${TARGETS.join(',')} RSS_AT=${RSS_AT.join(',')} CPU_SECONDS=${CPU_SECONDS}; ${cpus().length} cores, load average at the start: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}\n`,
  );
  if (TARGETS.includes('sim')) await simulatorRuns();
  if (TARGETS.includes('real')) await realRuns();
});
