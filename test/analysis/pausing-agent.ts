// A scripted kagent agent (the SDK's server side, see a2a-agents.ts) that pauses for one tool
// call and then says what it did with the answer: shared by the queue's and the pane's tests.
import { TaskState } from '@a2a-js/sdk';
import { data, startAgent, text, type ScriptedAgent, type Turn } from './a2a-agents.js';

const {
  TASK_STATE_WORKING: WORKING,
  TASK_STATE_COMPLETED: COMPLETED,
  TASK_STATE_INPUT_REQUIRED: PAUSED,
} = TaskState;

export interface Tool {
  name: string;
  args: Record<string, unknown>;
}

/**
 * An agent that pauses for `tool` (kagent's HITL extension on 1.0, ADK's confirmation on 0.3),
 * then says what it did with the answer and completes.
 */
export async function pausingAgent(version: '1.0' | '0.3', tool: Tool): Promise<ScriptedAgent> {
  const request =
    version === '1.0'
      ? data({ type: 'tool_approval_request', tools: [{ id: 'call-1', ...tool }] })
      : data(
          { name: 'adk_request_confirmation', args: { originalFunctionCall: { ...tool, id: 'call-1' } } },
          { kagent_type: 'function_call' },
        );
  const agent = await startAgent({
    version,
    streaming: true,
    script: async (turn, reply) => {
      if (!turn.known) {
        reply.task(WORKING);
        reply.status(PAUSED, [text(`I want to run ${tool.name}: frontend needs more replicas.`), request]);
        return;
      }
      const answer = decisionOf(turn);
      reply.task(WORKING);
      reply.status(COMPLETED, [
        text(answer.approved ? `ran ${tool.name}` : `did not run ${tool.name}: told "${answer.reason}"`),
      ]);
    },
  });
  return agent;
}

/** The decision a turn carries, in either shape. */
export function decisionOf(turn: Turn): { approved: boolean; reason?: string } {
  const d = turn.data[0] as {
    decision_type?: string;
    reason?: string;
    approvals?: { approved: boolean; rejection_reason?: string }[];
  };
  if (d.approvals) return { approved: d.approvals[0]!.approved, reason: d.approvals[0]!.rejection_reason };
  return { approved: d.decision_type === 'approve', reason: d.reason };
}

export const SCALE: Tool = { name: 'k8s_scale', args: { name: 'frontend', namespace: 'todo', replicas: 3 } };
