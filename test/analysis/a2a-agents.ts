// Scripted A2A agents built with the official SDK's server side (@a2a-js/sdk/server: a
// DefaultRequestHandler over an AgentExecutor, mounted with its express adapters), served on
// loopback at kagent's path (/api/a2a/{namespace}/{agent}/). `version: '1.0'` is a strict A2A 1.0
// agent (a 0.3 request gets -32009); `version: '0.3'` advertises only 0.3, as kagent 0.x does,
// and answers through the SDK's v0.3 compatibility layer. The test scripts each turn; the
// agent records what reached it (methods, headers, user messages, cancellations).
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { Role, TaskState, type AgentCard, type Message, type Part } from '@a2a-js/sdk';
import {
  AgentEvent,
  DefaultRequestHandler,
  InMemoryTaskStore,
  type AgentExecutor,
  type ExecutionEventBus,
  type RequestContext,
} from '@a2a-js/sdk/server';
import { agentCardHandler, jsonRpcHandler, UserBuilder } from '@a2a-js/sdk/server/express';

export const AGENT_PATH = '/api/a2a/kagent/k8s-agent/';

/** One user message as the executor got it. */
export interface Turn {
  taskId: string;
  contextId: string;
  /** The user's text parts, joined. */
  text: string;
  /** The user's data parts (an approval decision, for one). */
  data: unknown[];
  /** The task as the store held it before this message (undefined for a new task). */
  known: boolean;
}

/** What the script does with one turn: publish events with the helpers, then return. */
export type Script = (turn: Turn, reply: Reply) => Promise<void>;

export interface Reply {
  /** Opens the task: the first event of each turn, a new task or a continued one. */
  task(state: TaskState, parts?: Part[]): void;
  status(state: TaskState, parts?: Part[]): void;
  artifact(text: string, options?: { artifactId?: string; append?: boolean }): void;
  /** Resolves once the answer to a call of `method` has begun streaming (a resubscription is attached). */
  streaming(method: string): Promise<void>;
  /** Resolves when a cancellation of this task reached the executor. */
  canceled: Promise<void>;
}

export interface AgentOptions {
  version: '1.0' | '0.3';
  streaming: boolean;
  script: Script;
  /** Cuts the first message stream after this many SSE events (the task runs on). */
  dropStreamAfter?: number;
  /** The address to listen on; default 127.0.0.1. */
  host?: string;
  /** Where the JSON-RPC endpoint is mounted; default AGENT_PATH. */
  rpcPath?: string;
  /** What the card says the interface's URL is; default this server's rpcPath. */
  interfaceUrl?: (base: string) => string;
}

export interface ScriptedAgent {
  /** The controller's base URL (the agent lives under AGENT_PATH). */
  url: string;
  /** JSON-RPC methods in the order they reached the server. */
  methods: string[];
  /** The task id each JSON-RPC call named (tasks/get, cancel, resubscribe), in order. */
  taskIds: (string | undefined)[];
  /** Request headers of each JSON-RPC call. */
  headers: Record<string, string | string[] | undefined>[];
  turns: Turn[];
  /** Task ids whose cancellation reached the executor. */
  canceled: string[];
  close(): Promise<void>;
}

export const text = (value: string): Part => ({
  content: { $case: 'text', value },
  metadata: undefined,
  filename: '',
  mediaType: 'text/plain',
});

export const data = (value: unknown, metadata?: Record<string, unknown>): Part => ({
  content: { $case: 'data', value },
  metadata,
  filename: '',
  mediaType: 'application/json',
});

function agentMessage(taskId: string, contextId: string, parts: Part[]): Message {
  return {
    messageId: `m-${Math.random().toString(36).slice(2)}`,
    contextId,
    taskId,
    role: Role.ROLE_AGENT,
    parts,
    metadata: undefined,
    extensions: [],
    referenceTaskIds: [],
  };
}

export async function startAgent(options: AgentOptions): Promise<ScriptedAgent> {
  const methods: string[] = [];
  const headers: ScriptedAgent['headers'] = [];
  const taskIds: ScriptedAgent['taskIds'] = [];
  const turns: Turn[] = [];
  const canceled: string[] = [];
  const streamingMethods: string[] = [];
  const methodWaiters: { method: string; resolve: () => void }[] = [];
  const cancelWaiters = new Map<string, () => void>();

  const executor: AgentExecutor = {
    async execute(context: RequestContext, bus: ExecutionEventBus) {
      const { taskId, contextId } = context;
      const message = context.userMessage;
      const turn: Turn = {
        taskId,
        contextId,
        text: message.parts
          .map((p) => (p.content?.$case === 'text' ? p.content.value : ''))
          .filter(Boolean)
          .join('\n'),
        data: message.parts.flatMap((p) => (p.content?.$case === 'data' ? [p.content.value] : [])),
        known: context.task !== undefined,
      };
      turns.push(turn);
      const status = (state: TaskState, parts?: Part[]) =>
        bus.publish(
          AgentEvent.statusUpdate({
            taskId,
            contextId,
            status: {
              state,
              message: parts ? agentMessage(taskId, contextId, parts) : undefined,
              timestamp: new Date().toISOString(),
            },
            metadata: undefined,
          }),
        );
      const reply: Reply = {
        // A continued task (a reply to a pause) is opened again with what the store holds.
        task: (state, parts) =>
          bus.publish(
            AgentEvent.task({
              id: taskId,
              contextId,
              status: {
                state,
                message: parts ? agentMessage(taskId, contextId, parts) : undefined,
                timestamp: new Date().toISOString(),
              },
              artifacts: context.task?.artifacts ?? [],
              history: [...(context.task?.history ?? []), message],
              metadata: undefined,
            }),
          ),
        status,
        artifact: (value, { artifactId = 'answer', append = false } = {}) =>
          bus.publish(
            AgentEvent.artifactUpdate({
              taskId,
              contextId,
              artifact: {
                artifactId,
                name: 'answer',
                description: '',
                parts: [text(value)],
                metadata: undefined,
                extensions: [],
              },
              append,
              lastChunk: false,
              metadata: undefined,
            }),
          ),
        streaming: (method) =>
          streamingMethods.includes(method)
            ? Promise.resolve()
            : new Promise((resolve) => methodWaiters.push({ method, resolve })),
        canceled: new Promise((resolve) => cancelWaiters.set(taskId, resolve)),
      };
      await options.script(turn, reply);
      bus.finished();
    },
    async cancelTask(taskId, bus) {
      canceled.push(taskId);
      cancelWaiters.get(taskId)?.();
      bus.publish(
        AgentEvent.statusUpdate({
          taskId,
          contextId: turns.find((t) => t.taskId === taskId)?.contextId ?? '',
          status: {
            state: TaskState.TASK_STATE_CANCELED,
            message: undefined,
            timestamp: new Date().toISOString(),
          },
          metadata: undefined,
        }),
      );
      bus.finished();
    },
  };

  const app = express();
  const rpcPath = options.rpcPath ?? AGENT_PATH;
  let base = '';
  const card = (): AgentCard => ({
    name: 'k8s-agent',
    description: 'A scripted kagent agent',
    supportedInterfaces: [
      {
        url: options.interfaceUrl ? options.interfaceUrl(base) : `${base}${rpcPath}`,
        protocolBinding: 'JSONRPC',
        tenant: '',
        protocolVersion: options.version,
      },
    ],
    provider: undefined,
    version: '0.1.0',
    capabilities: { streaming: options.streaming, pushNotifications: false, extensions: [] },
    securitySchemes: {},
    securityRequirements: [],
    defaultInputModes: ['text/plain'],
    defaultOutputModes: ['text/plain'],
    skills: [],
    signatures: [],
  });
  const requestHandler = new DefaultRequestHandler(card(), new InMemoryTaskStore(), executor);
  // The handler reads the card per request: the URL is known only once the server listens.
  requestHandler.getAgentCard = () => Promise.resolve(card());
  const legacyCompat = { enabled: options.version === '0.3' };
  let dropped = false;
  app.use(`${AGENT_PATH}.well-known/agent-card.json`, (req, _res, next) => {
    // kagent 0.x (the Python SDK 0.3) knows no A2A-Version header: it serves its 0.3 card to all.
    if (options.version === '0.3') delete req.headers['a2a-version'];
    next();
  });
  app.use(
    `${AGENT_PATH}.well-known/agent-card.json`,
    agentCardHandler({ agentCardProvider: () => Promise.resolve(card()), legacyCompat }),
  );
  app.post(rpcPath, express.json(), (req, res, next) => {
    const method = String((req.body as { method?: unknown }).method);
    methods.push(method);
    headers.push({ ...req.headers });
    taskIds.push((req.body as { params?: { id?: string } }).params?.id);
    const streamed = /stream|Streaming|subscribe|Subscribe/.test(method);
    if (streamed) {
      const write = res.write.bind(res) as (chunk: unknown, done?: () => void) => boolean;
      res.write = ((chunk: unknown, done?: () => void) => {
        const ok = write(chunk, done);
        if (!streamingMethods.includes(method)) {
          streamingMethods.push(method);
          for (const waiter of methodWaiters.filter((w) => w.method === method)) waiter.resolve();
        }
        return ok;
      }) as typeof res.write;
    }
    if (options.dropStreamAfter !== undefined && streamed && !dropped) {
      dropped = true;
      let events = 0;
      const write = res.write.bind(res) as (chunk: unknown, done?: () => void) => boolean;
      res.write = ((chunk: unknown) => {
        const cut = String(chunk).includes('data:') && ++events === options.dropStreamAfter;
        // Cut once the event is on the wire, as a proxy or a flaky network would.
        return write(chunk, cut ? () => res.socket?.destroy() : undefined);
      }) as typeof res.write;
    }
    next();
  });
  app.use(
    rpcPath,
    jsonRpcHandler({ requestHandler, userBuilder: UserBuilder.noAuthentication, legacyCompat }),
  );

  const server: Server = await new Promise((resolve) => {
    const listening = app.listen(0, options.host ?? '127.0.0.1', () => resolve(listening));
  });
  base = `http://${options.host ?? '127.0.0.1'}:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    methods,
    taskIds,
    headers,
    turns,
    canceled,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
