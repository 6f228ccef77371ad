// The real kubectl-ai (built by scripts/build-kubectl-ai.sh; skipped when it is not there),
// run through askKubectlAi against the simulator, with a scripted OpenAI-compatible model on
// loopback: it reads the cluster with kubectl, and a change it wants is refused by its own
// permission check and comes back as a proposal, the cluster untouched.
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { KubeConfig, type V1Deployment } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { askKubectlAi } from '../../src/assistants/kubectl-ai.js';
import { startSimulator, type RunningSim } from '../../src/sim/index.js';
import { ObjectClient } from '../../src/workflow/objects.js';

const tools = resolve('.tools/bin');
const binary = join(tools, 'kubectl-ai');
const built = existsSync(binary);

interface Message {
  role: string;
  content?: string | { text?: string }[];
}

const text = (m: Message | undefined): string =>
  typeof m?.content === 'string' ? m.content : (m?.content ?? []).map((p) => p.text ?? '').join('');

/** One streamed chat-completion chunk, as OpenAI's API sends it. */
const chunk = (delta: object, finish: string | null = null) =>
  `data: ${JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 0, model: 'scripted', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;

/**
 * The model: asked something, it calls the kubectl tool (a scale when asked to scale); given a
 * tool result, it answers with the pod names in it.
 */
function scriptedModel(): Promise<{ server: Server; url: string; requests: Message[][] }> {
  const requests: Message[][] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const { messages } = JSON.parse(body) as { messages: Message[] };
      requests.push(messages);
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const last = messages.at(-1);
      if (last?.role === 'tool') {
        // kubectl-ai hands the tool's result over as JSON: {command, stdout, stderr…}.
        const { stdout = '' } = JSON.parse(text(last)) as { stdout?: string };
        const pods = stdout
          .split('\n')
          .slice(1)
          .map((l) => l.split(/\s+/)[0])
          .filter(Boolean);
        res.write(chunk({ role: 'assistant', content: `The todo namespace runs: ${pods.join(', ')}.` }));
        res.write(chunk({}, 'stop'));
      } else {
        const question = text(messages.filter((m) => m.role === 'user').at(-1));
        const command = /scale/.test(question)
          ? { command: 'kubectl scale deployment frontend --replicas=2 -n todo', modifies_resource: 'yes' }
          : { command: 'kubectl get pods -n todo', modifies_resource: 'no' };
        res.write(
          chunk({
            role: 'assistant',
            tool_calls: [
              {
                index: 0,
                id: 'call_1',
                type: 'function',
                function: { name: 'kubectl', arguments: JSON.stringify(command) },
              },
            ],
          }),
        );
        res.write(chunk({}, 'tool_calls'));
      }
      res.end('data: [DONE]\n\n');
    });
  });
  return new Promise((done) =>
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      done({ server, url: `http://127.0.0.1:${port}/v1`, requests });
    }),
  );
}

describe.skipIf(!built)('the real kubectl-ai against the simulator and a scripted model', () => {
  let sim: RunningSim;
  let model: Awaited<ReturnType<typeof scriptedModel>>;
  const ask = (question: string) =>
    askKubectlAi(question, {
      binary,
      kubeconfig: sim.kubeconfigPath,
      llmProvider: 'openai',
      model: 'scripted',
      timeoutMs: 60_000,
      traceDir: mkdtempSync(join(tmpdir(), 'kubectl-ai-trace-')),
      env: {
        OPENAI_API_KEY: 'dummy',
        OPENAI_ENDPOINT: model.url,
        PATH: `${tools}:${process.env.PATH}`,
        HOME: mkdtempSync(join(tmpdir(), 'kubectl-ai-home-')),
      },
    }).result;

  beforeAll(async () => {
    sim = await startSimulator({ scenario: 'todo', speed: 10 });
    model = await scriptedModel();
  });
  afterAll(async () => {
    model?.server.close();
    await sim?.close();
  });

  it('reads the cluster with kubectl and answers with what it saw', async () => {
    const result = await ask('which pods run in todo?');
    expect(result.outcome, result.message).toBe('answered');
    expect(result.answer).toMatch(/The todo namespace runs: .*frontend-\w+-\w+/);
    expect(result.answer).toContain('Running: kubectl get pods -n todo');
  }, 60_000);

  it('a change it wants comes back as a proposal; the cluster is untouched', async () => {
    const result = await ask('scale the frontend to 2');
    expect(result.outcome, result.message).toBe('proposals');
    expect(result.proposals).toEqual(['kubectl scale deployment frontend --replicas=2 -n todo']);
    const kc = new KubeConfig();
    kc.loadFromFile(sim.kubeconfigPath);
    const deployment = (await new ObjectClient(kc).read({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      namespace: 'todo',
      name: 'frontend',
    })) as V1Deployment;
    expect(deployment.spec?.replicas).toBe(1);
  }, 60_000);
});
