// An approved `rollout pause` validates (the pause is the change: a halted rollout is what it
// should be), and its rollback resumes the rollout and validates too. Validating a pause used to
// wait for someone to press c, so the approval never returned.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig, type V1Deployment } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCommand } from '../../src/workflow/command-parser.js';
import { startSimulator, type RunningSim } from '../../src/sim/index.js';
import { ObjectClient } from '../../src/workflow/objects.js';
import { parsePolicy } from '../../src/workflow/policy-file.js';
import { createWorkflow } from '../../src/workflow/setup.js';
import { makeTeam } from '../audit/identities.js';

let sim: RunningSim;
let kc: KubeConfig;
beforeAll(async () => {
  sim = await startSimulator({ scenario: 'todo', speed: 20 });
  kc = new KubeConfig();
  kc.loadFromFile(sim.kubeconfigPath);
});
afterAll(() => sim.close());

const paused = async () =>
  (
    (await new ObjectClient(kc).read({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      namespace: 'todo',
      name: 'frontend',
    })) as V1Deployment
  ).spec?.paused === true;

describe('a rollout pause through the queue', () => {
  it('validates within its window, and rolls back to a running rollout', async () => {
    const team = makeTeam(['alice']);
    const queue = createWorkflow({
      kubeConfig: kc,
      historyDir: mkdtempSync(join(tmpdir(), 'pause-')),
      policy: parsePolicy('validation_window_seconds: 10\n'),
      signer: team.signer('alice'),
      allowedSigners: team.allowed,
    });
    const parsed = parseCommand('kubectl rollout pause deployment/frontend -n todo');
    if (parsed.kind !== 'mutating') throw new Error(parsed.kind);
    const meta = await queue.propose({ operation: parsed.operation, source: 'kubectl-ai', evidence: [] });
    expect((await queue.approve(meta.id)).ok).toBe(true);
    await queue.idle();
    expect(queue.history.get(meta.id).meta.status).toBe('validated');
    expect(await paused()).toBe(true);
    const rollback = await queue.rollback(meta.id);
    expect(rollback.ok, rollback.message).toBe(true);
    await queue.idle();
    expect(await paused()).toBe(false);
    const record = queue.history.list().find((m) => m.type === 'rollback')!;
    expect(record.status).toBe('validated');
  }, 60_000);

  it('a resume rolled back restores the pause, and that rollback validates too', async () => {
    const team = makeTeam(['alice']);
    const queue = createWorkflow({
      kubeConfig: kc,
      historyDir: mkdtempSync(join(tmpdir(), 'resume-')),
      policy: parsePolicy('validation_window_seconds: 10\n'),
      signer: team.signer('alice'),
      allowedSigners: team.allowed,
    });
    await new ObjectClient(kc).patch(
      { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'todo', name: 'frontend' },
      { spec: { paused: true } },
      'merge',
    );
    const parsed = parseCommand('kubectl rollout resume deployment/frontend -n todo');
    if (parsed.kind !== 'mutating') throw new Error(parsed.kind);
    const meta = await queue.propose({ operation: parsed.operation, source: 'kubectl-ai', evidence: [] });
    expect((await queue.approve(meta.id)).ok).toBe(true);
    await queue.idle();
    expect(await paused()).toBe(false);
    expect((await queue.rollback(meta.id)).ok).toBe(true);
    await queue.idle();
    expect(await paused()).toBe(true);
    expect(queue.history.list().find((m) => m.type === 'rollback')!.status).toBe('validated');
    await new ObjectClient(kc).patch(
      { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'todo', name: 'frontend' },
      { spec: { paused: false } },
      'merge',
    );
  }, 60_000);
});
