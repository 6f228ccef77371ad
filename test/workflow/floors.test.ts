// The built-in floors and what a policy may do to them.
import { describe, expect, it } from 'vitest';
import { floorOf } from '../../src/workflow/floors.js';
import { DEFAULT_POLICY, weakenings, effectiveTier } from '../../src/workflow/policy.js';
import { parsePolicy } from '../../src/workflow/policy-file.js';

const target = (kind: string) => ({ kind, namespace: 'todo', name: 'x' });

describe('built-in floors', () => {
  it.each([
    ['delete', 'Deployment', 'critical'],
    ['delete', 'Namespace', 'critical'],
    ['patch', 'Secret', 'critical'],
    ['generic', 'Deployment', 'critical'],
    ['apply', 'Deployment', 'critical'],
    ['helm-upgrade', 'Deployment', 'critical'],
    ['drain', 'Node', 'critical'],
    ['set-resources', 'Deployment', 'medium'],
    ['create-hpa', 'Deployment', 'medium'],
    ['scale', 'Deployment', 'low'],
    ['delete-pod', 'Pod', 'trivial'],
    // The cockpit's keys: a kill is never trivial, wherever the pod runs; a pod's trivial delete
    // aimed at anything but a pod is a delete.
    ['kill-pod', 'Pod', 'low'],
    ['kill-pod', 'PersistentVolumeClaim', 'critical'],
    ['delete-pod', 'PersistentVolumeClaim', 'critical'],
    ['delete-pod', 'Secret', 'critical'],
    ['delete-pod', 'Node', 'critical'],
    ['delete', 'PersistentVolumeClaim', 'critical'],
    ['delete', 'Secret', 'critical'],
    ['delete', 'Node', 'critical'],
    ['delete', 'Event', 'critical'],
    ['rollout-restart', 'StatefulSet', 'trivial'],
    ['rollout-restart', 'Secret', 'critical'],
    ['scale', 'StatefulSet', 'low'],
    ['no-such-kind', 'Deployment', 'critical'],
  ])('%s of a %s is at least %s', (kind, targetKind, tier) => {
    expect(floorOf({ kind, target: target(targetKind) })).toBe(tier);
  });

  it.each([
    ['kill-pod', 'prod', 'low'],
    ['kill-pod', 'todo', 'low'],
    ['delete-pod', 'prod', 'trivial'],
    ['apply', 'prod', 'critical'],
    ['rollout-restart', 'prod', 'trivial'],
  ])('the default policy puts %s of a pod in namespace %s at %s', (kind, namespace, tier) => {
    const op = { kind, target: { kind: 'Pod', namespace, name: 'x' }, summary: '', kubectl: '' };
    expect(effectiveTier(op as Parameters<typeof effectiveTier>[0], DEFAULT_POLICY)).toBe(tier);
  });

  it('a policy may raise kills in a production namespace, never lower them below low', () => {
    const raised = parsePolicy(
      'rules:\n  - {kinds: [kill-pod], namespace: prod, tier: medium}\n  - {kinds: [kill-pod], tier: low}\n',
    );
    const kill = (namespace: string) =>
      effectiveTier(
        { kind: 'kill-pod', target: { kind: 'Pod', namespace, name: 'x' }, summary: '', kubectl: '' },
        raised,
      );
    expect([kill('prod'), kill('dev')]).toEqual(['medium', 'low']);
    expect(() => parsePolicy('rules:\n  - {kinds: [kill-pod], tier: trivial}\n', 'p.yaml')).toThrow(
      /puts kill-pod at trivial, below its built-in floor low/,
    );
  });

  it('the default policy is not below any floor', () => {
    expect(weakenings(DEFAULT_POLICY)).toEqual([]);
  });

  it.each([
    [
      'rules:\n  - {kinds: [delete], tier: trivial}\n',
      /^p\.yaml:2: rules\[0\] puts delete at trivial, below its built-in floor critical; a weaker policy needs the signatures of two allowed signers \(aiops-tui sign p\.yaml\)$/,
    ],
    [
      'rules:\n  - {kinds: [generic], tier: low}\n',
      /^p\.yaml:2: rules\[0\] puts generic at low, below its built-in floor critical/,
    ],
    ['rules:\n  - {kinds: [set-resources], tier: low}\n', /^p\.yaml:2: rules\[0\] puts set-resources at low/],
    [
      'tiers:\n  low:\n    approvers: 0\n    window_minutes: 5\n',
      /^p\.yaml:3: tier low with 0 approvers is below the built-in minimum 1/,
    ],
  ])('an unsigned weaker policy is one line naming the file and the rule: %j', (text, message) => {
    expect(() => parsePolicy(text, 'p.yaml')).toThrow(message);
    expect(() => parsePolicy(text, 'p.yaml', () => ['alice'])).toThrow(/only alice signed/);
  });

  it('two co-signers make a weaker policy valid, and only then can a tier go below its floor', () => {
    const text = 'rules:\n  - {kinds: [delete], tier: trivial}\n';
    const op = { kind: 'delete', target: target('Deployment'), summary: '', kubectl: '' } as const;
    const signed = parsePolicy(text, 'p.yaml', () => ['alice', 'bob']);
    expect(effectiveTier(op, signed)).toBe('trivial');
    // A policy that raises nothing and lowers nothing still cannot lower a floor.
    expect(effectiveTier(op, DEFAULT_POLICY)).toBe('critical');
  });
});
