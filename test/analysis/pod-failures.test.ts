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
import { revisionPod, rolledOut, type RevisionSpec } from './rollout-fixtures.js';
import type { V1ContainerStatus, V1Node } from '@kubernetes/client-node';

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

const GOOD = 'registry.example/app:1.2.3';
const crashing: V1ContainerStatus = runningStatus('app', {
  ready: false,
  restartCount: 5,
  state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 40s restarting failed container' } },
  lastState: { terminated: { reason: 'Error', exitCode: 3, finishedAt: new Date(NOW - MINUTE) } },
});
const pulling: V1ContainerStatus = runningStatus('app', {
  ready: false,
  state: { waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image' } },
});

/** The Deployment at its newest revision, two pods of it with `status`. */
function broken(
  revisions: RevisionSpec[],
  status: V1ContainerStatus,
  events = [] as ReturnType<typeof event>[],
) {
  const { deployment: d, replicaSets } = rolledOut(revisions);
  const current = Math.max(...revisions.map((r) => r.revision));
  const spec = revisions.find((r) => r.revision === current)!.container;
  const pods = [revisionPod(current, 0, status, spec), revisionPod(current, 1, status, spec)];
  return run({ deployments: [d], replicaSets, pods, events }).filter((f) => f.resource.name.endsWith('-p0'));
}

describe('fixes at the cause', () => {
  it('a bad image from a rollout: set the image back to the tag that ran, with which revision did what', () => {
    const [finding] = broken(
      [
        { revision: 1, available: 2 },
        { revision: 2, container: { image: 'registry.example/app:missing' } },
      ],
      pulling,
    );
    expect(finding!.recommendation).toMatchObject({
      kind: 'set-image',
      target: { kind: 'Deployment', namespace: 'todo', name: 'web' },
      images: { app: GOOD },
      kubectl: `kubectl set image deployment/web -n todo app=${GOOD}`,
    });
    expect(finding!.detail).toEqual(
      expect.arrayContaining([
        `revision 2 changed app image: ${GOOD} → registry.example/app:missing`,
        'revision 1 last ran: 2 pods of web-r1hash available now',
      ]),
    );
  });

  it('a bad image with other changes in the same rollout: undo to the revision that ran', () => {
    const [finding] = broken(
      [
        { revision: 3, available: 2 },
        { revision: 4, container: { image: 'registry.example/app:missing', args: ['--new-flag'] } },
      ],
      pulling,
    );
    expect(finding!.recommendation).toMatchObject({
      kind: 'rollout-undo',
      toRevision: 3,
      kubectl: 'kubectl rollout undo deployment/web -n todo --to-revision=3',
    });
  });

  it('a bad command from a rollout: undo to the revision that ran, never delete the pod', () => {
    const [finding] = broken(
      [
        { revision: 1, available: 2 },
        { revision: 2, container: { command: ['sh', '-c', 'exit 3'] } },
      ],
      crashing,
    );
    expect(finding).toMatchObject({
      id: 'pod-failures:Pod/todo/web-r2hash-p0:crashloop:app',
      recommendation: { kind: 'rollout-undo', toRevision: 1 },
    });
    expect(finding!.detail).toContain('revision 2 changed app command: (none) → ["sh","-c","exit 3"]');
  });

  it('a crash loop of every pod with no revision that ran: no operation, the log to read', () => {
    const [finding] = broken([{ revision: 1 }], crashing);
    expect(finding!.recommendation).toBeUndefined();
    expect(finding!.suggestedFix).toMatch(/--previous\) and fix the command/);
  });

  it('one pod crash-looping while its siblings run: transient, delete it', () => {
    const { deployment: d, replicaSets } = rolledOut([{ revision: 1, available: 2 }]);
    const pods = [revisionPod(1, 0, crashing), revisionPod(1, 1, runningStatus('app'))];
    const [finding] = run({ deployments: [d], replicaSets, pods });
    expect(finding!.recommendation).toMatchObject({
      kind: 'delete-pod',
      target: { kind: 'Pod', name: 'web-r1hash-p0' },
    });
  });

  const unready = runningStatus('app', { ready: false });
  const refused = (port: number) =>
    event(
      'Unhealthy',
      `Readiness probe failed: Get "http://10.244.0.5:${port}/ready": dial tcp 10.244.0.5:${port}: connect: connection refused`,
      {
        name: 'web-r1hash-p0',
        fieldPath: 'spec.containers{app}',
      },
      { count: 12 },
    );

  it('a probe on a port the container does not declare, one port declared: patch the probe to it', () => {
    const [finding] = broken(
      [
        {
          revision: 1,
          container: {
            ports: [{ name: 'http', containerPort: 3000 }],
            readinessProbe: { httpGet: { path: '/ready', port: 8080 } },
          },
        },
      ],
      unready,
      [refused(8080)],
    );
    expect(finding!.recommendation).toMatchObject({
      kind: 'patch',
      patchType: 'strategic',
      target: { kind: 'Deployment', name: 'web' },
      patch: {
        spec: {
          template: { spec: { containers: [{ name: 'app', readinessProbe: { httpGet: { port: 3000 } } }] } },
        },
      },
    });
    expect(finding!.detail).toContain(
      "port 8080 refuses connections and is not among app's ports (http:3000)",
    );
  });

  it('a probe on an undeclared port with several ports declared: no guess', () => {
    const [finding] = broken(
      [
        {
          revision: 1,
          container: {
            ports: [{ containerPort: 3000 }, { containerPort: 9090 }],
            readinessProbe: { httpGet: { path: '/ready', port: 8080 } },
          },
        },
      ],
      unready,
      [refused(8080)],
    );
    expect(finding!.id).toMatch(/probe-readiness:app$/);
    expect(finding!.recommendation).toBeUndefined();
  });

  it('a probe path answering 404: names the path, invents none', () => {
    const notFound = event('Unhealthy', 'Readiness probe failed: HTTP probe failed with statuscode: 404', {
      name: 'web-r1hash-p0',
      fieldPath: 'spec.containers{app}',
    });
    const [finding] = broken(
      [
        {
          revision: 1,
          container: {
            ports: [{ containerPort: 8080 }],
            readinessProbe: { httpGet: { path: '/helth', port: 8080 } },
          },
        },
      ],
      unready,
      [notFound],
    );
    expect(finding!.recommendation).toBeUndefined();
    expect(finding!.detail).toContain('GET /helth answers 404: nothing serves that path');
    expect(finding!.suggestedFix).toBe(
      "The readiness probe's path /helth is not served by app: set it to the health path the application serves.",
    );
  });

  it('a probe path answering 404 since a rollout changed it: undo to the revision whose probe passed', () => {
    const notFound = event('Unhealthy', 'Readiness probe failed: HTTP probe failed with statuscode: 404', {
      name: 'web-r2hash-p0',
      fieldPath: 'spec.containers{app}',
    });
    const ports = [{ containerPort: 8080 }];
    const [finding] = broken(
      [
        { revision: 1, available: 2, container: { ports } },
        { revision: 2, container: { ports, readinessProbe: { httpGet: { path: '/helth', port: 8080 } } } },
      ],
      unready,
      [notFound],
    );
    expect(finding!.recommendation).toMatchObject({ kind: 'rollout-undo', toRevision: 1 });
  });

  it('a probe path answering 404 since a new image: set the image that served it back', () => {
    const notFound = event('Unhealthy', 'Readiness probe failed: HTTP probe failed with statuscode: 404', {
      name: 'web-r2hash-p0',
      fieldPath: 'spec.containers{app}',
    });
    const ports = [{ containerPort: 8080 }];
    const [finding] = broken(
      [
        { revision: 1, available: 2, container: { ports } },
        { revision: 2, container: { ports, image: 'registry.example/app:2.0.0' } },
      ],
      unready,
      [notFound],
    );
    expect(finding!.recommendation).toMatchObject({ kind: 'set-image', images: { app: GOOD } });
  });

  it('Pending on a nodeSelector no node has: which label, which nodes come nearest, no operation', () => {
    const node = (name: string, labels: Record<string, string>): V1Node => ({ metadata: { name, labels } });
    const nodes = [
      node('node-a', { 'kubernetes.io/os': 'linux', disktype: 'hdd', zone: 'a' }),
      node('node-b', { 'kubernetes.io/os': 'linux', zone: 'b' }),
      node('node-c', { 'kubernetes.io/os': 'windows' }),
    ];
    const pending = pod('db-1', {
      phase: 'Pending',
      spec: { nodeName: undefined, nodeSelector: { 'kubernetes.io/os': 'linux', disktype: 'ssd' } },
      statuses: [],
      conditions: [
        {
          type: 'PodScheduled',
          status: 'False',
          reason: 'Unschedulable',
          message: "0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector.",
        },
      ],
    });
    const [finding] = run({ pods: [pending], nodes });
    expect(finding!.recommendation).toBeUndefined();
    expect(finding!.detail).toEqual(
      expect.arrayContaining([
        'nodeSelector disktype=ssd: no node has it',
        'nearest: node node-a meets 1 of 2 requirements; disktype=hdd',
        'nearest: node node-b meets 1 of 2 requirements; disktype=(not set)',
      ]),
    );
    expect(finding!.detail).not.toContainEqual(expect.stringContaining('node-c'));
    expect(finding!.suggestedFix).toMatch(
      /^No node meets nodeSelector disktype=ssd: .*nearest: node-a, node-b/,
    );
  });

  it.each([
    ['of a ReplicaSet: replaced already, delete it to clean up', 'web-5d8f7', 'delete-pod'],
    ['bare: nothing recreates it, no operation', undefined, undefined],
  ])('an evicted pod %s', (_case, replicaSet, kind) => {
    const evicted = pod('web-5d8f7-x1', {
      phase: 'Failed',
      ...(replicaSet ? { replicaSet } : {}),
      statuses: [
        runningStatus('app', {
          ready: false,
          state: { terminated: { exitCode: 137, reason: 'ContainerStatusUnknown' } },
        }),
      ],
    });
    evicted.status!.reason = 'Evicted';
    evicted.status!.message =
      'The node was low on resource: memory. Threshold quantity: 100Mi, available: 50Mi.';
    const findings = run({ pods: [evicted] });
    expect(findings.map((f) => [f.id, f.severity, f.recommendation?.kind])).toEqual([
      ['pod-failures:Pod/todo/web-5d8f7-x1:evicted', 'info', kind],
    ]);
    expect(findings[0]!.title).toBe(
      'Evicted: The node was low on resource: memory. Threshold quantity: 100Mi, available: 50Mi.',
    );
  });
});
