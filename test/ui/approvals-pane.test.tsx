// The approvals pane driving the real queue against the simulator: a medium change shows the
// server's dry-run diff before `y`; `x` rejects with a typed reason; enter opens the record.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig, type V1Deployment } from '@kubernetes/client-node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { setResourcesOp, scaleOp } from '../../src/workflow/proposed-operations.js';
import { openHistory } from '../../src/audit/history.js';
import { startSimulator, type RunningSim } from '../../src/sim/index.js';
import { workflowActions } from '../../src/app/cockpit-actions.js';
import { ObjectClient } from '../../src/workflow/objects.js';
import { DEFAULT_POLICY } from '../../src/workflow/policy.js';
import { makeTeam } from '../audit/identities.js';
import { createWorkflow } from '../../src/workflow/setup.js';
import { frameContaining, makePod, renderCockpit, storeWith, type Rendered } from './harness.js';

let sim: RunningSim;
let kc: KubeConfig;
let rendered: Rendered | undefined;
beforeAll(async () => {
  sim = await startSimulator({ scenario: 'todo', speed: 20 });
  kc = new KubeConfig();
  kc.loadFromFile(sim.kubeconfigPath);
});
afterAll(() => sim.close());
afterEach(() => rendered?.unmount());

const frontend = { kind: 'Deployment', namespace: 'todo', name: 'frontend' };
const deployment = async () =>
  (await new ObjectClient(kc).read({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    namespace: 'todo',
    name: 'frontend',
  })) as V1Deployment;

async function cockpit() {
  const historyDir = mkdtempSync(join(tmpdir(), 'approvals-'));
  const store = storeWith([makePod('todo', 'frontend-1')], 'todo');
  const team = makeTeam(['alice']);
  const queue = createWorkflow({
    kubeConfig: kc,
    historyDir,
    // The built-in hour of watching after a resource change is 3 minutes at speed 20: one window for all.
    policy: { ...DEFAULT_POLICY, validation_window_seconds: 60 },
    signer: team.signer('alice'),
    allowedSigners: team.allowed,
    publish: (recommendations) => store.setState({ recommendations }),
  });
  const actions = { ...workflowActions(store, queue), ask() {}, cancelAsk() {} };
  rendered = renderCockpit(store, { width: 100, height: 30 }, { actions });
  await frameContaining(rendered, 'frontend-1');
  return {
    store,
    queue,
    r: rendered,
    history: openHistory(historyDir, { signer: team.signer('alice'), allowedSigners: team.allowed }),
  };
}

describe('the approvals pane', () => {
  it('a on a medium change shows the diff of the dry run; n leaves the cluster alone; a then y applies it', async () => {
    const { r, queue } = await cockpit();
    await queue.propose({
      operation: setResourcesOp(frontend, 'frontend', {}, { memory: '384Mi' }),
      source: 'built-in',
      evidence: [],
    });
    r.stdin.write('\t\t\t\t');
    await frameContaining(r, /▸ approvals \(1 waiting\)/);
    const row = await frameContaining(r, /medium +awaiting-approval 0\/1/);
    expect(row).toMatch(/\d+m left/);
    r.stdin.write('a');
    // The diff scrolls; y is offered once its last line has been on screen (G goes there).
    const diff = await frameContaining(r, /approve: /);
    expect(diff).toMatch(/- +memory: 512Mi/);
    expect(diff).toMatch(/\+ +memory: 384Mi/);
    r.stdin.write('G');
    await frameContaining(r, 'y approve this change');
    r.stdin.write('n');
    await frameContaining(r, 'not approved');
    expect((await deployment()).spec!.template.spec!.containers[0]!.resources!.limits!.memory).toBe('512Mi');
    r.stdin.write('a');
    await frameContaining(r, /approve: /);
    r.stdin.write('G');
    await frameContaining(r, 'y approve this change');
    r.stdin.write('y');
    await frameContaining(r, 'executed: set deployment todo/frontend container frontend limits memory=384Mi');
    expect((await deployment()).spec!.template.spec!.containers[0]!.resources!.limits!.memory).toBe('384Mi');
    await queue.idle();
    await queue.rollback((await queue.refresh())[0]!.id);
  });

  it('x asks for a reason and rejects with it; enter opens the record with its timeline', async () => {
    const { r, queue, history } = await cockpit();
    const meta = await queue.propose({
      operation: scaleOp(frontend, 3),
      source: 'kubectl-ai',
      evidence: ['asked in the chat'],
    });
    r.stdin.write('\t\t\t\t');
    await frameContaining(r, /▸ approvals \(1 waiting\)/);
    r.stdin.write('x');
    // A reason from the list first (typing filters it), then optional free text.
    const reasons = await frameContaining(r, `reject ${meta.id}: why?`);
    expect(reasons).toMatch(/› wrong diagnosis[\s\S]*wrong fix[\s\S]*not now[\s\S]*duplicate/);
    r.stdin.write('now');
    await frameContaining(r, '› not now');
    r.stdin.write('\r');
    await frameContaining(r, `reject ${meta.id} (not now), details (optional): █`);
    r.stdin.write('not during the sale\r');
    await frameContaining(r, 'rejected');
    expect(history.get(meta.id).meta.status).toBe('rejected');
    expect(history.get(meta.id).body).toContain('Rejected by **alice**: not now — not during the sale.');
    r.stdin.write('\r');
    const detail = await frameContaining(r, '(esc closes)');
    expect(detail).toContain('$ kubectl scale deployment/frontend -n todo --replicas=3');
    // The record scrolls: G shows its end, the newest event.
    r.stdin.write('G');
    const end = await frameContaining(r, 'Rejected by alice: not now — not during the sale.');
    expect(end).toMatch(/lines \d+–(\d+) of \1 ·|esc close/);
    expect((await deployment()).spec!.replicas).toBe(1);
  });
});
