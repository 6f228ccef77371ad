// A kagent tool approval as a recommendation in our queue. The pause becomes a `kagent-approval`
// operation whose tools carry the kubectl operation each amounts to (so the policy tiers it as
// that command, floors included); the live pauses are kept here by task, for the queue to answer:
// a cockpit that restarted holds none, and then the answer fails rather than anything else running.
import type { Operation, ToolCall } from '../../model/operation.js';
import type { AnswerKagent, Proposal } from '../../workflow/queue.js';
import { isWaiting } from '../../workflow/waiting.js';
import type { Recommendation } from '../../state/types.js';
import { canonical } from '../../audit/record-format.js';
import type { A2AReply } from './a2a.js';
import type { KagentPause } from './provider.js';
import { toolEquivalent } from '../../workflow/kagent-tools.js';

const callLine = (call: ToolCall): string => `${call.name}(${JSON.stringify(call.args)})`;

/** The operation a pause asks us to approve: its target and kubectl are its tools' (the first mutating one leads). */
export function approvalOperation(
  pause: Pick<KagentPause, 'agent' | 'analysis' | 'taskId' | 'contextId' | 'tools'>,
): Operation {
  const tools = pause.tools.map((call) => ({ ...call, equivalent: toolEquivalent(call) }));
  const lead = tools.find((t) => t.equivalent)?.equivalent;
  const [namespace, name] = pause.agent.split('/', 2);
  return {
    kind: 'kagent-approval',
    target: lead?.target ?? { kind: 'Agent', namespace, name: name ?? pause.agent },
    summary: `answer kagent ${pause.agent}: run ${pause.tools.map(callLine).join(', ')}`,
    kubectl: tools.map((t) => t.equivalent?.kubectl ?? `(read-only ${t.name})`).join('; '),
    agent: pause.agent,
    analysis: pause.analysis,
    taskId: pause.taskId,
    contextId: pause.contextId,
    tools,
  };
}

/** The recommendation for a pause: the tools and their arguments, the agent's reasoning as evidence. */
export function approvalProposal(pause: KagentPause): Proposal {
  const operation = approvalOperation(pause);
  return {
    operation,
    source: 'kagent',
    title: `kagent ${pause.agent} asks to run ${pause.tools.map((t) => t.name).join(', ')}`,
    evidence: [
      ...(pause.reasoning ? [`the agent: ${pause.reasoning}`] : []),
      ...pause.tools.map(
        (call) =>
          `tool call ${callLine(call)} (id ${call.id || '?'}) = ${toolEquivalent(call)?.kubectl ?? 'read-only'}`,
      ),
      `task ${pause.taskId}, context ${pause.contextId} (${pause.analysis} analysis)`,
    ],
    // What an agent asks for is never run just because it asked.
    hold: true,
  };
}

/** What the agent did with an answer, in one line (for the record). */
export function replyLine(reply: Pick<A2AReply, 'state' | 'text' | 'statusText'>): string {
  // The status message and the text often repeat each other: each once.
  const said = [...new Set([reply.statusText.trim(), reply.text.trim()])]
    .filter(Boolean)
    .join(' ')
    .replace(/\s+/g, ' ');
  return `${reply.state ?? 'no state'}${said ? `: ${said}` : ''}`;
}

/** The pauses this cockpit holds for the queue, by task id. */
export interface PauseRegistry {
  hold(pause: KagentPause): void;
  held(taskId: string): boolean;
  /**
   * Answers the held pause of `taskId` (and lets it go) when it waits on exactly `tools` (what the
   * record holds, so what was approved); throws, sending nothing, otherwise or when none is held.
   */
  answer: AnswerKagent;
}

export function createPauseRegistry(): PauseRegistry {
  const pauses = new Map<string, KagentPause>();
  return {
    hold: (pause) => void pauses.set(pause.taskId, pause),
    held: (taskId) => pauses.has(taskId),
    async answer(taskId, tools, decision, reason) {
      const pause = pauses.get(taskId);
      if (!pause)
        throw new Error(
          `kagent task ${taskId} is not paused in this cockpit (it restarted, or the task was answered or cancelled); nothing was sent`,
        );
      const calls = (list: readonly ToolCall[]) =>
        canonical(list.map(({ id, name, args }) => ({ id, name, args })));
      if (calls(pause.tools) !== calls(tools))
        throw new Error(
          `kagent task ${taskId} waits on other tool calls than the record holds; nothing was sent`,
        );
      pauses.delete(taskId);
      const reply = await pause.answer(decision, reason);
      return { state: reply.state, line: replyLine(reply) };
    },
  };
}

/** The cockpit's onPause: the pause is held for the queue and proposed there. */
export function holdAndPropose<T>(
  registry: PauseRegistry,
  propose: (proposal: Proposal) => Promise<T>,
): (pause: KagentPause) => Promise<T> {
  return (pause) => {
    registry.hold(pause);
    return propose(approvalProposal(pause));
  };
}

/**
 * Whether a paused task still waits on our queue: a recommendation for it awaits approval within
 * its window, or is approved and not yet answered. Once it expired (or was never queued), the next
 * run cancels the task, so it does not stay paused in kagent.
 */
export function waitsInQueue(
  recommendations: readonly Pick<Recommendation, 'operation' | 'status' | 'expires'>[],
  taskId: string,
  now: number,
): boolean {
  return recommendations.some(
    (r) =>
      r.operation.kind === 'kagent-approval' &&
      r.operation.taskId === taskId &&
      isWaiting(
        { status: r.status, ...(r.expires ? { expires: new Date(r.expires).toISOString() } : {}) },
        now,
      ),
  );
}
