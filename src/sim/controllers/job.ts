// Job controller: runs pods until `completions` of them succeed (or, without completions, until
// one succeeds and the rest end), within `parallelism`; failures count against `backoffLimit`
// with the real exponential back-off between replacements; `activeDeadlineSeconds`, `suspend`.
// It reads pod phases only: a pod counts as succeeded or failed once its phase says so.
import { isDeepStrictEqual } from 'node:util';
import type { SimContext } from '../context.js';
import { recordEvent } from '../events.js';
import type { KubeObject } from '../objects.js';
import { deletePod, isOwnedBy, isPodReady, ownerRef } from '../pods.js';
import { K } from '../resources.js';
import { objectKey, splitKey, workQueue } from './queue.js';

const COMPONENT = 'job-controller';
const BACKOFF_START_MS = 10_000;
const BACKOFF_MAX_MS = 600_000;

export interface JobCondition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastProbeTime: string;
  lastTransitionTime: string;
}

/** A Job is finished once it has a Complete or Failed condition that is True. */
export function jobFinished(job: KubeObject): 'Complete' | 'Failed' | undefined {
  const done = (job.status?.conditions ?? []).find(
    (c: JobCondition) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True',
  );
  return done?.type;
}

/** Back-off before replacing a failed pod: 10 s doubling per failure, capped at 10 minutes. */
export function jobBackoffMs(failures: number): number {
  if (failures <= 0) return 0;
  return Math.min(BACKOFF_MAX_MS, BACKOFF_START_MS * 2 ** (failures - 1));
}

export interface JobCounts {
  completions: number | undefined;
  parallelism: number;
  active: number;
  succeeded: number;
}

/** How many pods should run now: parallelism, less what completions still need. */
export function wantedActive({ completions, parallelism, active, succeeded }: JobCounts): number {
  if (completions === undefined) return succeeded > 0 ? Math.min(active, parallelism) : parallelism;
  return Math.max(0, Math.min(parallelism, completions - succeeded));
}

/** Whether the job has all its successes: completions reached, or (work queue) one success and none running. */
export function completionsReached({ completions, active, succeeded }: JobCounts): boolean {
  return completions === undefined ? succeeded > 0 && active === 0 : succeeded >= completions;
}

const isTerminal = (p: KubeObject): boolean =>
  p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed';

/** When a failed pod ended: its last container's finishedAt, else when it was seen. */
function failedAt(pod: KubeObject, seen: number): number {
  const ends = (pod.status?.containerStatuses ?? [])
    .map((c: { state?: { terminated?: { finishedAt?: string } } }) =>
      Date.parse(c.state?.terminated?.finishedAt ?? ''),
    )
    .filter((t: number) => !Number.isNaN(t));
  return ends.length ? Math.max(...ends) : seen;
}

/** Labels the API server puts on a Job's pod template, so selectors and kubectl find the pods. */
export function jobPodLabels(job: KubeObject): Record<string, string> {
  const uid = job.metadata.uid!;
  return {
    'batch.kubernetes.io/controller-uid': uid,
    'batch.kubernetes.io/job-name': job.metadata.name,
    'controller-uid': uid,
    'job-name': job.metadata.name,
  };
}

export function startJobController(ctx: SimContext): () => void {
  const { store, clock } = ctx;
  const queue = workQueue(reconcile, (key, error) => console.error(`sim: job ${key}: ${String(error)}`));
  const timers = new Map<string, NodeJS.Timeout>();
  /** Terminal pods already counted, per job uid, so a pod is counted once even after it is deleted. */
  const counted = new Map<string, { succeeded: Set<string>; failed: Set<string>; lastFailure: number }>();

  function requeueAt(key: string, atMs: number): void {
    const existing = timers.get(key);
    if (existing) clock.clear(existing);
    timers.set(
      key,
      clock.setTimeout(() => {
        timers.delete(key);
        queue.add(key);
      }, atMs - clock.now()),
    );
  }

  function condition(job: KubeObject, type: string, reason: string, message: string): JobCondition {
    const now = clock.nowISO();
    const previous = (job.status?.conditions ?? []).find((c: JobCondition) => c.type === type);
    return {
      type,
      status: 'True',
      reason,
      message,
      lastProbeTime: previous?.status === 'True' ? previous.lastProbeTime : now,
      lastTransitionTime: previous?.status === 'True' ? previous.lastTransitionTime : now,
    };
  }

  function reconcile(key: string): void {
    const [namespace, name] = splitKey(key);
    let job = store.get(K.jobs, namespace, name);
    if (!job) return;
    const uid = job.metadata.uid!;
    if (!job.spec?.selector && !job.spec?.manualSelector) job = withGeneratedSelector(job);
    const pods = store.list(K.pods, namespace).filter((p) => isOwnedBy(p, uid));
    const tally = counted.get(uid) ?? { succeeded: new Set(), failed: new Set(), lastFailure: 0 };
    counted.set(uid, tally);
    for (const pod of pods.filter(isTerminal)) {
      const bucket = pod.status.phase === 'Succeeded' ? tally.succeeded : tally.failed;
      if (bucket.has(pod.metadata.uid!)) continue;
      bucket.add(pod.metadata.uid!);
      if (bucket === tally.failed)
        tally.lastFailure = Math.max(tally.lastFailure, failedAt(pod, clock.now()));
    }
    const active = pods.filter((p) => !isTerminal(p) && !p.metadata.deletionTimestamp);
    const spec = job.spec ?? {};
    const counts: JobCounts = {
      completions: spec.completions ?? (spec.parallelism === undefined ? 1 : undefined),
      parallelism: spec.parallelism ?? 1,
      active: active.length,
      succeeded: tally.succeeded.size,
    };
    const conditions: JobCondition[] = [...(job.status?.conditions ?? [])];
    const setCondition = (c: JobCondition): void => {
      const i = conditions.findIndex((x) => x.type === c.type);
      if (i >= 0) conditions[i] = c;
      else conditions.push(c);
    };
    const startTime = job.status?.startTime ?? (spec.suspend ? undefined : clock.nowISO());
    let finished = jobFinished(job);
    let completionTime = job.status?.completionTime;
    const end = (type: 'Complete' | 'Failed', reason: string, message: string): void => {
      // 1.34 marks the outcome first (SuccessCriteriaMet / FailureTarget), then the final condition.
      setCondition(
        condition(job, type === 'Complete' ? 'SuccessCriteriaMet' : 'FailureTarget', reason, message),
      );
      setCondition(condition(job, type, reason, message));
      finished = type;
      if (type === 'Complete') {
        completionTime = clock.nowISO();
        recordEvent(ctx, job, 'Normal', 'Completed', 'Job completed', COMPONENT);
      } else recordEvent(ctx, job, 'Warning', reason, message, COMPONENT);
    };
    const restarts =
      spec.template?.spec?.restartPolicy === 'OnFailure'
        ? active.reduce(
            (n, p) =>
              n +
              [...(p.status?.initContainerStatuses ?? []), ...(p.status?.containerStatuses ?? [])].reduce(
                (m: number, c: { restartCount?: number }) => m + (c.restartCount ?? 0),
                0,
              ),
            0,
          )
        : 0;
    const backoffLimit = spec.backoffLimit ?? 6;
    const deadlineMs =
      spec.activeDeadlineSeconds !== undefined && startTime
        ? Date.parse(startTime) + spec.activeDeadlineSeconds * 1000
        : undefined;
    if (!finished) {
      if (completionsReached(counts))
        end('Complete', 'CompletionsReached', 'Reached expected number of succeeded pods');
      // Never: a failed pod beyond the limit; OnFailure: the kubelet's restarts in place count.
      else if (tally.failed.size > backoffLimit || (restarts > 0 && restarts >= backoffLimit))
        end('Failed', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit');
      else if (deadlineMs !== undefined && clock.now() >= deadlineMs)
        end('Failed', 'DeadlineExceeded', 'Job was active longer than specified deadline');
    }
    let running = active;
    const wakeAt: number[] = [];
    if (finished || spec.suspend) {
      for (const pod of active) deletePod(ctx, pod);
      running = [];
      if (spec.suspend && !finished)
        setCondition(condition(job, 'Suspended', 'JobSuspended', 'Job suspended'));
    } else {
      const missing = wantedActive(counts) - active.length;
      const retryAt = tally.lastFailure + jobBackoffMs(tally.failed.size);
      if (missing > 0 && clock.now() < retryAt) wakeAt.push(retryAt);
      else if (missing > 0) for (let i = 0; i < missing; i++) running.push(createPod(job));
      else if (missing < 0)
        for (const pod of active.slice(missing)) {
          deletePod(ctx, pod);
          running = running.filter((p) => p !== pod);
        }
      if (deadlineMs !== undefined) wakeAt.push(deadlineMs);
    }
    if (wakeAt.length) requeueAt(key, Math.min(...wakeAt));
    const status = {
      ...(startTime ? { startTime } : {}),
      ...(completionTime ? { completionTime } : {}),
      ...(running.length ? { active: running.length } : {}),
      ...(tally.succeeded.size ? { succeeded: tally.succeeded.size } : {}),
      ...(tally.failed.size ? { failed: tally.failed.size } : {}),
      ready: running.filter(isPodReady).length,
      terminating: pods.filter((p) => p.metadata.deletionTimestamp && !isTerminal(p)).length,
      uncountedTerminatedPods: {},
      ...(conditions.length ? { conditions } : {}),
    };
    if (!isDeepStrictEqual(job.status, status))
      store.modify(K.jobs, namespace, name, (o) => void (o.status = status));
  }

  /**
   * What the API server does on create (the Job strategy's generated selector), done here because
   * the uid exists only once the Job is stored: `kubectl logs job/x` and describe find pods by it.
   */
  function withGeneratedSelector(job: KubeObject): KubeObject {
    return store.modify(K.jobs, job.metadata.namespace, job.metadata.name, (o) => {
      o.spec.selector = { matchLabels: { 'batch.kubernetes.io/controller-uid': o.metadata.uid } };
      o.spec.template ??= {};
      o.spec.template.metadata = {
        ...o.spec.template.metadata,
        labels: { ...o.spec.template.metadata?.labels, ...jobPodLabels(o) },
      };
    });
  }

  function createPod(job: KubeObject): KubeObject {
    const template = job.spec.template ?? {};
    const pod = store.create(K.pods, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: '',
        generateName: `${job.metadata.name}-`,
        namespace: job.metadata.namespace,
        labels: { ...template.metadata?.labels, ...jobPodLabels(job) },
        annotations: { ...template.metadata?.annotations },
        ownerReferences: [ownerRef(job)],
      },
      spec: structuredClone(template.spec),
      status: { phase: 'Pending', qosClass: 'Burstable' },
    });
    recordEvent(ctx, job, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata.name}`, COMPONENT);
    return pod;
  }

  for (const job of store.list(K.jobs)) queue.add(objectKey(job.metadata.namespace, job.metadata.name));
  const stops = [
    store.watch(K.jobs, {}, (e) => {
      const key = objectKey(e.object.metadata.namespace, e.object.metadata.name);
      if (e.type !== 'DELETED') return queue.add(key);
      counted.delete(e.object.metadata.uid!);
      const timer = timers.get(key);
      if (timer) clock.clear(timer);
      timers.delete(key);
    }),
    store.watch(K.pods, {}, (e) => {
      for (const ref of e.object.metadata.ownerReferences ?? [])
        if (ref.kind === 'Job') queue.add(objectKey(e.object.metadata.namespace, ref.name));
    }),
  ];
  return () => {
    stops.forEach((stop) => stop());
    for (const timer of timers.values()) clock.clear(timer);
    queue.stop();
  };
}
