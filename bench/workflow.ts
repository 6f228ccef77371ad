// npm run bench:workflow — the approval queue's figures against the simulator:
//   rollback   `r` → the API serves the pre-state again (goal ≤ 2 s), p50/p95 over runs;
//   approve    approval → the change is served by the API;
//   kubectl    `kubectl scale` on the same simulator, for the ratio;
//   MTTR       the demo's crash loop: failure → finding → queued fix (trivial: no approval)
//              → validated, read from the PHRs as `aiops-tui report metrics` computes it (wall
//              time, as the records keep it; the simulator's time beside it).
// The simulator runs in a child process and every wait is a step with a time-out (bench/harness.ts).
import { makeTeam } from '../test/audit/identities.js';
import { DEFAULT_POLICY } from '../src/workflow/policy.js';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig, type V1Deployment } from '@kubernetes/client-node';
import {
  bench,
  clusterClock,
  percentile,
  run,
  startSim,
  step,
  tmuxSession,
  until as poll,
} from './harness.js';
import { analyze } from '../src/analysis/analyze.js';
import { fetchSnapshot } from '../src/analysis/fetch-snapshot.js';
import { scaleOp } from '../src/workflow/proposed-operations.js';
import { computeFigures } from '../src/audit/metrics.js';
import { ObjectClient } from '../src/workflow/objects.js';
import { createWorkflow } from '../src/workflow/setup.js';

const RUNS = Number(process.env.RUNS ?? 20);
const kubectl = join(import.meta.dirname, '..', '.tools', 'bin', 'kubectl');
const frontend = { kind: 'Deployment', namespace: 'todo', name: 'frontend' };
const frontendRef = { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'todo', name: 'frontend' };

const ms = (values: number[]) =>
  `p50 ${percentile(values, 50).toFixed(1)} ms, p95 ${percentile(values, 95).toFixed(1)} ms`;

/** Waits for `check`, as a step named `name` with a time-out. */
const until = (name: string, check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> =>
  step(name, timeoutMs, (signal) => poll(check, signal));

/**
 * The same rollback as a person does it: the cockpit in tmux on this simulator, a recommendation
 * approved with `a`, then the clock runs from sending `r` until the API serves 1 replica.
 */
async function cockpitKeyRollbacks(
  kubeconfig: string,
  replicas: () => Promise<number | undefined>,
): Promise<number[]> {
  const cli = join(import.meta.dirname, '..', 'dist', 'cli.js');
  if (!existsSync(cli)) return [];
  if (!(await run('tmux', ['-V'], 10_000).catch(() => ({ stdout: '' }))).stdout) return [];
  const historyDir = mkdtempSync(join(tmpdir(), 'bench-cockpit-'));
  const terminal = tmuxSession('workflow');
  await terminal.launch(
    [
      process.execPath,
      cli,
      '--kubeconfig',
      kubeconfig,
      '-n',
      'todo',
      '--no-ai',
      '--history-dir',
      historyDir,
      ...team.flags('alice'),
    ],
    { width: 120, height: 40 },
  );
  const screen = terminal.screen;
  const times: number[] = [];
  try {
    await until('the cockpit shows the frontend pods', async () => (await screen()).includes('frontend-'));
    await terminal.keys('Tab', 'Tab', 'Tab', 'Tab');
    const queue = createWorkflow({ kubeConfig: kubeConfigFrom(kubeconfig), historyDir, ...as('bob') });
    for (let i = 0; i < 5; i++) {
      await queue.propose({ operation: scaleOp(frontend, 2), source: 'built-in', evidence: [] });
      await until('the proposal in the approvals pane', async () =>
        /awaiting-approval 0\/1/.test(await screen()),
      );
      await terminal.keys('a');
      await until('a: 2 replicas served', async () => (await replicas()) === 2);
      await until('a: validating on screen', async () => /validating|validated/.test(await screen()));
      // r asks first; the figure runs from the y that answers it.
      await terminal.keys('r');
      await until('r: its question on screen', async () => /from its snapshot\?/.test(await screen()));
      const start = performance.now();
      await terminal.keys('y');
      await until('r: 1 replica served', async () => (await replicas()) === 1);
      times.push(performance.now() - start);
      await until('r: rolled back on screen', async () => /rolled back in/.test(await screen()));
    }
  } finally {
    await terminal.kill();
  }
  return times;
}

// Every event is signed: the bench's people are throwaway keys, as the tests' are.
const team = makeTeam(['alice', 'bob']);
const as = (name: string) => ({
  policy: DEFAULT_POLICY,
  signer: team.signer(name),
  allowedSigners: team.allowed,
});

function kubeConfigFrom(file: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromFile(file);
  return kc;
}

await bench('workflow', 20 * 60_000, async () => {
  const sim = await startSim('todo', 10);
  const kc = sim.kubeConfig;
  const objects = new ObjectClient(kc);
  const replicas = async () => ((await objects.read(frontendRef)) as V1Deployment).spec?.replicas;
  const historyDir = mkdtempSync(join(tmpdir(), 'bench-workflow-'));
  const queue = createWorkflow({ kubeConfig: kc, historyDir, ...as('alice') });

  const approveTimes: number[] = [];
  const rollbackTimes: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const meta = await step(`run ${i + 1}: propose`, 30_000, () =>
      queue.propose({ operation: scaleOp(frontend, 2), source: 'built-in', evidence: [] }),
    );
    let start = performance.now();
    await step(`run ${i + 1}: approve`, 30_000, () => queue.approve(meta.id));
    await until(`run ${i + 1}: 2 replicas served`, async () => (await replicas()) === 2);
    approveTimes.push(performance.now() - start);
    start = performance.now();
    const outcome = await step(`run ${i + 1}: roll back`, 30_000, () => queue.rollback(meta.id));
    if (!outcome.ok) throw new Error(outcome.message);
    await until(`run ${i + 1}: 1 replica served`, async () => (await replicas()) === 1);
    rollbackTimes.push(performance.now() - start);
  }
  await step('the queue idle (validations done)', 120_000, () => queue.idle());

  const kubectlTimes: number[] = [];
  for (let i = 0; i < Math.min(RUNS, 10); i++) {
    const start = performance.now();
    await step(`kubectl scale ${i + 1}`, 30_000, () =>
      run(
        kubectl,
        [
          '--kubeconfig',
          sim.kubeconfigPath,
          'scale',
          'deployment/frontend',
          '-n',
          'todo',
          `--replicas=${i % 2 ? 1 : 2}`,
        ],
        25_000,
      ),
    );
    kubectlTimes.push(performance.now() - start);
  }
  await step('kubectl scale back to 1', 30_000, () =>
    run(
      kubectl,
      ['--kubeconfig', sim.kubeconfigPath, 'scale', 'deployment/frontend', '-n', 'todo', '--replicas=1'],
      25_000,
    ),
  );

  const cockpitRollbacks = await cockpitKeyRollbacks(sim.kubeconfigPath, replicas);

  // MTTR: wait for the demo's crash loop, queue the finding's fix, let it validate. The records
  // keep the wall clock; the finding's times are the simulator's, converted as the cockpit does.
  const cluster = await clusterClock(sim);
  const mttrDir = mkdtempSync(join(tmpdir(), 'bench-mttr-'));
  const mttrQueue = createWorkflow({ kubeConfig: kc, historyDir: mttrDir, ...as('alice'), cluster });
  let finding;
  await until(
    'the crash loop found',
    async () => {
      const { snapshot } = await fetchSnapshot(kc, 'todo');
      finding = analyze({ ...snapshot, now: cluster.now() }).find(
        (f) => f.runbook === 'crashloopbackoff' && f.recommendation,
      );
      return finding !== undefined;
    },
    120_000,
  );
  const f = finding!;
  const queued = performance.now();
  await step('propose the fix', 30_000, () =>
    mttrQueue.propose({
      operation: f.recommendation!,
      source: 'built-in',
      evidence: f.detail,
      failureStarted: new Date(f.firstSeen).toISOString(),
      detected: new Date(cluster.now()).toISOString(),
    }),
  );
  await step('the fix executed and validated', 180_000, () => mttrQueue.idle());
  const recovered = performance.now();
  const records = mttrQueue.history.list().filter((r) => r.type !== 'trust');
  const figures = computeFigures(records);
  const t = records[0]!.timestamps;
  const since = (iso: string | undefined) =>
    ((Date.parse(iso ?? '') - Date.parse(t.failure_started ?? '')) / 1000).toFixed(1);

  console.log(`runs: ${RUNS} (simulator speed 10)`);
  console.log(`approve → served by the API:      ${ms(approveTimes)}`);
  console.log(`r → rollback served by the API:   ${ms(rollbackTimes)}   (goal ≤ 2000 ms)`);
  console.log(`kubectl scale (same simulator):   ${ms(kubectlTimes)}`);
  console.log(
    `rollback / kubectl scale (p50):   ${(percentile(rollbackTimes, 50) / percentile(kubectlTimes, 50)).toFixed(2)}`,
  );
  if (!cockpitRollbacks.length)
    console.log('cockpit: key r: skipped (needs tmux and dist/cli.js: npm run build)');
  if (cockpitRollbacks.length)
    console.log(
      `cockpit: key r → served by the API: ${ms(cockpitRollbacks)}   (tmux, ${cockpitRollbacks.length} runs)`,
    );
  console.log(
    `queued fix → validated:           ${((recovered - queued) / 1000).toFixed(1)} s real (60 s simulated window)`,
  );
  console.log(
    `failure → executed (mitigated):  ${since(t.executed)} s wall (${(Number(since(t.executed)) * sim.speed).toFixed(0)} s of simulator time)`,
  );
  console.log(
    `MTTR from the PHR (wall clock):   p50 ${figures.mttr.p50_s} s (validated, after the 60 s simulated window), n=${figures.mttr.count}; status ${records[0]?.status}`,
  );
  await sim.stop();
});
