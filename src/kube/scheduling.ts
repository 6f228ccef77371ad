// Taints, tolerations and node selector requirements as the Kubernetes API defines them: the
// simulator's scheduler, node lifecycle and DaemonSet controllers, and the nodes and placement
// analyzers all decide by these. Plain shapes, so stored JSON and client-node's types both fit.

export interface Taint {
  key: string;
  value?: string;
  effect: string;
  timeAdded?: string;
}

/** What a toleration is matched against (client-node's V1Taint has a Date timeAdded). */
export type TaintMatch = Pick<Taint, 'key' | 'value' | 'effect'>;

export interface Toleration {
  key?: string;
  operator?: string;
  value?: string;
  effect?: string;
  tolerationSeconds?: number;
}

export interface NodeSelectorRequirement {
  key: string;
  operator: string;
  values?: string[];
}

export interface NodeSelectorTerm {
  matchExpressions?: NodeSelectorRequirement[];
  matchFields?: NodeSelectorRequirement[];
}

/**
 * core/v1 Toleration.ToleratesTaint: an empty effect matches every effect, an empty key (only
 * valid with Exists) every key; Exists ignores the value, Equal (the default) compares it.
 */
export function tolerates(toleration: Toleration, taint: TaintMatch): boolean {
  if (toleration.effect && toleration.effect !== taint.effect) return false;
  if (toleration.key && toleration.key !== taint.key) return false;
  switch (toleration.operator ?? 'Equal') {
    case 'Exists':
      return true;
    case 'Equal':
      return (toleration.value ?? '') === (taint.value ?? '');
    default:
      return false;
  }
}

export const toleratesAll = (tolerations: readonly Toleration[] | undefined, taint: TaintMatch): boolean =>
  (tolerations ?? []).some((t) => tolerates(t, taint));

/** One requirement of a node selector term against labels (or fields), as labels.Requirement matches. */
export function requirementMatches(r: NodeSelectorRequirement, fields: Record<string, string>): boolean {
  const has = Object.hasOwn(fields, r.key);
  const value = fields[r.key];
  const values = r.values ?? [];
  switch (r.operator) {
    case 'In':
      return has && values.includes(value!);
    case 'NotIn':
      return !has || !values.includes(value!);
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
    case 'Gt':
    case 'Lt': {
      // Both sides must parse as integers, as labels.Requirement does; otherwise no match.
      if (!has || values.length !== 1 || !/^-?\d+$/.test(value!) || !/^-?\d+$/.test(values[0]!)) return false;
      return r.operator === 'Gt' ? Number(value) > Number(values[0]) : Number(value) < Number(values[0]);
    }
    default:
      return false;
  }
}
