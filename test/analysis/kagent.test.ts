// The kagent provider against scripted agents built with the official SDK's server side: a
// strict A2A 1.0 agent and a 0.3 one (as kagent 0.x serves). What reached the agent is read on
// the server's side (methods, headers, user messages, cancellations).
import { afterEach, describe, expect, it, vi } from 'vitest';
import { TaskState } from '@a2a-js/sdk';
import { KubeConfig } from '@kubernetes/client-node';
import { reachableInterfaceUrl } from '../../src/analysis/kagent/a2a.js';
import { HITL_EXTENSION } from '../../src/analysis/kagent/pause.js';
import {
  createKagentProvider,
  type KagentOptions,
  type KagentPause,
} from '../../src/analysis/kagent/provider.js';
import { scheduleKagent } from '../../src/analysis/kagent/scheduler.js';
import { startKagent } from '../../src/analysis/kagent/start.js';
import type { Finding } from '../../src/model/analysis.js';
import { AGENT_PATH, data, startAgent, text, type AgentOptions, type ScriptedAgent } from './a2a-agents.js';

const ANSWER = {
  findings: [
    {
      severity: 'critical',
      resource: { kind: 'Pod', namespace: 'todo', name: 'backend-1' },
      problem: 'crashloop',
      title: 'backend-1 is crash-looping',
      detail: ['exit code 3', 'last log: cannot connect to db'],
      suggestedFix: 'Fix DB_HOST',
      runbook: 'crashloopbackoff',
    },
    {
      severity: 'warning',
      resource: { kind: 'Deployment', namespace: 'todo', name: 'frontend' },
      problem: 'replicas',
      title: 'frontend needs more replicas',
      recommendation: {
        kind: 'scale',
        target: { kind: 'Deployment', namespace: 'todo', name: 'frontend' },
        replicas: 3,
        kubectl: 'kubectl delete ns todo',
      },
    },
  ],
};
const FENCED = `Here is what I found.\n\n\`\`\`json\n${JSON.stringify(ANSWER, null, 2)}\n\`\`\`\n`;
const TOOL_RESPONSE = {
  id: 'call-1',
  name: 'k8s_get_resources',
  response: { result: 'backend-1 0/1 CrashLoopBackOff' },
};
const CONFIRMATION = {
  name: 'adk_request_confirmation',
  args: { originalFunctionCall: { name: 'k8s_delete_resource', args: { name: 'backend-1' }, id: 'call-7' } },
};
const { TASK_STATE_WORKING: WORKING, TASK_STATE_COMPLETED: COMPLETED } = TaskState;

/** The method names each protocol version uses on the wire. */
const WIRE = {
  '1.0': {
    send: 'SendMessage',
    stream: 'SendStreamingMessage',
    get: 'GetTask',
    cancel: 'CancelTask',
    resubscribe: 'SubscribeToTask',
  },
  '0.3': {
    send: 'message/send',
    stream: 'message/stream',
    get: 'tasks/get',
    cancel: 'tasks/cancel',
    resubscribe: 'tasks/resubscribe',
  },
} as const;

let agents: ScriptedAgent[] = [];
afterEach(async () => {
  await Promise.all(agents.map((a) => a.close()));
  agents = [];
});

async function agentWith(options: AgentOptions): Promise<ScriptedAgent> {
  const agent = await startAgent(options);
  agents.push(agent);
  return agent;
}

const providerFor = (agent: ScriptedAgent, overrides: Partial<KagentOptions> = {}) =>
  createKagentProvider({ url: agent.url, timeoutMs: 10_000, pollMs: 20, now: () => 1_000, ...overrides });

/** An agent that answers with FENCED after a tool call, in one artifact. */
const answering: AgentOptions['script'] = async (_turn, reply) => {
  reply.task(WORKING);
  reply.status(WORKING, [data(TOOL_RESPONSE, { kagent_type: 'function_response' })]);
  reply.artifact(FENCED);
  reply.status(COMPLETED);
};

describe.each(['1.0', '0.3'] as const)('kagent provider against an A2A %s agent', (version) => {
  const wire = WIRE[version];

  it.each([false, true])(
    'turns the fenced JSON into kagent findings with evidence (streaming: %s)',
    async (streaming) => {
      const agent = await agentWith({ version, streaming, script: answering });
      const findings = await providerFor(agent, {
        namespace: 'todo',
        userId: 'alice@example.com',
        headers: () => ({ Authorization: 'Bearer token-1' }),
      }).analyze('health');

      expect(agent.methods[0]).toBe(streaming ? wire.stream : wire.send);
      expect(agent.headers[0]).toMatchObject({
        'x-user-id': 'alice@example.com',
        authorization: 'Bearer token-1',
      });
      const question = agent.turns[0]!.text;
      expect(question).toMatch(/^Analyze the health of the cluster/);
      expect(question).toContain('Only look at namespace "todo".');
      expect(question).toContain('```json');

      expect(findings.map((f) => [f.id, f.severity, f.source])).toEqual([
        ['kagent-health:Pod/todo/backend-1:crashloop', 'critical', 'kagent'],
        ['kagent-health:Deployment/todo/frontend:replicas', 'warning', 'kagent'],
      ]);
      expect(findings[0]).toMatchObject({
        runbook: 'crashloopbackoff',
        detail: ['exit code 3', 'last log: cannot connect to db'],
      });
      expect(findings[0]!.raw).toEqual({ text: FENCED, functionResponses: [TOOL_RESPONSE] });
      // The command shown is ours, rebuilt from the structured operation; the agent's text is ignored.
      expect(findings[1]!.recommendation).toMatchObject({
        kind: 'scale',
        replicas: 3,
        kubectl: 'kubectl scale deployment/frontend -n todo --replicas=3',
      });
    },
  );

  it.each([
    ['appended chunks (append: true)', true],
    ['replacements of the whole text (append: false)', false],
  ])('folds a streamed artifact sent as %s', async (_name, append) => {
    const half = Math.floor(FENCED.length / 2);
    const agent = await agentWith({
      version,
      streaming: true,
      script: async (_turn, reply) => {
        reply.task(WORKING);
        reply.artifact('draft: nothing yet', { artifactId: 'answer' });
        if (append) {
          reply.artifact(FENCED.slice(0, half), { artifactId: 'answer' });
          reply.artifact(FENCED.slice(half), { artifactId: 'answer', append: true });
        } else {
          reply.artifact(FENCED.slice(0, half), { artifactId: 'answer' });
          reply.artifact(FENCED, { artifactId: 'answer' });
        }
        reply.status(COMPLETED);
      },
    });
    const findings = await providerFor(agent).analyze('health');
    expect(agent.methods).toEqual([wire.stream]);
    expect(findings.map((f) => f.id)).toEqual([
      'kagent-health:Pod/todo/backend-1:crashloop',
      'kagent-health:Deployment/todo/frontend:replicas',
    ]);
    expect(findings[0]!.raw!.text).toBe(FENCED);
  });

  it.each(['approve', 'reject'] as const)(
    'exposes a pause for a tool approval and answers it (%s) on the paused task',
    async (decision) => {
      const agent = await agentWith({
        version,
        streaming: true,
        script: async (turn, reply) => {
          if (!turn.known) {
            reply.task(WORKING);
            reply.status(TaskState.TASK_STATE_INPUT_REQUIRED, [
              text('I want to delete backend-1 to restart it.'),
              data(CONFIRMATION, { kagent_type: 'function_call' }),
            ]);
            return;
          }
          const said = (turn.data[0] as { decision_type?: string }).decision_type;
          reply.task(WORKING);
          reply.artifact(said === 'approve' ? 'deleted backend-1' : 'not deleting backend-1');
          reply.status(COMPLETED);
        },
      });
      const pauses: KagentPause[] = [];
      const [finding, ...rest] = await providerFor(agent, { onPause: (p) => pauses.push(p) }).analyze(
        'health',
      );
      expect(rest).toEqual([]);
      expect(finding).toMatchObject({
        id: 'kagent-health:Agent/kagent/k8s-agent:input-required',
        severity: 'warning',
        title: "kagent's health analysis waits for approval of k8s_delete_resource",
      });
      const task = agent.turns[0]!;
      expect(finding!.detail).toEqual([
        'tool call k8s_delete_resource (id call-7): {"name":"backend-1"}',
        'I want to delete backend-1 to restart it.',
        `task ${task.taskId}, context ${task.contextId}`,
      ]);
      expect(finding!.raw!.functionResponses).toContainEqual(CONFIRMATION);

      expect(pauses).toHaveLength(1);
      const pause = pauses[0]!;
      expect(pause).toMatchObject({
        analysis: 'health',
        agent: 'kagent/k8s-agent',
        taskId: task.taskId,
        contextId: task.contextId,
        tools: [{ id: 'call-7', name: 'k8s_delete_resource', args: { name: 'backend-1' } }],
        reasoning: 'I want to delete backend-1 to restart it.',
      });
      const after = await pause.answer(decision);
      // The answer reached the same task on the agent, and the agent went on from there.
      expect(agent.turns.map((t) => [t.taskId, t.known])).toEqual([
        [task.taskId, false],
        [task.taskId, true],
      ]);
      expect(agent.turns[1]!.data).toEqual([{ decision_type: decision }]);
      expect(after).toMatchObject({
        state: 'completed',
        text: decision === 'approve' ? 'deleted backend-1' : 'not deleting backend-1',
      });
    },
  );

  it('cancels the task of a slow agent on the agent when the time-out strikes', async () => {
    const agent = await agentWith({
      version,
      streaming: true,
      // Utilization answers at once (and the card is read then); health never answers.
      script: async (turn, reply) => {
        if (turn.text.startsWith('Analyze resource utilization')) return answering(turn, reply);
        reply.task(WORKING);
        await reply.canceled;
      },
    });
    const provider = providerFor(agent, { timeoutMs: 1_500 });
    expect(await provider.analyze('utilization')).toHaveLength(2);
    expect(await provider.analyze('health')).toMatchObject([
      {
        id: 'kagent-health:Agent/kagent/k8s-agent:unavailable',
        severity: 'warning',
        title: 'kagent did not answer the health analysis within 1.5 s',
      },
    ]);
    expect(agent.methods).toEqual([wire.stream, wire.stream, wire.cancel]);
    expect(agent.canceled).toEqual([agent.turns[1]!.taskId]);
  });

  it('resubscribes to the task after a dropped stream and gets the rest of the answer', async () => {
    const half = Math.floor(FENCED.length / 2);
    const agent = await agentWith({
      version,
      streaming: true,
      dropStreamAfter: 2,
      script: async (_turn, reply) => {
        reply.task(WORKING);
        reply.artifact(FENCED.slice(0, half));
        await reply.streaming(wire.resubscribe);
        reply.artifact(FENCED.slice(half), { append: true });
        reply.status(COMPLETED);
      },
    });
    const findings = await providerFor(agent).analyze('health');
    expect(agent.methods).toEqual([wire.stream, wire.resubscribe]);
    expect(findings.map((f) => f.severity)).toEqual(['critical', 'warning']);
    expect(findings[0]!.raw!.text).toBe(FENCED);
  });
});

describe('kagent provider', () => {
  it('follows the interface the agent card names, not a fixed path', async () => {
    const agent = await agentWith({
      version: '1.0',
      streaming: false,
      rpcPath: '/rpc/k8s-agent/',
      script: answering,
    });
    const findings = await providerFor(agent).analyze('health');
    expect(findings).toHaveLength(2);
    expect(agent.methods[0]).toBe('SendMessage');
  });

  it('reaches an in-cluster interface address through the origin the card came from', async () => {
    const agent = await agentWith({
      version: '0.3',
      streaming: true,
      interfaceUrl: () => `http://kagent-controller.kagent.svc.cluster.local:8083${AGENT_PATH}`,
      script: answering,
    });
    expect(await providerFor(agent).analyze('health')).toHaveLength(2);
    expect(agent.methods).toEqual(['message/stream']);
  });

  it("answers a pause of kagent's HITL extension in its own shape, naming the extension", async () => {
    const agent = await agentWith({
      version: '1.0',
      streaming: true,
      script: async (turn, reply) => {
        if (!turn.known) {
          reply.task(WORKING);
          reply.status(TaskState.TASK_STATE_INPUT_REQUIRED, [
            text('Scaling needs your approval.'),
            data({
              type: 'tool_approval_request',
              tools: [{ id: 't1', call_id: 'c1', name: 'k8s_scale', args: { replicas: 0 } }],
            }),
          ]);
          return;
        }
        reply.task(WORKING);
        reply.status(COMPLETED, [text('left it alone')]);
      },
    });
    let pause: KagentPause | undefined;
    await providerFor(agent, { onPause: (p) => (pause = p) }).analyze('utilization');
    expect(pause!.tools).toEqual([{ id: 't1', name: 'k8s_scale', args: { replicas: 0 } }]);
    await pause!.answer('reject', 'not during business hours');
    expect(agent.turns[1]!.data).toEqual([
      {
        type: 'tool_approval_response',
        approvals: [{ id: 't1', approved: false, rejection_reason: 'not during business hours' }],
      },
    ]);
    expect(agent.headers.at(-1)!['a2a-extensions']).toBe(HITL_EXTENSION);
  });

  it('turns a reply without JSON into one "could not parse" finding with the raw text', async () => {
    const agent = await agentWith({
      version: '1.0',
      streaming: false,
      script: async (_turn, reply) => {
        reply.task(WORKING);
        reply.artifact('All good, nothing to report!');
        reply.status(COMPLETED);
      },
    });
    expect(await providerFor(agent).analyze('health')).toMatchObject([
      {
        id: 'kagent-health:Agent/kagent/k8s-agent:unparsed',
        severity: 'info',
        title: 'could not parse kagent reply (no JSON block in the reply)',
        detail: ['All good, nothing to report!'],
      },
    ]);
  });

  it('keeps the valid findings of a partly valid reply and says what it dropped', async () => {
    const partly = { findings: [ANSWER.findings[0], { severity: 'dire', title: 'x' }] };
    const agent = await agentWith({
      version: '0.3',
      streaming: false,
      script: async (_turn, reply) => {
        reply.task(WORKING);
        reply.artifact('```json\n' + JSON.stringify(partly) + '\n```');
        reply.status(COMPLETED);
      },
    });
    const findings = await providerFor(agent).analyze('health');
    expect(findings).toHaveLength(1);
    expect(findings[0]!.detail.at(-1)).toMatch(/^\(kagent reply: finding 2: /);
  });

  it.each([
    ['failed', TaskState.TASK_STATE_FAILED],
    ['rejected', TaskState.TASK_STATE_REJECTED],
  ])("reports a %s task as a failed analysis with the agent's reason", async (name, state) => {
    const agent = await agentWith({
      version: '1.0',
      streaming: true,
      script: async (_turn, reply) => {
        reply.task(WORKING);
        reply.status(state, [text('LLM quota exceeded')]);
      },
    });
    expect(await providerFor(agent).analyze('health')).toMatchObject([
      {
        id: 'kagent-health:Agent/kagent/k8s-agent:unavailable',
        title: `kagent health analysis ended in state ${name}`,
        detail: ['LLM quota exceeded'],
      },
    ]);
  });

  it('reports an unreachable controller', async () => {
    const gone = await startAgent({ version: '1.0', streaming: false, script: answering });
    await gone.close();
    const findings = await createKagentProvider({ url: gone.url }).analyze('security');
    expect(findings).toMatchObject([
      {
        id: 'kagent-security:Agent/kagent/k8s-agent:unavailable',
        title: /^kagent security analysis failed: .*fetch failed/,
      },
    ]);
  });

  it('cancels the paused task of the previous run when the same analysis runs again', async () => {
    const agent = await agentWith({
      version: '1.0',
      streaming: true,
      script: async (_turn, reply) => {
        reply.task(WORKING);
        reply.status(TaskState.TASK_STATE_INPUT_REQUIRED, [data(CONFIRMATION)]);
      },
    });
    const provider = providerFor(agent);
    await provider.analyze('health');
    await provider.analyze('health');
    expect(agent.canceled).toEqual([agent.turns[0]!.taskId]);
    await provider.close();
    expect(agent.canceled).toEqual([agent.turns[0]!.taskId, agent.turns[1]!.taskId]);
  });

  it('schedules all three analyses, repeats them, and on stop cancels the run in flight', async () => {
    let calls = 0;
    // Not streamed: the agent sees the client poll each task, so it knows the client holds its id.
    const agent = await agentWith({
      version: '0.3',
      streaming: false,
      script: async (turn, reply) => {
        if (++calls <= 3) return answering(turn, reply);
        reply.task(WORKING);
        await reply.canceled;
      },
    });
    const polled = (taskId: string) =>
      agent.methods.some((m, i) => m === 'tasks/get' && agent.taskIds[i] === taskId);
    const runs: Finding[][] = [];
    const schedule = scheduleKagent(providerFor(agent), { intervalMs: 10, onFindings: (f) => runs.push(f) });
    await vi.waitFor(
      () =>
        expect(agent.turns.length === 6 && agent.turns.slice(3).every((t) => polled(t.taskId))).toBe(true),
      { timeout: 10_000, interval: 20 },
    );
    await schedule.stop();
    expect(runs).toHaveLength(1);
    expect(runs[0]!.map((f) => f.analyzer)).toEqual([
      'kagent-health',
      'kagent-health',
      'kagent-utilization',
      'kagent-utilization',
      'kagent-security',
      'kagent-security',
    ]);
    expect(agent.turns.map((t) => t.text.split(':')[0])).toContain(
      'Analyze the security posture of the workloads',
    );
    // Quitting leaves nothing running in kagent: the second run's three tasks were cancelled there.
    expect(agent.canceled.sort()).toEqual(
      agent.turns
        .slice(3)
        .map((t) => t.taskId)
        .sort(),
    );
  });
});

describe('startKagent', () => {
  it('asks the agent at --kagent-url on its schedule and stops with nothing left running', async () => {
    const agent = await agentWith({ version: '1.0', streaming: true, script: answering });
    let reported!: (findings: Finding[]) => void;
    const first = new Promise<Finding[]>((resolve) => (reported = resolve));
    const kagent = startKagent({
      kubeConfig: new KubeConfig(),
      url: agent.url,
      agent: 'kagent/k8s-agent',
      intervalMs: 60_000,
      onFindings: reported,
    });
    expect((await first).map((f) => f.source)).toEqual(Array(6).fill('kagent'));
    await kagent.stop();
    expect(agent.methods).toEqual(Array(3).fill('SendStreamingMessage'));
  });
});

describe('reachableInterfaceUrl', () => {
  const proxy =
    'https://10.0.0.1:6443/api/v1/namespaces/kagent/services/kagent-controller:8083/proxy/api/a2a/kagent/k8s-agent/';
  it.each<[string, string, string, string[]?]>([
    [
      'the same origin',
      'http://localhost:8083/api/a2a/kagent/k8s-agent/',
      'http://localhost:8083/api/a2a/kagent/k8s-agent/',
    ],
    ['an empty URL: the agent URL', '', 'http://localhost:8083/api/a2a/kagent/k8s-agent/'],
    [
      'a public gateway, as the card says',
      'https://agents.example.com/a2a/k8s/',
      'https://agents.example.com/a2a/k8s/',
    ],
    [
      'a *.svc name, rebased',
      'http://kagent-controller.kagent.svc:8083/api/a2a/kagent/k8s-agent/',
      'http://localhost:8083/api/a2a/kagent/k8s-agent/',
    ],
    [
      'a single-label name, rebased',
      'http://kagent-controller:8083/api/a2a/kagent/k8s-agent/',
      'http://localhost:8083/api/a2a/kagent/k8s-agent/',
    ],
    [
      'a named in-cluster host, rebased',
      'http://kagent-controller.kagent:8083/api/a2a/kagent/k8s-agent/',
      'http://localhost:8083/api/a2a/kagent/k8s-agent/',
      ['kagent-controller.kagent'],
    ],
  ])('%s', (_name, url, expected, hosts) => {
    expect(reachableInterfaceUrl(url, 'http://localhost:8083/api/a2a/kagent/k8s-agent/', hosts)).toBe(
      expected,
    );
  });

  it('keeps the service proxy prefix when rebasing', () => {
    expect(reachableInterfaceUrl('http://127.0.0.1:8083/api/a2a/kagent/k8s-agent/', proxy)).toBe(proxy);
  });
});
