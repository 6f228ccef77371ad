// kube-scheduler's decision as a pure function: the filter plugins of the default profile, in
// their order (NodeUnschedulable, TaintToleration, NodeAffinity, NodeResourcesFit,
// VolumeBinding), the first failing one giving a node's reason, and the FailedScheduling text
// FitError.Error() builds from them, the PostFilter part included. The texts are the plugins' own
// (pkg/scheduler/framework/plugins/*), as kube-scheduler 1.34.4 was measured to print them.
import { bytes, cpuMillis } from '../kube/quantity.js';
import {
  requirementMatches,
  toleratesAll,
  type NodeSelectorTerm,
  type Taint,
  type Toleration,
} from '../kube/scheduling.js';
import type { KubeObject } from './objects.js';

/** A node selector's terms are ORed, a term's requirements ANDed; an empty term matches nothing. */
export function matchesNodeSelectorTerms(terms: NodeSelectorTerm[], node: KubeObject): boolean {
  const labels = node.metadata.labels ?? {};
  const fields = { 'metadata.name': node.metadata.name };
  return terms.some((term) => {
    const expressions = term.matchExpressions ?? [];
    const matchFields = term.matchFields ?? [];
    if (expressions.length === 0 && matchFields.length === 0) return false;
    return (
      expressions.every((r) => requirementMatches(r, labels)) &&
      matchFields.every((r) => requirementMatches(r, fields))
    );
  });
}

function requiredTerms(pod: KubeObject): NodeSelectorTerm[] | undefined {
  return pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
}

/** nodeaffinity.GetRequiredNodeAffinity: spec.nodeSelector and the required affinity terms. */
export function matchesNodeAffinity(pod: KubeObject, node: KubeObject): boolean {
  const labels = node.metadata.labels ?? {};
  for (const [k, v] of Object.entries((pod.spec?.nodeSelector ?? {}) as Record<string, string>))
    if (labels[k] !== v) return false;
  const terms = requiredTerms(pod);
  return !terms || terms.length === 0 || matchesNodeSelectorTerms(terms, node);
}

/**
 * The NodeAffinity PreFilter's node names: when every term names nodes by `metadata.name In`
 * (as the DaemonSet controller's pods do), only those nodes are tried. Undefined: all nodes.
 */
function preFilterNodeNames(pod: KubeObject): Set<string> | undefined {
  const terms = requiredTerms(pod);
  if (!terms || terms.length === 0) return undefined;
  let names: Set<string> | undefined;
  for (const term of terms) {
    let termNames: Set<string> | undefined;
    for (const r of term.matchFields ?? []) {
      if (r.key !== 'metadata.name' || r.operator !== 'In') continue;
      const s = new Set(r.values ?? []);
      termNames = termNames ? new Set([...termNames].filter((n) => s.has(n))) : s;
    }
    if (!termNames) return undefined;
    names = new Set([...(names ?? []), ...termNames]);
  }
  return names;
}

export interface Requests {
  cpu: number;
  memory: number;
}

export function podRequests(pod: KubeObject): Requests {
  let cpu = 0;
  let memory = 0;
  for (const c of pod.spec?.containers ?? []) {
    cpu += cpuMillis(c.resources?.requests?.cpu) ?? 0;
    memory += bytes(c.resources?.requests?.memory) ?? 0;
  }
  return { cpu, memory };
}

/** What the pods bound to a node request, and how many there are. */
export interface NodeUsage extends Requests {
  pods: number;
}

export interface VolumeState {
  claims: readonly KubeObject[];
  volumes: readonly KubeObject[];
  classes: readonly KubeObject[];
}

export const isClaimBound = (pvc: KubeObject): boolean =>
  Boolean(pvc.spec?.volumeName) && pvc.status?.phase === 'Bound';

export function claimClassName(pvc: KubeObject): string {
  return pvc.spec?.storageClassName ?? '';
}

/** The claim waits for a consumer when its class exists and says WaitForFirstConsumer. */
export function isDelayBinding(pvc: KubeObject, classes: readonly KubeObject[]): boolean {
  const name = claimClassName(pvc);
  const sc = name ? classes.find((c) => c.metadata.name === name) : undefined;
  return sc?.volumeBindingMode === 'WaitForFirstConsumer';
}

export const NO_PROVISIONER = 'kubernetes.io/no-provisioner';

/** Scheduler reasons, as the plugins word them. */
export const REASON = {
  unschedulable: 'node(s) were unschedulable',
  // 1.34 no longer names the taint (older schedulers said `{key: value}`).
  taint: 'node(s) had untolerated taint(s)',
  affinity: "node(s) didn't match Pod's node affinity/selector",
  affinityConflict: 'pod affinity terms conflict',
  notInPreFilter: "node(s) didn't satisfy plugin(s) [NodeAffinity]",
  unboundImmediate: 'pod has unbound immediate PersistentVolumeClaims',
  claimNotFound: (name: string) => `persistentvolumeclaim "${name}" not found`,
  volumeNodeConflict: 'node(s) had volume node affinity conflict',
  noVolumeToBind: "node(s) didn't find available persistent volumes to bind",
  noNodes: 'no nodes available to schedule pods',
  notHelpful: 'Preemption is not helpful for scheduling',
  noVictims: 'No preemption victims found for incoming pod',
} as const;

export type Decision =
  /** Bind to `node`; first the listed WaitForFirstConsumer claims get it as their selected node. */
  { node: string; claimsToProvision: string[] } | { unschedulable: string };

interface NodeVerdict {
  reasons: string[];
  /**
   * Preemption may help only where evicting pods could make room: resource misses within the
   * node's allocatable. Every other filter's reasons, and requests above allocatable, it cannot.
   */
  resolvable: boolean;
}

const UNSCHEDULABLE_TAINT: Taint = { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' };

export function scheduleDecision(
  pod: KubeObject,
  nodes: readonly KubeObject[],
  usage: ReadonlyMap<string, NodeUsage>,
  volumes: VolumeState,
): Decision {
  const total = nodes.length;
  if (total === 0) return { unschedulable: REASON.noNodes };
  // A PreFilter rejection stops the cycle before DynamicResources' PreFilter has run, so its
  // PostFilter finds no state and says only "not found" (no preemption part), as 1.34 prints it.
  const preFilterFailure = (message: string): Decision => ({
    unschedulable: `0/${total} nodes are available: ${message}. not found`,
  });

  // PreFilter: NodeAffinity, then VolumeRestrictions/VolumeBinding on the pod's claims.
  const candidates = preFilterNodeNames(pod);
  if (candidates && candidates.size === 0) return preFilterFailure(REASON.affinityConflict);
  const claims: KubeObject[] = [];
  for (const v of pod.spec?.volumes ?? []) {
    const name: string | undefined = v.persistentVolumeClaim?.claimName;
    if (!name) continue;
    const pvc = volumes.claims.find(
      (c) => c.metadata.name === name && c.metadata.namespace === pod.metadata.namespace,
    );
    if (!pvc) return preFilterFailure(REASON.claimNotFound(name));
    claims.push(pvc);
  }
  const delayed = claims.filter((c) => !isClaimBound(c) && isDelayBinding(c, volumes.classes));
  if (claims.some((c) => !isClaimBound(c) && !delayed.includes(c)))
    return preFilterFailure(REASON.unboundImmediate);

  const want = podRequests(pod);
  const verdicts = new Map<string, NodeVerdict>();
  let best: { node: string; freeCpu: number } | undefined;
  for (const node of nodes) {
    if (candidates && !candidates.has(node.metadata.name)) continue;
    const verdict = filterNode(pod, node, want, usage.get(node.metadata.name), claims, delayed, volumes);
    if (verdict) {
      verdicts.set(node.metadata.name, verdict);
      continue;
    }
    const freeCpu =
      (cpuMillis(node.status?.allocatable?.cpu) ?? 0) - (usage.get(node.metadata.name)?.cpu ?? 0);
    if (!best || freeCpu > best.freeCpu) best = { node: node.metadata.name, freeCpu };
  }
  if (best) return { node: best.node, claimsToProvision: delayed.map((c) => c.metadata.name) };

  const absent = total - verdicts.size;
  const filterReasons = histogram(
    [...verdicts.values()].flatMap((v) => v.reasons),
    absent,
    REASON.notInPreFilter,
  );
  const preemption = histogram(
    [...verdicts.values()].map((v) => (v.resolvable ? REASON.noVictims : REASON.notHelpful)),
    absent,
    REASON.notHelpful,
  );
  return {
    // DynamicResources' PostFilter runs before DefaultPreemption and has no claims to free.
    unschedulable: `0/${total} nodes are available: ${filterReasons}. no new claims to deallocate, preemption: 0/${total} nodes are available: ${preemption}.`,
  };
}

/** "N reason" per distinct reason, sorted as strings (FitError.Error's sortReasonsHistogram). */
function histogram(reasons: string[], absent: number, absentReason: string): string {
  const counts = new Map<string, number>();
  for (const r of reasons) counts.set(r, (counts.get(r) ?? 0) + 1);
  if (absent > 0) counts.set(absentReason, (counts.get(absentReason) ?? 0) + absent);
  return [...counts]
    .map(([reason, count]) => `${count} ${reason}`)
    .sort()
    .join(', ');
}

/** The first failing filter's reasons for this node, or undefined when the pod fits. */
function filterNode(
  pod: KubeObject,
  node: KubeObject,
  want: Requests,
  used: NodeUsage | undefined,
  claims: readonly KubeObject[],
  delayed: readonly KubeObject[],
  volumes: VolumeState,
): NodeVerdict | undefined {
  const tolerations: Toleration[] | undefined = pod.spec?.tolerations;
  const unresolvable = (reason: string): NodeVerdict => ({ reasons: [reason], resolvable: false });
  if (node.spec?.unschedulable && !toleratesAll(tolerations, UNSCHEDULABLE_TAINT))
    return unresolvable(REASON.unschedulable);
  const taint = ((node.spec?.taints ?? []) as Taint[]).find(
    (t) => (t.effect === 'NoSchedule' || t.effect === 'NoExecute') && !toleratesAll(tolerations, t),
  );
  if (taint) return unresolvable(REASON.taint);
  if (!matchesNodeAffinity(pod, node)) return unresolvable(REASON.affinity);

  const alloc = node.status?.allocatable ?? {};
  const u = used ?? { cpu: 0, memory: 0, pods: 0 };
  const allocCpu = cpuMillis(alloc.cpu) ?? 0;
  const allocMemory = bytes(alloc.memory) ?? 0;
  const misses = [
    ...(u.pods + 1 > Number(alloc.pods ?? 110) ? ['Too many pods'] : []),
    ...(want.cpu > 0 && want.cpu > allocCpu - u.cpu ? ['Insufficient cpu'] : []),
    ...(want.memory > 0 && want.memory > allocMemory - u.memory ? ['Insufficient memory'] : []),
  ];
  if (misses.length > 0)
    return { reasons: misses, resolvable: want.cpu <= allocCpu && want.memory <= allocMemory };

  for (const pvc of claims) {
    if (!isClaimBound(pvc)) continue;
    const pv = volumes.volumes.find((v) => v.metadata.name === pvc.spec.volumeName);
    const terms: NodeSelectorTerm[] | undefined = pv?.spec?.nodeAffinity?.required?.nodeSelectorTerms;
    if (terms && !matchesNodeSelectorTerms(terms, node)) return unresolvable(REASON.volumeNodeConflict);
  }
  for (const pvc of delayed) {
    const sc = volumes.classes.find((c) => c.metadata.name === claimClassName(pvc));
    if (sc?.provisioner === NO_PROVISIONER && !findMatchingVolume(pvc, volumes.volumes, node))
      return unresolvable(REASON.noVolumeToBind);
  }
  return undefined;
}

/**
 * The smallest Available PV that satisfies the claim: same class, enough capacity, the access
 * modes and volume mode it asks for, a node affinity that admits `node` when one is given.
 * A PV already pre-bound to this claim (claimRef) wins.
 */
export function findMatchingVolume(
  pvc: KubeObject,
  pvs: readonly KubeObject[],
  node?: KubeObject,
): KubeObject | undefined {
  const requested = bytes(pvc.spec?.resources?.requests?.storage) ?? 0;
  const modes: string[] = pvc.spec?.accessModes ?? [];
  const fits = (pv: KubeObject): boolean => {
    const ref = pv.spec?.claimRef;
    if (ref && (ref.name !== pvc.metadata.name || ref.namespace !== pvc.metadata.namespace)) return false;
    if (ref?.uid && ref.uid !== pvc.metadata.uid) return false;
    if (pv.status?.phase && pv.status.phase !== 'Available' && !ref) return false;
    if ((pv.spec?.storageClassName ?? '') !== claimClassName(pvc)) return false;
    if ((pv.spec?.volumeMode ?? 'Filesystem') !== (pvc.spec?.volumeMode ?? 'Filesystem')) return false;
    if ((bytes(pv.spec?.capacity?.storage) ?? 0) < requested) return false;
    if (!modes.every((m) => (pv.spec?.accessModes ?? []).includes(m))) return false;
    const terms: NodeSelectorTerm[] | undefined = pv.spec?.nodeAffinity?.required?.nodeSelectorTerms;
    return !node || !terms || matchesNodeSelectorTerms(terms, node);
  };
  const candidates = pvs.filter(fits);
  return (
    candidates.find((pv) => pv.spec?.claimRef) ??
    candidates.sort(
      (a, b) => (bytes(a.spec?.capacity?.storage) ?? 0) - (bytes(b.spec?.capacity?.storage) ?? 0),
    )[0]
  );
}
