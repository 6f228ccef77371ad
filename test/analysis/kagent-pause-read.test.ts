// Which tool calls a paused reply waits on: the pausing status message's request, not one a
// continued task's history still holds from an earlier, already answered pause.
import { describe, expect, it } from 'vitest';
import type { A2AReply } from '../../src/analysis/kagent/a2a.js';
import { readPause } from '../../src/analysis/kagent/pause.js';

const hitl = (id: string, name: string) => ({
  data: { type: 'tool_approval_request', tools: [{ id, name, args: {} }] },
});
const adk = (id: string, name: string) => ({
  data: { name: 'adk_request_confirmation', args: { originalFunctionCall: { id, name, args: {} } } },
  metadata: { kagent_type: 'function_call' },
});
const paused = (fields: Partial<A2AReply>): A2AReply => ({
  state: 'input-required',
  text: '',
  statusText: '',
  data: [],
  ...fields,
});

describe('the tool calls a pause waits on', () => {
  it.each<[string, A2AReply, string[] | undefined]>([
    [
      'a first pause',
      paused({ data: [hitl('c1', 'k8s_scale')], statusData: [hitl('c1', 'k8s_scale')] }),
      ['c1'],
    ],
    [
      'a second pause of a continued task (HITL): the new request, not the answered one',
      paused({
        data: [hitl('c1', 'k8s_scale'), hitl('c2', 'k8s_rollout')],
        statusData: [hitl('c2', 'k8s_rollout')],
      }),
      ['c2'],
    ],
    [
      'a second pause of a continued task (ADK)',
      paused({
        data: [adk('c1', 'k8s_scale'), adk('c2', 'k8s_rollout')],
        statusData: [adk('c2', 'k8s_rollout')],
      }),
      ['c2'],
    ],
    [
      'a request only in the task history',
      paused({ data: [adk('c1', 'k8s_scale')], statusData: [] }),
      ['c1'],
    ],
    [
      'a request in the status metadata',
      paused({ statusMetadata: hitl('c3', 'k8s_scale').data, statusData: [] }),
      ['c3'],
    ],
    ['a completed task', { ...paused({ data: [hitl('c1', 'k8s_scale')] }), state: 'completed' }, undefined],
    ['a pause with no tool call', paused({ statusData: [{ data: { note: 'hi' } }] }), undefined],
  ])('%s', (_what, reply, ids) => {
    expect(readPause(reply)?.tools.map((t) => t.id)).toEqual(ids);
  });
});
