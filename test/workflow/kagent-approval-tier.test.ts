// A kagent tool approval is tiered as the kubectl command its tool runs, never lower: the tools
// are read again from their names and arguments (what a record stores as their equivalent is not
// trusted), arguments cannot smuggle another verb or namespace past the parser, and a tool we
// cannot read is critical.
import { describe, expect, it } from 'vitest';
import { approvalOperation, waitsInQueue } from '../../src/analysis/kagent/approval.js';
import { toolCallWords } from '../../src/workflow/kagent-tools.js';
import type { ToolCall } from '../../src/model/operation.js';
import { parseCommand, quoteCommand } from '../../src/workflow/command-parser.js';
import { floorOf } from '../../src/workflow/floors.js';
import type { Operation } from '../../src/model/operation.js';
import { DEFAULT_POLICY, effectiveTier } from '../../src/workflow/policy.js';
import { parsePolicy } from '../../src/workflow/policy-file.js';
import { kagentOutcome } from '../../src/workflow/queue.js';
import type { RecordStatus, Tier } from '../../src/audit/types.js';

const pauseWith = (...tools: ToolCall[]) => ({
  agent: 'kagent/k8s-agent',
  analysis: 'health' as const,
  taskId: 'task-1',
  contextId: 'ctx-1',
  tools,
});
const call = (name: string, args: Record<string, unknown>, id = 'c1'): ToolCall => ({ id, name, args });
const tierOfCalls = (...tools: ToolCall[]) =>
  effectiveTier(approvalOperation(pauseWith(...tools)), DEFAULT_POLICY);

/** The tier the same words get when a person proposes them as a kubectl command. */
const kubectlTier = (words: string[]): Tier => {
  const parsed = parseCommand(quoteCommand(['kubectl', ...words]));
  return parsed.kind === 'mutating' ? effectiveTier(parsed.operation, DEFAULT_POLICY) : 'trivial';
};

describe('the tier of a kagent tool approval', () => {
  it.each<[string, ToolCall, Tier]>([
    ['a read-only tool', call('k8s_get_resources', { resource_type: 'pod', namespace: 'todo' }), 'trivial'],
    [
      'a pod delete',
      call('k8s_delete_resource', { resource_type: 'pod', resource_name: 'web-1', namespace: 'todo' }),
      'trivial',
    ],
    [
      'a scale (current replicas unknown)',
      call('k8s_scale', { name: 'web', namespace: 'todo', replicas: 3 }),
      'medium',
    ],
    [
      'a rollout undo',
      call('k8s_rollout', {
        action: 'undo',
        resource_type: 'deployment',
        resource_name: 'web',
        namespace: 'todo',
      }),
      'medium',
    ],
    [
      'a patch (the built-in policy has no rule for it)',
      call('k8s_patch_resource', {
        resource_type: 'deployment',
        resource_name: 'web',
        namespace: 'todo',
        patch: '{}',
      }),
      'critical',
    ],
    ['an apply', call('k8s_apply_manifest', { manifest: 'kind: ConfigMap' }), 'critical'],
    [
      'a delete of a namespace',
      call('k8s_delete_resource', { resource_type: 'namespace', resource_name: 'todo' }),
      'critical',
    ],
    [
      'a label on a Secret',
      call('k8s_label_resource', {
        resource_type: 'secret',
        resource_name: 'db',
        labels: 'a=b',
        namespace: 'todo',
      }),
      'critical',
    ],
    [
      'an exec in a pod',
      call('k8s_execute_command', { pod_name: 'web-1', namespace: 'todo', command: 'rm -rf /' }),
      'critical',
    ],
    ['a tool we do not know', call('helm_upgrade', { release: 'web' }), 'critical'],
    ['a tool without a name', call('', {}), 'critical'],
    // Arguments that try to smuggle in another cluster, verb or namespace:
    [
      'an annotation smuggling --context',
      call('k8s_annotate_resource', {
        resource_type: 'deployment',
        resource_name: 'web',
        annotations: 'a=b --context=prod',
        namespace: 'todo',
      }),
      'critical',
    ],
    [
      'a patch type smuggling --context',
      call('k8s_patch_resource', {
        resource_type: 'deployment',
        resource_name: 'web',
        namespace: 'todo',
        patch: '{}',
        patch_type: 'merge --context=prod',
      }),
      'critical',
    ],
    [
      'a resource type naming a Secret in a patch',
      call('k8s_patch_resource', {
        resource_type: 'secret',
        resource_name: 'db',
        namespace: 'todo',
        patch: '{}',
      }),
      'critical',
    ],
  ])('%s (%j) is %s', (_what, tool, expected) => {
    expect(tierOfCalls(tool)).toBe(expected);
  });

  it.each<ToolCall>([
    call('k8s_scale', { name: 'web', namespace: 'todo', replicas: 0 }),
    call('k8s_delete_resource', { resource_type: 'deployment', resource_name: 'web', namespace: 'todo' }),
    call('k8s_rollout', {
      action: 'restart',
      resource_type: 'deployment',
      resource_name: 'web',
      namespace: 'todo',
    }),
    call('k8s_label_resource', {
      resource_type: 'pod',
      resource_name: 'web-1',
      labels: 'app=x -n kube-system',
      namespace: 'todo',
    }),
    call('k8s_scale', { name: 'web -n kube-system', namespace: 'todo', replicas: 3 }),
    call('k8s_remove_annotation', { resource_type: 'node', resource_name: 'n1', annotation_key: 'a' }),
  ])('%j is tiered exactly as the kubectl command kagent runs for it', (tool) => {
    expect(tierOfCalls(tool)).toBe(kubectlTier(toolCallWords(tool)!));
  });

  it('targets the namespace kubectl would act in when arguments repeat -n (the last one wins)', () => {
    const op = approvalOperation(
      pauseWith(
        call('k8s_label_resource', {
          resource_type: 'pod',
          resource_name: 'web-1',
          labels: 'app=x -n kube-system',
          namespace: 'todo',
        }),
      ),
    );
    expect(op.target).toEqual({ kind: 'Pod', namespace: 'todo', name: 'web-1' });
  });

  it('takes the highest tier of several tool calls', () => {
    expect(
      tierOfCalls(
        call('k8s_get_resources', { resource_type: 'pod' }, 'c1'),
        call(
          'k8s_delete_resource',
          { resource_type: 'pod', resource_name: 'web-1', namespace: 'todo' },
          'c2',
        ),
        call('k8s_apply_manifest', { manifest: 'kind: ConfigMap' }, 'c3'),
      ),
    ).toBe('critical');
  });

  it('reads the tools again: a stored equivalent claiming read-only does not lower the tier or the floor', () => {
    const forged = {
      ...approvalOperation(pauseWith(call('k8s_get_resources', { resource_type: 'pod' }))),
      tools: [
        {
          id: 'c1',
          name: 'k8s_delete_resource',
          args: { resource_type: 'namespace', resource_name: 'prod' },
          equivalent: null,
        },
      ],
    } as Operation;
    expect(effectiveTier(forged, DEFAULT_POLICY)).toBe('critical');
    expect(floorOf(forged)).toBe('critical');
  });

  it.each<[string, unknown]>([
    ['no tools', []],
    ['tools that are not an array', 'k8s_scale'],
    ['a tool without arguments', [{ id: 'c1', name: 'k8s_scale' }]],
  ])('with %s is critical, floor included', (_what, tools) => {
    const op = { ...approvalOperation(pauseWith(call('k8s_get_resources', {}))), tools } as Operation;
    expect(effectiveTier(op, DEFAULT_POLICY)).toBe('critical');
    expect(floorOf(op)).toBe('critical');
  });

  it('a policy rule naming kagent-approval cannot lower a tool below its kubectl tier', () => {
    const policy = parsePolicy('rules:\n  - {kinds: [kagent-approval], tier: trivial}\n');
    const op = approvalOperation(pauseWith(call('k8s_apply_manifest', { manifest: 'kind: ConfigMap' })));
    expect(effectiveTier(op, policy)).toBe('critical');
  });
});

describe("what the agent's state after an approval says of it", () => {
  it.each<[string | undefined, boolean]>([
    ['completed', true],
    ['input-required', true],
    ['working', true],
    ['failed', false],
    ['rejected', false],
    ['canceled', false],
    [undefined, false],
  ])('%s: ok %s', (state, ok) => {
    expect(kagentOutcome(state).ok).toBe(ok);
  });
});

describe('whether a paused task still waits on the queue (else the next run cancels it)', () => {
  const op = approvalOperation(pauseWith(call('k8s_scale', { name: 'web', replicas: 3 })));
  const rec = (status: RecordStatus, expires?: number, operation: Operation = op) => ({
    operation,
    status,
    expires,
  });
  const other = { ...op, taskId: 'task-2' } as Operation;
  it.each<[string, ReturnType<typeof rec>[], boolean]>([
    ['awaiting approval within its window', [rec('awaiting-approval', 2_000)], true],
    ['awaiting approval after its window closed', [rec('awaiting-approval', 1_000)], false],
    ['approved, not yet answered', [rec('approved', 1_000)], true],
    ['expired', [rec('expired', 1_000)], false],
    ['rejected', [rec('rejected', 2_000)], false],
    ['validated', [rec('validated', 2_000)], false],
    ['queued for another task only', [rec('awaiting-approval', 2_000, other)], false],
    ['never queued', [], false],
  ])('%s: %s', (_what, recommendations, waits) => {
    expect(waitsInQueue(recommendations, 'task-1', 1_500)).toBe(waits);
  });
});
