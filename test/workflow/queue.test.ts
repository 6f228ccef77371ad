// The recommendation lifecycle against the simulator, with the PHR trail as the queue: every
// assertion reads the server's state or the records back.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig, type V1ConfigMap, type V1Deployment } from '@kubernetes/client-node';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCommand } from '../../src/workflow/command-parser.js';
import { openHistory } from '../../src/audit/history.js';
import { armor } from '../../src/audit/sshsig.js';
import { verifyTrail } from '../../src/audit/verify.js';
import { loadTrust } from '../../src/workflow/trust.js';
import { makeTeam, type Team } from '../audit/identities.js';
import { startSimulator, type RunningSim } from '../../src/sim/index.js';
import { ObjectClient } from '../../src/workflow/objects.js';
import type { Operation } from '../../src/model/operation.js';
import type { Queue } from '../../src/workflow/queue.js';
import { createWorkflow } from '../../src/workflow/setup.js';

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
  // 10 simulated seconds of stability: half a second at speed 20; set-image low, to test auto-rollback.
  writeFileSync(
    policyPath,
    [
      'validation_window_seconds: 10',
      'rules:',
      '  - {kinds: [delete-pod, rollout-restart], tier: trivial}',
      '  - {kinds: [scale], tier: low, max_replica_delta: 2}',
      '  - {kinds: [set-image], tier: low}',
      '  - {kinds: [scale, set-resources, create-hpa, patch, rollout-pause, rollout-resume], tier: medium}',
    ].join('\n'),
  );
  // set-image at low is below its built-in floor (medium): two allowed signers co-sign the policy.
  team = makeTeam();
  const text = readFileSync(policyPath, 'utf8');
  writeFileSync(
    `${policyPath}.sig`,
    armor(await team.signer('alice').sign(text)) + armor(await team.signer('bob').sign(text)),
  );
});
afterAll(() => sim.close());

async function workflow(historyDir: string, person: string, now?: () => number): Promise<Queue> {
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
    ...(now ? { now } : {}),
  });
}

const op = (command: string): Operation => {
  const parsed = parseCommand(command);
  if (parsed.kind !== 'mutating') throw new Error(command);
  return parsed.operation;
};
const historyDir = () => mkdtempSync(join(tmpdir(), 'queue-'));
const read = async <T>(apiVersion: string, kind: string, name: string) =>
  (await new ObjectClient(kc).read({ apiVersion, kind, namespace: 'todo', name })) as T;
const replicas = async (name = 'frontend') =>
  (await read<V1Deployment>('apps/v1', 'Deployment', name)).spec?.replicas;

const runCli = (args: string[], person = 'alice') =>
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
    {
      reject: false,
      stdin: 'ignore',
      env: { CI: 'true' },
    },
  );

describe('the approval queue', () => {
  it('scale frontend to 2: low tier, one approval, executed, validated; rollback back to 1, itself recorded and validated', async () => {
    const dir = historyDir();
    const q = await workflow(dir, 'alice');
    const meta = await q.propose({
      operation: op('kubectl scale deployment frontend --replicas=2 -n todo'),
      source: 'offline assistant',
      evidence: ['asked in the chat'],
    });
    expect(meta.tier).toBe('low');
    expect(meta.status).toBe('awaiting-approval');
    expect((await q.approve(meta.id)).ok).toBe(true);
    await q.idle();
    const history = openHistory(dir, { signer: team.signer('alice'), allowedSigners: team.allowed });
    const record = history.get(meta.id);
    expect(record.meta.status).toBe('validated');
    expect(record.meta.metrics.post?.ready_replicas).toBe(2);
    expect(await replicas()).toBe(2);
    expect(record.body).toContain(
      'Equivalent command: `kubectl scale deployment frontend --replicas=2 -n todo`',
    );

    const rollback = await q.rollback(meta.id);
    expect(rollback.message).toMatch(/rolled back/);
    expect(await replicas()).toBe(1);
    await q.idle();
    expect(history.get(meta.id).meta.status).toBe('rolled-back');
    const rollbackRecord = history.list().find((m) => m.type === 'rollback')!;
    expect(rollbackRecord.status).toBe('validated');
    expect((await verifyTrail(history.dir)).problems).toEqual([]);
  });

  it('critical needs two distinct approvers, given from two processes on one history directory', async () => {
    const dir = historyDir();
    const q = await workflow(dir, 'alice');
    const meta = await q.propose({
      operation: op('kubectl delete configmap todo-config -n todo'),
      source: 'kubectl-ai',
      evidence: [],
    });
    expect(meta.tier).toBe('critical');
    const first = await runCli(['approve', meta.id, '--history-dir', dir], 'alice');
    expect(first.exitCode).toBe(0);
    expect(first.stdout).toMatch(/needs 1 more approver/);
    const again = await runCli(['approve', meta.id, '--history-dir', dir], 'alice');
    expect(again.exitCode).toBe(1);
    expect(again.stderr.trim()).toBe(
      'aiops-tui: alice already approved it; a second, different approver is needed',
    );
    expect(await read('v1', 'ConfigMap', 'todo-config')).not.toBeNull();
    const second = await runCli(['approve', meta.id, '--history-dir', dir], 'bob');
    expect(second.exitCode, second.stderr).toBe(0);
    expect(await read('v1', 'ConfigMap', 'todo-config')).toBeNull();
    expect(openHistory(dir).get(meta.id).meta.approvers).toEqual(['alice', 'bob']);
    // The first cockpit rolls back what the second executed, from the snapshot in the trail.
    expect((await q.rollback(meta.id)).ok).toBe(true);
    expect((await read<V1ConfigMap>('v1', 'ConfigMap', 'todo-config')).data?.LOG_LEVEL).toBe('info');
    await q.idle();
  });

  it('a person who proposed from the command line cannot approve it, under any spelling of their name', async () => {
    const dir = historyDir();
    const before = await replicas('backend');
    const proposed = await runCli(
      ['propose', 'kubectl scale deployment backend --replicas=3 -n todo', '--history-dir', dir],
      'alice',
    );
    expect(proposed.exitCode, proposed.stderr).toBe(0);
    const id = proposed.stdout.split(' ')[0]!;
    const q = await workflow(dir, 'alice');
    expect(await q.approve(id)).toEqual({ ok: false, message: 'alice proposed it and cannot approve it' });
    const asAlias = await runCli(['approve', id, '--history-dir', dir, '--approver', ' ALICE '], 'alice');
    expect(asAlias.exitCode).toBe(1);
    expect(asAlias.stderr.trim()).toBe('aiops-tui: alice proposed it and cannot approve it');
    expect(await replicas('backend')).toBe(before);
  });

  it('an expired recommendation cannot be approved and is recorded as expired', async () => {
    const dir = historyDir();
    let clock = Date.now();
    const q = await workflow(dir, 'alice', () => clock);
    const meta = await q.propose({
      operation: op('kubectl scale deployment frontend --replicas=2 -n todo'),
      source: 'built-in',
      evidence: [],
    });
    clock += 6 * 60_000; // low: a 5-minute window
    const outcome = await q.approve(meta.id);
    expect(outcome.ok).toBe(false);
    expect(outcome.message).toMatch(/^cannot approve: the approval window closed at /);
    expect(openHistory(dir).get(meta.id).meta.status).toBe('expired');
    expect(await replicas()).toBe(1);
  });

  it('a rollback after someone else changed the object is refused and recorded as a failed rollback', async () => {
    const dir = historyDir();
    const q = await workflow(dir, 'alice');
    const meta = await q.propose({
      operation: op('kubectl scale deployment frontend --replicas=2 -n todo'),
      source: 'built-in',
      evidence: [],
    });
    await q.approve(meta.id);
    await q.idle();
    await execa(join('.tools', 'bin', 'kubectl'), [
      '--kubeconfig',
      sim.kubeconfigPath,
      'scale',
      'deployment/frontend',
      '-n',
      'todo',
      '--replicas=3',
    ]);
    const outcome = await q.rollback(meta.id);
    expect(outcome.ok).toBe(false);
    expect(outcome.message).toMatch(/deployment todo\/frontend was changed by someone else since the change/);
    expect(await replicas()).toBe(3);
    const record = openHistory(dir).get(meta.id);
    expect(record.meta.status).toBe('rollback-failed');
    expect(record.body).toContain('Rollback failed: rollback refused');
    await execa(join('.tools', 'bin', 'kubectl'), [
      '--kubeconfig',
      sim.kubeconfigPath,
      'scale',
      'deployment/frontend',
      '-n',
      'todo',
      '--replicas=1',
    ]);
  });

  it('an execution the API forbids is recorded as failed with the server message', async () => {
    const dir = historyDir();
    const q = await workflow(dir, 'alice');
    const meta = await q.propose({
      operation: op('kubectl scale deployment frontend --replicas=2 -n todo'),
      source: 'built-in',
      evidence: [],
    });
    sim.setDenyRules([{ verb: 'patch', resource: 'deployments' }]);
    try {
      const outcome = await q.approve(meta.id);
      expect(outcome.ok).toBe(false);
      const record = openHistory(dir).get(meta.id);
      expect(record.meta.status).toBe('failed');
      expect(record.body).toMatch(/execution failed: .*forbidden.*\(HTTP 403\)/);
    } finally {
      sim.setDenyRules([]);
    }
    expect(await replicas()).toBe(1);
  });

  it('a low-tier change that fails validation is rolled back automatically', async () => {
    const dir = historyDir();
    const q = await workflow(dir, 'alice');
    const meta = await q.propose({
      operation: op(
        'kubectl set image deployment/frontend frontend=ghcr.io/example/todo-frontend:doesnotexist -n todo',
      ),
      source: 'kubectl-ai',
      evidence: [],
    });
    expect(meta.tier).toBe('low');
    await q.approve(meta.id);
    await q.idle();
    const record = openHistory(dir).get(meta.id);
    expect(record.body).toMatch(/validation failed: .*(ImagePullBackOff|ErrImagePull)/);
    expect(record.meta.status).toBe('rolled-back');
    expect(
      (await read<V1Deployment>('apps/v1', 'Deployment', 'frontend')).spec?.template.spec?.containers[0]
        ?.image,
    ).toBe('ghcr.io/example/todo-frontend:1.4.2');
  });

  it('the confirmation shows the exact change: a diff of the object from a server dry run', async () => {
    const q = await workflow(historyDir(), 'alice');
    const meta = await q.propose({
      operation: op('kubectl set resources deployment frontend -c frontend --limits=memory=256Mi -n todo'),
      source: 'built-in',
      evidence: [],
    });
    expect(meta.tier).toBe('medium');
    const lines = await q.preview(meta.id);
    expect(lines.filter((l) => /^[-+] /.test(l)).map((l) => l.replace(/\s+/g, ' '))).toEqual([
      '- memory: 512Mi',
      '+ memory: 256Mi',
    ]);
    expect(
      await read<V1Deployment>('apps/v1', 'Deployment', 'frontend').then(
        (d) => d.spec?.template.spec?.containers[0]?.resources?.limits?.memory,
      ),
    ).toBe('512Mi');
  });
  it('p halts the rollout of an executed change and c continues it, each a recorded change; validation waits meanwhile', async () => {
    const dir = historyDir();
    const q = await workflow(dir, 'alice');
    const meta = await q.propose({
      operation: op(
        'kubectl set image deployment/frontend frontend=ghcr.io/example/todo-frontend:1.5.0 -n todo',
      ),
      source: 'kubectl-ai',
      evidence: [],
    });
    await q.approve(meta.id);
    expect((await q.setRolloutPaused(meta.id, true)).ok).toBe(true);
    expect((await read<V1Deployment>('apps/v1', 'Deployment', 'frontend')).spec?.paused).toBe(true);
    const history = openHistory(dir);
    expect(history.get(meta.id).meta.status).toBe('executed');
    expect((await q.setRolloutPaused(meta.id, false)).ok).toBe(true);
    expect((await read<V1Deployment>('apps/v1', 'Deployment', 'frontend')).spec?.paused).toBeFalsy();
    await q.idle();
    const records = history.list().filter((r) => r.type !== 'trust');
    expect(records.map((r) => [r.title, r.status])).toEqual([
      [expect.stringContaining('set image'), 'validated'],
      ['pause the rollout of deployment todo/frontend', 'validated'],
      ['resume the rollout of deployment todo/frontend', 'validated'],
    ]);
    expect(records[1]!.approvers).toEqual(['alice']);
    await q.rollback(meta.id);
    await q.idle();
  });
  it('a workload that cannot be watched after the change fails its validation, with the reason', async () => {
    const dir = historyDir();
    const q = await workflow(dir, 'alice');
    const meta = await q.propose({
      operation: op('kubectl scale deployment frontend --replicas=2 -n todo'),
      source: 'built-in',
      evidence: [],
    });
    await q.approve(meta.id);
    sim.setDenyRules([{ verb: 'get', resource: 'deployments' }]);
    try {
      await q.idle();
    } finally {
      sim.setDenyRules([]);
    }
    const record = openHistory(dir).get(meta.id);
    expect(record.meta.status).not.toBe('executed');
    expect(['failed', 'rolled-back']).toContain(record.meta.status);
    expect(record.body).toMatch(/validation failed: .*forbidden/);
    await execa(join('.tools', 'bin', 'kubectl'), [
      '--kubeconfig',
      sim.kubeconfigPath,
      'scale',
      'deployment/frontend',
      '-n',
      'todo',
      '--replicas=1',
    ]);
  });
});

describe('what one person cannot do with the files and their own key', () => {
  it('an approved operation retargeted in the record after the first approval is never executed', async () => {
    const dir = historyDir();
    const q = await workflow(dir, 'alice');
    const meta = await q.propose({
      operation: op('kubectl delete configmap todo-config -n todo'),
      source: 'kubectl-ai',
      evidence: [],
    });
    const first = await runCli(['approve', meta.id, '--history-dir', dir], 'alice');
    expect(first.exitCode, first.stderr).toBe(0);
    // Retarget the operation everywhere it is written (front matter, event, prose).
    const file = join(dir, 'prompts', `${meta.id}.md`);
    writeFileSync(file, readFileSync(file, 'utf8').replaceAll('todo-config', 'backend-config'));
    const second = await runCli(['approve', meta.id, '--history-dir', dir], 'bob');
    expect(second.exitCode).toBe(1);
    expect(second.stderr).toMatch(new RegExp(`^aiops-tui: record ${meta.id} was changed outside aiops-tui`));
    expect(await read('v1', 'ConfigMap', 'todo-config')).not.toBeNull();
    const verified = await execa(
      process.execPath,
      ['--import', 'tsx', cli, 'phr', 'verify', '--history-dir', dir, '--no-cluster'],
      { reject: false },
    );
    expect(verified.exitCode).toBe(1);
    expect(verified.stdout).toContain(`broken: ${meta.id}:`);
  });

  it('a key added to the allowed signers by one person is refused until two pinned signers co-sign the change', async () => {
    const dir = historyDir();
    const proposed = await runCli(
      ['propose', 'kubectl delete configmap todo-config -n todo', '--history-dir', dir],
      'alice',
    );
    expect(proposed.exitCode, proposed.stderr).toBe(0);
    const id = proposed.stdout.split(' ')[0]!;
    // Alice lists a second key of her own under a new name and tries to approve with it.
    const mallory = makeTeam(['mallory']);
    const forged = join(mkdtempSync(join(tmpdir(), 'forged-')), 'allowed_signers');
    writeFileSync(
      forged,
      readFileSync(team.allowedSignersPath, 'utf8') + readFileSync(mallory.allowedSignersPath, 'utf8'),
    );
    const attempt = await execa(
      process.execPath,
      [
        '--import',
        'tsx',
        cli,
        'approve',
        id,
        '--history-dir',
        dir,
        '--kubeconfig',
        sim.kubeconfigPath,
        '--policy',
        policyPath,
        '--signing-key',
        mallory.keyPath('mallory'),
        '--allowed-signers',
        forged,
      ],
      { reject: false },
    );
    expect(attempt.exitCode).toBe(1);
    expect(attempt.stderr).toMatch(
      /differs from the allowed signers pinned in this trail; a change needs the signatures of two pinned principals/,
    );
    expect(await read('v1', 'ConfigMap', 'todo-config')).not.toBeNull();
  });

  it('a record that asks for fewer approvals than its tier needs is refused when written', async () => {
    const dir = historyDir();
    const loose = await workflow(dir, 'alice');
    // Alice hand-writes a record of a deletion as trivial-with-one-approver, signed by herself.
    const deletion = op('kubectl delete configmap todo-config -n todo');
    const rec = await loose.history
      .create({
        title: 'delete it',
        type: 'diagnosis',
        tier: 'critical',
        source: 'kubectl-ai',
        operation: deletion,
        approval: { required: 1, expires: new Date(Date.now() + 3_600_000).toISOString() },
      })
      .catch((error: Error) => error);
    // The writer refuses the record itself: critical needs two approvers.
    expect(rec).toBeInstanceOf(Error);
    expect((rec as Error).message).toMatch(/tier critical needs at least 2 approvers/);
    expect(await read('v1', 'ConfigMap', 'todo-config')).not.toBeNull();
  });
});
