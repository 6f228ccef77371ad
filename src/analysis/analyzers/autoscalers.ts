// HPA misconfiguration (k8sgpt's hpa.go, popeye's hpa checks): a scaleTargetRef that does not
// exist, a utilization target on containers without the request it is a percentage of, min above
// max, two HPAs on one target, an HPA that cannot compute replicas, and one capped at its maximum
// for long (capacity). Thrashing is the scaling analyzer's; the plain at-max signal the workloads
// analyzer's.
import type { V2HorizontalPodAutoscaler } from '@kubernetes/client-node';
import { formatCpu, formatBytes } from '../../kube/quantity.js';
import { makeFinding, refKey, type FindingInput } from '../finding.js';
import { setResourcesOp } from '../../workflow/proposed-operations.js';
import { containerResources, cpuQuantity, memoryQuantity, TEMPLATED_KINDS } from '../resources.js';
import { indexSnapshot, type Workload } from '../snapshot-index.js';
import { historyShortfall } from '../stats.js';
import { epoch, formatDuration } from '../time.js';
import { containerHistories, type ContainerHistory } from '../usage.js';
import type {
  AnalyzeOptions,
  ClusterSnapshot,
  Finding,
  ResourceAmounts,
  ResourceRef,
} from '../../model/analysis.js';

const ANALYZER = 'autoscalers';
/** Capped at maxReplicas (ScalingLimited TooManyReplicas) longer than this is a capacity problem. */
const CAPPED_LONG_MS = 30 * 60_000;

type Problem = Omit<FindingInput, 'analyzer' | 'resource'>;

/** `Kind/namespace/name` of the scalable objects whose kind the snapshot lists (others: not known). */
function scalableObjects(snapshot: ClusterSnapshot): { kinds: Set<string>; keys: Set<string> } {
  const lists = {
    Deployment: snapshot.deployments,
    ReplicaSet: snapshot.replicaSets,
    StatefulSet: snapshot.statefulSets,
  };
  const kinds = new Set<string>();
  const keys = new Set<string>();
  for (const [kind, list] of Object.entries(lists)) {
    if (!list) continue;
    kinds.add(kind);
    for (const o of list) keys.add(`${kind}/${o.metadata?.namespace}/${o.metadata?.name}`);
  }
  return { kinds, keys };
}

export function autoscalers(snapshot: ClusterSnapshot, options: AnalyzeOptions): Finding[] {
  const index = indexSnapshot(snapshot);
  const findings: Finding[] = [];
  const byTarget = new Map<string, V2HorizontalPodAutoscaler[]>();
  const scalable = snapshot.hpas.length ? scalableObjects(snapshot) : undefined;
  for (const hpa of snapshot.hpas) {
    const { namespace, name = '' } = hpa.metadata ?? {};
    const resource = { kind: 'HorizontalPodAutoscaler', namespace, name };
    const targetRef = hpa.spec.scaleTargetRef;
    const target: ResourceRef = { kind: targetRef.kind, namespace, name: targetRef.name };
    const targetKey = refKey(target);
    byTarget.set(targetKey, [...(byTarget.get(targetKey) ?? []), hpa]);
    const workload = index.workloads.get(targetKey);
    const add = (p: Problem) => findings.push(makeFinding(snapshot, { analyzer: ANALYZER, resource, ...p }));

    const ableToScale = condition(hpa, 'AbleToScale');
    const exists = scalable?.kinds.has(target.kind) ? scalable.keys.has(targetKey) : undefined;
    if (exists === false || (ableToScale?.status === 'False' && ableToScale.reason === 'FailedGetScale')) {
      add({
        problem: 'target-missing',
        severity: 'critical',
        title: `Scale target ${target.kind}/${target.name} does not exist`,
        detail: [
          `scaleTargetRef: ${targetRef.apiVersion ?? ''} ${target.kind}/${target.name}`,
          ...(exists === false ? [`no ${target.kind} ${namespace}/${target.name} in the cluster`] : []),
          ...(ableToScale?.status === 'False'
            ? [`AbleToScale=False (${ableToScale.reason}): ${ableToScale.message ?? ''}`]
            : []),
        ],
        affected: [target],
        suggestedFix: `Point scaleTargetRef at the workload it should scale (kubectl edit hpa ${name} -n ${namespace}), or delete the HPA if the workload is gone (kubectl delete hpa ${name} -n ${namespace}).`,
        runbook: 'hpa-misconfigured',
        since: ableToScale?.status === 'False' ? epoch(ableToScale.lastTransitionTime) : undefined,
      });
      continue;
    }

    const min = hpa.spec.minReplicas ?? 1;
    if (min > hpa.spec.maxReplicas)
      add({
        problem: 'min-above-max',
        severity: 'warning',
        title: `minReplicas ${min} is above maxReplicas ${hpa.spec.maxReplicas}`,
        detail: [`minReplicas: ${min}`, `maxReplicas: ${hpa.spec.maxReplicas}`],
        affected: [target],
        suggestedFix: `Set minReplicas ≤ maxReplicas: kubectl patch hpa ${name} -n ${namespace} -p '{"spec":{"minReplicas":${hpa.spec.maxReplicas}}}' (or raise maxReplicas).`,
        runbook: 'hpa-misconfigured',
      });

    const missing = workload?.spec ? missingRequests(hpa, workload) : [];
    for (const lack of missing) add(missingRequestProblem(snapshot, options, hpa, workload!, lack));

    const active = condition(hpa, 'ScalingActive');
    if (!missing.length && active?.status === 'False' && active.reason !== 'ScalingDisabled')
      add({
        problem: 'scaling-inactive',
        severity: 'warning',
        title: `HPA cannot compute a replica count (${active.reason ?? 'ScalingActive=False'})`,
        detail: [`ScalingActive=False (${active.reason ?? ''}): ${active.message ?? ''}`],
        affected: [target],
        suggestedFix: /resource metrics API|metrics\.k8s\.io/i.test(active.message ?? '')
          ? 'Resource metrics are not served: install or repair metrics-server (kubectl get apiservice v1beta1.metrics.k8s.io).'
          : 'Check that the metrics the HPA names are served for the target pods (kubectl describe hpa).',
        runbook: 'hpa-misconfigured',
        since: epoch(active.lastTransitionTime),
      });

    const limited = condition(hpa, 'ScalingLimited');
    const limitedSince = epoch(limited?.lastTransitionTime);
    if (
      limited?.status === 'True' &&
      limited.reason === 'TooManyReplicas' &&
      limitedSince !== undefined &&
      snapshot.now - limitedSince >= CAPPED_LONG_MS
    )
      add({
        problem: 'capped',
        severity: 'warning',
        title: `Wants more than its ${hpa.spec.maxReplicas} maximum replicas for ${formatDuration(snapshot.now - limitedSince)}`,
        detail: [
          `ScalingLimited=True (TooManyReplicas) since ${new Date(limitedSince).toISOString()}: ${limited.message ?? ''}`,
          `replicas: ${hpa.status?.currentReplicas ?? 0} current, ${hpa.status?.desiredReplicas ?? 0} desired, max ${hpa.spec.maxReplicas}`,
          ...metricLines(hpa),
        ],
        affected: [target],
        suggestedFix: `The load needs more capacity than maxReplicas allows: raise maxReplicas (within what the nodes can hold), or make each replica handle more (requests, code).`,
        runbook: 'hpa-misconfigured',
        since: limitedSince,
      });
  }

  for (const [targetKey, hpas] of byTarget) {
    if (hpas.length < 2) continue;
    const first = hpas[0]!;
    const targetRef = first.spec.scaleTargetRef;
    const target = { kind: targetRef.kind, namespace: first.metadata?.namespace, name: targetRef.name };
    findings.push(
      makeFinding(snapshot, {
        analyzer: ANALYZER,
        problem: 'multiple-hpas',
        resource: index.workloads.get(targetKey)?.ref ?? target,
        severity: 'warning',
        title: `${hpas.length} HPAs scale ${target.kind}/${target.name}: they override each other`,
        detail: hpas.map(
          (h) =>
            `HPA ${h.metadata?.name}: min ${h.spec.minReplicas ?? 1}, max ${h.spec.maxReplicas}, desired ${h.status?.desiredReplicas ?? '?'}`,
        ),
        affected: hpas.map((h) => ({
          kind: 'HorizontalPodAutoscaler',
          namespace: h.metadata?.namespace,
          name: h.metadata?.name ?? '',
        })),
        suggestedFix: `Keep one HPA per target: merge their metrics into one and delete the others (kubectl delete hpa <name> -n ${target.namespace}).`,
        runbook: 'hpa-misconfigured',
      }),
    );
  }
  return findings;
}

function condition(hpa: V2HorizontalPodAutoscaler, type: string) {
  return hpa.status?.conditions?.find((c) => c.type === type);
}

function metricLines(hpa: V2HorizontalPodAutoscaler): string[] {
  return (hpa.status?.currentMetrics ?? []).flatMap((m) => {
    const current = m.resource?.current ?? m.containerResource?.current;
    const name = m.resource?.name ?? m.containerResource?.name;
    if (!current || !name) return [];
    const spec = hpa.spec.metrics?.find((s) => (s.resource ?? s.containerResource)?.name === name);
    const target = (spec?.resource ?? spec?.containerResource)?.target;
    return [
      `${name}: ${current.averageUtilization !== undefined ? `${current.averageUtilization} %` : (current.averageValue ?? '?')} now, target ${target?.averageUtilization !== undefined ? `${target.averageUtilization} %` : (target?.averageValue ?? '?')}`,
    ];
  });
}

export interface MissingRequest {
  container: string;
  resources: ('cpu' | 'memory')[];
}

/**
 * Containers of the target's pod template that lack the request a Utilization target is a
 * percentage of (Resource metrics: every container; ContainerResource: the one named).
 */
export function missingRequests(hpa: V2HorizontalPodAutoscaler, workload: Workload): MissingRequest[] {
  const needed = new Map<string, Set<'cpu' | 'memory'>>();
  const containers = workload.spec?.containers ?? [];
  for (const metric of hpa.spec.metrics ?? []) {
    const source =
      metric.type === 'Resource'
        ? metric.resource
        : metric.type === 'ContainerResource'
          ? metric.containerResource
          : undefined;
    if (!source || source.target.type !== 'Utilization') continue;
    const resource = source.name;
    if (resource !== 'cpu' && resource !== 'memory') continue;
    const only = metric.type === 'ContainerResource' ? metric.containerResource?.container : undefined;
    for (const c of containers) {
      if (only && c.name !== only) continue;
      const amounts = containerResources(c);
      if ((resource === 'cpu' ? amounts.cpuRequest : amounts.memoryRequest) !== undefined) continue;
      const set = needed.get(c.name) ?? new Set();
      needed.set(c.name, set.add(resource));
    }
  }
  return [...needed].map(([container, resources]) => ({ container, resources: [...resources].sort() }));
}

const historiesMemo = new WeakMap<ClusterSnapshot, Map<Workload, Map<string, ContainerHistory>>>();

/** The usage histories by workload and container name, once per snapshot. */
function historiesOf(snapshot: ClusterSnapshot): Map<Workload, Map<string, ContainerHistory>> {
  let byWorkload = historiesMemo.get(snapshot);
  if (byWorkload) return byWorkload;
  byWorkload = new Map();
  for (const history of containerHistories(snapshot)) {
    const containers = byWorkload.get(history.workload) ?? new Map<string, ContainerHistory>();
    byWorkload.set(history.workload, containers.set(history.container.name, history));
  }
  historiesMemo.set(snapshot, byWorkload);
  return byWorkload;
}

function missingRequestProblem(
  snapshot: ClusterSnapshot,
  options: AnalyzeOptions,
  hpa: V2HorizontalPodAutoscaler,
  workload: Workload,
  lack: MissingRequest,
): Problem {
  const active = condition(hpa, 'ScalingActive');
  const history = historiesOf(snapshot).get(workload)?.get(lack.container);
  const shortfall = history ? historyShortfall(history.summary, options) : 'no usage samples';
  const requests: ResourceAmounts = {};
  const detail = [
    `HPA ${hpa.metadata?.name} targets ${lack.resources.join(' and ')} utilization, a percentage of the request`,
    `container ${lack.container} of ${workload.ref.kind}/${workload.ref.name} has no ${lack.resources.join(' or ')} request`,
    ...(active?.status === 'False'
      ? [`ScalingActive=False (${active.reason ?? ''}): ${active.message ?? ''}`]
      : []),
  ];
  if (history && !shortfall) {
    const { summary } = history;
    if (lack.resources.includes('cpu')) requests.cpu = cpuQuantity(summary.cpuP95 * options.requestFactor);
    if (lack.resources.includes('memory'))
      requests.memory = memoryQuantity(summary.memoryP95 * options.requestFactor);
    detail.push(
      `usage over ${formatDuration(summary.spanMs)} (${summary.samples} samples): cpu p95 ${formatCpu(summary.cpuP95)}, memory p95 ${formatBytes(summary.memoryP95)}`,
    );
  } else {
    detail.push(`usage history too short to derive a request: ${shortfall}`);
  }
  const derived = Object.keys(requests).length > 0;
  const templated = TEMPLATED_KINDS.has(workload.ref.kind);
  const { namespace, name, kind } = workload.ref;
  return {
    problem: `missing-request:${lack.container}`,
    severity: 'warning',
    title: `HPA cannot scale: ${lack.container} has no ${lack.resources.join('/')} request`,
    detail,
    affected: [workload.ref],
    suggestedFix: derived
      ? `Set requests from observed usage (p95 + ${Math.round((options.requestFactor - 1) * 100)} %): ${Object.entries(
          requests,
        )
          .map(([k, v]) => `${k}=${v}`)
          .join(', ')}.`
      : `Set a ${lack.resources.join(' and ')} request on ${lack.container} (amount unknown: no usage history yet; measure it first): kubectl set resources ${kind.toLowerCase()}/${name} -n ${namespace} -c ${lack.container} --requests=${lack.resources.map((r) => `${r}=<amount>`).join(',')}`,
    ...(derived && templated
      ? { recommendation: setResourcesOp(workload.ref, lack.container, requests, {}) }
      : {}),
    runbook: 'hpa-misconfigured',
    since: active?.status === 'False' ? epoch(active.lastTransitionTime) : undefined,
  };
}
