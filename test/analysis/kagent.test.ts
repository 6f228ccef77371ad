import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sseData } from '../../src/analysis/kagent/a2a.js';
import { createKagentProvider, type KagentOptions } from '../../src/analysis/kagent/provider.js';
import { scheduleKagent } from '../../src/analysis/kagent/scheduler.js';
import type { Finding } from '../../src/analysis/types.js';
import { a2a, startA2AServer, type A2AServer, type Script } from './a2a-server.js';

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

describe('kagent provider', () => {
  let server: A2AServer;
  let options: KagentOptions;
  beforeAll(async () => {
    server = await startA2AServer();
  });
  afterAll(() => server.close());
  beforeEach(() => {
    server.requests.length = 0;
    server.streaming = false;
    options = { url: server.url, timeoutMs: 5_000, now: () => 1_000 };
  });
  afterEach(() => expect(server.invalid).toEqual([]));

  const analyze = (overrides: Partial<KagentOptions> = {}) =>
    createKagentProvider({ ...options, ...overrides }).analyze('health');

  it('asks with message/send and turns the fenced JSON into kagent findings with evidence', async () => {
    server.script = () => ({
      kind: 'result',
      result: a2a.task('completed', {
        artifact: FENCED,
        history: [
          a2a.message([a2a.text('question')], 'user'),
          a2a.message([a2a.data({ id: 'call-1', name: 'k8s_get_resources', args: {} }, 'function_call')]),
          a2a.message([a2a.data(TOOL_RESPONSE, 'function_response')]),
        ],
      }),
    });
    const findings = await analyze({ namespace: 'todo' });
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]!.method).toBe('message/send');
    const question = server.requests[0]!.params.message.parts[0]!.text!;
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
  });

  it('streams with message/stream when the agent card says it can, appending artifact chunks', async () => {
    server.streaming = true;
    const half = Math.floor(FENCED.length / 2);
    server.script = () => ({
      kind: 'sse',
      results: [
        a2a.task('submitted'),
        a2a.statusUpdate('working', [
          a2a.data({ id: 'call-1', name: 'k8s_get_resources', args: {} }, 'function_call'),
        ]),
        a2a.statusUpdate('working', [a2a.data(TOOL_RESPONSE, 'function_response')]),
        a2a.artifactUpdate(FENCED.slice(0, half)),
        a2a.artifactUpdate(FENCED.slice(half), true),
        a2a.statusUpdate('completed', undefined, true),
      ],
    });
    const findings = await analyze({ stream: 'auto' });
    expect(server.requests[0]!.method).toBe('message/stream');
    expect(findings).toHaveLength(2);
    expect(findings[0]!.raw!.functionResponses).toEqual([TOOL_RESPONSE]);
  });

  it('turns a reply without JSON into one "could not parse" finding with the raw text', async () => {
    server.script = () => ({
      kind: 'result',
      result: a2a.task('completed', { artifact: 'All good, nothing to report!' }),
    });
    const findings = await analyze();
    expect(findings).toMatchObject([
      {
        id: 'kagent-health:Agent/kagent/k8s-agent:unparsed',
        severity: 'info',
        source: 'kagent',
        title: 'could not parse kagent reply (no JSON block in the reply)',
        detail: ['All good, nothing to report!'],
      },
    ]);
  });

  it('keeps the valid findings of a partly valid reply and says what it dropped', async () => {
    const reply = { findings: [ANSWER.findings[0], { severity: 'dire', title: 'x' }] };
    server.script = () => ({
      kind: 'result',
      result: a2a.task('completed', { artifact: '```json\n' + JSON.stringify(reply) + '\n```' }),
    });
    const findings = await analyze();
    expect(findings).toHaveLength(1);
    expect(findings[0]!.detail.at(-1)).toMatch(/^\(kagent reply: finding 2: /);
  });

  it('reports a slow agent as a time-out', async () => {
    server.script = () => ({ kind: 'hang' });
    const findings = await analyze({ timeoutMs: 200 });
    expect(findings).toMatchObject([
      {
        id: 'kagent-health:Agent/kagent/k8s-agent:unavailable',
        severity: 'warning',
        title: 'kagent did not answer the health analysis within 0.2 s',
      },
    ]);
  });

  it.each<[string, Script, RegExp]>([
    [
      'HTTP 500',
      { kind: 'http', status: 500, body: 'boom\nstack' },
      /^kagent health analysis failed: HTTP 500 Internal Server Error: boom$/,
    ],
    [
      'a JSON-RPC error',
      { kind: 'rpc-error', code: -32603, message: 'agent crashed' },
      /failed: JSON-RPC error -32603: agent crashed$/,
    ],
    [
      'a non-JSON body',
      { kind: 'http', status: 200, body: '<html>proxy</html>' },
      /failed: not JSON: <html>proxy<\/html>$/,
    ],
    [
      'a result of no A2A kind',
      { kind: 'result', result: { kind: 'weather', sunny: true } },
      /failed: unexpected A2A result/,
    ],
    [
      'a failed task',
      { kind: 'result', result: a2a.task('failed', { status: [a2a.text('LLM quota exceeded')] }) },
      /^kagent health analysis ended in state failed$/,
    ],
    ['a rejected task', { kind: 'result', result: a2a.task('rejected') }, /ended in state rejected$/],
  ])('reports %s as a failed analysis', async (_name, script, title) => {
    server.script = () => script;
    const [finding, ...rest] = await analyze();
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({
      severity: 'warning',
      source: 'kagent',
      id: 'kagent-health:Agent/kagent/k8s-agent:unavailable',
    });
    expect(finding!.title).toMatch(title);
  });

  it('surfaces a pause for approval with the tool call it waits on', async () => {
    const confirmation = {
      name: 'adk_request_confirmation',
      args: {
        originalFunctionCall: { name: 'k8s_delete_resource', args: { name: 'backend-1' }, id: 'call-7' },
      },
    };
    server.script = () => ({
      kind: 'result',
      result: a2a.task('input-required', {
        status: [a2a.text('Approve deleting the pod?'), a2a.data(confirmation, 'function_call')],
      }),
    });
    const [finding, ...rest] = await analyze();
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({
      id: 'kagent-health:Agent/kagent/k8s-agent:input-required',
      severity: 'warning',
      title: "kagent's health analysis waits for approval of k8s_delete_resource",
    });
    expect(finding!.detail).toEqual([
      'tool call k8s_delete_resource (id call-7): {"name":"backend-1"}',
      'Approve deleting the pod?',
      'task task-1, context ctx-1',
    ]);
    expect(finding!.raw!.functionResponses).toContainEqual(confirmation);
  });

  it('reports an unreachable controller', async () => {
    const gone = await startA2AServer();
    await gone.close();
    const findings = await createKagentProvider({ url: gone.url, stream: false }).analyze('security');
    expect(findings).toMatchObject([
      {
        id: 'kagent-security:Agent/kagent/k8s-agent:unavailable',
        title: /^kagent security analysis failed: fetch failed/,
      },
    ]);
  });

  it('schedules all three analyses, repeats them and stops a run in flight', async () => {
    let calls = 0;
    server.script = () =>
      ++calls <= 3
        ? { kind: 'result', result: a2a.task('completed', { artifact: FENCED }) }
        : { kind: 'hang' };
    const provider = createKagentProvider({ ...options, stream: false });
    const runs: Finding[][] = [];
    let secondRun!: () => void;
    const started = new Promise<void>((resolve) => (secondRun = resolve));
    const schedule = scheduleKagent(provider, { intervalMs: 10, onFindings: (f) => runs.push(f) });
    // The second run hangs in the agent; wait until all three of its requests arrived.
    const original = server.script;
    server.script = (request) => {
      const script = original(request);
      if (calls === 6) secondRun();
      return script;
    };
    await started;
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
    expect(server.requests.map((r) => r.params.message.parts[0]!.text!.split(':')[0])).toContain(
      'Analyze the security posture of the workloads',
    );
  });
});

describe('sseData', () => {
  it('yields one payload per event across chunk boundaries, CRLF and multi-line data', async () => {
    const text = 'data: {"a":\r\ndata: 1}\r\n\r\n: comment\n\ndata: {"b":2}\n\ndata: tail';
    const bytes = new TextEncoder().encode(text);
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < bytes.length; i += 7) controller.enqueue(bytes.slice(i, i + 7));
        controller.close();
      },
    });
    const events: string[] = [];
    for await (const data of sseData(body)) events.push(data);
    expect(events).toEqual(['{"a":\n1}', '{"b":2}', 'tail']);
  });
});
