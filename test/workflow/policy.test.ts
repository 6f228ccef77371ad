import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../src/workflow/command-parser.js';
import { DEFAULT_POLICY, PolicyError, approvalRule, tierOf } from '../../src/workflow/policy.js';
import { loadPolicy, parsePolicy } from '../../src/workflow/policy-file.js';

const op = (command: string) => {
  const parsed = parseCommand(command);
  if (parsed.kind !== 'mutating') throw new Error(command);
  return parsed.operation;
};

describe('risk tiers from the operations plan', () => {
  it.each([
    ['kubectl delete pod backend-x -n todo', undefined, 'trivial'],
    ['kubectl rollout restart deployment/backend -n todo', undefined, 'trivial'],
    ['kubectl scale deployment/frontend --replicas=2 -n todo', 1, 'low'],
    ['kubectl scale deployment/frontend --replicas=3 -n todo', 1, 'low'],
    ['kubectl scale deployment/frontend --replicas=6 -n todo', 1, 'medium'],
    ['kubectl scale deployment/frontend --replicas=2 -n todo', undefined, 'medium'],
    ['kubectl autoscale deployment backend --min=2 --max=5 -n todo', undefined, 'medium'],
    ['kubectl autoscale deployment backend --min=2 --max=50 -n todo', undefined, 'critical'],
    ['kubectl set resources deployment/backend --limits=memory=1Gi -n todo', undefined, 'medium'],
    ['kubectl rollout undo deployment/backend -n todo', undefined, 'medium'],
    ['helm rollback todo 2 -n todo', undefined, 'medium'],
    ['kubectl delete secret todo-backend -n todo', undefined, 'critical'],
    ['kubectl delete namespace todo', undefined, 'critical'],
    ['kubectl apply -f all.yaml', undefined, 'critical'],
    ['kubectl drain minikube', undefined, 'critical'],
    ['kubectl exec -it backend -- sh', undefined, 'critical'],
  ] as const)('%s (current %s) → %s', (command, current, tier) => {
    expect(tierOf(op(command), DEFAULT_POLICY, current)).toBe(tier);
  });

  it('each tier says how many approvers and how long the window is', () => {
    expect(approvalRule('trivial', DEFAULT_POLICY)).toEqual({ approvers: 0, windowMs: 5 * 60_000 });
    expect(approvalRule('low', DEFAULT_POLICY)).toEqual({ approvers: 1, windowMs: 5 * 60_000 });
    expect(approvalRule('medium', DEFAULT_POLICY)).toEqual({ approvers: 1, windowMs: 30 * 60_000 });
    expect(approvalRule('critical', DEFAULT_POLICY)).toEqual({ approvers: 2, windowMs: 120 * 60_000 });
  });
});

describe('a policy file', () => {
  it('overrides the defaults', () => {
    const policy = parsePolicy(
      'hpa_max_replicas: 20\ntiers:\n  critical:\n    approvers: 3\n    window_minutes: 90\n',
    );
    expect(policy.hpa_max_replicas).toBe(20);
    expect(policy.tiers.critical).toEqual({ approvers: 3, window_minutes: 90 });
    expect(policy.tiers.low).toEqual(DEFAULT_POLICY.tiers.low);
  });

  it.each([
    ['tiers:\n  low:\n    approvers: -1\n    window_minutes: 5\n', /^policy\.yaml:3: tiers\.low\.approvers /],
    [
      'tiers:\n  critical:\n    approvers: 1\n    window_minutes: 60\n',
      /^policy\.yaml:3: tiers\.critical\.approvers must be at least 2 \(two-person rule\)$/,
    ],
    [
      'tiers:\n  critical:\n    approvers: 2\n    window_minutes: 300\n',
      /^policy\.yaml:4: tiers\.critical\.window_minutes must be between 60 and 120$/,
    ],
    ['rules:\n  - kinds: [scale]\n    tier: urgent\n', /^policy\.yaml:3: rules\.0\.tier /],
    ['hpa_max_replicas: [\n', /^policy\.yaml:\d+: /],
    ['surprise: 1\n', /^policy\.yaml:1: .*surprise/],
  ])('a bad file is one error naming the line: %j', (text, message) => {
    expect(() => parsePolicy(text)).toThrow(PolicyError);
    expect(() => parsePolicy(text)).toThrow(message);
  });

  it('a missing default file means the defaults; a missing explicit file is an error', () => {
    const dir = mkdtempSync(join(tmpdir(), 'policy-'));
    expect(() => loadPolicy(join(dir, 'nope.yaml'))).toThrow(PolicyError);
    writeFileSync(join(dir, 'p.yaml'), 'validation_window_seconds: 30\n');
    expect(loadPolicy(join(dir, 'p.yaml')).validation_window_seconds).toBe(30);
  });
});
