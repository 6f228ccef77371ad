// npm run bench:views — issue 14's figures, as a person meets them in a real terminal (tmux):
// (a) `:deploy` → the first frame with the deployments' rows, switching between views; (b) the
// logs view following a pod that logs 5,000 lines/s: keypress → the frame that shows its effect
// (`k`/`j` scrolling, `/` search typing), and the cockpit's RSS when the view opens and 30 s later
// (the view keeps at most 10,000 lines). Prints a Markdown table.
// The simulator runs in a child process and every step has a time-out (bench/harness.ts).
// Sizes: PODS=1000 DEPLOYMENTS=100 SWITCHES=10 RATE=5000 PRESSES=40 SEARCH=20 LOG_SECONDS=30;
// NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") is passed to the cockpit's node,
// COCKPIT_ENV ("NAME=VALUE …") to its environment; ONLY=deploy|logs runs one half.
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { AppsV1Api, CoreV1Api } from '@kubernetes/client-node';
import {
  cockpitArgv,
  processExits,
  bench,
  median,
  percentile,
  rssMb,
  sleep,
  startSim,
  step,
  tmuxSession,
  until as poll,
} from './harness.js';

const root = join(import.meta.dirname, '..');
const cli = join(root, 'dist', 'cli.js');
const env = (name: string, fallback: number): number => Number(process.env[name] ?? fallback);
const nodeArgs = (process.env.NODE_ARGS ?? '').split(' ').filter(Boolean);
const cockpitEnv = (process.env.COCKPIT_ENV ?? '').split(' ').filter(Boolean);

const terminal = tmuxSession('views');
const keys = terminal.keys;
const literal = terminal.literal;
/** Waits (polling the pane every few ms) for the screen to satisfy `predicate`; the screen then. */
const until = (name: string, predicate: (text: string) => boolean, timeoutMs = 30_000): Promise<string> =>
  terminal.waitFor(name, predicate, timeoutMs, 3);

/** Starts the cockpit in tmux at 160×48 and waits for `ready` on screen; its pid. */
async function launchCockpit(kubeconfig: string, args: string[], ready: RegExp): Promise<number> {
  await terminal.launch(
    [...cockpitArgv(cli, kubeconfig, args, nodeArgs)],
    // COCKPIT_ENV="NODE_ENV=production MALLOC_ARENA_MAX=1": the cockpit's environment, to compare.
    {
      env: Object.fromEntries(cockpitEnv.map((pair) => pair.split(/=(.*)/s).slice(0, 2) as [string, string])),
    },
  );
  await until('the cockpit shows its first rows', (s) => ready.test(s), 60_000);
  return terminal.pid();
}

/** Ends the cockpit with `q`, so a --cpu-prof run writes its profile. */
async function quitCockpit(pid: number): Promise<void> {
  await keys('Escape');
  await keys('q');
  await processExits(pid, 'the cockpit quits');
}

// A view's heading and one of its rows (a finding in the side column also names pods).
const DEPLOY_VIEW = /deployments \(\d+\)[^]*load-\d{3}\s+dep-\d{3}\s+1\/1\s/;
const POD_VIEW = /pods \(\d+\)[^]*load-\d{3}\s+\S+\s+1\/1\s+Running/;

/** (a) `:deploy⏎` → deployments' rows, then `:pods⏎` → pods' rows, `switches` times each. */
async function deployFrame(
  pods: number,
  deployments: number,
  switches: number,
): Promise<{ deploy: number[]; pods: number[] }> {
  const sim = await startSim(`large:${pods}`);
  try {
    const apps = sim.kubeConfig.makeApiClient(AppsV1Api);
    const namespaces = Math.max(1, Math.ceil(pods / 100));
    await step(`create ${deployments} deployments`, 120_000, async () => {
      for (let i = 0; i < deployments; i++) {
        const name = `dep-${String(i).padStart(3, '0')}`;
        const labels = { app: name };
        await apps.createNamespacedDeployment({
          namespace: `load-${String(i % namespaces).padStart(3, '0')}`,
          body: {
            metadata: { name, labels },
            spec: {
              replicas: 1,
              selector: { matchLabels: labels },
              template: {
                metadata: { labels },
                spec: {
                  containers: [
                    {
                      name: 'app',
                      image: 'registry.k8s.io/pause:3.10',
                      resources: { requests: { cpu: '50m', memory: '64Mi' } },
                    },
                  ],
                },
              },
            },
          },
        });
      }
    });
    await step('every deployment available', 180_000, (signal) =>
      poll(
        async () =>
          (await apps.listDeploymentForAllNamespaces()).items.filter((d) => d.status?.availableReplicas === 1)
            .length === deployments,
        signal,
        500,
      ),
    );
    const pid = await launchCockpit(sim.kubeconfigPath, ['-A'], POD_VIEW);
    await sleep(2000); // past the first sync's burst of events
    const times = { deploy: [] as number[], pods: [] as number[] };
    for (let i = 0; i < switches; i++) {
      for (const [view, shown, gone, into] of [
        ['deploy', DEPLOY_VIEW, POD_VIEW, times.deploy],
        ['pods', POD_VIEW, DEPLOY_VIEW, times.pods],
      ] as const) {
        await literal(`:${view}`);
        await until(`the command line holds :${view}`, (s) => s.includes(`:${view}█`), 5000);
        const start = performance.now();
        await keys('Enter');
        await until(`${view} rows on screen (switch ${i + 1})`, (s) => shown.test(s) && !gone.test(s), 5000);
        into.push(performance.now() - start);
      }
    }
    await quitCockpit(pid);
    return times;
  } finally {
    await terminal.kill();
    await sim.stop();
  }
}

/** (b) The logs view following `rate` lines/s: key → frame, and RSS over `seconds`. */
async function logsUnderLoad(
  rate: number,
  presses: number,
  searchChars: number,
  seconds: number,
): Promise<{
  scroll: number[];
  search: number[];
  rssOpen: number;
  rssAfter: number;
  rssPeak: number;
  trail: number[];
  linesSeen: number;
  kept: number;
}> {
  const sim = await startSim('empty');
  try {
    const core = sim.kubeConfig.makeApiClient(CoreV1Api);
    await step('create the firehose pod', 30_000, () =>
      core.createNamespacedPod({
        namespace: 'default',
        body: {
          metadata: { name: 'firehose', annotations: { 'sim.aiops.dev/log-rate': String(rate) } },
          spec: { containers: [{ name: 'app', image: 'nginx:1.27' }] },
        },
      }),
    );
    await step('the firehose pod runs', 60_000, (signal) =>
      poll(
        async () =>
          Boolean(
            (await core.readNamespacedPod({ namespace: 'default', name: 'firehose' })).status
              ?.containerStatuses?.[0]?.state?.running,
          ),
        signal,
        200,
      ),
    );
    const pid = await launchCockpit(sim.kubeconfigPath, ['-n', 'default'], /firehose\s+1\/1\s+Running/);
    await keys('l');
    const opened = await until('the log view following', (s) => /\d+ lines · at the end, following/.test(s));
    void opened;
    // Let the stream reach its bound (10,000 lines at 5,000/s: 2 s), then the memory baseline.
    await sleep(3000);
    const rssOpen = rssMb(pid);
    let rssPeak = rssOpen;
    const trail: number[] = []; // RSS every 5 s: flat once bounded
    let ticks = 0;
    const sampler = setInterval(() => {
      const now = rssMb(pid);
      rssPeak = Math.max(rssPeak, now);
      if (++ticks % 10 === 0) trail.push(Math.round(now));
    }, 500);
    const started = performance.now();
    try {
      const lineNo = (s: string): number | undefined => {
        const m = /line (\d+) of (\d+) · G follows/.exec(s);
        return m ? Number(m[1]) : undefined;
      };
      // Scrolling: k from the end stops following; then k and j, each to the frame showing it.
      const scroll: number[] = [];
      let at: number | undefined;
      for (let k = 0; k < presses; k++) {
        const key = k < presses / 2 ? 'k' : 'j';
        const start = performance.now();
        await literal(key);
        // The line number is the top line's, absolute: it changes only on a key. Once the top line
        // itself has been dropped a move lands on the oldest kept line, so any change is the effect.
        const s = await until(
          `scroll ${k + 1} (${key}) on screen`,
          (text) => {
            const n = lineNo(text);
            return n !== undefined && n !== at;
          },
          5000,
        );
        scroll.push(performance.now() - start);
        at = lineNo(s);
      }
      await literal('G');
      await until('following again', (s) => s.includes('at the end, following'), 5000);
      // Search typing: `/` opens the field, each letter is timed to its echo.
      await literal('/');
      await until('the search field open', (s) => s.includes('search: █'), 5000);
      const search: number[] = [];
      let typed = '';
      for (let k = 0; k < searchChars; k++) {
        const ch = 'xy'[k % 2]!;
        typed += ch;
        const start = performance.now();
        await literal(ch);
        await until(`search letter ${k + 1} on screen`, (s) => s.includes(`search: ${typed}█`), 5000);
        search.push(performance.now() - start);
      }
      await keys('Escape');
      const rest = seconds * 1000 - (performance.now() - started);
      await step(`follow the log for the rest of ${seconds} s`, rest + 10_000, () =>
        sleep(Math.max(0, rest)),
      );
      const end = await until('the log view still following', (s) => /lines · at the end, following/.test(s));
      const linesSeen = Number(/(\d+) lines · at the end/.exec(end)?.[1] ?? NaN);
      const rssAfter = rssMb(pid);
      clearInterval(sampler);
      await quitCockpit(pid);
      return {
        scroll,
        search,
        rssOpen,
        rssAfter,
        rssPeak,
        trail,
        linesSeen,
        kept: linesSeen - Number(/(\d+) older dropped/.exec(end)?.[1] ?? 0),
      };
    } finally {
      clearInterval(sampler);
    }
  } finally {
    await terminal.kill();
    await sim.stop();
  }
}

const ms = (values: number[]) =>
  `p50 ${median(values).toFixed(0)} ms, p95 ${percentile(values, 95).toFixed(0)} ms (max ${Math.max(...values).toFixed(0)})`;
const load = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');

await bench('views', 20 * 60_000, async () => {
  const pods = env('PODS', 1000);
  const deployments = env('DEPLOYMENTS', 100);
  const rate = env('RATE', 5000);
  const seconds = env('LOG_SECONDS', 30);
  const only = process.env.ONLY; // `deploy` or `logs`: one half (e.g. to profile it)
  const rows: string[] = [];
  if (only !== 'logs') {
    const loadBefore = load();
    const frames = await deployFrame(pods, deployments, env('SWITCHES', 10));
    rows.push(
      `| \`:deploy⏎\` → first frame with the deployments' rows, large:${pods} + ${deployments} deployments (${frames.deploy.length} switches, load ${loadBefore}) | ${ms(frames.deploy)} | ≤ 100 ms |`,
      `| \`:pods⏎\` → first frame with the pods' rows, same run | ${ms(frames.pods)} | |`,
    );
  }
  if (only !== 'deploy') {
    const loadMid = load();
    const logs = await logsUnderLoad(rate, env('PRESSES', 40), env('SEARCH', 20), seconds);
    rows.push(`| logs view following ${rate} lines/s: \`k\`/\`j\` → the frame that shows the scroll (${logs.scroll.length} presses, load ${loadMid}) | ${ms(logs.scroll)} | p95 ≤ 50 ms |
| the same: \`/\` search typing → the letter on screen (${logs.search.length} letters) | ${ms(logs.search)} | p95 ≤ 50 ms |
| cockpit RSS, log view open → after ${seconds} s following (peak; ${logs.linesSeen} lines seen, ${logs.kept} kept, load ${load()}) | ${logs.rssOpen.toFixed(0)} → ${logs.rssAfter.toFixed(0)} MB (peak ${logs.rssPeak.toFixed(0)}; every 5 s: ${logs.trail.join(', ')}) | bounded at 10,000 lines |`);
  }
  console.log(`| figure | measured | goal |\n|---|---|---|\n${rows.join('\n')}`);
});
