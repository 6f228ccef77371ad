// npm run bench:first-frame — launch → first pod row on screen (tmux), for the built CLI and, with
// BUILDS=name=path/to/cli.js,…, other builds to compare, interleaved with `kubectl get pods -A` against the same
// simulator, so that a noisy machine shifts all three alike: compare the ratios. Prints the median
// of RUNS (default 5) per program and its ratio to kubectl. PODS (default 1000).
// One unmeasured launch of each program first fills Node's compile cache, as any second start has.
import { join } from 'node:path';
import { cockpitArgv, bench, median, run, startSim, tmuxSession, type SimChild } from './harness.js';

const root = join(import.meta.dirname, '..');
const kubectl = join(root, '.tools', 'bin', 'kubectl');
const pods = Number(process.env.PODS ?? 1000);
const runs = Number(process.env.RUNS ?? 5);
const builds: [string, string][] = [
  ...(process.env.BUILDS ?? '')
    .split(',')
    .filter(Boolean)
    .map((pair) => pair.split('=') as [string, string]),
  ['dist/cli.js', join(root, 'dist', 'cli.js')],
];

const terminal = tmuxSession('first-frame');

/** ms from spawning the cockpit in a fresh tmux server to a pod row on its screen. */
async function cockpitMs(sim: SimChild, cli: string): Promise<number> {
  await terminal.kill();
  const start = performance.now();
  await terminal.launch([...cockpitArgv(cli, sim.kubeconfigPath, ['-A', '--no-ai'])]);
  await terminal.waitFor(`${cli}: a pod row on screen`, (s) => /pod-\d{5}/.test(s));
  const ms = performance.now() - start;
  await terminal.kill();
  return ms;
}

async function kubectlMs(sim: SimChild): Promise<number> {
  const start = performance.now();
  await run(kubectl, ['--kubeconfig', sim.kubeconfigPath, 'get', 'pods', '-A'], 60_000);
  return performance.now() - start;
}

await bench('first-frame', 15 * 60_000, async () => {
  const sim = await startSim(`large:${pods}`);
  for (const [, cli] of builds) await cockpitMs(sim, cli);
  await kubectlMs(sim);
  const times = new Map<string, number[]>([
    ['kubectl get pods -A', []],
    ...builds.map(([n]) => [n, []] as [string, number[]]),
  ]);
  for (let i = 0; i < runs; i++) {
    times.get('kubectl get pods -A')!.push(await kubectlMs(sim));
    for (const [name, cli] of builds) times.get(name)!.push(await cockpitMs(sim, cli));
  }
  await sim.stop();
  const kubectlMedian = median(times.get('kubectl get pods -A')!);
  console.log(`first frame at ${pods} pods, median of ${runs} interleaved runs\n`);
  console.log('| program | first frame | × kubectl | runs (ms) |\n|---|---|---|---|');
  for (const [name, values] of times) {
    const m = median(values);
    console.log(
      `| ${name} | ${Math.round(m)} ms | ${(m / kubectlMedian).toFixed(2)} | ${values.map(Math.round).join(', ')} |`,
    );
  }
});
