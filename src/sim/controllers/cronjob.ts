// CronJob controller (the real v2 controller's sync): creates a Job `<cronjob>-<scheduled minute
// since the epoch>` for each scheduled time on the simulated clock, honours suspend,
// startingDeadlineSeconds and concurrencyPolicy, tracks the active Jobs and prunes finished ones
// beyond the history limits.
import { isDeepStrictEqual } from 'node:util';
import type { SimContext } from '../context.js';
import { isValidTimeZone, nextScheduleAfter, parseCron, type Schedule } from '../../kube/cron.js';
import { applyDefaults } from '../defaults.js';
import { recordEvent } from '../events.js';
import type { KubeObject } from '../objects.js';
import { isOwnedBy, ownerRef } from '../pods.js';
import { K } from '../resources.js';
import { StoreError } from '../store.js';
import { jobFinished } from './job.js';
import { objectKey, splitKey, workQueue } from './queue.js';

const COMPONENT = 'cronjob-controller';
/** The real controller gives up counting missed start times beyond this. */
const MAX_MISSED = 100;
const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

export interface ScheduleDecision {
  /** The latest scheduled time not after now, if any since `earliest`. */
  mostRecent?: number;
  /** How many scheduled times passed since `earliest`; the count stops at MAX_MISSED + 1. */
  missed: number;
  /** The first scheduled time after now, when to look again. */
  next?: number;
}

/**
 * The scheduled times between the last one (or creation) and now, as getMostRecentScheduleTime
 * finds them; `startingDeadlineSeconds` moves the earliest time up to now minus the deadline.
 */
export function scheduleDecision(
  schedule: Schedule,
  earliestMs: number,
  nowMs: number,
  timeZone?: string,
  startingDeadlineSeconds?: number,
): ScheduleDecision {
  const earliest =
    startingDeadlineSeconds === undefined
      ? earliestMs
      : Math.max(earliestMs, nowMs - startingDeadlineSeconds * 1000);
  let missed = 0;
  let mostRecent: number | undefined;
  let t = nextScheduleAfter(schedule, earliest, timeZone);
  while (t !== undefined && t <= nowMs && missed <= MAX_MISSED) {
    mostRecent = t;
    missed++;
    t = nextScheduleAfter(schedule, t, timeZone);
  }
  // Past the cap, find the latest time before now in the smallest window back that holds one.
  if (missed > MAX_MISSED) {
    for (const windowMs of [60_000, 3_600_000, 86_400_000, 31 * 86_400_000, 5 * 366 * 86_400_000]) {
      let c = nextScheduleAfter(schedule, nowMs - windowMs, timeZone);
      if (c === undefined || c > nowMs) continue;
      while (c !== undefined && c <= nowMs) {
        mostRecent = c;
        c = nextScheduleAfter(schedule, c, timeZone);
      }
      break;
    }
  }
  return { mostRecent, missed, next: nextScheduleAfter(schedule, nowMs, timeZone) };
}

interface ActiveRef {
  kind: string;
  namespace: string;
  name: string;
  uid: string;
  apiVersion: string;
  resourceVersion?: string;
}

export function startCronJobController(ctx: SimContext): () => void {
  const { store, clock } = ctx;
  const queue = workQueue(reconcile, (key, error) => console.error(`sim: cronjob ${key}: ${String(error)}`));
  const timers = new Map<string, NodeJS.Timeout>();

  function requeueAt(key: string, atMs: number): void {
    const existing = timers.get(key);
    if (existing) clock.clear(existing);
    timers.set(
      key,
      clock.setTimeout(
        () => {
          timers.delete(key);
          queue.add(key);
        },
        // A little after the minute, so the clock has surely reached it.
        atMs - clock.now() + 100,
      ),
    );
  }

  const ref = (job: KubeObject): ActiveRef => ({
    kind: 'Job',
    namespace: job.metadata.namespace!,
    name: job.metadata.name,
    uid: job.metadata.uid!,
    apiVersion: 'batch/v1',
    resourceVersion: job.metadata.resourceVersion,
  });

  function deleteJob(cj: KubeObject, job: KubeObject): void {
    if (store.get(K.jobs, job.metadata.namespace, job.metadata.name))
      store.delete(K.jobs, job.metadata.namespace, job.metadata.name);
    recordEvent(ctx, cj, 'Normal', 'SuccessfulDelete', `Deleted job ${job.metadata.name}`, COMPONENT);
  }

  function reconcile(key: string): void {
    const [namespace, name] = splitKey(key);
    const cj = store.get(K.cronjobs, namespace, name);
    if (!cj) return;
    const spec = cj.spec ?? {};
    const jobs = store.list(K.jobs, namespace).filter((j) => isOwnedBy(j, cj.metadata.uid));
    let active: ActiveRef[] = [...(cj.status?.active ?? [])];
    let lastSuccessfulTime: string | undefined = cj.status?.lastSuccessfulTime;
    let lastScheduleTime: string | undefined = cj.status?.lastScheduleTime;

    for (const job of jobs) {
      const finished = jobFinished(job);
      const listed = active.some((a) => a.uid === job.metadata.uid);
      if (!finished && !listed) active.push(ref(job));
      if (finished && listed) {
        active = active.filter((a) => a.uid !== job.metadata.uid);
        recordEvent(
          ctx,
          cj,
          'Normal',
          'SawCompletedJob',
          `Saw completed job: ${job.metadata.name}, condition: ${finished}`,
          COMPONENT,
        );
      }
      if (finished === 'Complete' && job.status?.completionTime) {
        const done = String(job.status.completionTime);
        if (!lastSuccessfulTime || Date.parse(done) > Date.parse(lastSuccessfulTime))
          lastSuccessfulTime = done;
      }
    }
    for (const a of active.filter((x) => !jobs.some((j) => j.metadata.uid === x.uid))) {
      recordEvent(ctx, cj, 'Normal', 'MissingJob', `Active job went missing: ${a.name}`, COMPONENT);
      active = active.filter((x) => x !== a);
    }

    const writeStatus = (): void => {
      const status = {
        ...(active.length ? { active } : {}),
        ...(lastScheduleTime ? { lastScheduleTime } : {}),
        ...(lastSuccessfulTime ? { lastSuccessfulTime } : {}),
      };
      if (!isDeepStrictEqual(cj.status ?? {}, status))
        store.modify(K.cronjobs, namespace, name, (o) => void (o.status = status));
    };

    pruneHistory(
      cj,
      store.list(K.jobs, namespace).filter((j) => isOwnedBy(j, cj.metadata.uid)),
    );
    if (spec.suspend || cj.metadata.deletionTimestamp) return writeStatus();

    let schedule: Schedule;
    try {
      schedule = parseCron(String(spec.schedule ?? ''));
    } catch (error) {
      recordEvent(
        ctx,
        cj,
        'Warning',
        'UnparseableSchedule',
        `unparseable schedule: "${spec.schedule}" : ${(error as Error).message}`,
        COMPONENT,
      );
      return writeStatus();
    }
    const timeZone = spec.timeZone ?? 'UTC';
    if (!isValidTimeZone(timeZone)) {
      recordEvent(
        ctx,
        cj,
        'Warning',
        'UnknownTimeZone',
        `invalid timeZone: "${timeZone}": unknown time zone ${timeZone}`,
        COMPONENT,
      );
      return writeStatus();
    }
    const now = clock.now();
    const earliest = Date.parse(lastScheduleTime ?? String(cj.metadata.creationTimestamp));
    const decision = scheduleDecision(schedule, earliest, now, timeZone, spec.startingDeadlineSeconds);
    if (decision.next !== undefined) requeueAt(key, decision.next);
    if (decision.missed > MAX_MISSED)
      recordEvent(
        ctx,
        cj,
        'Warning',
        'TooManyMissedTimes',
        `too many missed start times: ${decision.missed}. Set or decrease .spec.startingDeadlineSeconds or check clock skew`,
        COMPONENT,
      );
    const scheduled = decision.mostRecent;
    if (scheduled === undefined) return writeStatus();
    const jobName = `${cj.metadata.name}-${Math.floor(scheduled / 60_000)}`;
    if (active.some((a) => a.name === jobName) || jobs.some((j) => j.metadata.name === jobName))
      return writeStatus();
    const policy = spec.concurrencyPolicy ?? 'Allow';
    if (policy === 'Forbid' && active.length > 0) {
      recordEvent(
        ctx,
        cj,
        'Normal',
        'JobAlreadyActive',
        'Not starting job because prior execution is running and concurrency policy is Forbid',
        COMPONENT,
      );
      return writeStatus();
    }
    if (policy === 'Replace') {
      for (const a of active) {
        const job = jobs.find((j) => j.metadata.uid === a.uid);
        if (job) deleteJob(cj, job);
      }
      active = [];
    }
    const template = spec.jobTemplate ?? {};
    let job: KubeObject;
    try {
      // Through the API server's defaulting, as the real controller's create is.
      const input: KubeObject = {
        apiVersion: 'batch/v1',
        kind: 'Job',
        metadata: {
          name: jobName,
          namespace,
          labels: { ...template.metadata?.labels },
          annotations: {
            ...template.metadata?.annotations,
            'batch.kubernetes.io/cronjob-scheduled-timestamp': iso(scheduled),
          },
          ownerReferences: [ownerRef(cj)],
        },
        spec: structuredClone(template.spec ?? {}),
      };
      applyDefaults(input);
      job = store.create(K.jobs, input);
    } catch (error) {
      if (error instanceof StoreError && error.code === 409) return writeStatus();
      throw error;
    }
    recordEvent(ctx, cj, 'Normal', 'SuccessfulCreate', `Created job ${job.metadata.name}`, COMPONENT);
    active.push(ref(job));
    lastScheduleTime = iso(scheduled);
    writeStatus();
  }

  /** Keeps the newest successfulJobsHistoryLimit complete and failedJobsHistoryLimit failed Jobs. */
  function pruneHistory(cj: KubeObject, jobs: KubeObject[]): void {
    const started = (j: KubeObject): number =>
      Date.parse(String(j.status?.startTime ?? j.metadata.creationTimestamp));
    for (const [outcome, limit] of [
      ['Complete', cj.spec?.successfulJobsHistoryLimit ?? 3],
      ['Failed', cj.spec?.failedJobsHistoryLimit ?? 1],
    ] as const) {
      const finished = jobs.filter((j) => jobFinished(j) === outcome).sort((a, b) => started(a) - started(b));
      for (const job of finished.slice(0, Math.max(0, finished.length - limit))) deleteJob(cj, job);
    }
  }

  for (const cj of store.list(K.cronjobs)) queue.add(objectKey(cj.metadata.namespace, cj.metadata.name));
  const stops = [
    store.watch(K.cronjobs, {}, (e) => {
      const key = objectKey(e.object.metadata.namespace, e.object.metadata.name);
      if (e.type !== 'DELETED') return queue.add(key);
      const timer = timers.get(key);
      if (timer) clock.clear(timer);
      timers.delete(key);
    }),
    store.watch(K.jobs, {}, (e) => {
      for (const owner of e.object.metadata.ownerReferences ?? [])
        if (owner.kind === 'CronJob') queue.add(objectKey(e.object.metadata.namespace, owner.name));
    }),
  ];
  return () => {
    stops.forEach((stop) => stop());
    for (const timer of timers.values()) clock.clear(timer);
    queue.stop();
  };
}
