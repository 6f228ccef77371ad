// The findings schema we ask kagent to answer in (one fenced JSON block) and its defensive parse.
// No released kagent has structured output, so the reply is free text we validate item by item.
import * as z from 'zod';
import {
  createHpaOp,
  deletePodOp,
  patchOp,
  rolloutRestartOp,
  rolloutUndoOp,
  scaleOp,
  setImageOp,
  setResourcesOp,
} from '../../workflow/proposed-operations.js';
import { CONFIDENCES, type Confidence } from '../../model/quality.js';
import type { ProposedOperation, ResourceRef, RunbookPattern, Severity } from '../../model/analysis.js';

const Ref = z.object({ kind: z.string().min(1), namespace: z.string().optional(), name: z.string().min(1) });
const Amounts = z.object({ cpu: z.string().optional(), memory: z.string().optional() });
const count = z.number().int().min(0).max(1000);

const Operation = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('scale'), target: Ref, replicas: count }),
  z.object({
    kind: z.literal('set-resources'),
    target: Ref,
    container: z.string().min(1),
    requests: Amounts.default({}),
    limits: Amounts.default({}),
  }),
  z.object({
    kind: z.literal('create-hpa'),
    target: Ref,
    minReplicas: count,
    maxReplicas: count,
    targetCpuUtilization: z.number().int().min(1).max(100),
  }),
  z.object({ kind: z.literal('rollout-restart'), target: Ref }),
  z.object({ kind: z.literal('rollout-undo'), target: Ref, toRevision: z.number().int().optional() }),
  z.object({ kind: z.literal('delete-pod'), target: Ref }),
  z.object({
    kind: z.literal('set-image'),
    target: Ref,
    images: z.record(z.string().min(1), z.string().min(1)).refine((images) => Object.keys(images).length > 0),
  }),
  z.object({
    kind: z.literal('patch'),
    target: Ref,
    patchType: z.enum(['strategic', 'merge', 'json']),
    patch: z.unknown(),
  }),
]);

const RUNBOOKS = [
  'crashloopbackoff',
  'oomkilled',
  'imagepullbackoff',
  'pending',
  'probe-failure',
  'stuck-rollout',
  'hpa-thrashing',
] as const satisfies readonly RunbookPattern[];

const KagentFinding = z.object({
  severity: z.enum(['critical', 'warning', 'info']),
  resource: Ref,
  /** A short stable name of the problem ("crashloop", "no-limits"), for the finding's identity. */
  problem: z.string().min(1).optional(),
  title: z.string().min(1),
  detail: z.union([z.array(z.string()), z.string().transform((s) => s.split('\n'))]).default([]),
  suggestedFix: z.string().optional(),
  runbook: z.enum(RUNBOOKS).optional().catch(undefined),
  recommendation: z.unknown().optional(),
  /** The agent's own rating of its recommendation, when it gives one (else medium). */
  confidence: z.enum(CONFIDENCES).optional().catch(undefined),
  rationale: z.string().min(1).optional().catch(undefined),
});

const Reply = z.object({ findings: z.array(z.unknown()) });

export interface ParsedFinding {
  severity: Severity;
  resource: ResourceRef;
  problem?: string;
  title: string;
  detail: string[];
  suggestedFix?: string;
  runbook?: RunbookPattern;
  recommendation?: ProposedOperation;
  confidence?: Confidence;
  rationale?: string;
}

export type ParseResult =
  { ok: true; findings: ParsedFinding[]; rejected: string[] } | { ok: false; reason: string };

/** The instructions appended to every question: answer with exactly this JSON shape. */
export const SCHEMA_INSTRUCTIONS = `Answer with exactly one fenced \`\`\`json code block and nothing after it, of the form:
{"findings": [{"severity": "critical|warning|info", "resource": {"kind": "Pod", "namespace": "ns", "name": "name"},
  "problem": "short-stable-slug", "title": "one line", "detail": ["evidence line", "..."],
  "suggestedFix": "what to do", "confidence": "high|medium|low", "rationale": "one sentence: the evidence it rests on", "runbook": "crashloopbackoff|oomkilled|imagepullbackoff|pending|probe-failure|stuck-rollout|hpa-thrashing",
  "recommendation": {"kind": "scale", "target": {"kind": "Deployment", "namespace": "ns", "name": "name"}, "replicas": 3}}]}
recommendation is optional; its kind is one of scale {replicas}, set-resources {container, requests {cpu, memory}, limits {cpu, memory}},
create-hpa {minReplicas, maxReplicas, targetCpuUtilization}, rollout-restart, rollout-undo {toRevision?}, set-image {images {container: image}}, delete-pod.
Do not change anything in the cluster; only read. Use {"findings": []} when all is well.`;

/** The first fenced block (```json or ```) that is JSON, else the whole text when it is JSON. */
export function extractJson(text: string): unknown {
  for (const match of text.matchAll(/```(?:json)?[^\n]*\n([\s\S]*?)```/g)) {
    try {
      return JSON.parse(match[1]!);
    } catch {
      // try the next block
    }
  }
  try {
    return JSON.parse(text.trim());
  } catch {
    return undefined;
  }
}

export function parseReply(text: string): ParseResult {
  const json = extractJson(text);
  if (json === undefined) return { ok: false, reason: 'no JSON block in the reply' };
  const reply = Reply.safeParse(json);
  if (!reply.success) return { ok: false, reason: 'the JSON has no "findings" array' };
  const findings: ParsedFinding[] = [];
  const rejected: string[] = [];
  reply.data.findings.forEach((item, i) => {
    const parsed = KagentFinding.safeParse(item);
    if (!parsed.success) {
      rejected.push(`finding ${i + 1}: ${z.prettifyError(parsed.error).replace(/\n/g, ' ')}`);
      return;
    }
    const { recommendation, ...finding } = parsed.data;
    const operation = recommendation === undefined ? undefined : Operation.safeParse(recommendation);
    if (operation && !operation.success)
      rejected.push(`finding ${i + 1}: recommendation ignored (not a known operation)`);
    findings.push({
      ...finding,
      ...(operation?.success ? { recommendation: toOperation(operation.data) } : {}),
    } as ParsedFinding);
  });
  return { ok: true, findings, rejected };
}

/** Rebuilt with our builders: the summary and kubectl command are ours, never the agent's text. */
function toOperation(op: z.infer<typeof Operation>): ProposedOperation {
  switch (op.kind) {
    case 'scale':
      return scaleOp(op.target, op.replicas);
    case 'set-resources':
      return setResourcesOp(op.target, op.container, op.requests, op.limits);
    case 'create-hpa':
      return createHpaOp(op.target, op.minReplicas, op.maxReplicas, op.targetCpuUtilization);
    case 'rollout-restart':
      return rolloutRestartOp(op.target);
    case 'rollout-undo':
      return rolloutUndoOp(op.target, op.toRevision);
    case 'delete-pod':
      return deletePodOp(op.target);
    case 'set-image':
      return setImageOp(op.target, op.images);
    case 'patch':
      return patchOp(op.target, op.patchType, op.patch);
  }
}
