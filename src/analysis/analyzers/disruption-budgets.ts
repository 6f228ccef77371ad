// PodDisruptionBudgets that protect nothing or block every eviction (k8sgpt's pdb analyzer,
// popeye's pdb lint): a selector that matches no pod, a budget that allows no disruption while
// all its pods are healthy (a drain hangs on it), and pods covered by more than one budget (the
// eviction API refuses those outright).
import type {
  IntOrString,
  V1Pod,
  V1PodDisruptionBudget,
  V1PodDisruptionBudgetSpec,
} from '@kubernetes/client-node';
import { describeEvent, latestEvent } from '../event-evidence.js';
import { makeFinding, refKey, type FindingInput } from '../finding.js';
import { describeSelector } from '../labels.js';
import { addTo, selectorIndex } from '../selector-index.js';
import { indexSnapshot } from '../snapshot-index.js';
import { epoch } from '../time.js';
import type { ClusterSnapshot, Finding, ResourceRef } from '../../model/analysis.js';

const ANALYZER = 'disruption-budgets';

type Problem = Omit<FindingInput, 'analyzer' | 'resource'>;

export interface Budget {
  expected: number;
  healthy: number;
  desired: number;
  allowed: number;
}

/** `50%` of `total`, rounded up as the disruption controller rounds; a number as is. */
function scaled(value: IntOrString, total: number): number {
  if (typeof value === 'number') return value;
  const percent = /^(\d+)%$/.exec(value);
  return percent ? Math.ceil((Number(percent[1]) * total) / 100) : Number(value) || 0;
}

/** The budget as the disruption controller computes it from the pods it counts (controller/disruption). */
export function computeBudget(spec: V1PodDisruptionBudgetSpec, expected: number, healthy: number): Budget {
  let desired = 0;
  if (spec.maxUnavailable !== undefined)
    desired = Math.max(0, expected - scaled(spec.maxUnavailable, expected));
  else if (spec.minAvailable !== undefined) desired = scaled(spec.minAvailable, expected);
  const allowed = expected > 0 ? Math.max(0, healthy - desired) : 0;
  return { expected, healthy, desired, allowed };
}

const describeRule = (spec: V1PodDisruptionBudgetSpec) =>
  spec.maxUnavailable !== undefined
    ? `maxUnavailable: ${spec.maxUnavailable}`
    : spec.minAvailable !== undefined
      ? `minAvailable: ${spec.minAvailable}`
      : 'neither minAvailable nor maxUnavailable';

export function disruptionBudgets(snapshot: ClusterSnapshot): Finding[] {
  if (!snapshot.podDisruptionBudgets) return [];
  const pods = selectorIndex(snapshot);
  const { events } = indexSnapshot(snapshot);
  // Pod → the budgets covering it, to find pods under more than one.
  const budgetsOfPod = new Map<V1Pod, string[]>();
  const matched = snapshot.podDisruptionBudgets.map((pdb) => {
    const list = pods.matching(pdb.metadata?.namespace ?? '', pdb.spec?.selector);
    for (const pod of list) addTo(budgetsOfPod, pod, pdb.metadata?.name ?? '');
    return { pdb, pods: list };
  });
  const findings: Finding[] = [];
  for (const { pdb, pods: covered } of matched) {
    const { namespace = '', name } = pdb.metadata ?? {};
    if (!name) continue;
    const resource = { kind: 'PodDisruptionBudget', namespace, name };
    const spec = pdb.spec ?? {};
    const selector = `selector: ${describeSelector(spec.selector)}`;
    const since = epoch(pdb.metadata?.creationTimestamp);
    const problems: Problem[] = [];
    if (covered.length === 0) {
      const noPods = latestEvent(events.get(refKey(resource)), ['NoPods']);
      problems.push({
        problem: 'no-pods',
        severity: 'warning',
        title: `PodDisruptionBudget selector ${describeSelector(spec.selector)} matches no pod`,
        detail: [
          selector,
          `no running pod in ${namespace} matches`,
          ...(noPods ? [describeEvent(noPods)] : []),
        ],
        suggestedFix:
          "The budget protects nothing: set its selector to the labels of the workload's pods (kubectl get pods --show-labels), or delete it.",
        runbook: 'disruption-budget',
        since,
      });
    } else {
      const budget = statusBudget(pdb) ?? computeBudget(spec, covered.length, covered.filter(isReady).length);
      if (budget.allowed === 0 && budget.expected > 0 && budget.healthy >= budget.expected) {
        problems.push({
          problem: 'blocks-eviction',
          severity: 'warning',
          title: `PodDisruptionBudget allows no disruption with all ${budget.expected} pods healthy: a drain will hang`,
          detail: [
            selector,
            describeRule(spec),
            `pods: ${budget.expected} expected, ${budget.healthy} healthy, ${budget.desired} must stay healthy, ${budget.allowed} disruptions allowed`,
          ],
          affected: covered.map((p) => ({ kind: 'Pod', namespace, name: p.metadata?.name ?? '' })),
          suggestedFix:
            budget.expected === 1
              ? 'A single replica cannot be evicted under this budget: run 2 replicas, or allow maxUnavailable: 1 and accept the brief outage of a drain.'
              : `Allow at least one pod to go: maxUnavailable: 1 (or minAvailable: ${budget.expected - 1}), or run more replicas than the budget must keep.`,
          runbook: 'disruption-budget',
          since,
        });
      }
      const shared = covered.filter((p) => (budgetsOfPod.get(p)?.length ?? 0) > 1);
      if (shared.length > 0) {
        const others = [...new Set(shared.flatMap((p) => budgetsOfPod.get(p)!))].filter((n) => n !== name);
        problems.push({
          problem: 'overlapping',
          severity: 'warning',
          title: `${shared.length} pods are covered by this and another PodDisruptionBudget: they cannot be evicted`,
          detail: [
            selector,
            `also covered by: ${others.join(', ')}`,
            `pods: ${shared
              .slice(0, 5)
              .map((p) => p.metadata?.name)
              .join(', ')}${shared.length > 5 ? ', …' : ''}`,
          ],
          affected: [
            ...others.map((n) => ({ kind: 'PodDisruptionBudget', namespace, name: n })),
            ...shared.map((p): ResourceRef => ({ kind: 'Pod', namespace, name: p.metadata?.name ?? '' })),
          ],
          suggestedFix:
            'The eviction API refuses a pod with more than one budget ("This pod has more than one PodDisruptionBudget"): make the selectors disjoint, or merge the budgets.',
          runbook: 'disruption-budget',
          since,
        });
      }
    }
    for (const problem of problems)
      findings.push(makeFinding(snapshot, { analyzer: ANALYZER, resource, ...problem }));
  }
  return findings;
}

/** The controller's own numbers, once it has processed the budget. */
function statusBudget(pdb: V1PodDisruptionBudget): Budget | undefined {
  const status = pdb.status;
  if (status?.observedGeneration === undefined) return undefined;
  return {
    expected: status.expectedPods ?? 0,
    healthy: status.currentHealthy ?? 0,
    desired: status.desiredHealthy ?? 0,
    allowed: status.disruptionsAllowed ?? 0,
  };
}

const isReady = (pod: { status?: { conditions?: { type: string; status: string }[] } }) =>
  pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
