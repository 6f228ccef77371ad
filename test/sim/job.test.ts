// The Job controller through the API: pods created up to parallelism, successes counted toward
// completions, failures against backoffLimit with back-off between replacements, the deadline,
// and the conditions, status and events a real 1.34 controller writes.
import type { V1Job, V1Pod } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completionsReached, jobBackoffMs, wantedActive } from '../../src/sim/controllers/job.js';
import { startSimulator, type RunningSim } from '../../src/sim/index.js';
import { clients, eventsFor, isReady, setPodPhase, type Clients } from './fixtures/workloads.js';
import { until } from './until.js';

const NS = 'jobs';
let sim: RunningSim;
let api: Clients;

beforeAll(async () => {
  sim = await startSimulator({ scenario: 'empty', speed: 100 });
  api = clients(sim);
  await api.core.createNamespace({ body: { metadata: { name: NS } } });
});
afterAll(() => sim.close());

/**
 * Runs until the test ends it: busybox's own command (sh with no terminal) exits 0 at once, so a
 * pod that must stay active sleeps; the test then writes the phase as a finished pod would have.
 */
const SLEEPER = { name: 'work', image: 'busybox:1.36', command: ['sleep', '3600'] };

function createJob(name: string, spec: Record<string, unknown>): Promise<V1Job> {
  return api.batch.createNamespacedJob({
    namespace: NS,
    body: {
      metadata: { name },
      spec: {
        template: {
          spec: { restartPolicy: 'Never', containers: [SLEEPER] },
        },
        ...spec,
      },
    },
  });
}

const readJob = (name: string) => () => api.batch.readNamespacedJob({ namespace: NS, name });
const podsOf = (name: string) => async (): Promise<V1Pod[]> =>
  (await api.core.listNamespacedPod({ namespace: NS, labelSelector: `batch.kubernetes.io/job-name=${name}` }))
    .items;
const condition = (job: V1Job, type: string) => job.status?.conditions?.find((c) => c.type === type);

/** Waits for the job's running pods to be Ready, then ends `count` of them with `phase`. */
async function finishPods(name: string, count: number, phase: 'Succeeded' | 'Failed'): Promise<V1Pod[]> {
  const pods = await until(
    podsOf(name),
    (ps) => ps.filter((p) => p.status?.phase === 'Running' && isReady(p)).length >= count,
  );
  const chosen = pods.filter((p) => p.status?.phase === 'Running' && isReady(p)).slice(0, count);
  for (const pod of chosen) await setPodPhase(api.core, pod, phase);
  return chosen;
}

describe('job controller', () => {
  it('runs parallelism pods and completes after completions successes', async () => {
    await createJob('batch', { completions: 3, parallelism: 2 });
    const pods = await until(podsOf('batch'), (ps) => ps.length === 2);
    expect(pods[0]!.metadata!.name).toMatch(/^batch-[a-z0-9]{5}$/);
    const job = await readJob('batch')();
    expect(pods[0]!.metadata!.labels).toMatchObject({
      'batch.kubernetes.io/job-name': 'batch',
      'job-name': 'batch',
      'batch.kubernetes.io/controller-uid': job.metadata!.uid,
      'controller-uid': job.metadata!.uid,
    });
    expect(pods[0]!.metadata!.ownerReferences![0]).toMatchObject({
      kind: 'Job',
      name: 'batch',
      controller: true,
    });
    await until(readJob('batch'), (j) => j.status?.active === 2 && j.status?.ready === 2);

    await finishPods('batch', 2, 'Succeeded');
    // One more success needed: one more pod, not two.
    await until(readJob('batch'), (j) => j.status?.succeeded === 2 && j.status?.active === 1);
    expect((await podsOf('batch')()).length).toBe(3);
    await finishPods('batch', 1, 'Succeeded');

    const done = await until(readJob('batch'), (j) => condition(j, 'Complete')?.status === 'True');
    expect(done.status).toMatchObject({ succeeded: 3, ready: 0, terminating: 0 });
    expect(done.status?.active).toBeUndefined();
    expect(done.status?.failed).toBeUndefined();
    expect(done.status?.startTime).toBeTruthy();
    expect(done.status?.completionTime).toBeTruthy();
    expect(condition(done, 'SuccessCriteriaMet')).toMatchObject({
      status: 'True',
      reason: 'CompletionsReached',
      message: 'Reached expected number of succeeded pods',
    });
    expect(condition(done, 'Complete')).toMatchObject({ reason: 'CompletionsReached' });
    const events = await eventsFor(api.core, NS, 'batch');
    expect(events.filter((e) => e.reason === 'SuccessfulCreate').map((e) => e.message)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^Created pod: batch-[a-z0-9]{5}$/)]),
    );
    expect(events.find((e) => e.reason === 'Completed')).toMatchObject({
      type: 'Normal',
      message: 'Job completed',
      source: { component: 'job-controller' },
    });
  });

  it('replaces failed pods after a back-off and fails past backoffLimit', async () => {
    await createJob('flaky', { backoffLimit: 1 });
    const [first] = await finishPods('flaky', 1, 'Failed');
    const second = await until(podsOf('flaky'), (ps) => ps.some((p) => p.status?.phase !== 'Failed'));
    const replacement = second.find((p) => p.metadata!.name !== first!.metadata!.name)!;
    // The replacement waits the 10 s back-off after the failure (pod start takes ~2 s more).
    expect(
      Date.parse(String(replacement.metadata!.creationTimestamp)) -
        Date.parse(String(first!.metadata!.creationTimestamp)),
    ).toBeGreaterThanOrEqual(10_000);
    expect((await readJob('flaky')()).status?.failed).toBe(1);
    await finishPods('flaky', 1, 'Failed');

    const failed = await until(readJob('flaky'), (j) => condition(j, 'Failed')?.status === 'True');
    expect(failed.status?.failed).toBe(2);
    for (const type of ['FailureTarget', 'Failed'])
      expect(condition(failed, type)).toMatchObject({
        status: 'True',
        reason: 'BackoffLimitExceeded',
        message: 'Job has reached the specified backoff limit',
      });
    expect(condition(failed, 'Complete')).toBeUndefined();
    expect(failed.status?.completionTime).toBeUndefined();
    const events = await eventsFor(api.core, NS, 'flaky');
    expect(events.find((e) => e.reason === 'BackoffLimitExceeded')).toMatchObject({
      type: 'Warning',
      message: 'Job has reached the specified backoff limit',
    });
  });

  it('restartPolicy OnFailure: the kubelet restarts a failing command in place; restarts count against backoffLimit', async () => {
    await createJob('retry', {
      backoffLimit: 2,
      template: {
        spec: {
          restartPolicy: 'OnFailure',
          containers: [{ name: 'work', image: 'busybox:1.36', command: ['sh', '-c', 'exit 3'] }],
        },
      },
    });
    const failed = await until(readJob('retry'), (j) => condition(j, 'Failed')?.status === 'True', 20_000);
    expect(condition(failed, 'Failed')).toMatchObject({ reason: 'BackoffLimitExceeded' });
    // One pod throughout: its container restarted, no replacement pods.
    const events = await eventsFor(api.core, NS, 'retry');
    expect(events.filter((e) => e.reason === 'SuccessfulCreate')).toHaveLength(1);
    await until(podsOf('retry'), (ps) => ps.every((p) => p.metadata!.deletionTimestamp) || ps.length === 0);
  });

  it('fails a job running past activeDeadlineSeconds and stops its pods', async () => {
    await createJob('slow', { activeDeadlineSeconds: 30 });
    const failed = await until(readJob('slow'), (j) => condition(j, 'Failed')?.status === 'True');
    expect(condition(failed, 'Failed')).toMatchObject({
      reason: 'DeadlineExceeded',
      message: 'Job was active longer than specified deadline',
    });
    await until(podsOf('slow'), (ps) => ps.every((p) => p.metadata!.deletionTimestamp) || ps.length === 0);
    const events = await eventsFor(api.core, NS, 'slow');
    expect(events.find((e) => e.reason === 'DeadlineExceeded')?.type).toBe('Warning');
  });

  it('deleting a job deletes its pods', async () => {
    await createJob('gone', {});
    await until(podsOf('gone'), (ps) => ps.length === 1);
    await api.batch.deleteNamespacedJob({ namespace: NS, name: 'gone' });
    await until(podsOf('gone'), (ps) => ps.length === 0 || ps.every((p) => p.metadata!.deletionTimestamp));
  });
});

describe('job arithmetic', () => {
  it.each([
    [{ completions: 3, parallelism: 2, active: 0, succeeded: 0 }, 2],
    [{ completions: 3, parallelism: 2, active: 1, succeeded: 2 }, 1],
    [{ completions: 3, parallelism: 5, active: 0, succeeded: 0 }, 3],
    [{ completions: undefined, parallelism: 3, active: 3, succeeded: 0 }, 3],
    // Work queue: once one pod succeeded, no new pods start.
    [{ completions: undefined, parallelism: 3, active: 2, succeeded: 1 }, 2],
  ])('wanted active for %j is %i', (counts, expected) => expect(wantedActive(counts)).toBe(expected));

  it.each([
    [{ completions: 1, parallelism: 1, active: 0, succeeded: 1 }, true],
    [{ completions: 2, parallelism: 1, active: 1, succeeded: 1 }, false],
    [{ completions: undefined, parallelism: 2, active: 1, succeeded: 1 }, false],
    [{ completions: undefined, parallelism: 2, active: 0, succeeded: 1 }, true],
  ])('completions reached for %j: %s', (counts, expected) =>
    expect(completionsReached(counts)).toBe(expected),
  );

  it.each([
    [0, 0],
    [1, 10_000],
    [2, 20_000],
    [3, 40_000],
    [7, 600_000],
    [20, 600_000],
  ])('back-off after %i failures is %i ms', (failures, ms) => expect(jobBackoffMs(failures)).toBe(ms));
});
