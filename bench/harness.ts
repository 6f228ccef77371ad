// What every bench shares, so that none can hang (issue 15 item 6). The simulator runs in a child
// process (`aiops-tui sim`, through tsx), so a bench busy timing kubectl or tmux never stops the
// server from answering; every step has a time-out that fails with one line naming the step; and
// the whole bench has one too, enforced from a watchdog thread that fires even while the main
// thread is stuck in synchronous work, killing the children it was told about.
import { mkdtempSync, readFileSync, readdirSync, readlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { KubeConfig, KubernetesObjectApi, PatchStrategy } from '@kubernetes/client-node';
import { execa } from 'execa';
import { processAlive } from '../src/audit/lock.js';
import { makeTeam } from '../test/audit/identities.js';

const root = join(import.meta.dirname, '..');

export class StepTimeout extends Error {}

/** `fn` within `ms`, or a StepTimeout naming the step (its signal is aborted for clean-up). */
export async function step<T>(
  name: string,
  ms: number,
  fn: (signal: AbortSignal) => Promise<T> | T,
): Promise<T> {
  current.name = name;
  watchdog?.postMessage({ step: name });
  const abort = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      abort.abort();
      reject(new StepTimeout(`step "${name}" timed out after ${seconds(ms)}`));
    }, ms);
  });
  const start = performance.now();
  try {
    const result = await Promise.race([Promise.resolve().then(() => fn(abort.signal)), timedOut]);
    // Synchronous work cannot be interrupted (the watchdog bounds the whole bench): an overrun is still a failure.
    if (performance.now() - start > ms)
      throw new StepTimeout(
        `step "${name}" took ${seconds(performance.now() - start)}, over its ${seconds(ms)} time-out`,
      );
    return result;
  } finally {
    clearTimeout(timer);
  }
}

/** Polls `check` every `everyMs` until it holds: for waits inside a step (the step bounds them). */
export async function until(
  check: () => Promise<boolean> | boolean,
  signal: AbortSignal,
  everyMs = 5,
): Promise<void> {
  while (!(await check())) {
    if (signal.aborted) throw new StepTimeout('aborted');
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}
export const median = (values: readonly number[]) => percentile(values, 50);

const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;
const current = { name: 'start' };
const cleanups = new Set<() => Promise<void> | void>();
const children = new Set<number>();
let watchdog: Worker | undefined;

/** Something to undo however the bench ends (a tmux server, a simulator). */
export function onCleanup(fn: () => Promise<void> | void): () => void {
  cleanups.add(fn);
  return () => cleanups.delete(fn);
}

function track(pid: number | undefined): void {
  if (pid === undefined) return;
  children.add(pid);
  watchdog?.postMessage({ children: [...children] });
}
function untrack(pid: number | undefined): void {
  if (pid === undefined) return;
  children.delete(pid);
  watchdog?.postMessage({ children: [...children] });
}

// The watchdog: its own thread, so its timer fires while the main thread computes.
const WATCHDOG = `
const { workerData, parentPort } = require('node:worker_threads');
const { writeSync } = require('node:fs');
let step = 'start';
let children = [];
parentPort.on('message', (m) => {
  if (m.step) step = m.step;
  if (m.children) children = m.children;
});
setTimeout(() => {
  writeSync(2, 'bench ' + workerData.name + ': did not finish within ' + workerData.seconds + ' s (at step "' + step + '"); killed\\n');
  for (const pid of children) try { process.kill(pid, 'SIGKILL'); } catch {}
  process.kill(process.pid, 'SIGKILL');
}, workerData.ms);
`;

/**
 * Runs a bench: `main` within `overallMs` (else one line and exit 1, the children stopped), a step
 * time-out as one line and exit 1, and the clean-ups in every case.
 */
export async function bench(name: string, overallMs: number, main: () => Promise<void>): Promise<never> {
  // The main thread's own deadline ends it cleanly; the watchdog's, 15 s later, ends it anyway.
  watchdog = new Worker(WATCHDOG, {
    eval: true,
    workerData: { name, ms: overallMs + 15_000, seconds: Math.round(overallMs / 1000) },
  });
  watchdog.unref();
  const overall = setTimeout(
    () => void fail(`did not finish within ${seconds(overallMs)} (at step "${current.name}")`),
    overallMs,
  );
  // Interrupted (Ctrl-C, a CI job's end): the tmux servers and simulators go too. `on`, not
  // `once`: a runner may send the signal again (tsx relays it), which must not end the clean-up.
  let interrupted = false;
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const)
    process.on(signal, () => {
      if (interrupted) return;
      interrupted = true;
      void fail(`interrupted by ${signal} (at step "${current.name}")`);
    });
  let code = 0;
  try {
    await main();
  } catch (error) {
    await fail(
      error instanceof StepTimeout ? error.message : `step "${current.name}" failed: ${firstLine(error)}`,
    );
  }
  clearTimeout(overall);
  await cleanUp();
  process.exit(code);

  async function fail(message: string): Promise<never> {
    writeSync(2, `bench ${name}: ${message}\n`);
    code = 1;
    await cleanUp();
    process.exit(1);
  }
}

async function cleanUp(): Promise<void> {
  const all = [...cleanups].reverse();
  cleanups.clear();
  for (const fn of all) {
    // A clean-up that hangs must not hold the exit: each gets 10 s.
    await Promise.race([
      Promise.resolve()
        .then(fn)
        .catch(() => {}),
      sleep(10_000),
    ]);
  }
}

const firstLine = (error: unknown): string =>
  ((error as { shortMessage?: string }).shortMessage ?? (error as Error).message ?? String(error)).split(
    '\n',
  )[0]!;

/** A program run with a time-out (execa's: it kills the program and says so); its output. */
export async function run(
  file: string,
  args: string[],
  timeoutMs: number,
  env?: Record<string, string>,
): Promise<{ stdout: string; stderr: string }> {
  const child = execa(file, args, {
    timeout: timeoutMs,
    forceKillAfterDelay: 2_000,
    ...(env ? { env } : {}),
  });
  track(child.pid);
  try {
    const { stdout, stderr } = await child;
    return { stdout: String(stdout), stderr: String(stderr) };
  } finally {
    untrack(child.pid);
  }
}

export interface SimChild {
  url: string;
  kubeconfigPath: string;
  kubeConfig: KubeConfig;
  speed: number;
  stop(): Promise<void>;
}

/** How long a simulator may take to say it listens (large:10000 builds 10,000 pods first). */
const SIM_READY_MS = 120_000;

/**
 * Starts `aiops-tui sim` in a child process and waits for its readiness lines (the URL and the
 * kubeconfig it wrote). Its output is read to the end, so it never blocks on a full pipe.
 */
export async function startSim(scenario: string, speed = 1, churn = 0): Promise<SimChild> {
  const kubeconfigPath = join(mkdtempSync(join(tmpdir(), 'bench-sim-')), 'kubeconfig');
  return step(`start simulator (${scenario}, speed ${speed})`, SIM_READY_MS, async (signal) => {
    const child = execa(
      process.execPath,
      [
        '--import',
        'tsx',
        join(root, 'src', 'cli.tsx'),
        'sim',
        '--scenario',
        scenario,
        '--speed',
        String(speed),
        '--kubeconfig-out',
        kubeconfigPath,
        ...(churn ? ['--churn', String(churn)] : []),
      ],
      { cwd: root, buffer: false, stdin: 'ignore', cancelSignal: signal, forceKillAfterDelay: 2_000 },
    );
    track(child.pid);
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2000)));
    const exited = child.then(
      () => undefined,
      () => undefined,
    );
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const listening = /simulator listening on (\S+)/.exec(out)?.[1];
        if (listening && /^kubeconfig: /m.test(out)) resolve(listening);
        if (out.length > 100_000) out = out.slice(-10_000);
      });
      void exited.then(() =>
        reject(
          new Error(`the simulator exited before it listened: ${stderr.trim().split('\n').at(-1) ?? ''}`),
        ),
      );
    });
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromFile(kubeconfigPath);
    let stopped: Promise<void> | undefined;
    const stop = (): Promise<void> =>
      (stopped ??= (async () => {
        child.kill('SIGTERM');
        const done = await Promise.race([exited.then(() => true), sleep(10_000).then(() => false)]);
        if (!done) child.kill('SIGKILL');
        await exited;
        untrack(child.pid);
        removeCleanup();
      })());
    const removeCleanup = onCleanup(stop);
    return { url, kubeconfigPath, kubeConfig, speed, stop };
  });
}

/**
 * The simulator's clock, read from its Date header: sampled until the second it shows turns
 * over, which at that instant it reads exactly (to the poll's resolution), then run at `speed`.
 */
export async function clusterClock(sim: SimChild): Promise<{ now(): number; rate: number }> {
  return step('read the simulator clock', 30_000, async (signal) => {
    const serverSecond = async (): Promise<number> => {
      const response = await fetch(`${sim.url}/version`, { signal, headers: authHeaders(sim.kubeConfig) });
      await response.arrayBuffer();
      return Date.parse(response.headers.get('date') ?? '');
    };
    const first = await serverSecond();
    for (;;) {
      const at = performance.timeOrigin + performance.now();
      const second = await serverSecond();
      if (second !== first) {
        const wall = at;
        return { now: () => second + (Date.now() - wall) * sim.speed, rate: sim.speed };
      }
    }
  });
}

function authHeaders(kc: KubeConfig): Record<string, string> {
  const token = kc.getCurrentUser()?.token;
  return token ? { authorization: `Bearer ${token}` } : {};
}

/** Merge-patches a label on pods, `perSecond` of them a second, until stopped; counts what it sent. */
export function churnPods(
  kc: KubeConfig,
  pods: { namespace: string; name: string }[],
  perSecond: number,
): { sent(): number; stop(): Promise<void> } {
  const client = KubernetesObjectApi.makeApiClient(kc);
  let sent = 0;
  let stopped = false;
  const inFlight = new Set<Promise<unknown>>();
  const started = performance.now();
  const loop = (async () => {
    while (!stopped) {
      const due = Math.floor(((performance.now() - started) / 1000) * perSecond);
      while (sent < due && inFlight.size < 64 && !stopped) {
        const pod = pods[sent++ % pods.length]!;
        const p = client
          .patch(
            { apiVersion: 'v1', kind: 'Pod', metadata: { ...pod, labels: { churn: String(sent) } } },
            undefined,
            undefined,
            undefined,
            undefined,
            PatchStrategy.MergePatch,
          )
          .catch(() => {});
        inFlight.add(p);
        void p.finally(() => inFlight.delete(p));
      }
      await sleep(5);
    }
    await Promise.all(inFlight);
  })();
  const stop = async () => {
    stopped = true;
    await loop;
  };
  onCleanup(stop);
  return { sent: () => sent, stop };
}

// ---- a program in a real terminal ---------------------------------------------------------------

export interface TmuxLaunchOptions {
  width?: number;
  height?: number;
  /** The program's environment on top of the server's (tmux `-e`). */
  env?: Record<string, string>;
}

/**
 * How the installed bin runs `cli`: the environment and node flags its sh header execs node with
 * (`exec env VAR=… node --flag "$0"`, scripts/build.mjs), with this bench's node, then `nodeArgs`
 * (a profile, say). Through `env`, which execs node: the pane's pid stays the program's.
 */
export function binArgv(cli: string, nodeArgs: string[] = []): string[] {
  const header = /^":" \/\/; exec env (.*?)\bnode\b(.*?)"\$0"/m.exec(readFileSync(cli, 'utf8').slice(0, 400));
  const words = (text = '') => text.split(/\s+/).filter(Boolean);
  return ['env', ...words(header?.[1]), process.execPath, ...words(header?.[2]), ...nodeArgs, cli];
}

let cockpitIdentity: { history: string; flags: string[] } | undefined;

/**
 * The built cockpit as every bench runs it: the bin as installed (binArgv, `nodeArgs` on its
 * node), against `kubeconfig`, its records and reports in a scratch history directory, signed
 * with a throwaway key in a scratch allowed-signers list; then `args`.
 */
export function cockpitArgv(
  cli: string,
  kubeconfig: string,
  args: string[] = [],
  nodeArgs: string[] = [],
): string[] {
  cockpitIdentity ??= {
    history: mkdtempSync(join(tmpdir(), 'bench-history-')),
    flags: makeTeam(['bench']).flags('bench'),
  };
  return [
    ...binArgv(cli, nodeArgs),
    ...['--kubeconfig', kubeconfig, '--history-dir', cockpitIdentity.history],
    ...cockpitIdentity.flags,
    ...args,
  ];
}

/** Waits as a step until `pid` has exited (a cockpit told to quit, so its profile is written). */
export function processExits(pid: number, what: string, ms = 15_000): Promise<void> {
  return step(what, ms, (signal) => until(() => !processAlive(pid), signal));
}

/** One program in tmux, as a person runs it in a terminal: launch it, read its screen, type. */
export interface TmuxSession {
  /** Starts `argv` in a fresh tmux server (the previous one killed: reusing a socket races). */
  launch(argv: string[], options?: TmuxLaunchOptions): Promise<void>;
  screen(): Promise<string>;
  /** tmux key names (`Enter`, `Escape`, `q`). */
  keys(...keys: string[]): Promise<void>;
  /** Text typed as is. */
  literal(text: string): Promise<void>;
  /** Polls the screen until `predicate` holds, as a step with a time-out; the screen then. */
  waitFor(
    name: string,
    predicate: (text: string) => boolean,
    timeoutMs?: number,
    everyMs?: number,
  ): Promise<string>;
  /** The program's pid: the pane's process, or the program below an env or shell wrapper. */
  pid(): Promise<number>;
  /** Kills the tmux server and so the program; nothing when none runs. */
  kill(): Promise<void>;
}

let tmuxServers = 0;

/** A tmux session named after `name`, killed at the bench's clean-up however it ends. */
export function tmuxSession(name: string): TmuxSession {
  let socket = '';
  const tmux = (...args: string[]) => run('tmux', ['-L', socket, ...args], 10_000);
  const kill = async (): Promise<void> => {
    if (!socket) return;
    await tmux('kill-server').catch(() => {});
    socket = '';
  };
  onCleanup(kill);
  const screen = async (): Promise<string> => (await tmux('capture-pane', '-p', '-t', 'bench')).stdout;
  return {
    async launch(argv, options = {}) {
      await kill();
      socket = `aiops-${name}-${process.pid}-${++tmuxServers}`;
      const env = { CI: 'false', ...options.env };
      await tmux(
        ...['-f', '/dev/null', 'new-session', '-d', '-s', 'bench'],
        ...['-x', String(options.width ?? 160), '-y', String(options.height ?? 48)],
        ...Object.entries(env).flatMap(([key, value]) => ['-e', `${key}=${value}`]),
        ...argv,
      );
    },
    screen,
    keys: async (...keys) => void (await tmux('send-keys', '-t', 'bench', ...keys)),
    literal: async (text) => void (await tmux('send-keys', '-t', 'bench', '-l', text)),
    async waitFor(stepName, predicate, timeoutMs = 60_000, everyMs = 5) {
      let text = '';
      try {
        await step(stepName, timeoutMs, (signal) =>
          until(async () => predicate((text = await screen())), signal, everyMs),
        );
      } catch (error) {
        process.stderr.write(`last screen of ${name}:\n${text}\n`);
        throw error;
      }
      return text;
    },
    async pid() {
      return programPid(Number((await tmux('display-message', '-p', '-t', 'bench', '#{pane_pid}')).stdout));
    },
    kill,
  };
}

const WRAPPERS = new Set(['env', 'sh', 'bash', 'dash', 'busybox', 'timeout']);

/** Below `pid` while it is a wrapper (env, a shell) with one child: the program's own pid. */
export function programPid(pid: number): number {
  for (;;) {
    if (!WRAPPERS.has(processName(pid))) return pid;
    const kids = childPids(pid);
    if (kids.length !== 1) return pid;
    pid = kids[0]!;
  }
}

function childPids(parent: number): number[] {
  const kids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // The fields after the command's closing parenthesis: state, then the parent's pid.
      if (Number(readProc(Number(entry), 'stat').split(') ')[1]!.split(' ')[1]) === parent)
        kids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return kids;
}

const readProc = (pid: number, file: string): string => readFileSync(`/proc/${pid}/${file}`, 'utf8');

/** The name of the process's executable (not its comm: Node names its main thread MainThread). */
export const processName = (pid: number): string => basename(readlinkSync(`/proc/${pid}/exe`));

/** VmRSS and VmHWM (its high-water mark) of a process, in MB. */
export function memoryMb(pid: number): { rss: number; hwm: number } {
  const status = readProc(pid, 'status');
  const field = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(status)![1]) / 1024;
  return { rss: field('VmRSS'), hwm: field('VmHWM') };
}
export const rssMb = (pid: number): number => memoryMb(pid).rss;

/** CPU seconds a process has used, user and system, all its threads. */
export function cpuSeconds(pid: number): number {
  const fields = readProc(pid, 'stat').split(') ')[1]!.split(' ');
  // utime and stime are fields 14 and 15 of stat; after the ") " split, indexes 11 and 12.
  return (Number(fields[11]) + Number(fields[12])) / 100;
}
