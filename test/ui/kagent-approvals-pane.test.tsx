// A kagent tool approval in the approvals pane: a scripted agent (the SDK's server side) pauses
// for a tool call, the cockpit's wiring holds the pause and queues it; `a` answers the task and
// the agent goes on, `x` rejects it and the agent is told why. What reached the agent is read on
// its side, the records from the trail.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createPauseRegistry, holdAndPropose } from '../../src/analysis/kagent/approval.js';
import { createKagentProvider } from '../../src/analysis/kagent/provider.js';
import { openHistory } from '../../src/audit/history.js';
import { startSimulator, type RunningSim } from '../../src/sim/index.js';
import { workflowActions } from '../../src/app/cockpit-actions.js';
import { DEFAULT_POLICY } from '../../src/workflow/policy.js';
import { createWorkflow } from '../../src/workflow/setup.js';
import { makeTeam } from '../audit/identities.js';
import type { ScriptedAgent } from '../analysis/a2a-agents.js';
import { decisionOf, pausingAgent, SCALE } from '../analysis/pausing-agent.js';
import { frameContaining, makePod, renderCockpit, storeWith, type Rendered } from './harness.js';

let sim: RunningSim;
let kc: KubeConfig;
let rendered: Rendered | undefined;
let agent: ScriptedAgent | undefined;
beforeAll(async () => {
  sim = await startSimulator({ scenario: 'todo', speed: 20 });
  kc = new KubeConfig();
  kc.loadFromFile(sim.kubeconfigPath);
});
afterAll(() => sim.close());
afterEach(async () => {
  rendered?.unmount();
  await agent?.close();
});

/** The cockpit with kagent wired as launch.tsx wires it, after one paused analysis. */
async function cockpitWithPause(tool = SCALE) {
  agent = await pausingAgent('1.0', tool);
  const historyDir = mkdtempSync(join(tmpdir(), 'kagent-approvals-'));
  const store = storeWith([makePod('todo', 'frontend-1')], 'todo');
  const team = makeTeam(['alice']);
  const pauses = createPauseRegistry();
  const queue = createWorkflow({
    kubeConfig: kc,
    historyDir,
    policy: DEFAULT_POLICY,
    signer: team.signer('alice'),
    allowedSigners: team.allowed,
    publish: (recommendations) => store.setState({ recommendations }),
    answerKagent: pauses.answer,
  });
  const toQueue = holdAndPropose(pauses, (proposal) => queue.propose(proposal));
  const queued: Promise<unknown>[] = [];
  await createKagentProvider({
    url: agent.url,
    timeoutMs: 10_000,
    pollMs: 20,
    held: pauses.held,
    onPause: (pause) => queued.push(toQueue(pause)),
  }).analyze('utilization');
  await Promise.all(queued);
  const actions = { ...workflowActions(store, queue), ask() {}, cancelAsk() {} };
  rendered = renderCockpit(store, { width: 140, height: 30 }, { actions });
  await frameContaining(rendered, 'frontend-1');
  rendered.stdin.write('\t\t\t\t');
  await frameContaining(rendered, /▸ approvals \(1 waiting\)/);
  return { r: rendered, agent, history: openHistory(historyDir), id: (await queue.refresh())[0]!.id };
}

describe('a kagent tool approval in the approvals pane', () => {
  it('a answers the paused task: the agent goes on and completes, and the record says so', async () => {
    const { r, agent, history, id } = await cockpitWithPause();
    await frameContaining(r, /low +awaiting-approval 0\/1/);
    // Enter opens it: the tool call and its arguments, as the kubectl it amounts to.
    r.stdin.write('\r');
    const detail = await frameContaining(r, '(esc closes)');
    expect(detail).toContain('low · awaiting-approval · kagent · deployment/todo/frontend');
    expect(detail).toContain('$ kubectl scale deployment frontend --replicas 3 -n todo');
    expect(detail).toContain('k8s_scale({"name":"frontend","namespace":"todo","replicas":3})');
    r.stdin.write('\x1b');
    await frameContaining(r, /▸ approvals \(1 waiting\)/);
    r.stdin.write('a');
    await frameContaining(r, 'approved; kagent replied: completed: ran k8s_scale');
    expect(agent.turns).toHaveLength(2);
    expect(decisionOf(agent.turns[1]!)).toMatchObject({ approved: true });
    const record = history.get(id);
    expect(record.meta.status).toBe('validated');
    expect(record.body).toContain('kagent replied: completed: ran k8s_scale');
  });

  it('x rejects with the typed reason: the agent is told, and the record says so', async () => {
    const { r, agent, history, id } = await cockpitWithPause();
    r.stdin.write('x');
    // A reason from the list first (typing filters it), then optional free text.
    const reasons = await frameContaining(r, `reject ${id}: why?`);
    expect(reasons).toMatch(/› wrong diagnosis[\s\S]*wrong fix[\s\S]*not now[\s\S]*duplicate/);
    r.stdin.write('now');
    await frameContaining(r, '› not now');
    r.stdin.write('\r');
    await frameContaining(r, `reject ${id} (not now), details (optional): █`);
    r.stdin.write('not during the sale\r');
    await frameContaining(r, 'rejected; kagent replied');
    expect(decisionOf(agent.turns[1]!)).toEqual({ approved: false, reason: 'not now: not during the sale' });
    const record = history.get(id);
    expect(record.meta.status).toBe('rejected');
    expect(record.body).toContain('Rejected by **alice**: not now — not during the sale.');
    expect(record.body).toContain(
      'kagent replied: completed: did not run k8s_scale: told "not now: not during the sale"',
    );
  });

  it('a on a medium tool shows what approving sends and what the agent then runs; y answers it', async () => {
    const undo = {
      name: 'k8s_rollout',
      args: { action: 'undo', resource_type: 'deployment', resource_name: 'frontend', namespace: 'todo' },
    };
    const { r, agent } = await cockpitWithPause(undo);
    await frameContaining(r, /medium +awaiting-approval 0\/1/);
    r.stdin.write('a');
    const confirm = await frameContaining(r, 'y approve this change');
    expect(confirm).toContain('approving answers kagent task');
    expect(confirm).toContain('= kubectl rollout undo deployment/frontend -n todo');
    expect(agent.turns).toHaveLength(1);
    r.stdin.write('y');
    await frameContaining(r, 'approved; kagent replied: completed: ran k8s_rollout');
    expect(decisionOf(agent.turns[1]!)).toMatchObject({ approved: true });
  });
});
