// A policy file: its YAML read over the built-in defaults and checked against its schema, a bad
// file one error naming the file and line. Apart from policy.ts so that a start without a
// policy file (the built-in tiers) loads neither zod nor the schema.
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { FLOORS } from './floors.js';
import {
  DEFAULT_POLICY,
  DEFAULT_VALIDATION,
  PolicyError,
  defaultPolicyPath,
  weakenings,
  type Policy,
} from './policy.js';

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

export type ValidationWindows = z.infer<typeof validationSchema>;

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

/** What a policy file holds, as checked (Policy adds where it came from). */
export type CheckedPolicy = z.infer<typeof policySchema>;

/** Principals who validly signed the policy's text (its FILE.sig), from the allowed signers. */
export type PolicyCosigners = (text: string, file: string) => string[];

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
