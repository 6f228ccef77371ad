// kagent as a findings source: asks an agent (default kagent/k8s-agent) for a health, utilization
// or security analysis over A2A and turns the answer into findings marked 'kagent'. Every outcome
// is findings: a time-out, an HTTP or JSON-RPC error, a failed task, a pause for approval and an
// unparseable reply each become one finding saying so. Nothing here throws.
import { findingId } from '../finding.js';
import type { Finding, ResourceRef } from '../types.js';
import { A2AError, fetchAgentCard, sendMessage, type A2AEndpoint, type A2AReply } from './a2a.js';
import { parseReply, SCHEMA_INSTRUCTIONS, type ParsedFinding } from './schema.js';

export type KagentAnalysis = 'health' | 'utilization' | 'security';
export const KAGENT_ANALYSES: readonly KagentAnalysis[] = ['health', 'utilization', 'security'];

export interface KagentOptions {
  /** The kagent controller's base URL (`--kagent-url`). */
  url: string;
  /** `namespace/name`; kagent/k8s-agent by default. */
  agent?: string;
  /** Limits the question to one namespace; all namespaces otherwise. */
  namespace?: string;
  /** Per analysis; agents call tools and an LLM, so this is generous. */
  timeoutMs?: number;
  /** message/stream (SSE) or message/send; `auto` follows the agent card's capabilities.streaming. */
  stream?: boolean | 'auto';
  userId?: string;
  now?: () => number;
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
}

export function createKagentProvider(options: KagentOptions): KagentProvider {
  const endpoint: A2AEndpoint = {
    baseUrl: options.url,
    agent: options.agent ?? 'kagent/k8s-agent',
    ...(options.userId ? { userId: options.userId } : {}),
  };
  const [agentNamespace, agentName] = endpoint.agent.split('/', 2);
  const agentRef: ResourceRef = {
    kind: 'Agent',
    namespace: agentNamespace,
    name: agentName ?? endpoint.agent,
  };
  const now = options.now ?? Date.now;
  const timeoutMs = options.timeoutMs ?? 120_000;
  let streaming: boolean | undefined =
    options.stream === 'auto' || options.stream === undefined ? undefined : options.stream;

  async function shouldStream(signal: AbortSignal): Promise<boolean> {
    if (streaming === undefined) {
      const card = await fetchAgentCard(endpoint, signal);
      const capabilities = card['capabilities'] as { streaming?: unknown } | undefined;
      streaming = capabilities?.streaming === true;
    }
    return streaming;
  }

  return {
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
      let reply: A2AReply;
      try {
        reply = await sendMessage(endpoint, kagentQuestion(analysis, options.namespace), {
          stream: await shouldStream(signal),
          signal,
        });
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        const timedOut = error instanceof A2AError && error.kind === 'timeout' && !stop?.aborted;
        return [
          status('unavailable', {
            severity: 'warning',
            title: timedOut
              ? `kagent did not answer the ${analysis} analysis within ${timeoutMs / 1000} s`
              : `kagent ${analysis} analysis failed: ${message}`,
            detail: [`agent ${endpoint.agent} at ${options.url}`, message],
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
          const confirmation = reply.data.find((d) => d.data['name'] === 'adk_request_confirmation');
          const call = (
            confirmation?.data['args'] as
              { originalFunctionCall?: { name?: string; args?: unknown; id?: string } } | undefined
          )?.originalFunctionCall;
          return [
            status('input-required', {
              severity: 'warning',
              title: `kagent's ${analysis} analysis waits for approval${call?.name ? ` of ${call.name}` : ''}`,
              detail: [
                ...(call
                  ? [
                      `tool call ${call.name ?? '?'} (id ${call.id ?? '?'}): ${JSON.stringify(call.args ?? {})}`,
                    ]
                  : []),
                ...(reply.statusText ? [reply.statusText] : []),
                `task ${reply.taskId ?? '?'}, context ${reply.contextId ?? '?'}`,
              ],
              suggestedFix:
                'Approve or reject the tool call in kagent; this analysis asked for a read-only answer.',
              raw: {
                ...raw,
                functionResponses: [...raw.functionResponses, ...(confirmation ? [confirmation.data] : [])],
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
