// The approval policy: which tier an operation falls in and what each tier demands. Built-in
// defaults follow the operations plan; a YAML file may override them (policy-file.ts reads and
// checks one), and a bad file is one error naming the file and line.
import { homedir } from 'node:os';
import { join } from 'node:path';
import { TIER_MIN_APPROVERS } from '../audit/lifecycle.js';
import type { Tier } from '../audit/types.js';
import { EMERGENCY_WINDOW_FLOOR_MINUTES, FLOORS, floorOf, higherTier, TIER_RANK, toolsOf } from './floors.js';
import type { Operation, OperationKind } from '../model/operation.js';
import type { CheckedPolicy, ValidationWindows } from './policy-file.js';

export type {
  EmergencyRule,
  EscalationPolicy,
  PolicyCosigners,
  ValidationWindows,
  Webhook,
} from './policy-file.js';

export const TIERS: readonly Tier[] = ['trivial', 'low', 'medium', 'critical'];

/** The plan's windows: pod stability watched for an hour after a resource change, minutes after scaling. */
export const DEFAULT_VALIDATION: ValidationWindows = {
  default_seconds: 60,
  tiers: {},
  kinds: { 'set-resources': 3600, scale: 300, 'create-hpa': 300 },
};

/** A year: the plan keeps PHRs that long before they are archived; shorter needs two co-signers. */
export const MIN_RETENTION_DAYS = 365;

export type Policy = CheckedPolicy & {
  /** Where it came from: the file's sha256 (each record stores it) and who co-signed a weaker one. */
  provenance?: { file: string; hash: string; cosignedBy: string[] };
};

/** The operations plan: trivial needs none; low one approver for 5 min; medium one for 30; critical two for 120. */
export const DEFAULT_POLICY: Policy = {
  tiers: {
    trivial: { approvers: 0, window_minutes: 5 },
    low: { approvers: 1, window_minutes: 5 },
    medium: { approvers: 1, window_minutes: 30 },
    critical: { approvers: 2, window_minutes: 120 },
  },
  rules: [
    { kinds: ['delete-pod', 'rollout-restart'], tier: 'trivial' },
    { kinds: ['scale'], tier: 'low', max_replica_delta: 2 },
    { kinds: ['kill-pod'], tier: 'low' },
    {
      kinds: [
        'scale',
        'create-hpa',
        'set-resources',
        'set-image',
        'rollout-undo',
        'rollout-pause',
        'rollout-resume',
        'helm-rollback',
        'label',
        'annotate',
        'cordon',
        'uncordon',
      ],
      tier: 'medium',
    },
  ],
  hpa_max_replicas: 10,
  auto_rollback_tiers: ['trivial', 'low'],
  validation: DEFAULT_VALIDATION,
  retention_days: MIN_RETENTION_DAYS,
  anchor_namespace: 'default',
  emergency_window_minutes: 5,
  emergency_rules: [],
  escalation: { at_window_share: 0.5, on_expiry: true, terminal: true, webhooks: [] },
};

export class PolicyError extends Error {}

/** The default location, kubectl-style: $XDG_CONFIG_HOME or ~/.config. */
export function defaultPolicyPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'aiops-tui', 'policy.yaml');
}

/** Where a policy goes below the built-in floors: each a path and why, as one line. */
export function weakenings(policy: Policy): { path: (string | number)[]; why: string }[] {
  const found: { path: (string | number)[]; why: string }[] = [];
  for (const tier of TIERS) {
    const approvers = policy.tiers[tier].approvers;
    if (approvers < TIER_MIN_APPROVERS[tier])
      found.push({
        path: ['tiers', tier, 'approvers'],
        why: `tier ${tier} with ${approvers} approvers is below the built-in minimum ${TIER_MIN_APPROVERS[tier]}`,
      });
  }
  if (policy.emergency_window_minutes < EMERGENCY_WINDOW_FLOOR_MINUTES)
    found.push({
      path: ['emergency_window_minutes'],
      why: `an emergency window of ${policy.emergency_window_minutes} min is below the built-in minimum ${EMERGENCY_WINDOW_FLOOR_MINUTES} min`,
    });
  if (policy.retention_days < MIN_RETENTION_DAYS)
    found.push({
      path: ['retention_days'],
      why: `retention_days ${policy.retention_days} is below the built-in minimum ${MIN_RETENTION_DAYS}`,
    });
  policy.rules.forEach((rule, i) => {
    for (const kind of rule.kinds) {
      const floor = kind in FLOORS ? FLOORS[kind as OperationKind] : 'critical';
      if (TIER_RANK[rule.tier] < TIER_RANK[floor])
        found.push({
          path: ['rules', i],
          why: `rules[${i}] puts ${kind} at ${rule.tier}, below its built-in floor ${floor}`,
        });
    }
  });
  return found;
}

/** The tier a change gets: the policy's, never below the built-in floor unless two signers waived it. */
export function effectiveTier(op: Operation, policy: Policy, currentReplicas?: number): Tier {
  const tier = tierOf(op, policy, currentReplicas);
  return (policy.provenance?.cosignedBy.length ?? 0) >= 2 ? tier : higherTier(tier, floorOf(op));
}

/**
 * The tier of an operation: the first rule that matches wins; nothing matching is critical.
 * A scale's delta needs the current replica count; unknown, a scale is medium at best.
 */
export function tierOf(op: Operation, policy: Policy, currentReplicas?: number): Tier {
  // A tool approval is tiered as the kubectl operations its tools amount to, the highest winning;
  // a read-only tool is trivial (an assistant's proposal is held for a decision anyway).
  if (op.kind === 'kagent-approval')
    return toolsOf(op).reduce<Tier>(
      (tier, equivalent, _, all) =>
        higherTier(
          tier,
          // The replica count read is the one tool's target's: with several, a scale is medium at best.
          equivalent ? tierOf(equivalent, policy, all.length === 1 ? currentReplicas : undefined) : 'trivial',
        ),
      'trivial',
    );
  for (const rule of policy.rules) {
    if (!rule.kinds.includes(op.kind as OperationKind)) continue;
    if (rule.namespace && rule.namespace !== op.target.namespace) continue;
    if (rule.max_replica_delta !== undefined) {
      if (op.kind !== 'scale' || currentReplicas === undefined) continue;
      if (Math.abs(op.replicas - currentReplicas) > rule.max_replica_delta) continue;
    }
    if (op.kind === 'create-hpa' && op.maxReplicas > policy.hpa_max_replicas) return 'critical';
    return rule.tier;
  }
  return 'critical';
}

export function approvalRule(tier: Tier, policy: Policy): { approvers: number; windowMs: number } {
  const t = policy.tiers[tier];
  return { approvers: t.approvers, windowMs: t.window_minutes * 60_000 };
}

/**
 * How long a change is watched before it counts as validated: the policy's window for the
 * operation's kind, else for its tier, else the default. A policy of before `validation` (one
 * `validation_window_seconds`) watches every change that long. A kagent approval runs nothing of
 * ours and is judged by the agent's reply, so it takes the tier's or the default's.
 */
export function validationWindow(op: Pick<Operation, 'kind'>, tier: Tier, policy: Policy): number {
  if (policy.validation_window_seconds !== undefined) return policy.validation_window_seconds * 1000;
  const v = policy.validation ?? DEFAULT_VALIDATION;
  const seconds = Object.hasOwn(v.kinds, op.kind) ? v.kinds[op.kind] : undefined;
  return (seconds ?? v.tiers[tier] ?? v.default_seconds) * 1000;
}
