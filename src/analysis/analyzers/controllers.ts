// Controllers other than Deployments: StatefulSets short of ready replicas (the stuck pods and
// why, a missing governing Service, pending claims of their volumeClaimTemplates), DaemonSets with
// unavailable or misscheduled pods or no node to run on, failed Jobs (the failing container, its
// exit code and log), CronJobs whose last Job failed, that are suspended, have a schedule that does
// not parse, or have not run for much longer than their period.
import type {
  V1CronJob,
  V1DaemonSet,
  V1Job,
  V1Node,
  V1Pod,
  V1PodSpec,
  V1StatefulSet,
} from '@kubernetes/client-node';
import { isValidTimeZone, nextScheduleAfter, parseCron, type Schedule } from '../../kube/cron.js';
import { makeFinding, type FindingInput } from '../finding.js';
import { indexSnapshot, type SnapshotIndex, type Workload } from '../snapshot-index.js';
import { epoch, formatDuration } from '../time.js';
import type { AnalyzeOptions, ClusterSnapshot, Finding, ResourceRef } from '../../model/analysis.js';

const ANALYZER = 'controllers';
const EXIT_CODE_HINTS: Record<number, string> = {
  1: 'application error',
  2: 'misuse of a shell builtin or bad arguments',
  126: 'command not executable',
  127: 'command not found',
  137: 'SIGKILL: out of memory or killed',
  139: 'segmentation fault',
  143: 'SIGTERM',
};
/** Pod failures the Job did not cause: a retry can succeed as is. */
const TRANSIENT_POD_REASONS = new Set(['Evicted', 'NodeLost', 'Shutdown', 'Terminated', 'NodeShutdown']);

type Problem = Omit<FindingInput, 'analyzer' | 'resource'>;

export function controllers(snapshot: ClusterSnapshot, options: AnalyzeOptions): Finding[] {
  const index = indexSnapshot(snapshot);
  const findings: Finding[] = [];
  const add = (resource: ResourceRef, problems: Problem[]) => {
    for (const p of problems) findings.push(makeFinding(snapshot, { analyzer: ANALYZER, resource, ...p }));
  };
  for (const workload of index.workloads.values()) {
    const ctx: Ctx = { snapshot, options, index, workload };
    if (workload.statefulSet) add(workload.ref, statefulSetProblems(ctx, workload.statefulSet));
    else if (workload.daemonSet) add(workload.ref, daemonSetProblems(ctx, workload.daemonSet));
    else if (workload.cronJob) add(workload.ref, cronJobProblems(ctx, workload.cronJob));
    // Jobs on their own, or of a CronJob whose object is not known.
    else
      for (const job of workload.jobs) {
        const failed = jobFailure(ctx, job);
        if (failed) add(workload.ref, [failed]);
      }
  }
  return findings;
}

interface Ctx {
  snapshot: ClusterSnapshot;
  options: AnalyzeOptions;
  index: SnapshotIndex;
  workload: Workload;
}

// ---- StatefulSets

function statefulSetProblems(ctx: Ctx, sts: V1StatefulSet): Problem[] {
  const { snapshot, workload } = ctx;
  const namespace = workload.ref.namespace;
  const name = workload.ref.name;
  const problems: Problem[] = [];
  const serviceName = sts.spec?.serviceName;
  if (
    serviceName &&
    snapshot.services &&
    !snapshot.services.some((s) => s.metadata?.namespace === namespace && s.metadata?.name === serviceName)
  ) {
    problems.push({
      problem: `missing-service:${serviceName}`,
      severity: 'warning',
      title: `Governing Service ${serviceName} does not exist`,
      detail: [
        `spec.serviceName: ${serviceName}`,
        `no Service ${namespace}/${serviceName}: the pods get no stable DNS names (<pod>.${serviceName})`,
      ],
      suggestedFix: `Create the headless Service (the port is the one the pods serve): kubectl create service clusterip ${serviceName} -n ${namespace} --clusterip=None --tcp=<port>:<port>, with the StatefulSet's pod labels as its selector.`,
    });
  }
  if (snapshot.storageClasses) {
    const classes = new Set(snapshot.storageClasses.map((c) => c.metadata?.name));
    for (const template of sts.spec?.volumeClaimTemplates ?? []) {
      const cls = template.spec?.storageClassName;
      if (cls && !classes.has(cls))
        problems.push({
          problem: `missing-storage-class:${template.metadata?.name}`,
          severity: 'critical',
          title: `volumeClaimTemplate ${template.metadata?.name} uses StorageClass ${cls}, which does not exist`,
          detail: [`StorageClasses: ${[...classes].join(', ') || '(none)'}`],
          suggestedFix: `Point the volumeClaimTemplate at an existing StorageClass (volumeClaimTemplates cannot be edited: recreate the StatefulSet with --cascade=orphan), or create StorageClass ${cls}.`,
          runbook: 'pvc-pending',
        });
    }
  }

  const desired = sts.spec?.replicas ?? 1;
  const ready = sts.status?.readyReplicas ?? 0;
  if (ready >= desired) return problems;
  const notReady = workload.pods.filter((p) => !podReady(p));
  const since = shortfallSince(notReady, epoch(sts.metadata?.creationTimestamp), snapshot.now);
  if (snapshot.now - since < ctx.options.graceMs) return problems;

  const detail = [
    `${ready}/${desired} ready, ${sts.status?.currentReplicas ?? 0} current, ${sts.status?.updatedReplicas ?? 0} updated`,
    `short for ${formatDuration(snapshot.now - since)}`,
    ...notReady.slice(0, 5).map((p) => `pod ${p.metadata?.name}: ${podState(p)}`),
  ];
  const affected: ResourceRef[] = notReady.map(podRef);
  const existing = new Set(workload.pods.map((p) => p.metadata?.name));
  const missingOrdinals = Array.from({ length: desired }, (_, i) => `${name}-${i}`).filter(
    (p) => !existing.has(p),
  );
  if (
    missingOrdinals.length &&
    (sts.spec?.podManagementPolicy ?? 'OrderedReady') === 'OrderedReady' &&
    notReady.length
  )
    detail.push(
      `not created yet: ${missingOrdinals.join(', ')} (OrderedReady waits for the lower ordinals to be Ready)`,
    );
  let pendingClaim = false;
  if (snapshot.persistentVolumeClaims) {
    const claimNames = new Set(
      (sts.spec?.volumeClaimTemplates ?? []).flatMap((t) =>
        Array.from({ length: desired }, (_, i) => `${t.metadata?.name}-${name}-${i}`),
      ),
    );
    for (const pvc of snapshot.persistentVolumeClaims) {
      const claim = pvc.metadata?.name ?? '';
      if (pvc.metadata?.namespace !== namespace || !claimNames.has(claim) || pvc.status?.phase !== 'Pending')
        continue;
      pendingClaim = true;
      detail.push(
        `PersistentVolumeClaim ${claim} is Pending (storageClass ${pvc.spec?.storageClassName ?? 'default'})`,
      );
      affected.push({ kind: 'PersistentVolumeClaim', namespace, name: claim });
    }
  }
  problems.push({
    problem: 'not-ready',
    severity: ready === 0 ? 'critical' : 'warning',
    title: `${ready} of ${desired} replicas ready`,
    detail,
    affected,
    suggestedFix: pendingClaim
      ? 'A claim of its volumeClaimTemplates is Pending: see the PersistentVolumeClaim (storage class, provisioner, capacity); the pod starts once it binds.'
      : 'See the pod findings of the pods listed for why they do not become Ready; the next ordinal waits for them.',
    ...(pendingClaim ? { runbook: 'pvc-pending' as const } : {}),
    since,
  });
  return problems;
}

// ---- DaemonSets

function daemonSetProblems(ctx: Ctx, ds: V1DaemonSet): Problem[] {
  const { snapshot } = ctx;
  const status = ds.status;
  if (!status || status.observedGeneration === undefined) return [];
  const counts = `desired ${status.desiredNumberScheduled}, scheduled ${status.currentNumberScheduled}, ready ${status.numberReady}, available ${status.numberAvailable ?? 0}, misscheduled ${status.numberMisscheduled}`;
  const problems: Problem[] = [];
  const spec = ds.spec?.template?.spec;
  if (status.desiredNumberScheduled === 0 && snapshot.nodes.length > 0 && spec) {
    const reasons = snapshot.nodes.map(
      (n) => `node ${n.metadata?.name}: ${nodeMismatch(spec, n) ?? 'matches'}`,
    );
    problems.push({
      problem: 'no-nodes',
      severity: 'warning',
      title: `No node matches: the DaemonSet runs no pods`,
      detail: [
        counts,
        ...reasons.slice(0, 5),
        ...(reasons.length > 5 ? [`… ${reasons.length - 5} more nodes`] : []),
      ],
      suggestedFix:
        "Fix the nodeSelector/affinity to match node labels, or add tolerations for the nodes' taints.",
    });
  }
  const unavailable = status.numberUnavailable ?? 0;
  if (unavailable > 0) {
    const notReady = ctx.workload.pods.filter((p) => !podReady(p));
    const since = shortfallSince(notReady, epoch(ds.metadata?.creationTimestamp), snapshot.now);
    if (snapshot.now - since >= ctx.options.graceMs)
      problems.push({
        problem: 'unavailable',
        severity: status.numberAvailable ? 'warning' : 'critical',
        title: `${unavailable} of ${status.desiredNumberScheduled} daemon pods unavailable`,
        detail: [
          counts,
          `short for ${formatDuration(snapshot.now - since)}`,
          ...notReady
            .slice(0, 5)
            .map((p) => `pod ${p.metadata?.name} on ${p.spec?.nodeName ?? '(no node)'}: ${podState(p)}`),
        ],
        affected: notReady.map(podRef),
        suggestedFix:
          'See the pod findings of the pods listed for why they do not become Ready on their nodes.',
        since,
      });
  }
  if (status.numberMisscheduled > 0)
    problems.push({
      problem: 'misscheduled',
      severity: 'warning',
      title: `${status.numberMisscheduled} daemon pods run on nodes they should not`,
      detail: [counts, "a node's labels or taints changed after the pod was placed, or the selector changed"],
      suggestedFix:
        'Check the nodeSelector and tolerations against the nodes; the controller removes misscheduled pods it owns.',
    });
  return problems;
}

/** Why a DaemonSet's pod cannot run on a node: a nodeSelector label or an untolerated taint. */
export function nodeMismatch(spec: V1PodSpec, node: V1Node): string | undefined {
  const labels = node.metadata?.labels ?? {};
  for (const [key, value] of Object.entries(spec.nodeSelector ?? {}))
    if (labels[key] !== value) return `lacks label ${key}=${value}`;
  for (const taint of node.spec?.taints ?? []) {
    if (taint.effect === 'PreferNoSchedule') continue;
    const tolerated = (spec.tolerations ?? []).some(
      (t) =>
        (t.key === undefined || t.key === '' ? t.operator === 'Exists' : t.key === taint.key) &&
        (t.operator === 'Exists' || (t.value ?? '') === (taint.value ?? '')) &&
        (!t.effect || t.effect === taint.effect),
    );
    if (!tolerated)
      return `taint ${taint.key}${taint.value ? `=${taint.value}` : ''}:${taint.effect} not tolerated`;
  }
  if (spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution)
    return 'check the required node affinity';
  return undefined;
}

// ---- Jobs

function failedCondition(job: V1Job) {
  return job.status?.conditions?.find((c) => c.type === 'Failed' && c.status === 'True');
}

/** A Job that failed, or is failing pods while it retries; with the failing container's evidence. */
function jobFailure(ctx: Ctx, job: V1Job): Problem | undefined {
  const failed = failedCondition(job);
  const failures = job.status?.failed ?? 0;
  const name = job.metadata?.name ?? '';
  const namespace = job.metadata?.namespace;
  if (!failed && (failures === 0 || job.status?.succeeded || !job.status?.active)) return undefined;
  const pods = ctx.index.podsByOwner.get(`Job/${namespace}/${name}`) ?? [];
  const lastFailed = pods
    .filter(
      (p) =>
        p.status?.phase === 'Failed' ||
        (p.status?.containerStatuses ?? []).some(
          (s) => s.lastState?.terminated || s.state?.terminated?.exitCode,
        ),
    )
    .sort((a, b) => (epoch(a.metadata?.creationTimestamp) ?? 0) - (epoch(b.metadata?.creationTimestamp) ?? 0))
    .at(-1);
  const evidence = lastFailed ? failedPodEvidence(ctx.snapshot, ctx.options, lastFailed) : undefined;
  const backoffLimit = job.spec?.backoffLimit ?? 6;
  const detail = [
    ...(failed
      ? [`condition Failed: ${failed.reason ?? ''}${failed.message ? `: ${failed.message}` : ''}`]
      : []),
    `pods: ${failures} failed (backoffLimit ${backoffLimit}), ${job.status?.active ?? 0} active, ${job.status?.succeeded ?? 0} succeeded`,
    ...(evidence?.lines ?? []),
  ];
  const deadline = failed?.reason === 'DeadlineExceeded';
  let suggestedFix: string;
  if (deadline)
    suggestedFix = `The Job ran past activeDeadlineSeconds (${job.spec?.activeDeadlineSeconds ?? '?'} s): make it finish sooner or raise the deadline; re-running as is hits the same deadline.`;
  else if (evidence?.transient)
    suggestedFix = `The pod failed for a reason outside the Job (${evidence.reason}): re-running it can succeed (kubectl get job ${name} -n ${namespace} -o json | jq 'del(.spec.selector,.spec.template.metadata.labels)' | kubectl replace --force -f -).`;
  else if (evidence)
    suggestedFix = `Fix what makes container ${evidence.container} exit with code ${evidence.exitCode}${evidence.hint ? ` (${evidence.hint})` : ''} — read kubectl logs ${evidence.pod} -n ${namespace} -c ${evidence.container} — then re-create the Job; retrying unchanged fails the same way.`;
  else
    suggestedFix = `Read the failed pods' logs (kubectl logs -n ${namespace} -l job-name=${name} --previous) and fix the cause before re-creating the Job.`;
  return {
    problem: failed ? 'job-failed' : 'job-retrying',
    severity: failed ? 'critical' : 'warning',
    title: failed
      ? `Job ${name} failed: ${failed.reason ?? 'Failed'}${evidence ? ` (${evidence.container} exit code ${evidence.exitCode})` : ''}`
      : `Job ${name} is retrying: ${failures} of ${backoffLimit + 1} attempts failed`,
    detail,
    affected: [
      ...(ctx.workload.ref.kind === 'Job' ? [] : [{ kind: 'Job', namespace, name }]),
      ...(lastFailed ? [podRef(lastFailed)] : []),
    ],
    suggestedFix,
    runbook: 'failed-job',
    since: epoch(failed?.lastTransitionTime) ?? epoch(job.status?.startTime),
  };
}

interface FailedPod {
  lines: string[];
  pod: string;
  container: string;
  exitCode: number | string;
  hint?: string | undefined;
  reason: string;
  transient: boolean;
}

function failedPodEvidence(snapshot: ClusterSnapshot, options: AnalyzeOptions, pod: V1Pod): FailedPod {
  const { namespace, name = '' } = pod.metadata ?? {};
  const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
  const failing =
    statuses.find((s) => (s.state?.terminated ?? s.lastState?.terminated)?.exitCode) ?? statuses[0];
  const terminated = failing?.state?.terminated ?? failing?.lastState?.terminated;
  const reason = pod.status?.reason ?? terminated?.reason ?? 'Error';
  const transient =
    TRANSIENT_POD_REASONS.has(pod.status?.reason ?? '') ||
    (pod.status?.conditions ?? []).some((c) => c.type === 'DisruptionTarget' && c.status === 'True');
  const lines = [
    `last failed pod ${name}: ${pod.status?.phase ?? 'Unknown'}${pod.status?.reason ? ` (${pod.status.reason}: ${pod.status.message ?? ''})` : ''}`,
  ];
  const exitCode = terminated?.exitCode ?? '?';
  const hint = typeof exitCode === 'number' ? EXIT_CODE_HINTS[exitCode] : undefined;
  if (failing && terminated) {
    lines.push(
      `container ${failing.name}: ${terminated.reason ?? 'terminated'}, exit code ${exitCode}${hint ? ` (${hint})` : ''}`,
    );
    if (terminated.message) lines.push(`message: ${terminated.message}`);
  }
  const log = failing ? snapshot.logs?.[`${namespace}/${name}/${failing.name}`] : undefined;
  if (log?.length) {
    lines.push(`last ${Math.min(log.length, options.logLines)} log lines:`);
    for (const line of log.slice(-options.logLines)) lines.push(`  ${line}`);
  }
  return { lines, pod: name, container: failing?.name ?? '?', exitCode, hint, reason, transient };
}

// ---- CronJobs

function cronJobProblems(ctx: Ctx, cj: V1CronJob): Problem[] {
  const { snapshot } = ctx;
  const problems: Problem[] = [];
  const schedule = cj.spec?.schedule ?? '';
  const parsed = readSchedule(schedule, cj.spec?.timeZone);
  if (cj.spec?.suspend)
    problems.push({
      problem: 'suspended',
      severity: 'info',
      title: `CronJob is suspended: no Jobs are created on schedule ${schedule}`,
      detail: [`spec.suspend: true`, ...lastScheduleLine(cj)],
      suggestedFix: `If it should run, resume it: kubectl patch cronjob ${cj.metadata?.name} -n ${cj.metadata?.namespace} -p '{"spec":{"suspend":false}}'`,
    });
  if ('invalid' in parsed)
    problems.push({
      problem: 'invalid-schedule',
      severity: 'critical',
      title: `CronJob schedule "${schedule}" does not parse`,
      detail: [
        parsed.invalid,
        'expected five fields (minute hour day-of-month month day-of-week) or a descriptor such as @hourly',
      ],
      suggestedFix: 'Fix spec.schedule to a valid cron expression.',
    });
  else if (!cj.spec?.suspend) {
    const missed = missedRuns(parsed.schedule, cj, snapshot.now, ctx.options.graceMs);
    if (missed)
      problems.push({
        problem: 'not-running',
        severity: 'warning',
        title: `CronJob has not run since ${missed.lastLabel}: ${missed.count}${missed.count >= 100 ? '+' : ''} scheduled runs missed`,
        detail: [
          `schedule: ${schedule}${cj.spec?.timeZone ? ` (${cj.spec.timeZone})` : ''}`,
          ...lastScheduleLine(cj),
          `next run was due ${new Date(missed.due).toISOString()}, ${formatDuration(snapshot.now - missed.due)} ago`,
          ...(cj.spec?.startingDeadlineSeconds !== undefined
            ? [`startingDeadlineSeconds: ${cj.spec.startingDeadlineSeconds}`]
            : []),
          ...(cj.spec?.concurrencyPolicy === 'Forbid' && (cj.status?.active?.length ?? 0) > 0
            ? [
                `concurrencyPolicy Forbid and ${cj.status!.active!.length} Job still active: runs are skipped until it ends`,
              ]
            : []),
        ],
        suggestedFix:
          cj.spec?.concurrencyPolicy === 'Forbid' && (cj.status?.active?.length ?? 0) > 0
            ? 'A Job still running blocks the next ones (concurrencyPolicy Forbid): see why it does not finish (activeDeadlineSeconds bounds it).'
            : 'Check the CronJob controller (kube-controller-manager) events and logs, and startingDeadlineSeconds: more than 100 missed runs stop scheduling until the CronJob is re-created.',
        since: missed.due,
      });
  }
  // The newest finished Job says whether the last run worked.
  const finished = ctx.workload.jobs.filter((j) =>
    j.status?.conditions?.some((c) => (c.type === 'Failed' || c.type === 'Complete') && c.status === 'True'),
  );
  const last = finished.at(-1);
  if (last && failedCondition(last)) {
    const failure = jobFailure(ctx, last)!;
    const failedInRow = finished.length - 1 - finished.findLastIndex((j) => !failedCondition(j));
    problems.push({
      ...failure,
      problem: 'last-job-failed',
      title: `Last run failed: ${failure.title}`,
      detail: [
        `${failedInRow} of the last ${finished.length} finished Jobs failed in a row`,
        ...failure.detail,
      ],
    });
  } else {
    for (const job of ctx.workload.jobs.filter((j) => !failedCondition(j))) {
      const retrying = jobFailure(ctx, job);
      if (retrying) problems.push({ ...retrying, problem: `job-retrying:${job.metadata?.name}` });
    }
  }
  return problems;
}

function lastScheduleLine(cj: V1CronJob): string[] {
  const last = epoch(cj.status?.lastScheduleTime);
  return last === undefined ? ['never scheduled'] : [`last scheduled ${new Date(last).toISOString()}`];
}

/** The schedule as the controller reads it, in its time zone, or why it does not parse. */
function readSchedule(
  schedule: string,
  timeZone: string | undefined,
): { invalid: string } | { schedule: Schedule } {
  try {
    if (timeZone && !isValidTimeZone(timeZone)) return { invalid: `unknown time zone ${timeZone}` };
    return { schedule: parseCron(schedule) };
  } catch (error) {
    return { invalid: (error as Error).message };
  }
}

/**
 * Runs due (more than `grace` ago) since the last one (or creation), counted up to 100; reported
 * from two on, so a run the controller is about to start, or one skipped, is not a finding.
 */
function missedRuns(schedule: Schedule, cj: V1CronJob, now: number, grace: number) {
  const last = epoch(cj.status?.lastScheduleTime) ?? epoch(cj.metadata?.creationTimestamp);
  if (last === undefined) return undefined;
  const zone = cj.spec?.timeZone ?? 'UTC';
  const due = nextScheduleAfter(schedule, last, zone);
  if (due === undefined) return undefined;
  let count = 0;
  for (
    let t: number | undefined = due;
    t !== undefined && t + grace <= now && count < 100;
    t = nextScheduleAfter(schedule, t, zone)
  )
    count++;
  if (count < 2) return undefined;
  return {
    due,
    count,
    lastLabel: cj.status?.lastScheduleTime
      ? new Date(last).toISOString()
      : `its creation (${new Date(last).toISOString()})`,
  };
}

// ---- pods

function podReady(pod: V1Pod): boolean {
  return !!pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
}

/** Since when the controller is short: the youngest not-ready pod, else its creation. */
function shortfallSince(notReady: V1Pod[], created: number | undefined, now: number): number {
  let youngest = -Infinity;
  for (const pod of notReady) youngest = Math.max(youngest, epoch(pod.metadata?.creationTimestamp) ?? now);
  return Number.isFinite(youngest) ? youngest : (created ?? now);
}

/** A pod's state as a person debugging it wants it: the waiting/terminated reason and message. */
function podState(pod: V1Pod): string {
  if (pod.status?.phase === 'Pending' && !pod.spec?.nodeName) {
    const scheduled = pod.status.conditions?.find((c) => c.type === 'PodScheduled' && c.status === 'False');
    return `Pending, not scheduled${scheduled?.message ? `: ${scheduled.message}` : ''}`;
  }
  for (const s of [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])]) {
    const waiting = s.state?.waiting;
    if (waiting?.reason && waiting.reason !== 'PodInitializing')
      return `container ${s.name} ${waiting.reason}${waiting.message ? `: ${waiting.message.split('\n')[0]}` : ''}`;
    const terminated = s.state?.terminated;
    if (terminated && terminated.exitCode !== 0)
      return `container ${s.name} ${terminated.reason ?? 'terminated'} (exit code ${terminated.exitCode})`;
    if (!s.ready && s.state?.running)
      return `container ${s.name} running, not Ready (restarts ${s.restartCount})`;
  }
  return pod.status?.phase ?? 'Unknown';
}

const podRef = (pod: V1Pod): ResourceRef => ({
  kind: 'Pod',
  namespace: pod.metadata?.namespace,
  name: pod.metadata?.name ?? '',
});
