// kagent's tool approvals answered from our queue: a scripted agent (the SDK's server side) pauses
// for a tool call, the pause becomes a recommendation in the real queue (signed identities, the
// simulator as the cluster), and approving or rejecting it answers the paused task. What reached
// the agent is read on its side; the records are read back from the trail.
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig, type V1Deployment } from '@kubernetes/client-node';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  approvalProposal,
  createPauseRegistry,
  holdAndPropose,
  type PauseRegistry,
} from '../../src/analysis/kagent/approval.js';
import { createKagentProvider, type KagentPause } from '../../src/analysis/kagent/provider.js';
import { openHistory } from '../../src/audit/history.js';
import { verifyTrail } from '../../src/audit/verify.js';
import { startSimulator, type RunningSim } from '../../src/sim/index.js';
import { ObjectClient } from '../../src/workflow/objects.js';
import { DEFAULT_POLICY } from '../../src/workflow/policy.js';
import type { Queue } from '../../src/workflow/queue.js';
import { createWorkflow } from '../../src/workflow/setup.js';
import { makeTeam, type Team } from '../audit/identities.js';
import { TaskState } from '@a2a-js/sdk';
import { data, startAgent, text, type ScriptedAgent } from '../analysis/a2a-agents.js';
import { approvalOperation } from '../../src/analysis/kagent/approval.js';
import { Executor } from '../../src/workflow/executor.js';
import { decisionOf, pausingAgent as startPausingAgent, SCALE } from '../analysis/pausing-agent.js';

let sim: RunningSim;
let kc: KubeConfig;
let team: Team;
let agents: ScriptedAgent[] = [];

beforeAll(async () => {
  sim = await startSimulator({ scenario: 'todo', speed: 20 });
  kc = new KubeConfig();
  kc.loadFromFile(sim.kubeconfigPath);
  team = makeTeam();
});
afterAll(() => sim.close());
const pausingAgent = async (...args: Parameters<typeof startPausingAgent>) => {
  const agent = await startPausingAgent(...args);
  agents.push(agent);
  return agent;
};
afterEach(async () => {
  await Promise.all(agents.map((a) => a.close()));
  agents = [];
});

async function queueOf(dir: string, person: string, registry?: PauseRegistry): Promise<Queue> {
  return createWorkflow({
    kubeConfig: kc,
    historyDir: dir,
    policy: DEFAULT_POLICY,
    signer: team.signer(person),
    allowedSigners: team.allowed,
    gitCommit: false,
    ...(registry ? { answerKagent: registry.answer } : {}),
  });
}

/** The cockpit's wiring: a pause is held and proposed; runs leave held pauses alone. */
async function pauseInQueue(agent: ScriptedAgent, queue: Queue, registry: PauseRegistry) {
  const proposed: Promise<unknown>[] = [];
  const toQueue = holdAndPropose(registry, (proposal) => queue.propose(proposal));
  let pause: KagentPause | undefined;
  const provider = createKagentProvider({
    url: agent.url,
    timeoutMs: 10_000,
    pollMs: 20,
    held: registry.held,
    onPause: (p) => {
      pause = p;
      proposed.push(toQueue(p));
    },
  });
  await provider.analyze('utilization');
  const [meta] = (await Promise.all(proposed)) as Awaited<ReturnType<Queue['propose']>>[];
  return { provider, pause: pause!, meta: meta! };
}

const frontendReplicas = async () =>
  (
    (await new ObjectClient(kc).read({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      namespace: 'todo',
      name: 'frontend',
    })) as V1Deployment
  ).spec?.replicas;
const snapshotOf = (dir: string, id: string) => existsSync(join(dir, '..', 'snapshots', `${id}.json`));
const historyDir = () => join(mkdtempSync(join(tmpdir(), 'kagent-queue-')), 'history');

describe.each(['1.0', '0.3'] as const)('a kagent tool approval from an A2A %s agent', (version) => {
  it('is a recommendation with the tool, its arguments and the reasoning; approving answers the task, the agent completes, nothing runs here', async () => {
    const agent = await pausingAgent(version, SCALE);
    const dir = historyDir();
    const registry = createPauseRegistry();
    const queue = await queueOf(dir, 'alice', registry);
    const before = await frontendReplicas();
    const { meta } = await pauseInQueue(agent, queue, registry);
    const task = agent.turns[0]!;

    // Tiered as `kubectl scale deployment frontend --replicas 3 -n todo` from 1 replica: low.
    expect(meta).toMatchObject({ tier: 'low', status: 'awaiting-approval', source: 'kagent' });
    expect(meta.target).toBe('deployment/todo/frontend');
    const body = queue.body(meta.id);
    expect(body).toContain('the agent: I want to run k8s_scale: frontend needs more replicas.');
    expect(body).toContain(
      'tool call k8s_scale({"name":"frontend","namespace":"todo","replicas":3}) (id call-1) = kubectl scale deployment frontend --replicas 3 -n todo',
    );
    expect(body).toContain(`task ${task.taskId}`);

    const outcome = await queue.approve(meta.id);
    expect(outcome).toMatchObject({
      ok: true,
      message: 'approved; kagent replied: completed: ran k8s_scale',
    });
    expect(agent.turns.map((t) => [t.taskId, t.known])).toEqual([
      [task.taskId, false],
      [task.taskId, true],
    ]);
    expect(decisionOf(agent.turns[1]!)).toMatchObject({ approved: true });

    const record = openHistory(dir).get(meta.id);
    expect(record.meta.status).toBe('validated');
    expect(record.meta.approvers).toEqual(['alice']);
    expect(record.body).toContain(
      `sent to kagent kagent/k8s-agent, task ${task.taskId}: approve of k8s_scale (id call-1)`,
    );
    expect(record.body).toContain('kagent replied: completed: ran k8s_scale');
    expect(record.body).toContain('the agent went on and completed');
    // aiops-tui ran nothing: the deployment is as it was (the scripted agent changes nothing) and no snapshot was taken.
    expect(await frontendReplicas()).toBe(before);
    expect(snapshotOf(queue.history.dir, meta.id)).toBe(false);
    expect((await queue.rollback(meta.id)).message).toBe(
      'cannot roll back a kagent approval: we cannot undo what the agent did',
    );
    expect((await verifyTrail(queue.history.dir)).problems).toEqual([]);
  });

  it('rejecting tells the agent why; the record is rejected with both sides', async () => {
    const agent = await pausingAgent(version, SCALE);
    const dir = historyDir();
    const registry = createPauseRegistry();
    const queue = await queueOf(dir, 'alice', registry);
    const { meta } = await pauseInQueue(agent, queue, registry);

    const outcome = await queue.reject(meta.id, 'not-now', 'not during business hours');
    expect(outcome.ok).toBe(true);
    expect(decisionOf(agent.turns[1]!)).toEqual({
      approved: false,
      reason: 'not now: not during business hours',
    });
    const record = openHistory(dir).get(meta.id);
    expect(record.meta.status).toBe('rejected');
    expect(record.body).toContain('Rejected by **alice**: not now — not during business hours.');
    expect(record.body).toContain(': reject (not now: not during business hours) of k8s_scale (id call-1)');
    expect(record.body).toContain(
      'kagent replied: completed: did not run k8s_scale: told "not now: not during business hours"',
    );
    expect((await verifyTrail(queue.history.dir)).problems).toEqual([]);
  });
});

describe('kagent tool approvals and the rules of the queue', () => {
  it('a critical tool needs two people: the agent hears nothing until the second approves', async () => {
    const agent = await pausingAgent('1.0', {
      name: 'k8s_delete_resource',
      args: { resource_type: 'namespace', resource_name: 'todo' },
    });
    const dir = historyDir();
    const registry = createPauseRegistry();
    const alice = await queueOf(dir, 'alice', registry);
    const bob = await queueOf(dir, 'bob');
    const { meta } = await pauseInQueue(agent, alice, registry);
    expect(meta).toMatchObject({ tier: 'critical', status: 'awaiting-approval' });

    expect((await bob.approve(meta.id)).message).toMatch(/needs 1 more approver/);
    expect((await alice.approve(meta.id)).ok).toBe(true);
    expect(agent.turns).toHaveLength(2);
    const record = openHistory(dir).get(meta.id);
    expect(record.meta.approvers).toEqual(['bob', 'alice']);
    expect(record.meta.status).toBe('validated');
    // The namespace is still there: aiops-tui deleted nothing.
    expect(
      await new ObjectClient(kc).read({ apiVersion: 'v1', kind: 'Namespace', name: 'todo' }),
    ).not.toBeNull();
  });

  it('the same pause proposed twice is one recommendation', async () => {
    const agent = await pausingAgent('1.0', SCALE);
    const dir = historyDir();
    const registry = createPauseRegistry();
    const queue = await queueOf(dir, 'alice', registry);
    const { pause, meta } = await pauseInQueue(agent, queue, registry);
    const again = await queue.propose(approvalProposal(pause));
    expect(again).toMatchObject({ id: meta.id, duplicate: true });
  });

  it('a cockpit that no longer holds the pause sends nothing and fails in one line', async () => {
    const agent = await pausingAgent('1.0', SCALE);
    const dir = historyDir();
    const registry = createPauseRegistry();
    const { meta } = await pauseInQueue(agent, await queueOf(dir, 'alice', registry), registry);
    const restarted = await queueOf(dir, 'bob', createPauseRegistry());
    const outcome = await restarted.approve(meta.id);
    expect(outcome.ok).toBe(false);
    expect(outcome.message).toMatch(
      /^kagent was not answered: kagent task \S+ is not paused in this cockpit/,
    );
    expect(agent.turns).toHaveLength(1);
    expect(openHistory(dir).get(meta.id).meta.status).toBe('failed');
  });

  it('the next run leaves a pause waiting in the queue paused, and cancels it on quit', async () => {
    const agent = await pausingAgent('1.0', SCALE);
    const dir = historyDir();
    const registry = createPauseRegistry();
    const queue = await queueOf(dir, 'alice', registry);
    const { provider } = await pauseInQueue(agent, queue, registry);
    const first = agent.turns[0]!.taskId;
    await provider.analyze('utilization');
    expect(agent.canceled).toEqual([]);
    await provider.close();
    expect(agent.canceled).toContain(first);
  });

  it('an agent that pauses again after an approval brings a new recommendation, answered in its turn', async () => {
    const restart = {
      action: 'restart',
      resource_type: 'deployment',
      resource_name: 'frontend',
      namespace: 'todo',
    };
    const agent = await startAgent({
      version: '1.0',
      streaming: true,
      script: async (turn, reply) => {
        const pauseFor = (id: string, name: string, args: Record<string, unknown>) =>
          reply.status(TaskState.TASK_STATE_INPUT_REQUIRED, [
            text(`${name} needs your approval.`),
            data({ type: 'tool_approval_request', tools: [{ id, name, args }] }),
          ]);
        reply.task(TaskState.TASK_STATE_WORKING);
        if (!turn.known) return pauseFor('call-1', SCALE.name, SCALE.args);
        if (agent.turns.length === 2) return pauseFor('call-2', 'k8s_rollout', restart);
        reply.status(TaskState.TASK_STATE_COMPLETED, [text('scaled and restarted')]);
      },
    });
    agents.push(agent);
    const dir = historyDir();
    const registry = createPauseRegistry();
    const queue = await queueOf(dir, 'alice', registry);
    const { meta } = await pauseInQueue(agent, queue, registry);
    expect((await queue.approve(meta.id)).message).toBe(
      'approved; kagent replied: input-required: k8s_rollout needs your approval.',
    );
    expect(openHistory(dir).get(meta.id).body).toContain(
      'the agent went on and paused again for another approval',
    );
    // The second pause is queued as it arrives (the provider hands it to onPause).
    const second = await vi.waitUntil(() =>
      openHistory(dir)
        .list()
        .find((m) => m.operation && m.id !== meta.id),
    );
    expect(second).toMatchObject({
      tier: 'trivial',
      status: 'awaiting-approval',
      target: 'deployment/todo/frontend',
    });
    expect((await queue.approve(second.id)).message).toBe(
      'approved; kagent replied: completed: scaled and restarted',
    );
    expect(agent.turns.map((t) => t.taskId)).toEqual(Array(3).fill(agent.turns[0]!.taskId));
  });

  it('the executor refuses a kagent approval: it never runs kubectl for one', async () => {
    const executor = new Executor(kc, {
      kubectl: '/nonexistent/kubectl',
      helm: '/nonexistent/helm',
      kubeconfigPath: sim.kubeconfigPath,
    });
    const op = approvalOperation({
      agent: 'kagent/k8s-agent',
      analysis: 'health',
      taskId: 't1',
      contextId: 'c1',
      tools: [{ id: 'call-1', ...SCALE }],
    });
    for (const dryRun of [false, true])
      await expect(executor.execute(op, dryRun)).rejects.toThrow(
        'a kagent approval is answered to the agent; aiops-tui runs nothing for it',
      );
  });
});
