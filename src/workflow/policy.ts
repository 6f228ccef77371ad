// The approval policy: which tier an operation falls in and what each tier demands. Built-in
// defaults follow the operations plan; a YAML file may override them, and a bad file is one
// error naming the file and line.
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import type { Tier } from '../audit/types.js';
import type { Operation, OperationKind } from './operations.js';

export const TIERS: readonly Tier[] = ['trivial', 'low', 'medium', 'critical'];

const tierRule = z.object({
  approvers: z.number().int().min(0).max(5),
  window_minutes: z.number().int().positive(),
});

const ruleSchema = z.object({
  kinds: z.array(z.string()).min(1),
  tier: z.enum(['trivial', 'low', 'medium', 'critical']),
  namespace: z.string().optional(),
  /** For scale: the rule applies when the change in replicas is at most this. */
  max_replica_delta: z.number().int().positive().optional(),
});

const policySchema = z
  .object({
    tiers: z.object({ trivial: tierRule, low: tierRule, medium: tierRule, critical: tierRule }),
    rules: z.array(ruleSchema),
    hpa_max_replicas: z.number().int().positive(),
    auto_rollback_tiers: z.array(z.enum(['trivial', 'low', 'medium', 'critical'])),
    validation_window_seconds: z.number().int().positive(),
  })
  .strict()
  .superRefine((p, ctx) => {
    if (p.tiers.critical.approvers < 2)
      ctx.addIssue({
        code: 'custom',
        path: ['tiers', 'critical', 'approvers'],
        message: 'must be at least 2 (two-person rule)',
      });
    const w = p.tiers.critical.window_minutes;
    if (w < 60 || w > 120)
      ctx.addIssue({
        code: 'custom',
        path: ['tiers', 'critical', 'window_minutes'],
        message: 'must be between 60 and 120',
      });
  });

export type Policy = z.infer<typeof policySchema>;

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
  validation_window_seconds: 60,
};

export class PolicyError extends Error {}

/** The default location, kubectl-style: $XDG_CONFIG_HOME or ~/.config. */
export function defaultPolicyPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'aiops-tui', 'policy.yaml');
}

/** A policy file merged over the defaults; a missing default file is the defaults. */
export function loadPolicy(path?: string): Policy {
  const file = path ?? defaultPolicyPath();
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if (path === undefined && (error as NodeJS.ErrnoException).code === 'ENOENT') return DEFAULT_POLICY;
    throw new PolicyError(`${file}: cannot read the policy: ${(error as Error).message}`);
  }
  return parsePolicy(text, file);
}

export function parsePolicy(text: string, file = 'policy.yaml'): Policy {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    throw new PolicyError(`${file}:${lineCounter.linePos(e.pos[0]).line}: ${e.message.split('\n')[0]}`);
  }
  const raw = (doc.toJS() ?? {}) as Record<string, unknown>;
  const merged = {
    ...DEFAULT_POLICY,
    ...raw,
    tiers: { ...DEFAULT_POLICY.tiers, ...(raw.tiers as object | undefined) },
  };
  const result = policySchema.safeParse(merged);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const node = doc.getIn(issue.path, true) as { range?: [number, number, number] } | undefined;
    const line = node?.range ? lineCounter.linePos(node.range[0]).line : 1;
    throw new PolicyError(`${file}:${line}: ${issue.path.join('.')} ${issue.message}`);
  }
  return result.data;
}

/**
 * The tier of an operation: the first rule that matches wins; nothing matching is critical.
 * A scale's delta needs the current replica count; unknown, a scale is medium at best.
 */
export function tierOf(op: Operation, policy: Policy, currentReplicas?: number): Tier {
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
