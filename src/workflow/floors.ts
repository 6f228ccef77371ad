// The built-in floors: the lowest tier each kind of operation may have, whatever a policy file
// says. A policy can raise a tier; lowering one below its floor needs the signatures of two
// allowed signers on the policy file.
import type { Tier } from '../audit/types.js';
import { toolEquivalent } from './kagent-tools.js';
import type { Operation, OperationKind } from '../model/operation.js';

export const FLOORS: Readonly<Record<OperationKind, Tier>> = {
  'delete-pod': 'trivial',
  'rollout-restart': 'trivial',
  scale: 'low',
  // Never trivial: a force delete skips the pod's shutdown, and a StatefulSet's replacement may
  // start while the old one still runs.
  'kill-pod': 'low',
  'rollout-pause': 'low',
  'rollout-resume': 'low',
  label: 'low',
  annotate: 'low',
  'set-resources': 'medium',
  'create-hpa': 'medium',
  'set-image': 'medium',
  'rollout-undo': 'medium',
  patch: 'medium',
  cordon: 'medium',
  uncordon: 'medium',
  'helm-rollback': 'medium',
  drain: 'critical',
  delete: 'critical',
  apply: 'critical',
  'helm-upgrade': 'critical',
  generic: 'critical',
  // Its tools' floors (floorOf), never its own: a tool call is tiered as its kubectl twin.
  'kagent-approval': 'trivial',
};

/** Kinds of object whose every change is critical: credentials and whole namespaces. */
const CRITICAL_TARGETS = new Set([
  'Secret',
  'Namespace',
  'ClusterRole',
  'ClusterRoleBinding',
  'Role',
  'RoleBinding',
]);

/**
 * An emergency shortens the approval window, never the approvals. Below the operations plan's
 * five minutes the approvers get less time than its emergency procedure gives them, so a
 * shorter emergency window is a weakening that needs the policy's two co-signatures; and an
 * emergency window is never longer than the tier's own (emergencyWindowMs).
 */
export const EMERGENCY_WINDOW_FLOOR_MINUTES = 5;

export const TIER_RANK: Readonly<Record<Tier, number>> = { trivial: 0, low: 1, medium: 2, critical: 3 };

export const higherTier = (a: Tier, b: Tier): Tier => (TIER_RANK[a] >= TIER_RANK[b] ? a : b);

/** The floor of one operation: its kind's, critical for credentials and namespaces, critical for anything unknown. */
export function floorOf(operation: unknown): Tier {
  const op = operation as Partial<Operation> | undefined;
  const kind = op?.kind as OperationKind | undefined;
  if (kind === 'kagent-approval')
    return toolsOf(op!).reduce<Tier>(
      (tier, equivalent) => higherTier(tier, equivalent ? floorOf(equivalent) : 'trivial'),
      'trivial',
    );
  const base = kind && kind in FLOORS ? FLOORS[kind] : 'critical';
  if (op?.target && CRITICAL_TARGETS.has(op.target.kind)) return 'critical';
  if (kind === 'generic' || kind === 'delete') return 'critical';
  // Deleting a pod is trivial only for a pod: the same kind aimed at a claim or a Service is a delete.
  if ((kind === 'delete-pod' || kind === 'kill-pod') && op?.target?.kind !== 'Pod') return 'critical';
  return base;
}

/**
 * What the tools of a kagent approval amount to, read again from their names and arguments: the
 * equivalents a record stores are for display, never trusted for a tier. No tools, or a tool
 * without a name, is a change nothing is known about (generic, critical).
 */
export function toolsOf(op: Partial<Operation>): (Operation | null)[] {
  const tools = (op as { tools?: unknown }).tools;
  const unknown = toolEquivalent({ id: '', name: '(no tool)', args: {} });
  if (!Array.isArray(tools) || tools.length === 0) return [unknown];
  return tools.map((t: { name?: unknown; args?: unknown } | null) =>
    typeof t?.name === 'string' && t.name && typeof t.args === 'object' && t.args !== null
      ? toolEquivalent({ id: '', name: t.name, args: t.args as Record<string, unknown> })
      : unknown,
  );
}
