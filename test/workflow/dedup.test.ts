// An operation identical to one already waiting is not queued again: the pure comparison as a
// table, then the real queue (signed identities, the PHR trail) and the CLI against the simulator.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCommand } from '../../src/workflow/command-parser.js';
import { deletePodOp, rolloutUndoOp, scaleOp, setImageOp } from '../../src/workflow/proposed-operations.js';
import { armor } from '../../src/audit/sshsig.js';
import { startSimulator, type RunningSim } from '../../src/sim/index.js';
import { sameOperation } from '../../src/workflow/operations.js';
import type { Operation } from '../../src/model/operation.js';
import type { Queue } from '../../src/workflow/queue.js';
import { isWaiting } from '../../src/workflow/waiting.js';
import { createWorkflow } from '../../src/workflow/setup.js';
import { loadTrust } from '../../src/workflow/trust.js';
import { makeTeam, type Team } from '../audit/identities.js';

const frontend = { kind: 'Deployment', namespace: 'todo', name: 'frontend' };
const backend = { kind: 'Deployment', namespace: 'todo', name: 'backend' };
const op = (command: string): Operation => {
  const parsed = parseCommand(command);
  if (parsed.kind !== 'mutating') throw new Error(command);
  return parsed.operation;
};

describe('sameOperation', () => {
  it.each<[string, Operation, Operation, boolean]>([
    ['the same builder twice', scaleOp(frontend, 3), scaleOp(frontend, 3), true],
    ['another replica count', scaleOp(frontend, 3), scaleOp(frontend, 4), false],
    ['another target', scaleOp(frontend, 3), scaleOp(backend, 3), false],
    ['another namespace', scaleOp(frontend, 3), scaleOp({ ...frontend, namespace: 'prod' }, 3), false],
    [
      'the kind spelled in lower case',
      scaleOp(frontend, 3),
      scaleOp({ ...frontend, kind: 'deployment' }, 3),
      true,
    ],
    [
      'a different summary, same change',
      scaleOp(frontend, 3),
      { ...scaleOp(frontend, 3), summary: 'make frontend three' },
      true,
    ],
    [
      'undo to a revision, or to the previous one',
      rolloutUndoOp(frontend, 2),
      rolloutUndoOp(frontend),
      false,
    ],
    ['undo to another revision', rolloutUndoOp(frontend, 2), rolloutUndoOp(frontend, 3), false],
    ['undo to the same revision', rolloutUndoOp(frontend, 2), rolloutUndoOp(frontend, 2), true],
    [
      'images listed in another order',
      setImageOp(frontend, { a: 'x:1', b: 'y:1' }),
      setImageOp(frontend, { b: 'y:1', a: 'x:1' }),
      true,
    ],
    ['another image', setImageOp(frontend, { a: 'x:1' }), setImageOp(frontend, { a: 'x:2' }), false],
    [
      'a scale and a delete of the same name',
      scaleOp(frontend, 1),
      deletePodOp({ ...frontend, kind: 'Pod' }),
      false,
    ],
    [
      'the parser and the builder for one command',
      op('kubectl scale deployment frontend --replicas=3 -n todo'),
      scaleOp(frontend, 3),
      true,
    ],
  ])('%s → %s', (_case, a, b, same) => {
    expect(sameOperation(a, b)).toBe(same);
    expect(sameOperation(b, a)).toBe(same);
  });
});

describe('isWaiting', () => {
  const now = Date.parse('2026-01-01T00:10:00Z');
  it.each<[string, string | null, boolean]>([
    ['awaiting-approval', '2026-01-01T00:20:00Z', true],
    ['awaiting-approval', '2026-01-01T00:05:00Z', false],
    ['approved', '2026-01-01T00:05:00Z', true],
    ['executing', null, false],
    ['executed', null, false],
    ['validated', null, false],
    ['rejected', null, false],
    ['expired', null, false],
    ['failed', null, false],
  ])('%s (window closing %s) → %s', (status, expires, waiting) => {
    expect(isWaiting({ status: status as never, expires }, now)).toBe(waiting);
  });
});

const cli = join(import.meta.dirname, '..', '..', 'src', 'cli.tsx');
let sim: RunningSim;
let kc: KubeConfig;
let policyPath: string;
let team: Team;

beforeAll(async () => {
  sim = await startSimulator({ scenario: 'todo', speed: 20 });
  kc = new KubeConfig();
  kc.loadFromFile(sim.kubeconfigPath);
  policyPath = join(mkdtempSync(join(tmpdir(), 'policy-')), 'policy.yaml');
  writeFileSync(
    policyPath,
    [
      'validation_window_seconds: 10',
      'rules:',
      '  - {kinds: [delete-pod, rollout-restart], tier: trivial}',
      '  - {kinds: [scale], tier: low, max_replica_delta: 2}',
    ].join('\n'),
  );
  team = makeTeam();
  const text = readFileSync(policyPath, 'utf8');
  writeFileSync(
    `${policyPath}.sig`,
    armor(await team.signer('alice').sign(text)) + armor(await team.signer('bob').sign(text)),
  );
});
afterAll(() => sim.close());

async function workflow(historyDir: string, person: string): Promise<Queue> {
  const trust = await loadTrust({
    policyPath,
    signingKey: team.keyPath(person),
    allowedSignersPath: team.allowedSignersPath,
  });
  return createWorkflow({
    kubeConfig: kc,
    historyDir,
    policy: trust.policy,
    signer: trust.signer,
    allowedSigners: trust.allowed,
  });
}

const historyDir = () => mkdtempSync(join(tmpdir(), 'dedup-'));
const runCli = (args: string[], person: string) =>
  execa(
    process.execPath,
    [
      '--import',
      'tsx',
      cli,
      ...args,
      '--kubeconfig',
      sim.kubeconfigPath,
      '--policy',
      policyPath,
      ...team.flags(person),
    ],
    { reject: false, stdin: 'ignore', env: { CI: 'true' } },
  );

describe('propose, with the same change already waiting', () => {
  it('returns the waiting record (one record on the trail), from another cockpit too; a different change is a new record', async () => {
    const dir = historyDir();
    const alice = await workflow(dir, 'alice');
    const first = await alice.propose({
      operation: scaleOp(backend, 2),
      source: 'built-in',
      evidence: ['a'],
    });
    expect(first).toMatchObject({ duplicate: false, status: 'awaiting-approval' });
    const again = await alice.propose({
      operation: op('kubectl scale deployment backend --replicas=2 -n todo'),
      source: 'offline assistant',
      evidence: ['asked in the chat'],
    });
    expect(again).toMatchObject({ id: first.id, duplicate: true });
    // Another process on the same trail sees it as waiting too.
    const bob = await workflow(dir, 'bob');
    expect(
      await bob.propose({ operation: scaleOp(backend, 2), source: 'kagent', evidence: [] }),
    ).toMatchObject({
      id: first.id,
      duplicate: true,
    });
    const other = await bob.propose({ operation: scaleOp(backend, 3), source: 'kagent', evidence: [] });
    expect(other.duplicate).toBe(false);
    expect(other.id).not.toBe(first.id);
    const recommendations = (await bob.refresh()).filter((r) => r.operation.target.name === 'backend');
    expect(recommendations.map((r) => r.id).sort()).toEqual([first.id, other.id].sort());
  });

  it('once the waiting one is rejected, the same change can be proposed again', async () => {
    const dir = historyDir();
    const alice = await workflow(dir, 'alice');
    const first = await alice.propose({ operation: scaleOp(backend, 2), source: 'built-in', evidence: [] });
    expect(await alice.reject(first.id, 'not-now')).toEqual({ ok: true, message: 'rejected' });
    const next = await alice.propose({ operation: scaleOp(backend, 2), source: 'built-in', evidence: [] });
    expect(next).toMatchObject({ duplicate: false, status: 'awaiting-approval' });
    expect(next.id).not.toBe(first.id);
  });

  it('the CLI says "already waiting: <id>" and exits 0', async () => {
    const dir = historyDir();
    const command = 'kubectl scale deployment backend --replicas=2 -n todo';
    const proposed = await runCli(['propose', command, '--history-dir', dir], 'alice');
    expect(proposed.exitCode, proposed.stderr).toBe(0);
    const id = proposed.stdout.split(' ')[0]!;
    const again = await runCli(['propose', command, '--history-dir', dir], 'bob');
    expect(again.exitCode, again.stderr).toBe(0);
    expect(again.stdout.trim()).toBe(`already waiting: ${id}`);
    const q = await workflow(dir, 'carol');
    expect((await q.refresh()).map((r) => r.id)).toEqual([id]);
  });
});
