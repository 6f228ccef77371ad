// kagent pauses a task in `input-required` when a tool needs a human's approval. Two shapes are
// in the wild: kagent 0.8–0.10 put an ADK `adk_request_confirmation` function call in a data part
// and take `{decision_type}` back; kagent's HITL extension (main/1.0) puts a
// `tool_approval_request` in the status message's metadata (or a data part) and takes a
// `tool_approval_response` back, with the extension named in the A2A-Extensions header.
// The SDK types data parts as `any`: these schemas check them.
import * as z from 'zod';
import type { ToolCall } from '../../model/operation.js';
import type { A2AReply, Outgoing } from './a2a.js';

export const HITL_EXTENSION = 'https://kagent.dev/extensions/hitl/v1';

export type Decision = 'approve' | 'reject';

export interface PauseRequest {
  style: 'adk-confirmation' | 'hitl-extension';
  tools: ToolCall[];
}

const Args = z.record(z.string(), z.unknown()).catch({});

const AdkConfirmation = z.object({
  name: z.literal('adk_request_confirmation'),
  args: z.object({
    originalFunctionCall: z.object({
      name: z.string().min(1),
      args: Args.default({}),
      id: z.string().default(''),
    }),
  }),
});

const HitlRequest = z.object({
  type: z.literal('tool_approval_request'),
  tools: z
    .array(
      z.object({
        id: z.string().optional(),
        call_id: z.string().optional(),
        name: z.string().min(1),
        args: Args.default({}),
      }),
    )
    .min(1),
});

/** The tool calls a paused reply waits on, or undefined when it is not a tool approval. */
export function readPause(reply: A2AReply): PauseRequest | undefined {
  if (reply.state !== 'input-required') return undefined;
  // What the pausing status message asks; a continued task's history also holds the requests
  // already answered, so the whole reply is read only when that message carries none.
  const asked = reply.statusData?.length ? readRequest(reply.statusMetadata, reply.statusData) : undefined;
  return asked ?? readRequest(reply.statusMetadata, reply.data);
}

function readRequest(
  metadata: A2AReply['statusMetadata'],
  parts: A2AReply['data'],
): PauseRequest | undefined {
  const hitl = [metadata, ...parts.map((d) => d.data)]
    .map((candidate) => HitlRequest.safeParse(candidate))
    .find((parsed) => parsed.success)?.data;
  if (hitl) {
    return {
      style: 'hitl-extension',
      tools: hitl.tools.map((t) => ({ id: t.id ?? t.call_id ?? '', name: t.name, args: t.args })),
    };
  }
  const calls = parts.flatMap((d) => {
    const parsed = AdkConfirmation.safeParse(d.data);
    return parsed.success ? [parsed.data.args.originalFunctionCall] : [];
  });
  return calls.length ? { style: 'adk-confirmation', tools: calls } : undefined;
}

/** The user message that answers `pause` on its task. */
export function answerMessage(
  pause: PauseRequest & { taskId: string; contextId: string },
  decision: Decision,
  reason?: string,
): Outgoing {
  const ids = { taskId: pause.taskId, contextId: pause.contextId };
  if (pause.style === 'hitl-extension') {
    return {
      ...ids,
      extensions: [HITL_EXTENSION],
      data: {
        type: 'tool_approval_response',
        approvals: pause.tools.map((tool) => ({
          id: tool.id,
          approved: decision === 'approve',
          ...(decision === 'reject' && reason ? { rejection_reason: reason } : {}),
        })),
      },
    };
  }
  return { ...ids, data: { decision_type: decision, ...(reason ? { reason } : {}) } };
}
