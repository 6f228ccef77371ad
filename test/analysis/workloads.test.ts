import { describe, expect, it } from 'vitest';
import { workloads } from '../../src/analysis/analyzers/workloads.js';
import { DEFAULT_OPTIONS } from '../../src/analysis/options.js';
import { event, hpa, MINUTE, NOW, runningStatus, snapshot, workload } from './fixtures.js';
import { revisionPod, rolledOut } from './rollout-fixtures.js';

const run = (parts: Parameters<typeof snapshot>[0]) => workloads(snapshot(parts), DEFAULT_OPTIONS);

function crashingWorkload(options: Parameters<typeof workload>[2] = {}) {
  const w = workload('backend', 3, {
    available: 1,
    statuses: [runningStatus('app', { ready: false, state: { waiting: { reason: 'CrashLoopBackOff' } } })],
    ...options,
  });
  return { deployments: [w.deployment], replicaSets: [w.replicaSet], pods: w.pods };
}

describe('workloads', () => {
  it('reports a deployment below its desired replicas with why its pods are not ready', () => {
    const [finding, ...rest] = run(crashingWorkload());
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({
      id: 'workloads:Deployment/todo/backend:below-desired',
      severity: 'warning',
      title: '1 of 3 replicas available',
    });
    expect(finding!.detail).toContain('pods not ready: 3 CrashLoopBackOff');
    expect(finding!.affected).toHaveLength(3);
  });

  it('is critical when no replica is available', () => {
    expect(run(crashingWorkload({ available: 0 }))[0]!.severity).toBe('critical');
  });

  it('leaves a shortfall younger than the grace period alone (a rolling update)', () => {
    expect(run(crashingWorkload({ createdAt: NOW - 10_000 }))).toEqual([]);
  });

  it('proposes rolling back a rollout past its progress deadline', () => {
    const stuck = crashingWorkload({
      revision: 4,
      conditions: [
        {
          type: 'Progressing',
          status: 'False',
          reason: 'ProgressDeadlineExceeded',
          message: 'ReplicaSet "backend-5d8f7" has timed out progressing.',
          lastTransitionTime: new Date(NOW - 2 * MINUTE),
        },
      ],
    });
    const findings = run(stuck);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      severity: 'critical',
      runbook: 'stuck-rollout',
      firstSeen: NOW - 2 * MINUTE,
      recommendation: { kind: 'rollout-undo', kubectl: 'kubectl rollout undo deployment/backend -n todo' },
    });
  });

  it.each([
    [
      'the command changed: undo to the revision that ran',
      { command: ['/bin/false'] },
      {
        kind: 'rollout-undo',
        toRevision: 2,
        kubectl: 'kubectl rollout undo deployment/web -n todo --to-revision=2',
      },
    ],
    [
      'only the image changed: set it back',
      { image: 'registry.example/app:9.9.9' },
      { kind: 'set-image', images: { app: 'registry.example/app:1.2.3' } },
    ],
  ])('a rollout past its deadline, %s', (_case, change, recommendation) => {
    const { deployment, replicaSets } = rolledOut([
      { revision: 1, container: { image: 'registry.example/app:1.0.0' } },
      { revision: 2, available: 1 },
      { revision: 3, container: change },
    ]);
    deployment.status!.conditions = [
      { type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: 'timed out' },
    ];
    const failing = runningStatus('app', {
      ready: false,
      state: { waiting: { reason: 'CrashLoopBackOff' } },
    });
    const [finding] = run({
      deployments: [deployment],
      replicaSets,
      pods: [revisionPod(3, 0, failing, change)],
    });
    expect(finding).toMatchObject({ id: 'workloads:Deployment/todo/web:stuck-rollout', recommendation });
    expect(finding!.detail).toContain('revision 2 last ran: 1 pod of web-r2hash available now');
  });

  it('does not propose a roll back of the first revision', () => {
    const stuck = crashingWorkload({
      conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded' }],
    });
    expect(run(stuck)[0]!.recommendation).toBeUndefined();
  });

  it('reports an HPA at its maximum, not one below it', () => {
    const findings = run({
      hpas: [hpa('web', 'web', { max: 5, current: 5 }), hpa('api', 'api', { max: 5, current: 3 })],
    });
    expect(findings.map((f) => [f.resource.name, f.title])).toEqual([
      ['web', 'HPA at its maximum of 5 replicas'],
    ]);
    expect(findings[0]!.affected).toEqual([{ kind: 'Deployment', namespace: 'todo', name: 'web' }]);
  });

  it('reports an HPA that rescales up and down repeatedly', () => {
    const involved = { kind: 'HorizontalPodAutoscaler', name: 'web' };
    const events = [
      event(
        'SuccessfulRescale',
        'New size: 4; reason: cpu resource utilization (percentage of request) above target',
        involved,
        { count: 3 },
      ),
      {
        ...event('SuccessfulRescale', 'New size: 2; reason: All metrics below target', involved, {
          count: 2,
        }),
        metadata: { name: 'b', namespace: 'todo' },
      },
    ];
    const findings = run({ hpas: [hpa('web', 'web', { max: 10, current: 3 })], events });
    expect(findings).toMatchObject([
      { id: 'workloads:HorizontalPodAutoscaler/todo/web:thrashing', runbook: 'hpa-thrashing' },
    ]);
    // Scale-ups alone are an HPA doing its job.
    expect(run({ hpas: [hpa('web', 'web', { max: 10, current: 3 })], events: events.slice(0, 1) })).toEqual(
      [],
    );
  });
});
