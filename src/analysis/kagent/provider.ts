// kagent as a findings source: asks an agent (default kagent/k8s-agent) for a health, utilization
// or security analysis over A2A and turns the answer into findings marked 'kagent'. Every outcome
// is findings: a time-out, an HTTP or JSON-RPC error, a failed task, a pause for approval and an
// unparseable reply each become one finding saying so. Nothing here throws. A pause for a tool
// approval is also handed to onPause, answerable; the next run of that analysis, or close(),
// cancels a pause left unanswered (but for one waiting in our queue: held), so paused tasks do not pile up in kagent.
import { findingId } from '../finding.js';
import type { Finding, ResourceRef } from '../../model/analysis.js';
import {
  A2AError,
  connect,
  kagentAgentUrl,
  type A2AConnection,
  type A2AEndpoint,
  type A2AReply,
} from './a2a.js';
import { answerMessage, readPause, type Decision } from './pause.js';
import type { ToolCall } from '../../model/operation.js';
import { parseReply, SCHEMA_INSTRUCTIONS, type ParsedFinding } from './schema.js';

export type KagentAnalysis = 'health' | 'utilization' | 'security';
export const KAGENT_ANALYSES: readonly KagentAnalysis[] = ['health', 'utilization', 'security'];

export interface KagentOptions {
  /** The kagent controller's base URL (`--kagent-url`, or the API server's service proxy). */
  url: string;
  /** `namespace/name`; kagent/k8s-agent by default. */
  agent?: string;
  /** The agent's own URL (its card is under it); kagent's /api/a2a/{namespace}/{name}/ by default. */
  agentUrl?: string;
  /** Limits the question to one namespace; all namespaces otherwise. */
  namespace?: string;
  /** Per analysis; agents call tools and an LLM, so this is generous. */
  timeoutMs?: number;
  /** false: never stream; `auto` (the default): stream when the agent card says it can. */
  stream?: false | 'auto';
  /** How often a task is polled when not streamed. */
  pollMs?: number;
  userId?: string;
  /** Extra request headers (an Authorization token), asked before each request. */
  headers?: A2AEndpoint['headers'];
  /** The fetch to reach the controller with (the service proxy needs the kubeconfig's credentials). */
  fetch?: typeof fetch;
  /** Host names only the cluster resolves, which the agent card may name. */
  inClusterHosts?: readonly string[];
  /**
   * Called when a task pauses for a tool approval (also when an answered task pauses again); the
   * pause can be answered or cancelled.
   */
  onPause?(pause: KagentPause): void;
  /** Whether a pause waits in our approval queue: the next run of its analysis leaves it paused. */
  held?(taskId: string): boolean;
  now?: () => number;
}

/** A task kagent paused for a human's approval of tool calls. */
export interface KagentPause {
  analysis: KagentAnalysis;
  /** `namespace/name`. */
  agent: string;
  taskId: string;
  contextId: string;
  tools: ToolCall[];
  /** What the agent said while pausing. */
  reasoning: string;
  /** Sends the decision to the paused task; resolves with what the agent did next. */
  answer(decision: Decision, reason?: string): Promise<A2AReply>;
  /** tasks/cancel on the paused task. */
  cancel(): Promise<void>;
}

const QUESTIONS: Record<KagentAnalysis, string> = {
  health:
    'Analyze the health of the cluster: pods that crash, restart, fail probes, cannot pull images or stay Pending, and deployments short of replicas or stuck in a rollout. Quote the evidence (events, last termination, logs).',
  utilization:
    'Analyze resource utilization: compare CPU and memory usage with requests and limits per workload, name over- and under-provisioned containers with current and suggested values, and workloads that need more or fewer replicas.',
  security:
    'Analyze the security posture of the workloads: containers running as root or privileged, host namespaces or hostPath, unpinned images, missing requests/limits or probes, secrets in plain env values, default service accounts with mounted tokens.',
};

export function kagentQuestion(analysis: KagentAnalysis, namespace?: string): string {
  const scope = namespace ? `Only look at namespace "${namespace}".` : 'Look at all namespaces.';
  return `${QUESTIONS[analysis]} ${scope}\n\n${SCHEMA_INSTRUCTIONS}`;
}

export interface KagentProvider {
  /** One analysis, as findings; never rejects. */
  analyze(analysis: KagentAnalysis, signal?: AbortSignal): Promise<Finding[]>;
  /** Cancels the tasks still paused (on quit: nothing is left waiting in kagent). */
  close(): Promise<void>;
}

export function createKagentProvider(options: KagentOptions): KagentProvider {
  const agent = options.agent ?? 'kagent/k8s-agent';
  const endpoint: A2AEndpoint = {
    agentUrl: options.agentUrl ?? kagentAgentUrl(options.url, agent),
    ...(options.userId ? { userId: options.userId } : {}),
    ...(options.headers ? { headers: options.headers } : {}),
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.inClusterHosts ? { inClusterHosts: options.inClusterHosts } : {}),
  };
  const [agentNamespace, agentName] = agent.split('/', 2);
  const agentRef: ResourceRef = {
    kind: 'Agent',
    namespace: agentNamespace,
    name: agentName ?? agent,
  };
  const now = options.now ?? Date.now;
  const timeoutMs = options.timeoutMs ?? 120_000;
  // The card is read once; a failed connection is tried again at the next analysis.
  let connection: Promise<A2AConnection> | undefined;
  const connected = (signal: AbortSignal): Promise<A2AConnection> => {
    connection ??= connect(endpoint, signal, { stream: options.stream !== false });
    connection.catch(() => (connection = undefined));
    return connection;
  };
  /** The tasks left paused, by task id: the next run of their analysis cancels those not held in the queue. */
  const paused = new Map<string, { analysis: KagentAnalysis; cancel(): Promise<void> }>();
  const cancelPaused = async (
    which: (analysis: KagentAnalysis, taskId: string) => boolean,
  ): Promise<void> => {
    const previous = [...paused].filter(([taskId, p]) => which(p.analysis, taskId));
    for (const [taskId] of previous) paused.delete(taskId);
    await Promise.all(previous.map(([, p]) => p.cancel()));
  };
  const send = { ...(options.pollMs ? { pollMs: options.pollMs } : {}) };

  /** The pause a reply is, answerable on its task, or undefined when it is no tool approval. */
  const pauseOf = (
    analysis: KagentAnalysis,
    client: A2AConnection,
    reply: A2AReply,
  ): KagentPause | undefined => {
    const request = readPause(reply);
    const { taskId, contextId } = reply;
    if (!request || !taskId || !contextId) return undefined;
    const pause: KagentPause = {
      analysis,
      agent,
      taskId,
      contextId,
      tools: request.tools,
      reasoning: reply.statusText,
      answer: async (decision, reason) => {
        paused.delete(taskId);
        const next = await client.send(answerMessage({ ...request, taskId, contextId }, decision, reason), {
          signal: AbortSignal.timeout(timeoutMs),
          ...send,
        });
        // Paused again for another tool: that is a new approval.
        const again = pauseOf(analysis, client, next);
        if (again) track(again);
        return next;
      },
      cancel: () => client.cancel(taskId),
    };
    return pause;
  };
  const track = (pause: KagentPause): void => {
    paused.set(pause.taskId, { analysis: pause.analysis, cancel: pause.cancel });
    options.onPause?.(pause);
  };

  return {
    async close() {
      await cancelPaused(() => true);
    },
    async analyze(analysis, stop) {
      const timeout = AbortSignal.timeout(timeoutMs);
      const signal = stop ? AbortSignal.any([timeout, stop]) : timeout;
      const status = (
        problem: string,
        fields: Omit<
          Finding,
          'id' | 'analyzer' | 'source' | 'resource' | 'affected' | 'firstSeen' | 'lastSeen' | 'count'
        >,
      ): Finding => {
        const at = now();
        return {
          id: findingId(`kagent-${analysis}`, agentRef, problem),
          analyzer: `kagent-${analysis}`,
          source: 'kagent',
          resource: agentRef,
          affected: [],
          firstSeen: at,
          lastSeen: at,
          count: 1,
          ...fields,
        };
      };
      await cancelPaused((a, taskId) => a === analysis && !options.held?.(taskId));
      let reply: A2AReply;
      let client: A2AConnection;
      try {
        client = await connected(signal);
        reply = await client.send({ text: kagentQuestion(analysis, options.namespace) }, { signal, ...send });
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        const timedOut = error instanceof A2AError && error.kind === 'timeout';
        // The agent may have moved or changed its card: read it again next time.
        if (!timedOut) connection = undefined;
        return [
          status('unavailable', {
            severity: 'warning',
            title: timedOut
              ? `kagent did not answer the ${analysis} analysis within ${timeoutMs / 1000} s`
              : `kagent ${analysis} analysis failed: ${message}`,
            detail: [`agent ${agent} at ${endpoint.agentUrl}`, message],
          }),
        ];
      }
      return fromReply(reply);

      function fromReply(reply: A2AReply): Finding[] {
        const raw = {
          text: reply.text,
          functionResponses: reply.data
            .filter((d) => d.metadata?.['kagent_type'] === 'function_response')
            .map((d) => d.data),
        };
        if (reply.state === 'input-required') {
          const request = readPause(reply);
          const { taskId, contextId } = reply;
          const pause = pauseOf(analysis, client, reply);
          if (pause) track(pause);
          const names = request?.tools.map((t) => t.name).join(', ');
          return [
            status('input-required', {
              severity: 'warning',
              title: `kagent's ${analysis} analysis waits for approval${names ? ` of ${names}` : ''}`,
              detail: [
                ...(request?.tools ?? []).map(
                  (call) => `tool call ${call.name} (id ${call.id || '?'}): ${JSON.stringify(call.args)}`,
                ),
                ...(reply.statusText ? [reply.statusText] : []),
                `task ${taskId ?? '?'}, context ${contextId ?? '?'}`,
              ],
              suggestedFix: options.held?.(taskId ?? '')
                ? 'Approve or reject the tool call in the approvals pane (a / x); this analysis asked for a read-only answer.'
                : 'Approve or reject the tool call in kagent; this analysis asked for a read-only answer.',
              raw: {
                ...raw,
                functionResponses: [
                  ...raw.functionResponses,
                  ...reply.data
                    .filter((d) =>
                      readPause({ ...reply, statusMetadata: undefined, statusData: undefined, data: [d] }),
                    )
                    .map((d) => d.data),
                ],
              },
            }),
          ];
        }
        if (reply.state !== undefined && reply.state !== 'completed') {
          return [
            status('unavailable', {
              severity: 'warning',
              title: `kagent ${analysis} analysis ended in state ${reply.state}`,
              detail: [reply.statusText || '(no message)'],
              raw,
            }),
          ];
        }
        const parsed = parseReply(reply.text);
        if (!parsed.ok) {
          return [
            status('unparsed', {
              severity: 'info',
              title: `could not parse kagent reply (${parsed.reason})`,
              detail: reply.text.split('\n'),
              raw,
            }),
          ];
        }
        return parsed.findings.map((finding) => toFinding(finding, parsed.rejected, raw));
      }

      function toFinding(parsed: ParsedFinding, rejected: string[], raw: Finding['raw']): Finding {
        const at = now();
        const problem = parsed.problem ?? slug(parsed.title);
        return {
          id: findingId(`kagent-${analysis}`, parsed.resource, problem),
          severity: parsed.severity,
          analyzer: `kagent-${analysis}`,
          source: 'kagent',
          resource: parsed.resource,
          title: parsed.title,
          detail: [...parsed.detail, ...rejected.map((r) => `(kagent reply: ${r})`)],
          affected: [agentRef],
          ...(parsed.suggestedFix ? { suggestedFix: parsed.suggestedFix } : {}),
          ...(parsed.recommendation ? { recommendation: parsed.recommendation } : {}),
          ...(parsed.runbook ? { runbook: parsed.runbook } : {}),
          ...(parsed.confidence
            ? {
                quality: {
                  confidence: parsed.confidence,
                  rationale: parsed.rationale ?? 'from the agent’s answer',
                  rule: 'kagent',
                },
              }
            : {}),
          firstSeen: at,
          lastSeen: at,
          count: 1,
          ...(raw ? { raw } : {}),
        };
      }
    },
  };
}

function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 60);
}
