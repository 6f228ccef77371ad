import { describe, expect, it } from 'vitest';
import { podFailures } from '../../src/analysis/analyzers/pod-failures.js';
import { DEFAULT_OPTIONS } from '../../src/analysis/options.js';
import {
  container,
  event,
  history,
  MI,
  MINUTE,
  NOW,
  pod,
  replicaSet,
  deployment,
  runningStatus,
  snapshot,
} from './fixtures.js';

const run = (parts: Parameters<typeof snapshot>[0], options = {}) =>
  podFailures(snapshot(parts), { ...DEFAULT_OPTIONS, ...options });

describe('pod failures', () => {
  it('says nothing about a healthy pod', () => {
    expect(run({ pods: [pod('web-1')] })).toEqual([]);
  });

  it('diagnoses a crash loop with the last termination, exit code and the last log lines', () => {
    const crashing = pod('backend-1', {
      statuses: [
        runningStatus('app', {
          ready: false,
          restartCount: 7,
          state: {
            waiting: { reason: 'CrashLoopBackOff', message: 'back-off 5m0s restarting failed container' },
          },
          lastState: {
            terminated: {
              reason: 'Error',
              exitCode: 3,
              startedAt: new Date(NOW - 2 * MINUTE),
              finishedAt: new Date(NOW - MINUTE),
            },
          },
        }),
      ],
    });
    const logs = { 'todo/backend-1/app': Array.from({ length: 15 }, (_, i) => `line ${i + 1}`) };
    const [finding, ...rest] = run({ pods: [crashing], logs }, { logLines: 3 });
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({
      id: 'pod-failures:Pod/todo/backend-1:crashloop:app',
      severity: 'critical',
      runbook: 'crashloopbackoff',
      resource: { kind: 'Pod', namespace: 'todo', name: 'backend-1' },
      title: 'app is crash-looping (exit code 3, Error)',
      firstSeen: NOW - 2 * MINUTE,
    });
    expect(finding!.detail).toContain('restarts: 7');
    expect(finding!.detail).toContain('last termination: Error, exit code 3 at 2026-03-01T11:59:00.000Z');
    expect(finding!.detail.slice(-4)).toEqual(['last 3 log lines:', '  line 13', '  line 14', '  line 15']);
    expect(finding!.suggestedFix).toContain('kubectl logs backend-1 -n todo -c app --previous');
  });

  it('reports OOMKilled with usage against the limit and proposes a limit above the peak', () => {
    const oom = pod('api-5d8f7-abcde', {
      replicaSet: 'api-5d8f7',
      spec: { containers: [container('app', { resources: { limits: { memory: '256Mi' } } })] },
      statuses: [
        runningStatus('app', {
          ready: false,
          restartCount: 4,
          state: { waiting: { reason: 'CrashLoopBackOff' } },
          lastState: {
            terminated: { reason: 'OOMKilled', exitCode: 137, finishedAt: new Date(NOW - MINUTE) },
          },
        }),
      ],
    });
    const usage = new Map([['todo/api-5d8f7-abcde/app', history(5, () => ({ cpu: 100, memory: 250 * MI }))]]);
    const [finding, ...rest] = run({
      pods: [oom],
      replicaSets: [replicaSet('api-5d8f7', 'api')],
      deployments: [deployment('api')],
      usage,
    });
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({
      severity: 'critical',
      runbook: 'oomkilled',
      title: 'app was OOMKilled at its 256Mi memory limit',
      affected: [{ kind: 'Deployment', namespace: 'todo', name: 'api' }],
    });
    expect(finding!.detail).toContain('peak memory usage seen: 250Mi (98 % of the limit)');
    // 1.5 × 256Mi = 384Mi beats 1.3 × 250Mi = 325Mi.
    expect(finding!.recommendation).toMatchObject({
      kind: 'set-resources',
      target: { kind: 'Deployment', namespace: 'todo', name: 'api' },
      container: 'app',
      limits: { memory: '384Mi' },
      kubectl: 'kubectl set resources deployment/api -n todo -c app --limits=memory=384Mi',
    });
  });

  it('reports a past OOM kill of a container that runs again as a warning', () => {
    const recovered = pod('api-1', {
      statuses: [
        runningStatus('app', {
          restartCount: 1,
          lastState: { terminated: { reason: 'OOMKilled', exitCode: 137 } },
        }),
      ],
    });
    expect(run({ pods: [recovered] }).map((f) => [f.severity, f.runbook])).toEqual([
      ['warning', 'oomkilled'],
    ]);
  });

  it('names the image that cannot be pulled', () => {
    const pulling = pod('web-1', {
      phase: 'Pending',
      spec: { containers: [container('web', { image: 'registry.example/web:nope' })] },
      statuses: [
        runningStatus('web', {
          ready: false,
          state: {
            waiting: {
              reason: 'ImagePullBackOff',
              message: 'Back-off pulling image "registry.example/web:nope"',
            },
          },
        }),
      ],
    });
    const events = [
      event('Failed', 'Failed to pull image "registry.example/web:nope": not found', {
        name: 'web-1',
        fieldPath: 'spec.containers{web}',
      }),
    ];
    const findings = run({ pods: [pulling], events });
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      severity: 'critical',
      runbook: 'imagepullbackoff',
      title: 'web cannot pull image registry.example/web:nope (ImagePullBackOff)',
      firstSeen: NOW - 5 * MINUTE,
    });
    expect(findings[0]!.detail).toContain('image: registry.example/web:nope');
    expect(findings[0]!.detail.at(-1)).toContain('not found');
  });

  it("gives the scheduler's reason for a pending pod", () => {
    const pending = pod('big-1', {
      phase: 'Pending',
      spec: { nodeName: undefined },
      statuses: [],
      conditions: [
        {
          type: 'PodScheduled',
          status: 'False',
          reason: 'Unschedulable',
          message: '0/3 nodes are available: 3 Insufficient cpu.',
          lastTransitionTime: new Date(NOW - 3 * MINUTE),
        },
      ],
    });
    const [finding, ...rest] = run({ pods: [pending] });
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({
      id: 'pod-failures:Pod/todo/big-1:pending',
      severity: 'critical',
      runbook: 'pending',
      title: 'Pending: 0/3 nodes are available: 3 Insufficient cpu.',
      firstSeen: NOW - 3 * MINUTE,
    });
    expect(finding!.suggestedFix).toMatch(/requests/);
  });

  it('waits out the grace period before calling an unscheduled pod without a verdict stuck', () => {
    const young = pod('new-1', {
      phase: 'Pending',
      spec: { nodeName: undefined },
      statuses: [],
      conditions: [],
      createdAt: NOW - 10_000,
    });
    const old = pod('old-1', {
      phase: 'Pending',
      spec: { nodeName: undefined },
      statuses: [],
      conditions: [],
      createdAt: NOW - 5 * MINUTE,
    });
    expect(run({ pods: [young, old] }).map((f) => [f.resource.name, f.severity])).toEqual([
      ['old-1', 'warning'],
    ]);
  });

  it('reports a failing readiness probe from Unhealthy events', () => {
    const unready = pod('web-1', {
      statuses: [
        runningStatus('app', { ready: false, state: { running: { startedAt: new Date(NOW - 20_000) } } }),
      ],
    });
    const events = [
      event(
        'Unhealthy',
        'Readiness probe failed: Get "http://10.1.0.4:8080/ready": connect: connection refused',
        {
          name: 'web-1',
          fieldPath: 'spec.containers{app}',
        },
        { count: 12 },
      ),
    ];
    const [finding, ...rest] = run({ pods: [unready], events });
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({
      title: 'app fails its readiness probe',
      severity: 'warning',
      runbook: 'probe-failure',
    });
    expect(finding!.detail).toContain('readiness probe: GET :8080/ready');
    expect(finding!.detail.at(-1)).toMatch(/^event Unhealthy \(×12\): Readiness probe failed/);
  });

  it('reports a container not Ready past the grace period even without events', () => {
    const unready = pod('web-1', { statuses: [runningStatus('app', { ready: false })] });
    const [finding] = run({ pods: [unready] });
    expect(finding).toMatchObject({
      id: 'pod-failures:Pod/todo/web-1:probe-readiness:app',
      severity: 'critical',
    });
    expect(finding!.detail).toContain('not Ready for 1h');
  });

  it('prefers liveness failures, which restart the container', () => {
    const flapping = pod('web-1', { statuses: [runningStatus('app', { restartCount: 9 })] });
    const events = [
      event('Unhealthy', 'Liveness probe failed: HTTP probe failed with statuscode: 500', {
        name: 'web-1',
        fieldPath: 'spec.containers{app}',
      }),
    ];
    const findings = run({ pods: [flapping], events });
    expect(findings.map((f) => f.id)).toEqual(['pod-failures:Pod/todo/web-1:probe-liveness:app']);
  });

  it('ignores probe events of a container that recovered', () => {
    const readinessEvent = event('Unhealthy', 'Readiness probe failed: timeout', {
      name: 'web-1',
      fieldPath: 'spec.containers{app}',
    });
    const oldLiveness = event(
      'Unhealthy',
      'Liveness probe failed: timeout',
      { name: 'web-1', fieldPath: 'spec.containers{app}' },
      { lastTimestamp: new Date(NOW - 30 * MINUTE) },
    );
    expect(run({ pods: [pod('web-1')], events: [readinessEvent, oldLiveness] })).toEqual([]);
  });

  it('reports frequent restarts at the threshold, not below', () => {
    const at = pod('a-1', {
      statuses: [
        runningStatus('app', {
          restartCount: 5,
          lastState: { terminated: { reason: 'Error', exitCode: 1 } },
        }),
      ],
    });
    const below = pod('b-1', { statuses: [runningStatus('app', { restartCount: 4 })] });
    const findings = run({ pods: [at, below] });
    expect(findings.map((f) => [f.resource.name, f.title, f.severity])).toEqual([
      ['a-1', 'app restarted 5 times', 'warning'],
    ]);
    expect(findings[0]!.detail).toEqual(['last termination: Error, exit code 1']);
  });

  it('reports a missing ConfigMap or Secret as a container error', () => {
    const broken = pod('web-1', {
      statuses: [
        runningStatus('app', {
          ready: false,
          state: { waiting: { reason: 'CreateContainerConfigError', message: 'secret "db" not found' } },
        }),
      ],
    });
    expect(run({ pods: [broken] })).toMatchObject([
      { title: 'app: CreateContainerConfigError', detail: ['secret "db" not found'] },
    ]);
  });
});
