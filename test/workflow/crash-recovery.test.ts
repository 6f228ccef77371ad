// A process killed with SIGKILL while it validates a change: the next queue to open resumes the
// window it recorded (its length, not the resuming process's policy), and the change rolls back.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig, type V1Deployment } from '@kubernetes/client-node';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSim } from '../../src/sim/index.js';
import { ObjectClient } from '../../src/workflow/objects.js';
import { makeTeam, type Team } from '../audit/identities.js';

const cli = join(import.meta.dirname, '..', '..', 'src', 'cli.tsx');
let sim: RunningSim;
let kc: KubeConfig;
let team: Team;
let slowPolicy: string;
let quickPolicy: string;

beforeAll(async () => {
  sim = await startSimulator({ scenario: 'todo', speed: 20 });
  kc = new KubeConfig();
  kc.loadFromFile(sim.kubeconfigPath);
  team = makeTeam(['alice', 'bob']);
  const dir = mkdtempSync(join(tmpdir(), 'policy-'));
  // 100 simulated seconds (5 s at speed 20): the approving process is still validating when it is killed.
  slowPolicy = join(dir, 'slow.yaml');
  writeFileSync(slowPolicy, 'validation_window_seconds: 100\n');
  quickPolicy = join(dir, 'quick.yaml');
  writeFileSync(quickPolicy, 'validation_window_seconds: 1\n');
});
afterAll(() => sim.close());

const cliArgs = (args: string[], person: string, policy: string) => [
  '--import',
  'tsx',
  cli,
  ...args,
  '--kubeconfig',
  sim.kubeconfigPath,
  '--policy',
  policy,
  ...team.flags(person),
];
const run = (args: string[], person: string, policy = quickPolicy) =>
  execa(process.execPath, cliArgs(args, person, policy), {
    reject: false,
    stdin: 'ignore',
    env: { CI: 'true' },
  });
const replicas = async () =>
  (
    (await new ObjectClient(kc).read({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      namespace: 'todo',
      name: 'frontend',
    })) as V1Deployment
  ).spec?.replicas;

/** Resolves once the record's file says `status` (written by the process about to be killed). */
async function statusReaches(dir: string, id: string, status: string, timeoutMs = 60_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const text = readFileSync(join(dir, 'prompts', `${id}.md`), 'utf8');
      if (text.includes(`\nstatus: "${status}"\n`)) return text;
    } catch {
      // not written yet
    }
    if (Date.now() > deadline) throw new Error(`${id} never reached ${status}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('a change whose validating process is killed with -9', () => {
  it('is resumed by the next queue to its recorded window, and rolls back from its snapshot', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'crash-'));
    const before = await replicas();
    const proposed = await run(
      ['propose', 'kubectl scale deployment frontend --replicas=3 -n todo', '--history-dir', dir],
      'alice',
    );
    expect(proposed.exitCode, proposed.stderr).toBe(0);
    const id = proposed.stdout.split(' ')[0]!;
    // Bob's approval executes the change in his process, which then validates for an hour.
    const approver = execa(
      process.execPath,
      cliArgs(['approve', id, '--history-dir', dir], 'bob', slowPolicy),
      {
        reject: false,
        stdin: 'ignore',
      },
    );
    const executed = await statusReaches(dir, id, 'executed');
    expect(executed).toContain('Against http://127.0.0.1:');
    expect(executed).toMatch(/Ran: `kubectl scale deployment frontend --replicas=3 -n todo`/);
    approver.kill('SIGKILL');
    await approver;
    expect(await replicas()).toBe(3);

    // The next queue claims the window and watches it to the end the trail recorded.
    const queue = await run(['queue', '--history-dir', dir], 'alice');
    expect(queue.exitCode, queue.stderr).toBe(0);
    expect(queue.stdout).toMatch(new RegExp(`^${id}  low  executed  1/1 `, 'm'));
    expect(queue.stdout).toContain(`validating ${id}: resumed from a process that is gone`);
    const show = await execa(process.execPath, [
      '--import',
      'tsx',
      cli,
      'phr',
      'show',
      id,
      '--history-dir',
      dir,
    ]);
    expect(show.stdout).toMatch(
      /Validation resumed by \*\*alice\*\* \(\S+ pid \d+\): the window opened at \S+ and lasts 100 s/,
    );
    expect(show.stdout).toMatch(/— validated\n\n3\/3 ready, no new restarts for 100 s/);

    const rolledBack = await run(['rollback', id, '--history-dir', dir], 'alice');
    expect(rolledBack.exitCode, rolledBack.stderr).toBe(0);
    expect(await replicas()).toBe(before);
    const verified = await execa(
      process.execPath,
      ['--import', 'tsx', cli, 'phr', 'verify', '--history-dir', dir, '--no-cluster'],
      { reject: false },
    );
    expect(verified.stdout).toMatch(/^ok: /);
    // Seven CLI processes, each loading @kubernetes/client-node at start (~1.5 s idle, 3-4 s on a
    // loaded 2-core machine); every wait above is on a real event.
  }, 60_000);
});
