// A minimal A2A 0.3 client over plain fetch: JSON-RPC 2.0 `message/send`, and `message/stream`
// with server-sent events, as kagent 0.x serves them at /api/a2a/{namespace}/{agent}/.
// It folds whatever arrives (Task, Message, status and artifact updates) into one A2AReply.
import { randomUUID } from 'node:crypto';
import * as z from 'zod';

export type TaskState =
  | 'submitted'
  | 'working'
  | 'input-required'
  | 'completed'
  | 'failed'
  | 'canceled'
  | 'rejected'
  | 'auth-required'
  | 'unknown';

export interface DataPart {
  data: Record<string, unknown>;
  metadata?: Record<string, unknown>;
}

/** Everything the agent said in answer to one message. */
export interface A2AReply {
  state: TaskState | undefined;
  taskId?: string;
  contextId?: string;
  /** The answer's text: artifacts, else the final status message, else agent messages. */
  text: string;
  /** Text of the status message (why a task failed or what it waits for). */
  statusText: string;
  /** Data parts from anywhere in the reply (tool calls, tool responses, confirmations). */
  data: DataPart[];
  /** The JSON-RPC results as received, for the evidence. */
  results: unknown[];
}

export class A2AError extends Error {
  constructor(
    message: string,
    readonly kind: 'http' | 'rpc' | 'protocol' | 'timeout' | 'network',
  ) {
    super(message);
  }
}

export interface A2AEndpoint {
  /** The kagent controller's base URL, e.g. http://localhost:8083. */
  baseUrl: string;
  /** `namespace/name`. */
  agent: string;
  /** Sent as X-User-Id, kagent's user identity. */
  userId?: string;
}

export function agentUrl({ baseUrl, agent }: A2AEndpoint): string {
  const [namespace, name] = agent.includes('/') ? agent.split('/', 2) : ['kagent', agent];
  return `${baseUrl.replace(/\/+$/, '')}/api/a2a/${encodeURIComponent(namespace!)}/${encodeURIComponent(name!)}/`;
}

const Part = z.looseObject({
  kind: z.string(),
  text: z.string().optional(),
  data: z.record(z.string(), z.unknown()).optional(),
  metadata: z.record(z.string(), z.unknown()).optional(),
});
const Message = z.looseObject({ kind: z.literal('message'), role: z.string(), parts: z.array(Part) });
const Status = z.looseObject({ state: z.string(), message: Message.optional() });
const Artifact = z.looseObject({ parts: z.array(Part) });
const Result = z.discriminatedUnion('kind', [
  Message.extend({ taskId: z.string().optional(), contextId: z.string().optional() }),
  z.looseObject({
    kind: z.literal('task'),
    id: z.string(),
    contextId: z.string().optional(),
    status: Status,
    artifacts: z.array(Artifact).optional(),
    history: z.array(Message).optional(),
  }),
  z.looseObject({
    kind: z.literal('status-update'),
    taskId: z.string(),
    contextId: z.string().optional(),
    status: Status,
  }),
  z.looseObject({
    kind: z.literal('artifact-update'),
    taskId: z.string(),
    artifact: Artifact,
    append: z.boolean().optional(),
  }),
]);
const ErrorResponse = z.looseObject({
  jsonrpc: z.literal('2.0'),
  error: z.looseObject({ code: z.number(), message: z.string() }),
});
const ResultResponse = z.looseObject({ jsonrpc: z.literal('2.0'), result: z.unknown() });

const STATES = new Set<string>([
  'submitted',
  'working',
  'input-required',
  'completed',
  'failed',
  'canceled',
  'rejected',
  'auth-required',
]);

/** Folds results into a reply; later status updates win, artifacts accumulate. */
class ReplyBuilder {
  private readonly artifacts: string[] = [];
  private readonly agentMessages: string[] = [];
  readonly reply: A2AReply = { state: undefined, text: '', statusText: '', data: [], results: [] };

  add(raw: unknown): void {
    this.reply.results.push(raw);
    const parsed = Result.safeParse(raw);
    if (!parsed.success)
      throw new A2AError(
        `unexpected A2A result: ${z.prettifyError(parsed.error).split('\n')[0]}`,
        'protocol',
      );
    const result = parsed.data;
    switch (result.kind) {
      case 'message':
        this.parts(result.parts, this.agentMessages);
        this.ids(result.taskId, result.contextId);
        break;
      case 'task':
        this.ids(result.id, result.contextId);
        for (const message of result.history ?? []) {
          if (message.role !== 'user') this.parts(message.parts, this.agentMessages);
        }
        for (const artifact of result.artifacts ?? []) this.parts(artifact.parts, this.artifacts);
        this.status(result.status);
        break;
      case 'status-update':
        this.ids(result.taskId, result.contextId);
        this.status(result.status);
        break;
      case 'artifact-update':
        this.parts(result.artifact.parts, this.artifacts);
        break;
    }
  }

  finish(): A2AReply {
    const text = this.artifacts.join('') || this.reply.statusText || this.agentMessages.join('\n');
    return { ...this.reply, text };
  }

  private ids(taskId: string | undefined, contextId: string | undefined): void {
    if (taskId) this.reply.taskId = taskId;
    if (contextId) this.reply.contextId = contextId;
  }

  private status(status: z.infer<typeof Status>): void {
    this.reply.state = (STATES.has(status.state) ? status.state : 'unknown') as TaskState;
    if (status.message) {
      const texts: string[] = [];
      this.parts(status.message.parts, texts);
      if (texts.length) this.reply.statusText = texts.join('\n');
    }
  }

  private parts(parts: z.infer<typeof Part>[], texts: string[]): void {
    for (const part of parts) {
      if (part.kind === 'text' && part.text !== undefined) texts.push(part.text);
      if (part.kind === 'data' && part.data) {
        this.reply.data.push({ data: part.data, ...(part.metadata ? { metadata: part.metadata } : {}) });
      }
    }
  }
}

export interface SendOptions {
  stream: boolean;
  /** Aborts the whole exchange (the time-out and the caller's stop). */
  signal: AbortSignal;
  contextId?: string;
}

/** Sends one user text message and returns the folded reply; throws A2AError on any failure. */
export async function sendMessage(
  endpoint: A2AEndpoint,
  text: string,
  options: SendOptions,
): Promise<A2AReply> {
  const id = randomUUID();
  const body = {
    jsonrpc: '2.0',
    id,
    method: options.stream ? 'message/stream' : 'message/send',
    params: {
      message: {
        kind: 'message',
        role: 'user',
        messageId: randomUUID(),
        parts: [{ kind: 'text', text }],
        ...(options.contextId ? { contextId: options.contextId } : {}),
      },
      ...(options.stream
        ? {}
        : { configuration: { blocking: true, acceptedOutputModes: ['text/plain', 'application/json'] } }),
    },
  };
  const builder = new ReplyBuilder();
  await guard(options.signal, async () => {
    const response = await fetch(agentUrl(endpoint), {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: options.stream ? 'text/event-stream' : 'application/json',
        ...(endpoint.userId ? { 'x-user-id': endpoint.userId } : {}),
      },
      body: JSON.stringify(body),
      signal: options.signal,
    });
    if (!response.ok) {
      const detail = (await response.text()).trim().split('\n')[0]?.slice(0, 200);
      throw new A2AError(
        `HTTP ${response.status} ${response.statusText}${detail ? `: ${detail}` : ''}`,
        'http',
      );
    }
    const contentType = response.headers.get('content-type') ?? '';
    if (options.stream && contentType.includes('text/event-stream') && response.body) {
      for await (const data of sseData(response.body)) builder.add(unwrap(parseJson(data)));
    } else {
      // A server may answer a stream request with one plain JSON-RPC response (e.g. an error).
      builder.add(unwrap(parseJson(await response.text())));
    }
  });
  return builder.finish();
}

/** GET the agent card; throws A2AError when it cannot be had. */
export async function fetchAgentCard(
  endpoint: A2AEndpoint,
  signal: AbortSignal,
): Promise<Record<string, unknown>> {
  return guard(signal, async () => {
    const response = await fetch(`${agentUrl(endpoint)}.well-known/agent-card.json`, { signal });
    if (!response.ok) throw new A2AError(`agent card: HTTP ${response.status}`, 'http');
    const card = parseJson(await response.text());
    if (!card || typeof card !== 'object') throw new A2AError('agent card is not a JSON object', 'protocol');
    return card as Record<string, unknown>;
  });
}

/** Maps aborts and network failures onto A2AError kinds. */
async function guard<T>(signal: AbortSignal, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof A2AError) throw error;
    if (signal.aborted) {
      const reason = signal.reason as { name?: string } | undefined;
      throw new A2AError(reason?.name === 'TimeoutError' ? 'timed out' : 'stopped', 'timeout');
    }
    const cause = (error as { cause?: { message?: string } }).cause?.message;
    throw new A2AError(`${(error as Error).message}${cause ? ` (${cause})` : ''}`, 'network');
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new A2AError(`not JSON: ${text.trim().slice(0, 120)}`, 'protocol');
  }
}

function unwrap(message: unknown): unknown {
  const failed = ErrorResponse.safeParse(message);
  if (failed.success)
    throw new A2AError(`JSON-RPC error ${failed.data.error.code}: ${failed.data.error.message}`, 'rpc');
  const parsed = ResultResponse.safeParse(message);
  if (!parsed.success || parsed.data.result === undefined)
    throw new A2AError('not a JSON-RPC 2.0 response', 'protocol');
  return parsed.data.result;
}

/** The `data:` payloads of a server-sent event stream, one string per event. */
export async function* sseData(body: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let buffer = '';
  let lines: string[] = [];
  for await (const chunk of body) {
    buffer += decoder.decode(chunk, { stream: true });
    let newline;
    while ((newline = buffer.search(/\r?\n/)) >= 0) {
      const line = buffer.slice(0, newline);
      buffer = buffer.slice(buffer[newline] === '\r' ? newline + 2 : newline + 1);
      if (line === '') {
        if (lines.length) yield lines.join('\n');
        lines = [];
      } else if (line.startsWith('data:')) {
        lines.push(line.slice(5).replace(/^ /, ''));
      }
    }
  }
  // A stream may end without the blank line that closes its last event.
  if (buffer.startsWith('data:')) lines.push(buffer.slice(5).replace(/^ /, ''));
  if (lines.length) yield lines.join('\n');
}
