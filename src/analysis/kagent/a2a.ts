// kagent over A2A with the protocol's official client (@a2a-js/sdk): A2A 1.0, and its v0.3
// compatibility for the kagent releases that serve 0.3, chosen per interface from the agent card.
// This module reads the card, honours its interfaces, sends one message and folds whatever comes
// back (task, messages, status and artifact updates) into one A2AReply; it resubscribes after a
// dropped stream and cancels the task when the caller gives up (time-out or quit).
import { randomUUID } from 'node:crypto';
import { Role, TaskState, type AgentCard, type Message, type Part, type StreamResponse } from '@a2a-js/sdk';
import {
  ClientFactory,
  ClientFactoryOptions,
  DefaultAgentCardResolver,
  JsonRpcTransportFactory,
  RestTransportFactory,
  createAuthenticatingFetchWithRetry,
} from '@a2a-js/sdk/client';

export type TaskStateName =
  | 'submitted'
  | 'working'
  | 'input-required'
  | 'completed'
  | 'failed'
  | 'canceled'
  | 'rejected'
  | 'auth-required'
  | 'unknown';

const STATE_NAMES: Partial<Record<TaskState, TaskStateName>> = {
  [TaskState.TASK_STATE_SUBMITTED]: 'submitted',
  [TaskState.TASK_STATE_WORKING]: 'working',
  [TaskState.TASK_STATE_INPUT_REQUIRED]: 'input-required',
  [TaskState.TASK_STATE_COMPLETED]: 'completed',
  [TaskState.TASK_STATE_FAILED]: 'failed',
  [TaskState.TASK_STATE_CANCELED]: 'canceled',
  [TaskState.TASK_STATE_REJECTED]: 'rejected',
  [TaskState.TASK_STATE_AUTH_REQUIRED]: 'auth-required',
};

/** A state after which the task will not move without us: the reply is complete. */
export function settled(state: TaskStateName | undefined): boolean {
  return state !== undefined && state !== 'submitted' && state !== 'working' && state !== 'unknown';
}

export interface DataPart {
  data: unknown;
  metadata?: Record<string, unknown>;
}

/** Everything the agent said in answer to one message. */
export interface A2AReply {
  state: TaskStateName | undefined;
  taskId?: string;
  contextId?: string;
  /** The answer's text: artifacts, else the final status message, else agent messages. */
  text: string;
  /** Text of the status message (why a task failed or what it waits for). */
  statusText: string;
  /** Metadata of the last status message (kagent's HITL extension puts its pause there). */
  statusMetadata?: Record<string, unknown>;
  /** Data parts from anywhere in the reply (tool calls, tool responses, confirmations). */
  data: DataPart[];
  /** Data parts of the last status message: what a pause asks now (a continued task's history holds what it asked before). */
  statusData?: DataPart[];
}

export class A2AError extends Error {
  constructor(
    message: string,
    readonly kind: 'card' | 'rpc' | 'timeout' | 'stopped' | 'network',
  ) {
    super(message);
  }
}

export interface A2AEndpoint {
  /** The agent's URL; its card is at `<agentUrl>.well-known/agent-card.json`. */
  agentUrl: string;
  /** Sent as X-User-Id, kagent's user identity. */
  userId?: string;
  /** Headers added to every request (an Authorization token, say); asked before each request. */
  headers?: () => Record<string, string> | Promise<Record<string, string>>;
  /** The fetch to use (the API server's service proxy needs the kubeconfig's TLS and auth). */
  fetch?: typeof fetch;
  /** Host names only the cluster resolves (`kagent-controller.kagent`), beyond `*.svc` and the like. */
  inClusterHosts?: readonly string[];
}

/** kagent 0.x's A2A path for `namespace/name` under the controller's base URL. */
export function kagentAgentUrl(baseUrl: string, agent: string): string {
  const [namespace, name] = agent.includes('/') ? agent.split('/', 2) : ['kagent', agent];
  return `${baseUrl.replace(/\/+$/, '')}/api/a2a/${encodeURIComponent(namespace!)}/${encodeURIComponent(name!)}/`;
}

/**
 * Where to send to an interface the card names. A card states the agent's in-cluster address
 * (kagent: http://kagent-controller.kagent:8083/…), which a cockpit that reached the card some
 * other way (a port-forward, the API server's service proxy) cannot resolve: such an address keeps
 * its path on the origin the card came from. Any other address is honoured as the card says; an
 * empty one means the agent URL itself.
 */
export function reachableInterfaceUrl(
  interfaceUrl: string,
  agentUrl: string,
  inClusterHosts: readonly string[] = [],
): string {
  if (!interfaceUrl) return agentUrl;
  const target = new URL(interfaceUrl, agentUrl);
  const reached = new URL(agentUrl);
  const internal =
    inClusterHosts.includes(target.hostname) || clusterInternal(target.hostname, reached.hostname);
  if (target.origin === reached.origin || !internal) {
    return target.href;
  }
  // The agent URL may carry a prefix (the service proxy's /api/v1/…/proxy) before the path.
  const path = reached.pathname;
  const prefix = path.endsWith(target.pathname)
    ? path.slice(0, path.length - target.pathname.length)
    : path.includes('/api/a2a/')
      ? path.replace(/\/api\/a2a\/.*$/, '')
      : '';
  return `${reached.origin}${prefix}${target.pathname}${target.search}`;
}

function clusterInternal(host: string, reachedHost: string): boolean {
  const loopback = (h: string) => h === 'localhost' || h.startsWith('127.') || h === '[::1]';
  if (loopback(host)) return !loopback(reachedHost);
  return !host.includes('.') || /\.svc(\.cluster\.local)?$/.test(host) || host.endsWith('.cluster.local');
}

/** What we send: text, or data (an approval's decision), on a new or a paused task. */
export interface Outgoing {
  text?: string;
  data?: Record<string, unknown>;
  taskId?: string;
  contextId?: string;
  /** A2A extensions the message activates (sent as the A2A-Extensions header). */
  extensions?: string[];
}

export interface SendOptions {
  /** Aborts the exchange; the task is then cancelled on the agent. */
  signal: AbortSignal;
  /** How often a non-streaming task is polled until it settles. */
  pollMs?: number;
}

export interface A2AConnection {
  readonly card: AgentCard;
  /** The protocol version the client speaks to this agent ('1.0' or '0.3'). */
  readonly protocolVersion: string;
  readonly streaming: boolean;
  send(message: Outgoing, options: SendOptions): Promise<A2AReply>;
  /** tasks/cancel; resolves whatever the agent answers (a finished task cannot be cancelled). */
  cancel(taskId: string): Promise<void>;
}

const CANCEL_TIMEOUT_MS = 5_000;
const RESUBSCRIBE_ATTEMPTS = 3;

/** Reads the agent card and builds the client its interfaces call for. */
export async function connect(
  endpoint: A2AEndpoint,
  signal: AbortSignal,
  { stream = true }: { stream?: boolean } = {},
): Promise<A2AConnection> {
  const headers = async (): Promise<Record<string, string>> => ({
    ...(endpoint.userId ? { 'X-User-Id': endpoint.userId } : {}),
    ...(endpoint.headers ? await endpoint.headers() : {}),
  });
  const fetchImpl = createAuthenticatingFetchWithRetry(endpoint.fetch ?? fetch, {
    headers,
    shouldRetryWithHeaders: () => Promise.resolve(undefined),
  });
  const legacyCompat = { enabled: true };
  // The resolver takes no signal of its own: only the card's fetch gets this one.
  const resolver = new DefaultAgentCardResolver({
    fetchImpl: (input, init) => fetchImpl(input, { ...init, signal: init?.signal ?? signal }),
    legacyCompat,
  });
  const card = await guard(signal, () => resolver.resolve(endpoint.agentUrl), 'card');
  card.supportedInterfaces = card.supportedInterfaces.map((i) => ({
    ...i,
    url: reachableInterfaceUrl(i.url, endpoint.agentUrl, endpoint.inClusterHosts),
  }));
  if (card.supportedInterfaces.length === 0) {
    card.supportedInterfaces = [
      { url: endpoint.agentUrl, protocolBinding: 'JSONRPC', tenant: '', protocolVersion: '1.0' },
    ];
  }
  const factory = new ClientFactory(
    ClientFactoryOptions.createFrom(ClientFactoryOptions.default, {
      cardResolver: resolver,
      transports: [
        new JsonRpcTransportFactory({ fetchImpl, legacyCompat }),
        new RestTransportFactory({ fetchImpl, legacyCompat }),
      ],
    }),
  );
  const client = await guard(signal, () => factory.createFromAgentCard(card), 'card');
  const streaming = stream && card.capabilities?.streaming === true;

  const cancel = async (taskId: string): Promise<void> => {
    try {
      await client.cancelTask(
        { tenant: '', id: taskId, metadata: undefined },
        { signal: AbortSignal.timeout(CANCEL_TIMEOUT_MS) },
      );
    } catch {
      // Already finished, unknown or unreachable: nothing is left to cancel that we can reach.
    }
  };

  return {
    card,
    protocolVersion: client.protocolVersion,
    streaming,
    cancel,
    async send(outgoing, { signal: stop, pollMs = 1_000 }) {
      const fold = new ReplyFold();
      const serviceParameters = outgoing.extensions?.length
        ? { 'A2A-Extensions': outgoing.extensions.join(', ') }
        : undefined;
      const options = { signal: stop, ...(serviceParameters ? { serviceParameters } : {}) };
      try {
        await guard(
          stop,
          async () => {
            const request = {
              tenant: '',
              message: userMessage(outgoing),
              configuration: {
                acceptedOutputModes: ['text/plain', 'application/json'],
                taskPushNotificationConfig: undefined,
                returnImmediately: !streaming,
              },
              metadata: undefined,
            };
            if (streaming) {
              try {
                for await (const event of client.sendMessageStream(request, options)) fold.add(event);
              } catch (error) {
                if (stop.aborted || fold.reply.taskId === undefined) throw error;
              }
              // The stream ended (or broke) before the task settled: pick it up again. A task
              // that settled meanwhile cannot be subscribed to; then its state is read instead.
              for (let attempt = 0; !settled(fold.reply.state) && fold.reply.taskId; attempt++) {
                if (attempt === RESUBSCRIBE_ATTEMPTS) {
                  throw new A2AError(
                    `the stream of task ${fold.reply.taskId} broke ${attempt} times`,
                    'network',
                  );
                }
                const id = fold.reply.taskId;
                try {
                  for await (const event of client.resubscribeTask({ tenant: '', id }, options))
                    fold.add(event);
                } catch (error) {
                  if (stop.aborted) throw error;
                  const task = await client.getTask({ tenant: '', id }, options).catch(() => undefined);
                  if (task) fold.add({ payload: { $case: 'task', value: task } });
                }
              }
            } else {
              const result = await client.sendMessage(request, options);
              fold.add({
                payload:
                  'messageId' in result
                    ? { $case: 'message', value: result }
                    : { $case: 'task', value: result },
              });
              while (!settled(fold.reply.state) && fold.reply.taskId) {
                await delay(pollMs, stop);
                const task = await client.getTask({ tenant: '', id: fold.reply.taskId }, options);
                fold.add({ payload: { $case: 'task', value: task } });
              }
            }
          },
          'rpc',
        );
      } catch (error) {
        if (fold.reply.taskId && !settled(fold.reply.state) && stop.aborted) await cancel(fold.reply.taskId);
        throw error;
      }
      return fold.finish();
    },
  };
}

function userMessage(outgoing: Outgoing): Message {
  const parts: Part[] = [];
  if (outgoing.text !== undefined) {
    parts.push({
      content: { $case: 'text', value: outgoing.text },
      metadata: undefined,
      filename: '',
      mediaType: 'text/plain',
    });
  }
  if (outgoing.data !== undefined) {
    parts.push({
      content: { $case: 'data', value: outgoing.data },
      metadata: undefined,
      filename: '',
      mediaType: 'application/json',
    });
  }
  return {
    messageId: randomUUID(),
    contextId: outgoing.contextId ?? '',
    taskId: outgoing.taskId ?? '',
    role: Role.ROLE_USER,
    parts,
    metadata: undefined,
    extensions: outgoing.extensions ?? [],
    referenceTaskIds: [],
  };
}

function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason as Error);
      },
      { once: true },
    );
  });
}

/** Runs `work`, mapping aborts and the SDK's errors onto A2AError kinds. */
async function guard<T>(signal: AbortSignal, work: () => Promise<T>, kind: 'card' | 'rpc'): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof A2AError) throw error;
    if (signal.aborted) {
      const reason = signal.reason as { name?: string } | undefined;
      throw reason?.name === 'TimeoutError'
        ? new A2AError('timed out', 'timeout')
        : new A2AError('stopped', 'stopped');
    }
    const message = (error as Error).message;
    const cause = (error as { cause?: { message?: string } }).cause?.message;
    const detail = `${message}${cause ? ` (${cause})` : ''}`;
    if (error instanceof TypeError && /fetch failed/.test(message)) throw new A2AError(detail, 'network');
    throw new A2AError(kind === 'card' ? `agent card: ${detail}` : detail, kind);
  }
}

/**
 * Folds a reply: later status updates win; artifacts are kept by artifactId, an update with
 * `append: true` adds to its artifact and one with `append: false` replaces it; a task snapshot
 * (the answer to a resubscribe or a poll) carries the artifacts as the agent holds them.
 */
export class ReplyFold {
  private readonly artifacts = new Map<string, string>();
  private readonly agentMessages: string[] = [];
  /** A snapshot repeats the data parts the updates brought: each is kept once. */
  private readonly seenData = new Set<string>();
  readonly reply: A2AReply = { state: undefined, text: '', statusText: '', data: [] };

  add(event: StreamResponse): void {
    const payload = event.payload;
    switch (payload?.$case) {
      case 'message':
        this.ids(payload.value.taskId, payload.value.contextId);
        this.agentMessages.push(...this.parts(payload.value.parts));
        break;
      case 'task': {
        const task = payload.value;
        this.ids(task.id, task.contextId);
        this.artifacts.clear();
        for (const artifact of task.artifacts) {
          this.artifacts.set(artifact.artifactId, this.parts(artifact.parts).join(''));
        }
        this.agentMessages.length = 0;
        for (const message of task.history) {
          if (message.role !== Role.ROLE_USER) this.agentMessages.push(...this.parts(message.parts));
        }
        if (task.status) this.status(task.status);
        break;
      }
      case 'statusUpdate':
        this.ids(payload.value.taskId, payload.value.contextId);
        if (payload.value.status) this.status(payload.value.status);
        break;
      case 'artifactUpdate': {
        const { artifact, append } = payload.value;
        if (!artifact) break;
        const chunk = this.parts(artifact.parts).join('');
        const before = append ? (this.artifacts.get(artifact.artifactId) ?? '') : '';
        this.artifacts.set(artifact.artifactId, before + chunk);
        break;
      }
      case undefined:
        break;
    }
  }

  finish(): A2AReply {
    const text =
      [...this.artifacts.values()].join('\n') || this.reply.statusText || this.agentMessages.join('\n');
    return { ...this.reply, text };
  }

  private ids(taskId: string, contextId: string): void {
    if (taskId) this.reply.taskId = taskId;
    if (contextId) this.reply.contextId = contextId;
  }

  private status(status: { state: TaskState; message: Message | undefined }): void {
    this.reply.state = STATE_NAMES[status.state] ?? 'unknown';
    if (status.message) {
      const texts = this.parts(status.message.parts);
      if (texts.length) this.reply.statusText = texts.join('\n');
      if (status.message.metadata) this.reply.statusMetadata = status.message.metadata;
      this.reply.statusData = status.message.parts.flatMap((part) =>
        part.content?.$case === 'data'
          ? [{ data: part.content.value, ...(part.metadata ? { metadata: part.metadata } : {}) }]
          : [],
      );
    }
  }

  /** The text of `parts`; their data parts go to the reply's data. */
  private parts(parts: Part[]): string[] {
    const texts: string[] = [];
    for (const part of parts) {
      if (part.content?.$case === 'text') texts.push(part.content.value);
      if (part.content?.$case === 'data') {
        const key = JSON.stringify([part.content.value, part.metadata]);
        if (this.seenData.has(key)) continue;
        this.seenData.add(key);
        this.reply.data.push({
          data: part.content.value,
          ...(part.metadata ? { metadata: part.metadata } : {}),
        });
      }
    }
    return texts;
  }
}
