// The approval policy: which tier an operation falls in and what each tier demands. Built-in
// defaults follow the operations plan; a YAML file may override them, and a bad file is one
// error naming the file and line.
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { createHash } from 'node:crypto';
import { TIER_MIN_APPROVERS } from '../audit/lifecycle.js';
import type { Tier } from '../audit/types.js';
import { EMERGENCY_WINDOW_FLOOR_MINUTES, FLOORS, floorOf, higherTier, TIER_RANK, toolsOf } from './floors.js';
import type { Operation, OperationKind } from '../model/operation.js';

export const TIERS: readonly Tier[] = ['trivial', 'low', 'medium', 'critical'];

const tierRule = z.object({
  approvers: z.number().int().min(0).max(5),
  // Fractions allowed: a test's windows are seconds long.
  window_minutes: z.number().positive(),
});

const ruleSchema = z.object({
  kinds: z.array(z.string()).min(1),
  tier: z.enum(['trivial', 'low', 'medium', 'critical']),
  namespace: z.string().optional(),
  /** For scale: the rule applies when the change in replicas is at most this. */
  max_replica_delta: z.number().int().positive().optional(),
});

/** A policy rule that makes a proposal an emergency: the finding's severity and namespace match. */
const emergencyRuleSchema = z
  .object({
    severity: z.enum(['critical', 'warning', 'info']).optional(),
    /** Globs: `prod*` matches `prod-eu`. */
    namespaces: z.array(z.string().min(1)).min(1).optional(),
    kinds: z.array(z.string()).min(1).optional(),
  })
  .strict();

const webhookSchema = z
  .object({
    /** What the trail calls it: a webhook's URL (Slack's holds a token) is never written there. */
    name: z.string().regex(/^[A-Za-z0-9_.-]{1,40}$/),
    url: z.string().url().optional(),
    /** The environment variable holding the URL, for URLs that are themselves secrets. */
    url_env: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]*$/)
      .optional(),
    format: z.enum(['slack', 'alertmanager']),
    /** The environment variable holding the HMAC-SHA256 key: never the key itself. */
    secret_env: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]*$/)
      .optional(),
    signature_header: z
      .string()
      .regex(/^[A-Za-z0-9-]+$/)
      .default('X-Aiops-Signature-256'),
    timeout_ms: z.number().int().positive().max(60_000).default(2_000),
    retries: z.number().int().min(0).max(10).default(3),
    backoff_ms: z.number().int().positive().max(60_000).default(200),
  })
  .strict()
  .refine((w) => (w.url === undefined) !== (w.url_env === undefined), {
    message: 'needs exactly one of url and url_env',
  });

const escalationSchema = z
  .object({
    /** Escalate when this share of an approval window has passed without enough approvals. */
    at_window_share: z.number().gt(0).lt(1).optional(),
    /** Escalate when a critical finding's change is still unresolved this long after detection. */
    critical_finding_open_minutes: z.number().positive().optional(),
    /** Escalate once more as a recommendation expires. */
    on_expiry: z.boolean().default(true),
    /** The cockpit's bell and desktop notification (OSC 9 and OSC 777). */
    terminal: z.boolean().default(true),
    webhooks: z.array(webhookSchema).default([]),
  })
  .strict();

export type Webhook = z.infer<typeof webhookSchema>;
export type EscalationPolicy = z.infer<typeof escalationSchema>;
export type EmergencyRule = z.infer<typeof emergencyRuleSchema>;

const windowSeconds = z.number().int().positive();
/** Stability windows: the operation's kind wins over its tier, the tier over the default. */
const validationSchema = z
  .object({
    default_seconds: windowSeconds,
    tiers: z
      .object({
        trivial: windowSeconds.optional(),
        low: windowSeconds.optional(),
        medium: windowSeconds.optional(),
        critical: windowSeconds.optional(),
      })
      .strict(),
    kinds: z.record(z.string(), windowSeconds),
  })
  .strict();
export type ValidationWindows = z.infer<typeof validationSchema>;

/** The plan's windows: pod stability watched for an hour after a resource change, minutes after scaling. */
export const DEFAULT_VALIDATION: ValidationWindows = {
  default_seconds: 60,
  tiers: {},
  kinds: { 'set-resources': 3600, scale: 300, 'create-hpa': 300 },
};

/** A year: the plan keeps PHRs that long before they are archived; shorter needs two co-signers. */
export const MIN_RETENTION_DAYS = 365;

const policySchema = z
  .object({
    tiers: z.object({ trivial: tierRule, low: tierRule, medium: tierRule, critical: tierRule }),
    rules: z.array(ruleSchema),
    hpa_max_replicas: z.number().int().positive(),
    auto_rollback_tiers: z.array(z.enum(['trivial', 'low', 'medium', 'critical'])),
    /** Before `validation`: one window for every change. Still read; not with `validation`. */
    validation_window_seconds: windowSeconds.optional(),
    validation: validationSchema.optional(),
    /** Days a finished record stays in prompts/ before `phr archive` may move it. */
    retention_days: z.number().int().positive(),
    /** Where the signed checkpoint of the trail's head is kept in the cluster. */
    anchor_namespace: z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/),
    emergency_window_minutes: z.number().positive(),
    emergency_rules: z.array(emergencyRuleSchema),
    escalation: escalationSchema,
  })
  .strict()
  .superRefine((p, ctx) => {
    for (const kind of Object.keys(p.validation?.kinds ?? {}))
      if (!(kind in FLOORS))
        ctx.addIssue({
          code: 'custom',
          path: ['validation', 'kinds', kind],
          message: `is not a kind of operation (${Object.keys(FLOORS).join(', ')})`,
        });
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

export type Policy = z.infer<typeof policySchema> & {
  /** Where it came from: the file's sha256 (each record stores it) and who co-signed a weaker one. */
  provenance?: { file: string; hash: string; cosignedBy: string[] };
};

/** Principals who validly signed the policy's text (its FILE.sig), from the allowed signers. */
export type PolicyCosigners = (text: string, file: string) => string[];

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

/** A policy file merged over the defaults; a missing default file is the defaults. */
export function loadPolicy(path?: string, cosigners?: PolicyCosigners): Policy {
  const file = path ?? defaultPolicyPath();
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if (path === undefined && (error as NodeJS.ErrnoException).code === 'ENOENT') return DEFAULT_POLICY;
    throw new PolicyError(`${file}: cannot read the policy: ${(error as Error).message}`);
  }
  return parsePolicy(text, file, cosigners);
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

export function parsePolicy(text: string, file = 'policy.yaml', cosigners?: PolicyCosigners): Policy {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    throw new PolicyError(`${file}:${lineCounter.linePos(e.pos[0]).line}: ${e.message.split('\n')[0]}`);
  }
  const raw = (doc.toJS() ?? {}) as Record<string, unknown>;
  if (raw.validation_window_seconds !== undefined && raw.validation !== undefined) {
    const node = doc.get('validation_window_seconds', true) as
      { range?: [number, number, number] } | undefined;
    throw new PolicyError(
      `${file}:${node?.range ? lineCounter.linePos(node.range[0]).line : 1}: validation_window_seconds and validation cannot both be set (validation.default_seconds replaces it)`,
    );
  }
  const validation = raw.validation as Partial<ValidationWindows> | undefined;
  const merged = {
    ...DEFAULT_POLICY,
    ...raw,
    tiers: { ...DEFAULT_POLICY.tiers, ...(raw.tiers as object | undefined) },
    // A file of before `validation` meant one window for every change: keep meaning that.
    validation:
      raw.validation_window_seconds !== undefined
        ? undefined
        : {
            ...DEFAULT_VALIDATION,
            ...validation,
            tiers: { ...DEFAULT_VALIDATION.tiers, ...validation?.tiers },
            kinds: { ...DEFAULT_VALIDATION.kinds, ...validation?.kinds },
          },
  };
  const result = policySchema.safeParse(merged);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const node = doc.getIn(issue.path, true) as { range?: [number, number, number] } | undefined;
    const line = node?.range ? lineCounter.linePos(node.range[0]).line : 1;
    throw new PolicyError(`${file}:${line}: ${issue.path.join('.')} ${issue.message}`);
  }
  const policy: Policy = result.data;
  const weaker = weakenings(policy);
  const signedBy = weaker.length ? (cosigners?.(text, file) ?? []) : [];
  if (weaker.length && signedBy.length < 2) {
    const first = weaker[0]!;
    const node = doc.getIn(first.path, true) as { range?: [number, number, number] } | undefined;
    const line = node?.range ? lineCounter.linePos(node.range[0]).line : 1;
    throw new PolicyError(
      `${file}:${line}: ${first.why}; a weaker policy needs the signatures of two allowed signers (aiops-tui sign ${file}${signedBy.length ? `; only ${signedBy[0]} signed` : ''})`,
    );
  }
  policy.provenance = { file, hash: createHash('sha256').update(text).digest('hex'), cosignedBy: signedBy };
  return policy;
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
