// A scripted A2A 0.3 server on loopback, shaped like kagent's controller proxy
// (/api/a2a/{namespace}/{agent}/): an agent card, and JSON-RPC `message/send` / `message/stream`
// answered by whatever the test scripts. It checks each request against the A2A schema.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Script =
  | { kind: 'result'; result: unknown }
  | { kind: 'rpc-error'; code: number; message: string }
  | { kind: 'sse'; results: unknown[] }
  | { kind: 'http'; status: number; body: string }
  | { kind: 'hang' };

export interface RpcRequest {
  id: string | number;
  method: string;
  params: {
    message: { kind: string; role: string; messageId: string; parts: { kind: string; text?: string }[] };
  };
}

export interface A2AServer {
  url: string;
  requests: RpcRequest[];
  /** Requests that broke the A2A JSON-RPC schema (should stay empty). */
  invalid: string[];
  script: (request: RpcRequest) => Script;
  streaming: boolean;
  close(): Promise<void>;
}

const AGENT_PATH = '/api/a2a/kagent/k8s-agent/';

function validate(body: unknown): string | undefined {
  const r = body as Partial<RpcRequest> & { jsonrpc?: unknown };
  if (r?.jsonrpc !== '2.0') return 'jsonrpc is not "2.0"';
  if (typeof r.id !== 'string' && typeof r.id !== 'number') return 'id missing';
  if (r.method !== 'message/send' && r.method !== 'message/stream')
    return `unknown method ${String(r.method)}`;
  const m = r.params?.message;
  if (m?.kind !== 'message' || m.role !== 'user' || typeof m.messageId !== 'string') return 'bad message';
  if (!Array.isArray(m.parts) || !m.parts.every((p) => p.kind === 'text' && typeof p.text === 'string')) {
    return 'bad parts';
  }
  return undefined;
}

async function readBody(req: IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of req) text += String(chunk);
  return text;
}

export async function startA2AServer(): Promise<A2AServer> {
  const state: Omit<A2AServer, 'url' | 'close'> = {
    requests: [],
    invalid: [],
    streaming: false,
    script: () => ({ kind: 'http', status: 500, body: 'no script' }),
  };
  const server: Server = createServer((req, res) => {
    void (async () => {
      if (req.method === 'GET' && req.url === `${AGENT_PATH}.well-known/agent-card.json`) {
        res.setHeader('content-type', 'application/json');
        res.end(
          JSON.stringify({
            name: 'k8s-agent',
            protocolVersion: '0.3.0',
            url: AGENT_PATH,
            capabilities: { streaming: state.streaming },
            skills: [],
          }),
        );
        return;
      }
      if (req.method !== 'POST' || req.url !== AGENT_PATH) {
        res.writeHead(404).end('not found');
        return;
      }
      const body = JSON.parse(await readBody(req)) as RpcRequest;
      const problem = validate(body);
      const reply = (payload: unknown) => {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ jsonrpc: '2.0', id: body.id, ...(payload as object) }));
      };
      if (problem) {
        state.invalid.push(problem);
        reply({ error: { code: -32600, message: problem } });
        return;
      }
      state.requests.push(body);
      const script = state.script(body);
      switch (script.kind) {
        case 'result':
          return reply({ result: script.result });
        case 'rpc-error':
          return reply({ error: { code: script.code, message: script.message } });
        case 'http':
          res.writeHead(script.status, { 'content-type': 'text/plain' }).end(script.body);
          return;
        case 'sse':
          res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
          for (const result of script.results) {
            res.write(`data: ${JSON.stringify({ jsonrpc: '2.0', id: body.id, result })}\n\n`);
          }
          res.end();
          return;
        case 'hang':
          return; // the client's time-out ends it
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(state, {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}

/** A2A 0.3 objects as kagent sends them. */
export const a2a = {
  text: (text: string) => ({ kind: 'text', text }),
  data: (data: unknown, kagentType?: string) => ({
    kind: 'data',
    data,
    ...(kagentType ? { metadata: { kagent_type: kagentType } } : {}),
  }),
  message: (parts: unknown[], role = 'agent') => ({ kind: 'message', role, messageId: 'm1', parts }),
  task: (state: string, options: { artifact?: string; history?: unknown[]; status?: unknown[] } = {}) => ({
    kind: 'task',
    id: 'task-1',
    contextId: 'ctx-1',
    status: { state, ...(options.status ? { message: a2a.message(options.status) } : {}) },
    ...(options.artifact !== undefined
      ? { artifacts: [{ artifactId: 'a1', parts: [a2a.text(options.artifact)] }] }
      : {}),
    ...(options.history ? { history: options.history } : {}),
  }),
  statusUpdate: (state: string, parts?: unknown[], final = false) => ({
    kind: 'status-update',
    taskId: 'task-1',
    contextId: 'ctx-1',
    status: { state, ...(parts ? { message: a2a.message(parts) } : {}) },
    final,
  }),
  artifactUpdate: (text: string, append = false) => ({
    kind: 'artifact-update',
    taskId: 'task-1',
    contextId: 'ctx-1',
    artifact: { artifactId: 'a1', parts: [a2a.text(text)] },
    append,
  }),
};
