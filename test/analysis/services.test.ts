import { describe, expect, it } from 'vitest';
import {
  intendedWorkload,
  LOAD_BALANCER_PENDING_MS,
  services,
  type SelectorCandidate,
} from '../../src/analysis/analyzers/services.js';
import { DEFAULT_OPTIONS } from '../../src/analysis/options.js';
import type { ClusterSnapshot } from '../../src/model/analysis.js';
import { endpointSlice, labelledPod, service } from './fixtures-network.js';
import { container, deployment, MINUTE, NOW, podSpec, replicaSet, snapshot } from './fixtures.js';

const run = (parts: Partial<ClusterSnapshot>) => services(snapshot(parts), DEFAULT_OPTIONS);
const problems = (parts: Partial<ClusterSnapshot>) =>
  run(parts).map((f) => `${f.severity} ${f.id.split(':').slice(2).join(':')}`);

/** Pods of Deployment `name` (through its ReplicaSet), serving 8080 unless `ports` says otherwise. */
function backendPods(
  name: string,
  labels: Record<string, string>,
  count = 2,
  extra: Parameters<typeof labelledPod>[2] = {},
) {
  const rs = `${name}-5d8f7`;
  return {
    replicaSets: [replicaSet(rs, name)],
    pods: Array.from({ length: count }, (_, i) => {
      const p = labelledPod(`${rs}-p${i}`, labels, { replicaSet: rs, ...extra });
      p.spec = {
        ...p.spec!,
        containers: [container('app', { ports: [{ containerPort: 8080, name: 'http' }] })],
      };
      return p;
    }),
  };
}

describe('services', () => {
  const backend = backendPods('backend', { app: 'backend' });
  const frontend = backendPods('frontend', { app: 'frontend' });
  const both = {
    replicaSets: [...backend.replicaSets, ...frontend.replicaSets],
    pods: [...backend.pods, ...frontend.pods],
  };

  it.each<[string, Partial<ClusterSnapshot>, string[]]>([
    [
      'a Service with ready pods serving its targetPort',
      { ...backend, services: [service('backend', { app: 'backend' })] },
      [],
    ],
    ['services not listed: nothing is said', { ...backend }, []],
    [
      'an ExternalName Service',
      {
        services: [
          { ...service('db', undefined), spec: { type: 'ExternalName', externalName: 'db.example' } },
        ],
      },
      [],
    ],
    [
      'a selectorless Service without slices of its own',
      { services: [service('kubernetes', undefined)], endpointSlices: [] },
      [],
    ],
    [
      'a selectorless Service whose slices hold no ready endpoint',
      { services: [service('legacy', undefined)], endpointSlices: [endpointSlice('legacy', [])] },
      ['warning no-endpoints'],
    ],
    [
      'a selector with a typo',
      { ...both, services: [service('web', { app: 'backnd' })] },
      ['critical no-matching-pods'],
    ],
    [
      'matching pods that are not ready for longer than the grace period',
      {
        ...backendPods('backend', { app: 'backend' }, 2, { ready: false }),
        services: [service('backend', { app: 'backend' })],
      },
      ['critical no-ready-endpoints'],
    ],
    [
      'matching pods that became unready a moment ago',
      {
        ...backendPods('backend', { app: 'backend' }, 2, { ready: false, notReadySince: NOW - 10_000 }),
        services: [service('backend', { app: 'backend' })],
      },
      [],
    ],
    [
      'one of two pods not ready',
      {
        replicaSets: backend.replicaSets,
        pods: [backend.pods[0]!, backendPods('backend', { app: 'backend' }, 2, { ready: false }).pods[1]!],
        services: [service('backend', { app: 'backend' })],
      },
      ['info unready-endpoints'],
    ],
    [
      'a numeric targetPort no container declares',
      {
        ...backend,
        services: [service('backend', { app: 'backend' }, { ports: [{ port: 80, targetPort: 9090 }] })],
      },
      ['warning target-port:80'],
    ],
    [
      'a named targetPort no container names',
      {
        ...backend,
        services: [service('backend', { app: 'backend' }, { ports: [{ port: 80, targetPort: 'web' }] })],
      },
      ['critical target-port:80'],
    ],
    [
      'a numeric targetPort, pods that declare no ports (containerPort is informational)',
      {
        pods: [labelledPod('bare', { app: 'bare' })],
        services: [service('bare', { app: 'bare' }, { ports: [{ port: 80, targetPort: 9090 }] })],
      },
      [],
    ],
    [
      'a LoadBalancer without an address for long',
      {
        ...backend,
        services: [
          service(
            'backend',
            { app: 'backend' },
            { type: 'LoadBalancer', createdAgo: LOAD_BALANCER_PENDING_MS },
          ),
        ],
      },
      ['info load-balancer-pending'],
    ],
    [
      'a LoadBalancer created a minute ago',
      {
        ...backend,
        services: [service('backend', { app: 'backend' }, { type: 'LoadBalancer', createdAgo: MINUTE })],
      },
      [],
    ],
  ])('%s', (_, parts, expected) => {
    expect(problems(parts).sort()).toEqual(expected);
  });

  it('names the selector and the pods one label off, and patches the selector to the workload meant', () => {
    const [finding] = run({ ...both, services: [service('web', { app: 'backnd' })] });
    expect(finding).toMatchObject({
      id: 'services:Service/todo/web:no-matching-pods',
      severity: 'critical',
      runbook: 'service-endpoints',
      title: 'Service selector app=backnd matches no pod',
      affected: [
        { kind: 'Deployment', namespace: 'todo', name: 'backend' },
        { kind: 'Deployment', namespace: 'todo', name: 'frontend' },
      ],
      recommendation: {
        kind: 'patch',
        patchType: 'merge',
        target: { kind: 'Service', namespace: 'todo', name: 'web' },
        patch: { spec: { selector: { app: 'backend' } } },
        kubectl: `kubectl patch service/web -n todo --type=merge -p '{"spec":{"selector":{"app":"backend"}}}'`,
      },
    });
    expect(finding!.detail).toEqual([
      'selector: app=backnd',
      'no running pod in namespace todo has all these labels',
      'nearest: Deployment todo/backend: 2 pods labelled app=backend (selector wants app=backnd)',
      'nearest: Deployment todo/frontend: 2 pods labelled app=frontend (selector wants app=backnd)',
    ]);
  });

  it('proposes nothing when no workload is the obvious match, and says what the pods carry', () => {
    const [finding] = run({ ...both, services: [service('web', { app: 'todo-api' })] });
    expect(finding!.recommendation).toBeUndefined();
    expect(finding!.suggestedFix).toContain('kubectl get pods --show-labels');
  });

  it('drops a label the pods of the one near workload do not carry', () => {
    const [finding] = run({ ...backend, services: [service('api', { app: 'backend', tier: 'api' })] });
    expect(finding!.recommendation).toMatchObject({ patch: { spec: { selector: { tier: null } } } });
    expect(finding!.detail).toContain(
      'nearest: Deployment todo/backend: 2 pods without label tier (selector wants tier=api)',
    );
  });

  it('a workload whose template matches but runs no pods is a warning to scale, not a selector patch', () => {
    const idle = deployment('worker', { replicas: 0 });
    const [finding] = run({ deployments: [idle], services: [service('worker', { app: 'worker' })] });
    expect(finding).toMatchObject({
      severity: 'warning',
      affected: [{ kind: 'Deployment', name: 'worker' }],
    });
    expect(finding!.recommendation).toBeUndefined();
    expect(finding!.detail).toContain(
      'Deployment todo/worker: its pod template matches, but it runs no pods (replicas: 0)',
    );
  });

  it('lists the unready pods with their Ready condition, since when', () => {
    const unready = backendPods('backend', { app: 'backend' }, 1, {
      ready: false,
      notReadySince: NOW - 20 * MINUTE,
    });
    const [finding] = run({ ...unready, services: [service('backend', { app: 'backend' })] });
    expect(finding).toMatchObject({
      title: 'Service has no ready endpoints: 1 pod match, none ready',
      affected: [{ kind: 'Pod', namespace: 'todo', name: 'backend-5d8f7-p0' }],
      firstSeen: NOW - 20 * MINUTE,
    });
    expect(finding!.detail).toEqual([
      'selector: app=backend',
      '0 of 1 matching pods ready',
      'pod backend-5d8f7-p0: Ready=False (ContainersNotReady: containers with unready status: [app]) since 2026-03-01T11:40:00.000Z',
    ]);
  });

  it('reads readiness from the EndpointSlices where they hold endpoints', () => {
    const unready = backendPods('backend', { app: 'backend' }, 2, { ready: false });
    const slices = [
      endpointSlice(
        'backend',
        unready.pods.map((p) => ({ pod: p.metadata!.name!, ready: false })),
      ),
    ];
    const [finding] = run({
      ...unready,
      services: [service('backend', { app: 'backend' })],
      endpointSlices: slices,
    });
    expect(finding!.detail[1]).toBe('0 of 2 endpoints (EndpointSlices) ready');
  });

  it.each<[string, (string | number)[], number | string | undefined]>([
    ['one served port: patch the number', [8080], 8080],
    ['a named target, one named served port: patch the name', ['http'], 'http'],
    ['two served ports: no patch', [8080, 9000], undefined],
  ])('targetPort fix: %s', (_, served, fixTo) => {
    const pods = backendPods('backend', { app: 'backend' }, 1).pods.map((p) => ({
      ...p,
      spec: podSpec({
        containers: [
          container('app', {
            ports: served.map((s) =>
              typeof s === 'number' ? { containerPort: s } : { containerPort: 8080, name: s },
            ),
          }),
        ],
      }),
    }));
    const target = typeof fixTo === 'string' ? 'web' : 7000;
    const [finding] = run({
      pods,
      services: [service('backend', { app: 'backend' }, { ports: [{ port: 80, targetPort: target }] })],
    });
    expect(finding!.detail[0]).toBe(`port 80/TCP → targetPort ${target}`);
    if (fixTo === undefined) expect(finding!.recommendation).toBeUndefined();
    else
      expect(finding!.recommendation).toMatchObject({
        kind: 'patch',
        patchType: 'json',
        patch: [
          { op: 'test', path: '/spec/ports/0/port', value: 80 },
          { op: 'replace', path: '/spec/ports/0/targetPort', value: fixTo },
        ],
      });
  });
});

describe('the workload a selector was meant for', () => {
  const candidate = (
    name: string,
    actual: string | undefined,
    wanted = 'backend',
    key = 'app',
  ): SelectorCandidate => ({
    workload: { kind: 'Deployment', namespace: 'todo', name },
    key,
    wanted,
    actual,
    pods: [],
  });
  it.each<[string, string, number, SelectorCandidate[], string | undefined]>([
    [
      'the only near workload of a two-label selector',
      'svc',
      2,
      [candidate('api', 'api', 'x', 'tier')],
      'api',
    ],
    [
      'the only pod carrier of a one-label selector is no evidence',
      'svc',
      1,
      [candidate('postgres', 'postgres')],
      undefined,
    ],
    [
      'a typo of the wanted value',
      'svc',
      1,
      [candidate('backend', 'backend', 'backnd'), candidate('frontend', 'frontend', 'backnd')],
      'backend',
    ],
    [
      'the workload named as the Service',
      'frontend',
      1,
      [candidate('backend', 'backend', 'web'), candidate('frontend', 'frontend', 'web')],
      'frontend',
    ],
    [
      'two typos: ambiguous',
      'svc',
      1,
      [candidate('web1', 'web1', 'web'), candidate('web2', 'web2', 'web')],
      undefined,
    ],
    [
      'none related',
      'svc',
      1,
      [candidate('backend', 'backend', 'todo-api'), candidate('frontend', 'frontend', 'todo-api')],
      undefined,
    ],
  ])('%s', (_, serviceName, size, candidates, expected) => {
    expect(intendedWorkload(serviceName, size, candidates)?.workload.name).toBe(expected);
  });
});
