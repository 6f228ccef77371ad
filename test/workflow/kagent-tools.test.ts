// A paused kagent tool call read as the kubectl command kagent runs for it, and tiered by the
// policy as that command would be.
import { describe, expect, it } from 'vitest';
import { toolCallOperation } from '../../src/workflow/kagent-tools.js';
import { parseCommand } from '../../src/workflow/command-parser.js';
import { DEFAULT_POLICY, effectiveTier } from '../../src/workflow/policy.js';

describe('kagent tool calls as kubectl operations', () => {
  it.each<[string, Record<string, unknown>, string]>([
    ['k8s_get_resources', { resource_type: 'pod', namespace: 'todo' }, 'read-only'],
    ['k8s_describe_resource', { resource_type: 'pod', resource_name: 'web-1' }, 'read-only'],
    ['k8s_get_pod_logs', { pod_name: 'web-1', namespace: 'todo' }, 'read-only'],
    ['k8s_get_events', {}, 'read-only'],
    ['k8s_scale', { name: 'web', namespace: 'todo', replicas: 3 }, 'scale'],
    [
      'k8s_delete_resource',
      { resource_type: 'pod', resource_name: 'web-1', namespace: 'todo' },
      'delete-pod',
    ],
    [
      'k8s_patch_resource',
      {
        resource_type: 'deployment',
        resource_name: 'web',
        namespace: 'todo',
        patch: '{"spec":{"paused":true}}',
      },
      'patch',
    ],
    [
      'k8s_rollout',
      { action: 'restart', resource_type: 'deployment', resource_name: 'web', namespace: 'todo' },
      'rollout-restart',
    ],
    [
      'k8s_label_resource',
      { resource_type: 'pod', resource_name: 'web-1', labels: 'tier=web', namespace: 'todo' },
      'label',
    ],
    ['k8s_apply_manifest', { manifest: 'kind: ConfigMap' }, 'apply'],
  ])('%s %j is %s', (name, args, expected) => {
    const parsed = toolCallOperation({ id: 'c1', name, args });
    expect(parsed.kind === 'mutating' ? parsed.operation.kind : parsed.kind).toBe(expected);
  });

  it('targets what the tool would change, in the namespace kagent defaults to', () => {
    const parsed = toolCallOperation({ id: 'c1', name: 'k8s_scale', args: { name: 'web', replicas: 0 } });
    expect(parsed).toMatchObject({
      kind: 'mutating',
      operation: {
        kind: 'scale',
        replicas: 0,
        target: { kind: 'Deployment', namespace: 'default', name: 'web' },
      },
    });
  });

  it('a tool it does not know is unknown, never read-only', () => {
    expect(toolCallOperation({ id: 'c1', name: 'helm_upgrade', args: {} })).toEqual({
      kind: 'unknown',
      tool: 'helm_upgrade',
    });
  });

  it.each<[string, Record<string, unknown>, string]>([
    [
      'k8s_delete_resource',
      { resource_type: 'pod', resource_name: 'web-1', namespace: 'todo' },
      'kubectl delete pod web-1 -n todo',
    ],
    [
      'k8s_scale',
      { name: 'web', namespace: 'todo', replicas: 9 },
      'kubectl scale deployment web --replicas=9 -n todo',
    ],
    [
      'k8s_label_resource',
      { resource_type: 'node', resource_name: 'n1', labels: 'x=y' },
      'kubectl label node n1 x=y',
    ],
    ['k8s_apply_manifest', { manifest: 'kind: ConfigMap' }, 'kubectl apply -f -'],
  ])('%s is tiered by the policy as `%s`', (name, args, command) => {
    const tool = toolCallOperation({ id: 'c1', name, args });
    const kubectl = parseCommand(command);
    expect(tool.kind).toBe('mutating');
    expect(kubectl.kind).toBe('mutating');
    if (tool.kind !== 'mutating' || kubectl.kind !== 'mutating') return;
    expect(effectiveTier(tool.operation, DEFAULT_POLICY)).toBe(
      effectiveTier(kubectl.operation, DEFAULT_POLICY),
    );
  });
});
