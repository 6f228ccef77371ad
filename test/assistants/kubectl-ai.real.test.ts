// The real kubectl-ai (built by scripts/build-kubectl-ai.sh; skipped when it is not there), run
// through askKubectlAi against the simulator, with a scripted OpenAI-compatible model on
// loopback: it reads the cluster with kubectl, a change it wants is refused by its own
// permission check and comes back as a proposal with the cluster untouched, and a model that
// never answers ends at the time-out with the child reaped.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { AppsV1Api, CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { askKubectlAi, type KubectlAiOptions } from '../../src/assistants/kubectl-ai.js';
import { startSimulator, type RunningSim } from '../../src/sim/index.js';

const tools = resolve('.tools/bin');
const binary = join(tools, 'kubectl-ai');
const SCALE = 'kubectl scale deployment frontend --replicas=2 -n todo';

/** Temporary directories, removed after the file's tests. */
const scratchDirs: string[] = [];
function scratch(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  scratchDirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of scratchDirs) rmSync(dir, { recursive: true, force: true });
});

interface Message {
  role: string;
  content?: string | null | { text?: string }[];
}
const text = (m: Message | undefined): string =>
  typeof m?.content === 'string' ? m.content : (m?.content ?? []).map((p) => p.text ?? '').join('');

/** One streamed chat-completion chunk, as OpenAI's API sends it. */
const chunk = (delta: object, finish: string | null = null) =>
  `data: ${JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 0, model: 'scripted', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;

/** A tool call in a chunk of its own: with `content` in the same delta its client drops the call. */
const toolCall = (command: string, modifies: 'yes' | 'no') =>
  chunk({
    role: 'assistant',
    tool_calls: [
      {
        index: 0,
        id: 'call_1',
        type: 'function',
        function: { name: 'kubectl', arguments: JSON.stringify({ command, modifies_resource: modifies }) },
      },
    ],
  });

/**
 * The model kubectl-ai streams from (POST /v1/chat/completions, SSE). By the question: "pods" →
 * `kubectl get pods -n todo`, then an answer naming the pods it was shown; "scale" → the scale,
 * with a sentence first when the question says "explain"; "silence" → never answers.
 */
function reply(messages: Message[], res: ServerResponse): void {
  const question = text(messages.find((m) => m.role === 'user'));
  if (/silence/.test(question)) return; // the response stays open
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  const last = messages.at(-1);
  if (last?.role === 'tool') {
    // kubectl-ai hands the tool's result over as JSON: {command, stdout, stderr, …}.
    const { stdout = '' } = JSON.parse(text(last)) as { stdout?: string };
    const pods = stdout
      .split('\n')
      .slice(1)
      .map((l) => l.split(/\s+/)[0])
      .filter(Boolean);
    res.write(chunk({ role: 'assistant', content: `The todo namespace runs: ${pods.join(', ')}.` }));
    res.write(chunk({}, 'stop'));
  } else if (/scale/.test(question)) {
    if (/explain/.test(question))
      res.write(chunk({ role: 'assistant', content: 'I will scale the frontend to 2 replicas.' }));
    res.write(toolCall(SCALE, 'yes'));
    res.write(chunk({}, 'tool_calls'));
  } else {
    res.write(toolCall('kubectl get pods -n todo', 'no'));
    res.write(chunk({}, 'tool_calls'));
  }
  res.end('data: [DONE]\n\n');
}

async function scriptedModel() {
  const requests: { url?: string; messages: Message[] }[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const { messages } = JSON.parse(body) as { messages: Message[] };
      requests.push({ url: req.url, messages });
      reply(messages, res);
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}/v1`, requests };
}

describe.skipIf(!existsSync(binary))('the real kubectl-ai against the simulator and a scripted model', () => {
  let sim: RunningSim;
  let model: Awaited<ReturnType<typeof scriptedModel>>;
  let kc: KubeConfig;
  /** The sim's context, behind a current-context that reaches nothing. */
  let twoContexts: string;

  beforeAll(async () => {
    sim = await startSimulator({ scenario: 'todo', speed: 10 });
    kc = new KubeConfig();
    kc.loadFromFile(sim.kubeconfigPath);
    const config = parse(readFileSync(sim.kubeconfigPath, 'utf8')) as {
      clusters: object[];
      contexts: object[];
      'current-context': string;
    };
    config.clusters.push({ name: 'nowhere', cluster: { server: 'http://127.0.0.1:1' } });
    config.contexts.push({ name: 'nowhere', context: { cluster: 'nowhere', user: 'aiops-sim' } });
    config['current-context'] = 'nowhere';
    twoContexts = join(scratch('kubectl-ai-kubeconfig-'), 'config');
    writeFileSync(twoContexts, stringify(config));
    model = await scriptedModel();
  });
  afterAll(async () => {
    model?.server.closeAllConnections();
    model?.server.close();
    await sim?.close();
  });

  const options = (extra: Partial<KubectlAiOptions> = {}): KubectlAiOptions => {
    const home = scratch('kubectl-ai-home-');
    return {
      binary,
      kubeconfig: twoContexts,
      context: 'aiops-sim',
      llmProvider: 'openai',
      model: 'scripted',
      timeoutMs: 30_000,
      traceDir: scratch('kubectl-ai-trace-'),
      env: {
        OPENAI_API_KEY: 'dummy',
        OPENAI_ENDPOINT: model.url,
        // kubectl from .tools/bin; no user config of its own.
        PATH: `${tools}${delimiter}${process.env.PATH}`,
        HOME: home,
        XDG_CONFIG_HOME: join(home, '.config'),
      },
      ...extra,
    };
  };

  it('reads the cluster with kubectl, in the context asked for, and answers with what it saw', async () => {
    const result = await askKubectlAi('which pods run in todo?', options()).result;
    expect(result.outcome, result.message).toBe('answered');
    expect(result.answer).toContain('Running: kubectl get pods -n todo');
    const named = /The todo namespace runs: (.*)\./.exec(result.answer)?.[1]?.split(', ') ?? [];
    const pods = await kc.makeApiClient(CoreV1Api).listNamespacedPod({ namespace: 'todo' });
    const frontend = pods.items.map((p) => p.metadata!.name!).filter((n) => n.startsWith('frontend-'));
    expect(frontend.length).toBeGreaterThan(0);
    expect(named).toEqual(expect.arrayContaining(frontend));
  }, 60_000);

  it.each([
    ['it prints the permission block', 'scale the frontend to 2'],
    ['the model also wrote text, so only its log line has the block', 'scale the frontend to 2 and explain'],
  ])(
    'a change it wants is a proposal (%s); the cluster is untouched',
    async (_case, question) => {
      const result = await askKubectlAi(question, options()).result;
      expect(result.outcome, result.message).toBe('proposals');
      expect(result.proposals).toEqual([SCALE]);
      expect(result.answer).not.toContain('RunOnce');
      if (/explain/.test(question)) expect(result.answer).toBe('I will scale the frontend to 2 replicas.');
      const deployment = await kc
        .makeApiClient(AppsV1Api)
        .readNamespacedDeployment({ namespace: 'todo', name: 'frontend' });
      expect(deployment.spec?.replicas).toBe(1);
    },
    60_000,
  );

  it('a model that never answers: the time-out ends it with SIGTERM, and it is reaped', async () => {
    const o = options({ timeoutMs: 3_000 });
    const before = model.requests.length;
    const result = await askKubectlAi('silence, please', o).result;
    expect(result).toMatchObject({
      outcome: 'timeout',
      message: 'kubectl-ai timed out after 3 s',
      exitCode: 0,
    });
    expect(model.requests.length - before).toBe(1);
    // Its log goes to TMPDIR, which is the private trace directory.
    const log = readFileSync(join(o.traceDir, 'kubectl-ai.log'), 'utf8');
    // klog heads every line with the process id.
    const pid = Number(/^I\d{4} [\d:.]+\s+(\d+) /m.exec(log)?.[1]);
    expect(pid).toBeGreaterThan(0);
    expect(() => process.kill(pid, 0)).toThrow(/ESRCH/);
  }, 60_000);
});
