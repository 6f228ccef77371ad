// The CronJob controller through the API on a fast simulated clock: Jobs named after their
// scheduled minute, the active list, history limits, suspend and the concurrency policies.
import type { V1CronJob, V1Job } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scheduleDecision } from '../../src/sim/controllers/cronjob.js';
import { parseCron } from '../../src/kube/cron.js';
import { startSimulator, type RunningSim } from '../../src/sim/index.js';
import { clients, eventsFor, isReady, setPodPhase, type Clients } from './fixtures/workloads.js';
import { until } from './until.js';

const NS = 'cron';
let sim: RunningSim;
let api: Clients;

beforeAll(async () => {
  // 200 simulated seconds per second: a minute schedule fires every 0.3 s.
  sim = await startSimulator({ scenario: 'empty', speed: 200 });
  api = clients(sim);
  await api.core.createNamespace({ body: { metadata: { name: NS } } });
});
afterAll(() => sim.close());

function createCronJob(name: string, spec: Record<string, unknown>): Promise<V1CronJob> {
  return api.batch.createNamespacedCronJob({
    namespace: NS,
    body: {
      metadata: { name },
      spec: {
        schedule: '* * * * *',
        jobTemplate: {
          metadata: { labels: { app: name } },
          spec: {
            template: {
              // Sleeps until the test ends it: busybox's own sh exits 0 at once, and a run that
              // ended at once would never be active for Forbid or Replace to act on.
              spec: {
                restartPolicy: 'Never',
                containers: [{ name: 'tick', image: 'busybox:1.36', command: ['sleep', '3600'] }],
              },
            },
          },
        },
        ...spec,
      },
    },
  });
}

const jobsOf = (name: string) => async (): Promise<V1Job[]> =>
  (await api.batch.listNamespacedJob({ namespace: NS })).items.filter(
    (j) => j.metadata!.ownerReferences?.[0]?.name === name,
  );
const readCronJob = (name: string) => () => api.batch.readNamespacedCronJob({ namespace: NS, name });
const reasons = async (name: string): Promise<string[]> =>
  (await eventsFor(api.core, NS, name)).map((e) => `${e.reason}: ${e.message}`);

/** Lets a job's pod run and succeed, as a kubelet reports a command that exited 0. */
async function succeed(job: V1Job): Promise<void> {
  const [pod] = await until(
    async () =>
      (
        await api.core.listNamespacedPod({ namespace: NS, labelSelector: `job-name=${job.metadata!.name}` })
      ).items.filter((p) => p.status?.phase === 'Running' && isReady(p)),
    (ps) => ps.length > 0,
  );
  await setPodPhase(api.core, pod!, 'Succeeded');
}

describe('cronjob controller', () => {
  it('creates a Job per scheduled minute, tracks it, and keeps successfulJobsHistoryLimit', async () => {
    const cj = await createCronJob('tick', { successfulJobsHistoryLimit: 1, concurrencyPolicy: 'Forbid' });
    const [first] = await until(jobsOf('tick'), (js) => js.length === 1);
    const scheduled = first!.metadata!.annotations!['batch.kubernetes.io/cronjob-scheduled-timestamp']!;
    expect(first!.metadata!.name).toBe(`tick-${Date.parse(scheduled) / 60_000}`);
    expect(Date.parse(scheduled) % 60_000).toBe(0);
    expect(Date.parse(scheduled)).toBeGreaterThan(
      Date.parse(String(cj.metadata!.creationTimestamp)) - 60_000,
    );
    expect(first!.metadata!.labels).toMatchObject({ app: 'tick' });
    expect(first!.metadata!.ownerReferences![0]).toMatchObject({
      kind: 'CronJob',
      name: 'tick',
      controller: true,
    });
    const tracking = await until(readCronJob('tick'), (c) => (c.status?.active?.length ?? 0) === 1);
    expect(tracking.status!.active![0]).toMatchObject({ kind: 'Job', name: first!.metadata!.name });
    expect(tracking.status!.lastScheduleTime).toEqual(new Date(scheduled));

    await succeed(first!);
    // The next minute may already have started another run; the first one has left the active list.
    const seen = await until(
      readCronJob('tick'),
      (c) =>
        !!c.status?.lastSuccessfulTime &&
        !(c.status.active ?? []).some((a) => a.name === first!.metadata!.name),
    );
    expect(seen.status!.lastSuccessfulTime).toBeTruthy();
    expect(await reasons('tick')).toEqual(
      expect.arrayContaining([
        `SuccessfulCreate: Created job ${first!.metadata!.name}`,
        `SawCompletedJob: Saw completed job: ${first!.metadata!.name}, condition: Complete`,
      ]),
    );

    // The next run completes too; only the newest complete Job stays.
    const second = await until(jobsOf('tick'), (js) =>
      js.some((j) => j.metadata!.name !== first!.metadata!.name),
    );
    await succeed(second.find((j) => j.metadata!.name !== first!.metadata!.name)!);
    await until(reasons.bind(null, 'tick'), (rs) =>
      rs.includes(`SuccessfulDelete: Deleted job ${first!.metadata!.name}`),
    );
    const left = await jobsOf('tick')();
    expect(left.map((j) => j.metadata!.name)).not.toContain(first!.metadata!.name);
  });

  it('Forbid starts nothing while a run is active; Replace deletes it for the new run', async () => {
    await createCronJob('forbid', { concurrencyPolicy: 'Forbid' });
    await createCronJob('replace', { concurrencyPolicy: 'Replace' });
    await until(reasons.bind(null, 'forbid'), (rs) =>
      rs.includes(
        'JobAlreadyActive: Not starting job because prior execution is running and concurrency policy is Forbid',
      ),
    );
    expect((await jobsOf('forbid')()).length).toBe(1);

    const [firstReplaced] = await until(jobsOf('replace'), (js) => js.length === 1);
    await until(reasons.bind(null, 'replace'), (rs) =>
      rs.includes(`SuccessfulDelete: Deleted job ${firstReplaced!.metadata!.name}`),
    );
    const cj = await until(
      readCronJob('replace'),
      (c) => c.status?.active?.length === 1 && c.status.active[0]!.name !== firstReplaced!.metadata!.name,
    );
    expect(cj.status!.active).toHaveLength(1);
  });

  it('a suspended CronJob creates no Jobs while its twin runs', async () => {
    await createCronJob('paused', { suspend: true });
    await createCronJob('twin', {});
    await until(jobsOf('twin'), (js) => js.length >= 2);
    expect(await jobsOf('paused')()).toEqual([]);
    expect((await readCronJob('paused')()).status?.lastScheduleTime).toBeUndefined();
  });

  it('an unparseable schedule is a warning event', async () => {
    await createCronJob('bad', { schedule: '61 * * * *' });
    await until(reasons.bind(null, 'bad'), (rs) =>
      rs.some((r) => r.startsWith('UnparseableSchedule: unparseable schedule: "61 * * * *"')),
    );
  });

  it('deleting a CronJob deletes its Jobs', async () => {
    await createCronJob('short', {});
    await until(jobsOf('short'), (js) => js.length >= 1);
    await api.batch.deleteNamespacedCronJob({ namespace: NS, name: 'short' });
    await until(jobsOf('short'), (js) => js.length === 0);
  });
});

describe('scheduleDecision', () => {
  const t = (iso: string): number => Date.parse(iso);
  it.each([
    // [schedule, earliest, now, startingDeadlineSeconds, mostRecent, missed, next]
    [
      '*/5 * * * *',
      '2026-12-01T10:00:00Z',
      '2026-12-01T10:03:00Z',
      undefined,
      undefined,
      0,
      '2026-12-01T10:05:00Z',
    ],
    [
      '*/5 * * * *',
      '2026-12-01T10:00:00Z',
      '2026-12-01T10:05:00Z',
      undefined,
      '2026-12-01T10:05:00Z',
      1,
      '2026-12-01T10:10:00Z',
    ],
    [
      '*/5 * * * *',
      '2026-12-01T10:00:00Z',
      '2026-12-01T10:17:00Z',
      undefined,
      '2026-12-01T10:15:00Z',
      3,
      '2026-12-01T10:20:00Z',
    ],
    // The deadline moves the earliest time up: only 10:15 is still in reach.
    [
      '*/5 * * * *',
      '2026-12-01T10:00:00Z',
      '2026-12-01T10:17:00Z',
      180,
      '2026-12-01T10:15:00Z',
      1,
      '2026-12-01T10:20:00Z',
    ],
    ['*/5 * * * *', '2026-12-01T10:00:00Z', '2026-12-01T10:19:00Z', 60, undefined, 0, '2026-12-01T10:20:00Z'],
    // Far more than 100 missed: still the latest one before now.
    [
      '* * * * *',
      '2026-11-01T00:00:00Z',
      '2026-12-01T10:17:30Z',
      undefined,
      '2026-12-01T10:17:00Z',
      101,
      '2026-12-01T10:18:00Z',
    ],
  ])('%s from %s at %s (deadline %s)', (schedule, earliest, now, deadline, mostRecent, missed, next) => {
    const d = scheduleDecision(parseCron(schedule), t(earliest), t(now), 'UTC', deadline);
    expect(d).toEqual({ mostRecent: mostRecent && t(mostRecent), missed, next: t(next) });
  });
});
