// The built-in floors: the lowest tier each kind of operation may have, whatever a policy file
// says. A policy can raise a tier; lowering one below its floor needs the signatures of two
// allowed signers on the policy file.
import type { Tier } from '../audit/types.js';
import type { Operation, OperationKind } from './operations.js';

export const FLOORS: Readonly<Record<OperationKind, Tier>> = {
  'delete-pod': 'trivial',
  'rollout-restart': 'trivial',
  scale: 'low',
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

export const TIER_RANK: Readonly<Record<Tier, number>> = { trivial: 0, low: 1, medium: 2, critical: 3 };

export const higherTier = (a: Tier, b: Tier): Tier => (TIER_RANK[a] >= TIER_RANK[b] ? a : b);

/** The floor of one operation: its kind's, critical for credentials and namespaces, critical for anything unknown. */
export function floorOf(operation: unknown): Tier {
  const op = operation as Partial<Operation> | undefined;
  const kind = op?.kind as OperationKind | undefined;
  const base = kind && kind in FLOORS ? FLOORS[kind] : 'critical';
  if (op?.target && CRITICAL_TARGETS.has(op.target.kind)) return 'critical';
  if (kind === 'generic' || kind === 'delete') return 'critical';
  return base;
}
