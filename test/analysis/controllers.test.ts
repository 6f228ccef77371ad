import type { V1Node, V1PodSpec } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { controllers, nodeMismatch } from '../../src/analysis/analyzers/controllers.js';
import { resolveOptions } from '../../src/analysis/options.js';
import { indexSnapshot } from '../../src/analysis/snapshot-index.js';
import type { ClusterSnapshot, Finding } from '../../src/model/analysis.js';
import { MINUTE, NOW, podSpec, runningStatus, snapshot } from './fixtures.js';
import {
  completeCondition,
  cronJob,
  daemonSet,
  exitedStatus,
  failedCondition,
  job,
  ownedPod,
  statefulSet,
} from './fixtures-workloads.js';

const options = resolveOptions();
const run = (snap: ClusterSnapshot) => controllers(snap, options);
const byProblem = (findings: Finding[], problem: string) =>
  findings.find((f) => f.id.endsWith(`:${problem}`));

describe('nodeMismatch', () => {
  const node = (
    labels: Record<string, string>,
    taints: NonNullable<V1Node['spec']>['taints'] = [],
  ): V1Node => ({
    metadata: { name: 'n', labels },
    spec: { taints },
  });
  it.each<[string, Partial<V1PodSpec>, V1Node, string | undefined]>([
    ['selector matches', { nodeSelector: { disk: 'ssd' } }, node({ disk: 'ssd' }), undefined],
    ['selector label missing', { nodeSelector: { disk: 'ssd' } }, node({}), 'lacks label disk=ssd'],
    [
      'untolerated NoSchedule taint',
      {},
      node({}, [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }]),
      'taint node-role.kubernetes.io/control-plane:NoSchedule not tolerated',
    ],
    [
      'tolerated by key and Exists',
      { tolerations: [{ key: 'gpu', operator: 'Exists' }] },
      node({}, [{ key: 'gpu', value: 'a100', effect: 'NoSchedule' }]),
      undefined,
    ],
    [
      'tolerated by value with Equal',
      { tolerations: [{ key: 'gpu', operator: 'Equal', value: 'a100', effect: 'NoSchedule' }] },
      node({}, [{ key: 'gpu', value: 'a100', effect: 'NoSchedule' }]),
      undefined,
    ],
    [
      'wrong value',
      { tolerations: [{ key: 'gpu', operator: 'Equal', value: 't4' }] },
      node({}, [{ key: 'gpu', value: 'a100', effect: 'NoExecute' }]),
      'taint gpu=a100:NoExecute not tolerated',
    ],
    [
      'PreferNoSchedule does not keep pods off',
      {},
      node({}, [{ key: 'x', effect: 'PreferNoSchedule' }]),
      undefined,
    ],
    [
      'tolerate everything',
      { tolerations: [{ operator: 'Exists' }] },
      node({}, [{ key: 'x', effect: 'NoSchedule' }]),
      undefined,
    ],
  ])('%s', (_, spec, n, expected) => {
    expect(nodeMismatch(podSpec(spec), n)).toBe(expected);
  });
});

describe('StatefulSets', () => {
  const crashing = {
    ...runningStatus('app'),
    ready: false,
    restartCount: 5,
    state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 5m0s restarting failed container' } },
  };
  const dbPods = (ready: number) =>
    Array.from({ length: 2 }, (_, i) =>
      ownedPod(`db-${i}`, 'StatefulSet', 'db', {
        statuses: [i < ready ? runningStatus('app') : crashing],
        createdAt: NOW - 10 * MINUTE,
      }),
    );

  it('names the stuck pod and the ordinal OrderedReady holds back', () => {
    const snap = snapshot({ statefulSets: [statefulSet('db', { replicas: 3, ready: 1 })], pods: dbPods(1) });
    const finding = byProblem(run(snap), 'not-ready');
    expect(finding).toMatchObject({
      severity: 'warning',
      title: '1 of 3 replicas ready',
      firstSeen: NOW - 10 * MINUTE,
      affected: [{ kind: 'Pod', namespace: 'todo', name: 'db-1' }],
    });
    expect(finding!.detail).toEqual([
      '1/3 ready, 3 current, 3 updated',
      'short for 10m',
      'pod db-1: container app CrashLoopBackOff: back-off 5m0s restarting failed container',
      'not created yet: db-2 (OrderedReady waits for the lower ordinals to be Ready)',
    ]);
  });

  it.each<[string, Partial<ClusterSnapshot>, string[]]>([
    ['all ready', { statefulSets: [statefulSet('db', { replicas: 2 })], pods: dbPods(2) }, []],
    [
      'short within the grace period',
      {
        statefulSets: [statefulSet('db', { replicas: 2, ready: 1 })],
        pods: [ownedPod('db-1', 'StatefulSet', 'db', { statuses: [crashing], createdAt: NOW - 20_000 })],
      },
      [],
    ],
    [
      'none ready: critical',
      { statefulSets: [statefulSet('db', { replicas: 2, ready: 0 })], pods: dbPods(0) },
      ['critical not-ready'],
    ],
    [
      'governing Service missing, services known',
      {
        statefulSets: [statefulSet('db', { replicas: 2, serviceName: 'db-headless' })],
        pods: dbPods(2),
        services: [],
      },
      ['warning missing-service:db-headless'],
    ],
    [
      'governing Service missing, services not known: nothing said',
      { statefulSets: [statefulSet('db', { replicas: 2, serviceName: 'db-headless' })], pods: dbPods(2) },
      [],
    ],
    [
      'claim template on a StorageClass that does not exist',
      {
        statefulSets: [
          statefulSet('db', { replicas: 2, claimTemplates: [{ name: 'data', storageClassName: 'fast' }] }),
        ],
        pods: dbPods(2),
        storageClasses: [{ metadata: { name: 'standard' }, provisioner: 'x' }],
      },
      ['critical missing-storage-class:data'],
    ],
  ])('%s', (_, parts, expected) => {
    expect(run(snapshot(parts)).map((f) => `${f.severity} ${f.id.split(':').slice(2).join(':')}`)).toEqual(
      expected,
    );
  });

  it('points at a Pending claim of its volumeClaimTemplates', () => {
    const snap = snapshot({
      statefulSets: [statefulSet('db', { replicas: 2, ready: 1, claimTemplates: [{ name: 'data' }] })],
      pods: [
        ownedPod('db-0', 'StatefulSet', 'db'),
        ownedPod('db-1', 'StatefulSet', 'db', {
          phase: 'Pending',
          statuses: [],
          createdAt: NOW - 5 * MINUTE,
        }),
      ],
      persistentVolumeClaims: [
        {
          metadata: { name: 'data-db-0', namespace: 'todo' },
          spec: { storageClassName: 'standard' },
          status: { phase: 'Bound' },
        },
        {
          metadata: { name: 'data-db-1', namespace: 'todo' },
          spec: { storageClassName: 'standard' },
          status: { phase: 'Pending' },
        },
      ],
    });
    const finding = byProblem(run(snap), 'not-ready')!;
    expect(finding.detail).toContain('PersistentVolumeClaim data-db-1 is Pending (storageClass standard)');
    expect(finding.affected).toContainEqual({
      kind: 'PersistentVolumeClaim',
      namespace: 'todo',
      name: 'data-db-1',
    });
    expect(finding.runbook).toBe('pvc-pending');
  });
});

describe('DaemonSets', () => {
  it('no node matches: says which label or taint keeps each node out', () => {
    const snap = snapshot({
      daemonSets: [daemonSet('agent', {}, { nodeSelector: { gpu: 'true' } })],
      nodes: [
        { metadata: { name: 'node-1', labels: {} } },
        {
          metadata: { name: 'node-2', labels: { gpu: 'true' } },
          spec: { taints: [{ key: 'gpu', effect: 'NoSchedule' }] },
        },
      ],
    });
    expect(byProblem(run(snap), 'no-nodes')!.detail).toEqual([
      'desired 0, scheduled 0, ready 0, available 0, misscheduled 0',
      'node node-1: lacks label gpu=true',
      'node node-2: taint gpu:NoSchedule not tolerated',
    ]);
  });

  it.each<[string, Partial<NonNullable<ReturnType<typeof daemonSet>['status']>>, string[]]>([
    [
      'all available',
      { desiredNumberScheduled: 2, currentNumberScheduled: 2, numberReady: 2, numberAvailable: 2 },
      [],
    ],
    [
      'one unavailable',
      {
        desiredNumberScheduled: 2,
        currentNumberScheduled: 2,
        numberReady: 1,
        numberAvailable: 1,
        numberUnavailable: 1,
      },
      ['warning unavailable'],
    ],
    [
      'none available',
      { desiredNumberScheduled: 2, currentNumberScheduled: 2, numberUnavailable: 2 },
      ['critical unavailable'],
    ],
    [
      'misscheduled',
      {
        desiredNumberScheduled: 1,
        currentNumberScheduled: 1,
        numberReady: 1,
        numberAvailable: 1,
        numberMisscheduled: 1,
      },
      ['warning misscheduled'],
    ],
  ])('%s', (_, status, expected) => {
    const snap = snapshot({
      daemonSets: [daemonSet('agent', status)],
      nodes: [{ metadata: { name: 'node-1' } }],
    });
    expect(run(snap).map((f) => `${f.severity} ${f.id.split(':').at(-1)}`)).toEqual(expected);
  });
});

describe('Jobs', () => {
  const failedPod = (status = exitedStatus('app', 1)) =>
    ownedPod('migrate-x7k2p', 'Job', 'migrate', {
      phase: 'Failed',
      statuses: [status],
      createdAt: NOW - 22 * MINUTE,
    });

  it('a Job past its backoff limit: the failing container, exit code and log, and no blind retry', () => {
    const snap = snapshot({
      jobs: [
        job('migrate', {
          failed: 7,
          conditions: [
            failedCondition('BackoffLimitExceeded', 'Job has reached the specified backoff limit'),
          ],
        }),
      ],
      pods: [failedPod()],
      logs: {
        'todo/migrate-x7k2p/app': [
          'connecting to db:5432',
          'FATAL: password authentication failed for user "app"',
        ],
      },
    });
    const [finding] = run(snap);
    expect(finding).toMatchObject({
      id: 'controllers:Job/todo/migrate:job-failed',
      severity: 'critical',
      title: 'Job migrate failed: BackoffLimitExceeded (app exit code 1)',
      runbook: 'failed-job',
      firstSeen: NOW - 20 * MINUTE,
      affected: [{ kind: 'Pod', namespace: 'todo', name: 'migrate-x7k2p' }],
    });
    expect(finding!.detail).toEqual([
      'condition Failed: BackoffLimitExceeded: Job has reached the specified backoff limit',
      'pods: 7 failed (backoffLimit 6), 0 active, 0 succeeded',
      'last failed pod migrate-x7k2p: Failed',
      'container app: Error, exit code 1 (application error)',
      'last 2 log lines:',
      '  connecting to db:5432',
      '  FATAL: password authentication failed for user "app"',
    ]);
    expect(finding!.suggestedFix).toMatch(
      /^Fix what makes container app exit with code 1 .*retrying unchanged fails/,
    );
    expect(finding!.recommendation).toBeUndefined();
  });

  it.each<[string, Parameters<typeof job>[1], ReturnType<typeof failedPod> | undefined, RegExp]>([
    [
      'past its deadline',
      {
        failed: 1,
        conditions: [failedCondition('DeadlineExceeded', 'Job was active longer than specified deadline')],
      },
      undefined,
      /activeDeadlineSeconds/,
    ],
    [
      'its pod evicted: a retry can work',
      {
        failed: 1,
        conditions: [failedCondition('BackoffLimitExceeded', 'Job has reached the specified backoff limit')],
      },
      (() => {
        const p = failedPod();
        p.status!.reason = 'Evicted';
        p.status!.message = 'The node was low on resource: memory.';
        return p;
      })(),
      /^The pod failed for a reason outside the Job \(Evicted\): re-running it can succeed/,
    ],
  ])('%s', (_, jobOptions, p, fix) => {
    const [finding] = run(snapshot({ jobs: [job('migrate', jobOptions)], pods: p ? [p] : [] }));
    expect(finding!.suggestedFix).toMatch(fix);
  });

  it.each<[string, Parameters<typeof job>[1], string[]]>([
    ['complete', { succeeded: 1, conditions: [completeCondition()] }, []],
    ['running, no failures', { active: 1 }, []],
    [
      'retrying after failures',
      { active: 1, failed: 2 },
      ['warning controllers:Job/todo/migrate:job-retrying'],
    ],
  ])('%s', (_, jobOptions, expected) => {
    expect(run(snapshot({ jobs: [job('migrate', jobOptions)] })).map((f) => `${f.severity} ${f.id}`)).toEqual(
      expected,
    );
  });
});

describe('CronJobs', () => {
  const recent = NOW - 5 * MINUTE;
  it.each<[string, Parameters<typeof cronJob>[1], string[]]>([
    ['running on schedule', { lastSchedule: NOW - 10 * MINUTE }, []],
    ['suspended', { suspend: true, lastSchedule: NOW - 3 * 60 * MINUTE }, ['info suspended']],
    ['invalid schedule', { schedule: '0 25 * * *' }, ['critical invalid-schedule']],
    ['one run late: not yet', { lastSchedule: NOW - 20 * MINUTE }, []],
    ['not run for hours', { lastSchedule: NOW - 3 * 60 * MINUTE }, ['warning not-running']],
    ['never scheduled since creation a week ago', { schedule: '0 * * * *' }, ['warning not-running']],
    [
      'a time zone we do not convert: a day of slack',
      { schedule: '0 0 * * *', lastSchedule: NOW - 36 * 60 * MINUTE, timeZone: 'Europe/Berlin' },
      [],
    ],
    [
      '@every 1h, last run 3 h ago: two runs missed',
      { schedule: '@every 1h', lastSchedule: NOW - 3 * 60 * MINUTE },
      ['warning not-running'],
    ],
  ])('%s', (_, cjOptions, expected) => {
    expect(
      run(snapshot({ cronJobs: [cronJob('report', cjOptions)] })).map(
        (f) => `${f.severity} ${f.id.split(':').at(-1)}`,
      ),
    ).toEqual(expected);
  });

  it("the last run failed: the failing Job's evidence on the CronJob, with the streak", () => {
    const snap = snapshot({
      cronJobs: [cronJob('report', { lastSchedule: recent })],
      jobs: [
        job('report-1', {
          cronJob: 'report',
          succeeded: 1,
          conditions: [completeCondition()],
          createdAt: NOW - 50 * MINUTE,
        }),
        job('report-2', {
          cronJob: 'report',
          failed: 7,
          conditions: [
            failedCondition('BackoffLimitExceeded', 'Job has reached the specified backoff limit'),
          ],
          createdAt: NOW - 35 * MINUTE,
        }),
        job('report-3', {
          cronJob: 'report',
          failed: 7,
          conditions: [
            failedCondition('BackoffLimitExceeded', 'Job has reached the specified backoff limit'),
          ],
          createdAt: NOW - 20 * MINUTE,
        }),
      ],
      pods: [
        ownedPod('report-3-abcde', 'Job', 'report-3', {
          phase: 'Failed',
          statuses: [exitedStatus('app', 2)],
        }),
      ],
    });
    const findings = run(snap);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      id: 'controllers:CronJob/todo/report:last-job-failed',
      severity: 'critical',
      title: 'Last run failed: Job report-3 failed: BackoffLimitExceeded (app exit code 2)',
      affected: [
        { kind: 'Job', namespace: 'todo', name: 'report-3' },
        { kind: 'Pod', namespace: 'todo', name: 'report-3-abcde' },
      ],
    });
    expect(findings[0]!.detail[0]).toBe('2 of the last 3 finished Jobs failed in a row');
  });

  it('a failed run followed by a successful one is not reported', () => {
    const snap = snapshot({
      cronJobs: [cronJob('report', { lastSchedule: recent })],
      jobs: [
        job('report-1', {
          cronJob: 'report',
          failed: 7,
          conditions: [failedCondition('BackoffLimitExceeded', 'x')],
          createdAt: NOW - 35 * MINUTE,
        }),
        job('report-2', {
          cronJob: 'report',
          succeeded: 1,
          conditions: [completeCondition()],
          createdAt: NOW - 20 * MINUTE,
        }),
      ],
    });
    expect(run(snap)).toEqual([]);
  });
});

describe('the snapshot index knows the controllers', () => {
  it("a CronJob's Job's pods belong to the CronJob, stamped from its template; gone pods' usage too", () => {
    const cj = cronJob('report', { lastSchedule: NOW - 5 * MINUTE });
    const snap = snapshot({
      cronJobs: [cj],
      jobs: [job('report-29500000', { cronJob: 'report', active: 1 })],
      pods: [ownedPod('report-29500000-abcde', 'Job', 'report-29500000')],
      usage: new Map([
        ['todo/report-29499985-zzzzz/app', [{ at: NOW - MINUTE, cpuMillis: 10, memoryBytes: 1 }]],
      ]),
      statefulSets: [statefulSet('db', { replicas: 1 })],
      daemonSets: [daemonSet('agent', {})],
    });
    // The gone pod's Job is listed too (a CronJob keeps its history).
    snap.jobs = [
      ...snap.jobs!,
      job('report-29499985', { cronJob: 'report', succeeded: 1, createdAt: NOW - 45 * MINUTE }),
    ];
    const index = indexSnapshot(snap);
    const workload = index.workloads.get('CronJob/todo/report')!;
    expect(workload.cronJob).toBe(cj);
    expect(workload.spec).toBe(cj.spec!.jobTemplate.spec!.template.spec);
    expect(workload.pods.map((p) => p.metadata!.name)).toEqual(['report-29500000-abcde']);
    expect(workload.jobs.map((j) => j.metadata!.name)).toEqual(['report-29499985', 'report-29500000']);
    expect(index.podsByOwner.get('Job/todo/report-29500000')).toHaveLength(1);
    expect([...index.usage().keys()].map((w) => w.ref.name)).toEqual(['report']);
    expect(index.workloads.get('StatefulSet/todo/db')!.statefulSet).toBeDefined();
    expect(index.workloads.get('DaemonSet/todo/agent')!.daemonSet).toBeDefined();
  });
});
