// Workloads: deployments short of their replicas, rollouts past their progress deadline,
// HPAs pinned at their maximum or flapping between scale-ups and scale-downs.
import type { CoreV1Event, V1Deployment, V1Pod, V2HorizontalPodAutoscaler } from '@kubernetes/client-node';
import { makeFinding } from '../finding.js';
import { fixFor } from '../fixes.js';
import { rolloutUndoOp, setImageOp } from '../../workflow/proposed-operations.js';
import { describeLastGood, imagesToRestore, lastRevisionThatRan } from '../revisions.js';
import { indexSnapshot, type Workload } from '../snapshot-index.js';
import { epoch, formatDuration } from '../time.js';
import type { AnalyzeOptions, ClusterSnapshot, Finding } from '../../model/analysis.js';

const ANALYZER = 'workloads';
/** Rescales of one HPA within this window, in both directions, count as thrashing. */
const THRASH_WINDOW_MS = 30 * 60_000;
const THRASH_RESCALES = 4;

export function workloads(snapshot: ClusterSnapshot, options: AnalyzeOptions): Finding[] {
  const index = indexSnapshot(snapshot);
  const findings: Finding[] = [];
  for (const workload of index.workloads.values()) {
    if (workload.deployment)
      findings.push(...deploymentFindings(snapshot, options, workload, workload.deployment));
  }
  for (const hpa of snapshot.hpas) findings.push(...hpaFindings(snapshot, hpa, index.events));
  return findings;
}

function deploymentFindings(
  snapshot: ClusterSnapshot,
  options: AnalyzeOptions,
  workload: Workload,
  deployment: V1Deployment,
): Finding[] {
  if (deployment.spec?.paused) return [];
  const desired = deployment.spec?.replicas ?? 1;
  const available = deployment.status?.availableReplicas ?? 0;
  const base = {
    analyzer: ANALYZER,
    resource: workload.ref,
    affected: unavailablePods(workload).map(podRef),
  };
  const availability = `${available}/${desired} replicas available, ${deployment.status?.updatedReplicas ?? 0} up to date`;
  const progressing = deployment.status?.conditions?.find((c) => c.type === 'Progressing');

  if (progressing?.status === 'False' && progressing.reason === 'ProgressDeadlineExceeded') {
    const revision = Number(deployment.metadata?.annotations?.['deployment.kubernetes.io/revision'] ?? 0);
    const last = lastRevisionThatRan(
      deployment,
      indexSnapshot(snapshot).replicaSetsIn.get(deployment.metadata?.namespace ?? '') ?? [],
      workload.pods,
      snapshot.now,
    );
    const images = last ? imagesToRestore(last) : {};
    // Back to the revision that ran (its image alone when only images changed), else the
    // previous one as kubectl's default undo does.
    const recommendation = last
      ? fixFor({ cause: 'stuck-rollout', regression: last }) === 'set-image' && Object.keys(images).length
        ? setImageOp(workload.ref, images)
        : rolloutUndoOp(workload.ref, last.good.revision)
      : revision > 1
        ? rolloutUndoOp(workload.ref)
        : undefined;
    return [
      makeFinding(snapshot, {
        ...base,
        problem: 'stuck-rollout',
        severity: 'critical',
        title: `Rollout stuck: ${progressing.message ?? 'progress deadline exceeded'}`,
        detail: [
          availability,
          ...(revision ? [`revision ${revision}`] : []),
          ...podReasons(workload),
          ...(last ? describeLastGood(last) : []),
        ],
        suggestedFix: recommendation
          ? `${recommendation.summary}, then fix the new pod template (see the pod findings).`
          : 'Fix the pod template (see the pod findings); there is no earlier revision to roll back to.',
        recommendation,
        runbook: 'stuck-rollout',
        since: epoch(progressing.lastTransitionTime),
      }),
    ];
  }

  if (available >= desired) return [];
  // A rolling update is briefly short by design; report the shortfall once it outlasts the grace.
  const since = shortfallSince(workload, deployment, snapshot.now);
  if (snapshot.now - since < options.graceMs) return [];
  return [
    makeFinding(snapshot, {
      ...base,
      problem: 'below-desired',
      severity: available === 0 ? 'critical' : 'warning',
      title: `${available} of ${desired} replicas available`,
      detail: [availability, `short for ${formatDuration(snapshot.now - since)}`, ...podReasons(workload)],
      suggestedFix: 'See the pod findings for why the missing replicas do not become ready.',
      since,
    }),
  ];
}

function shortfallSince(workload: Workload, deployment: V1Deployment, now: number): number {
  const available = deployment.status?.conditions?.find((c) => c.type === 'Available');
  if (available?.status === 'False') return epoch(available.lastTransitionTime) ?? now;
  // Otherwise: since the youngest unavailable pod was created (or now, when none is known).
  let youngest = -Infinity;
  for (const pod of unavailablePods(workload))
    youngest = Math.max(youngest, epoch(pod.metadata?.creationTimestamp) ?? now);
  return Number.isFinite(youngest) ? youngest : now;
}

function unavailablePods(workload: Workload): V1Pod[] {
  return workload.pods.filter(
    (pod) => !pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
  );
}

const podRef = (pod: V1Pod) => ({
  kind: 'Pod',
  namespace: pod.metadata?.namespace,
  name: pod.metadata?.name ?? '',
});

/** "pods not ready: 2 CrashLoopBackOff, 1 Pending", as kubectl's STATUS column would say. */
function podReasons(workload: Workload): string[] {
  const counts = new Map<string, number>();
  for (const pod of unavailablePods(workload)) {
    const reason = podStatusReason(pod);
    counts.set(reason, (counts.get(reason) ?? 0) + 1);
  }
  if (counts.size === 0) return [];
  return [`pods not ready: ${[...counts].map(([reason, n]) => `${n} ${reason}`).join(', ')}`];
}

function podStatusReason(pod: V1Pod): string {
  for (const status of pod.status?.containerStatuses ?? []) {
    const reason = status.state?.waiting?.reason ?? status.state?.terminated?.reason;
    if (reason) return reason;
  }
  return pod.status?.phase ?? 'Unknown';
}

function hpaFindings(
  snapshot: ClusterSnapshot,
  hpa: V2HorizontalPodAutoscaler,
  events: Map<string, CoreV1Event[]>,
): Finding[] {
  const { namespace, name = '' } = hpa.metadata ?? {};
  const resource = { kind: 'HorizontalPodAutoscaler', namespace, name };
  const target = hpa.spec.scaleTargetRef;
  const base = {
    analyzer: ANALYZER,
    resource,
    affected: [{ kind: target.kind, namespace, name: target.name }],
  };
  const findings: Finding[] = [];
  const current = hpa.status?.currentReplicas ?? 0;
  const max = hpa.spec.maxReplicas;
  if (current >= max) {
    const limited = hpa.status?.conditions?.find((c) => c.type === 'ScalingLimited' && c.status === 'True');
    findings.push(
      makeFinding(snapshot, {
        ...base,
        problem: 'at-max',
        severity: 'warning',
        title: `HPA at its maximum of ${max} replicas`,
        detail: [
          `replicas: ${current} current, ${hpa.status?.desiredReplicas ?? current} desired, max ${max}`,
          ...(limited?.message ? [`ScalingLimited: ${limited.message}`] : []),
        ],
        suggestedFix: `Raise maxReplicas if the load is real (within the policy's cap), or make each replica do more (requests, code).`,
        runbook: 'hpa-thrashing',
        since: epoch(limited?.lastTransitionTime),
      }),
    );
  }
  const rescales = (events.get(`HorizontalPodAutoscaler/${namespace}/${name}`) ?? []).filter(
    (e) =>
      e.reason === 'SuccessfulRescale' &&
      snapshot.now - (epoch(e.lastTimestamp) ?? epoch(e.eventTime) ?? 0) <= THRASH_WINDOW_MS,
  );
  const total = rescales.reduce((sum, e) => sum + (e.count ?? 1), 0);
  const up = rescales.some((e) => /above target/i.test(e.message ?? ''));
  const down = rescales.some((e) => /below target/i.test(e.message ?? ''));
  if (total >= THRASH_RESCALES && up && down) {
    findings.push(
      makeFinding(snapshot, {
        ...base,
        problem: 'thrashing',
        severity: 'warning',
        title: `HPA rescaled ${total} times in ${formatDuration(THRASH_WINDOW_MS)}, up and down`,
        detail: rescales.slice(-4).map((e) => `event ${e.reason}: ${e.message ?? ''}`),
        suggestedFix:
          'Add a scale-down stabilization window (spec.behavior) or widen the gap between target and actual use.',
        runbook: 'hpa-thrashing',
      }),
    );
  }
  return findings;
}
