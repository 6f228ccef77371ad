// Why no node fits a pod's nodeSelector or required node affinity: the requirement no node
// meets, and the nodes that come nearest (most requirements met) with their value for it. A
// pure function over the pod and the nodes; it proposes nothing (relabelling nodes or rewriting
// the selector is a person's choice).
import type { V1Node, V1Pod } from '@kubernetes/client-node';
import { requirementMatches } from '../kube/scheduling.js';

export interface Requirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | 'Gt' | 'Lt';
  values: string[];
  /** Where it comes from, as a person reads it: `nodeSelector disktype=ssd`. */
  source: string;
}

export interface Placement {
  /** Requirements no node meets. */
  unmet: Requirement[];
  /** The nodes meeting the most requirements (at most three), each with its labels for the unmet keys. */
  nearest: { node: string; met: number; of: number; values: Record<string, string | undefined> }[];
}

/** The pod's node requirements: its nodeSelector, and the single required affinity term (several terms are alternatives). */
export function requirementsOf(pod: V1Pod): Requirement[] {
  const reqs: Requirement[] = Object.entries(pod.spec?.nodeSelector ?? {}).map(([key, value]) => ({
    key,
    operator: 'In',
    values: [value],
    source: `nodeSelector ${key}=${value}`,
  }));
  const terms =
    pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? [];
  if (terms.length === 1) {
    for (const e of terms[0]!.matchExpressions ?? []) {
      reqs.push({
        key: e.key,
        operator: e.operator as Requirement['operator'],
        values: e.values ?? [],
        source: `node affinity ${e.key} ${e.operator}${e.values?.length ? ` (${e.values.join(', ')})` : ''}`,
      });
    }
  }
  return reqs;
}

const meets = (labels: Record<string, string>, req: Requirement): boolean => requirementMatches(req, labels);

/** Undefined when every requirement is met by some node (then the cause is elsewhere: taints, capacity). */
export function unmatchedPlacement(pod: V1Pod, nodes: readonly V1Node[]): Placement | undefined {
  const reqs = requirementsOf(pod);
  if (reqs.length === 0 || nodes.length === 0) return undefined;
  const labelsOf = (node: V1Node) => node.metadata?.labels ?? {};
  const unmet = reqs.filter((r) => !nodes.some((n) => meets(labelsOf(n), r)));
  if (unmet.length === 0) return undefined;
  const scored = nodes
    .map((node) => ({
      node: node.metadata?.name ?? '',
      met: reqs.filter((r) => meets(labelsOf(node), r)).length,
      of: reqs.length,
      values: Object.fromEntries(unmet.map((r) => [r.key, labelsOf(node)[r.key]])),
    }))
    .sort((a, b) => b.met - a.met || a.node.localeCompare(b.node));
  const best = scored[0]!.met;
  return { unmet, nearest: scored.filter((s) => s.met === best).slice(0, 3) };
}

/** Evidence lines: which requirement no node meets, which nodes come nearest. */
export function describePlacement(placement: Placement): string[] {
  return [
    ...placement.unmet.map(
      (r) => `${r.source}: no node ${r.operator === 'In' || r.operator === 'Exists' ? 'has' : 'meets'} it`,
    ),
    ...placement.nearest.map(
      (n) =>
        `nearest: node ${n.node} meets ${n.met} of ${n.of} requirements; ${Object.entries(n.values)
          .map(([key, value]) => `${key}=${value ?? '(not set)'}`)
          .join(', ')}`,
    ),
  ];
}
