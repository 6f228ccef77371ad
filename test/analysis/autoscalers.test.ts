import type { V1PodSpec, V2HorizontalPodAutoscaler, V2MetricSpec } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { autoscalers, missingRequests } from '../../src/analysis/analyzers/autoscalers.js';
import { resolveOptions } from '../../src/analysis/options.js';
import { indexSnapshot } from '../../src/analysis/snapshot-index.js';
import type { ClusterSnapshot, UsageSample } from '../../src/model/analysis.js';
import { container, history, hpa, MI, MINUTE, NOW, snapshot, workload } from './fixtures.js';

const options = resolveOptions();
const cpuUtilization: V2MetricSpec = {
  type: 'Resource',
  resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 60 } },
};
const noRequests = { containers: [container('app', { resources: {} }), container('proxy')] };

function withHpa(
  h: V2HorizontalPodAutoscaler,
  spec: Partial<V1PodSpec> = {},
  parts: Partial<ClusterSnapshot> = {},
): ClusterSnapshot {
  const w = workload('web', 2, { spec });
  return snapshot({
    deployments: [w.deployment],
    replicaSets: [w.replicaSet],
    pods: w.pods,
    hpas: [h],
    ...parts,
  });
}

const hpaWith = (
  overrides: Partial<V2HorizontalPodAutoscaler['spec']> = {},
  status: Partial<NonNullable<V2HorizontalPodAutoscaler['status']>> = {},
  target = 'web',
) => {
  const h = hpa('web', target, { max: 5, current: 2 });
  return {
    ...h,
    spec: { ...h.spec, metrics: [cpuUtilization], ...overrides },
    status: { ...h.status!, ...status },
  };
};

const summary = (snap: ClusterSnapshot) =>
  autoscalers(snap, options).map((f) => `${f.severity} ${f.id.split(':').slice(2).join(':')}`);

describe('missingRequests', () => {
  const w = (containers = noRequests.containers) =>
    indexSnapshot(withHpa(hpaWith(), { containers })).workloads.get('Deployment/todo/web')!;
  it.each<[string, V2MetricSpec[], ReturnType<typeof missingRequests>]>([
    [
      'cpu utilization, one container without a cpu request',
      [cpuUtilization],
      [{ container: 'app', resources: ['cpu'] }],
    ],
    [
      'cpu and memory utilization',
      [
        cpuUtilization,
        {
          type: 'Resource',
          resource: { name: 'memory', target: { type: 'Utilization', averageUtilization: 70 } },
        },
      ],
      [{ container: 'app', resources: ['cpu', 'memory'] }],
    ],
    [
      'an AverageValue target needs no request',
      [
        {
          type: 'Resource',
          resource: { name: 'cpu', target: { type: 'AverageValue', averageValue: '200m' } },
        },
      ],
      [],
    ],
    [
      'a ContainerResource metric only looks at its container',
      [
        {
          type: 'ContainerResource',
          containerResource: {
            name: 'cpu',
            container: 'proxy',
            target: { type: 'Utilization', averageUtilization: 60 },
          },
        },
      ],
      [],
    ],
    ['no metrics (the default is cpu, but the API fills it in)', [], []],
  ])('%s', (_, metrics, expected) => {
    expect(missingRequests(hpaWith({ metrics }), w())).toEqual(expected);
  });

  it('a limit without a request counts as the request, as the API defaults it', () => {
    expect(
      missingRequests(hpaWith(), w([container('app', { resources: { limits: { cpu: '1' } } })])),
    ).toEqual([]);
  });
});

describe('autoscalers', () => {
  it.each<[string, ClusterSnapshot, string[]]>([
    ['a sound HPA', withHpa(hpaWith()), []],
    ['target Deployment does not exist', withHpa(hpaWith({}, {}, 'gone')), ['critical target-missing']],
    [
      'target kind not listed, but the controller says FailedGetScale',
      withHpa({
        ...hpaWith(),
        spec: {
          ...hpaWith().spec,
          scaleTargetRef: { apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'db' },
        },
        status: {
          desiredReplicas: 0,
          conditions: [
            {
              type: 'AbleToScale',
              status: 'False',
              reason: 'FailedGetScale',
              message:
                'the HPA controller was unable to get the target\'s current scale: statefulsets.apps "db" not found',
            },
          ],
        },
      }),
      ['critical target-missing'],
    ],
    [
      'target kind not listed and no verdict: nothing said',
      withHpa({
        ...hpaWith(),
        spec: { ...hpaWith().spec, scaleTargetRef: { kind: 'StatefulSet', name: 'db' } },
      }),
      [],
    ],
    ['min above max', withHpa(hpaWith({ minReplicas: 6 })), ['warning min-above-max']],
    ['utilization target without requests', withHpa(hpaWith(), noRequests), ['warning missing-request:app']],
    [
      'metrics not served',
      withHpa(
        hpaWith(
          {},
          {
            conditions: [
              {
                type: 'ScalingActive',
                status: 'False',
                reason: 'FailedGetResourceMetric',
                message:
                  'the HPA was unable to compute the replica count: failed to get cpu utilization: unable to get metrics for resource cpu: unable to fetch metrics from resource metrics API',
              },
            ],
          },
        ),
      ),
      ['warning scaling-inactive'],
    ],
    [
      'capped at max for an hour',
      withHpa(
        hpaWith(
          {},
          {
            currentReplicas: 5,
            desiredReplicas: 5,
            conditions: [
              {
                type: 'ScalingLimited',
                status: 'True',
                reason: 'TooManyReplicas',
                message: 'the desired replica count is more than the maximum replica count',
                lastTransitionTime: new Date(NOW - 60 * MINUTE),
              },
            ],
          },
        ),
      ),
      ['warning capped'],
    ],
    [
      'capped for five minutes: not yet',
      withHpa(
        hpaWith(
          {},
          {
            conditions: [
              {
                type: 'ScalingLimited',
                status: 'True',
                reason: 'TooManyReplicas',
                lastTransitionTime: new Date(NOW - 5 * MINUTE),
              },
            ],
          },
        ),
      ),
      [],
    ],
  ])('%s', (_, snap, expected) => {
    expect(summary(snap)).toEqual(expected);
  });

  it('two HPAs on one target: one finding on the target naming both', () => {
    const second = { ...hpaWith(), metadata: { name: 'web-memory', namespace: 'todo' } };
    const snap = withHpa(hpaWith(), {}, { hpas: [hpaWith(), second] });
    const findings = autoscalers(snap, options);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      id: 'autoscalers:Deployment/todo/web:multiple-hpas',
      severity: 'warning',
      affected: [
        { kind: 'HorizontalPodAutoscaler', namespace: 'todo', name: 'web' },
        { kind: 'HorizontalPodAutoscaler', namespace: 'todo', name: 'web-memory' },
      ],
    });
  });

  it('missing requests with enough usage history: set-resources at p95 × 1.3', () => {
    const base = withHpa(hpaWith(), noRequests);
    const usage = new Map<string, UsageSample[]>(
      base.pods.map((p) => [
        `todo/${p.metadata!.name}/app`,
        history(60, (i) => ({ cpu: i < 50 ? 100 : 200, memory: 100 * MI })),
      ]),
    );
    const [finding] = autoscalers({ ...base, usage }, options);
    expect(finding!.recommendation).toMatchObject({
      kind: 'set-resources',
      target: { kind: 'Deployment', namespace: 'todo', name: 'web' },
      container: 'app',
      requests: { cpu: '260m' },
      limits: {},
      kubectl: 'kubectl set resources deployment/web -n todo -c app --requests=cpu=260m',
    });
    expect(finding!.detail).toContain('container app of Deployment/web has no cpu request');
    expect(finding!.runbook).toBe('hpa-misconfigured');
  });

  it('missing requests without enough history: names the container, leaves the amount to the user', () => {
    const [finding] = autoscalers(withHpa(hpaWith(), noRequests), options);
    expect(finding!.recommendation).toBeUndefined();
    expect(finding!.suggestedFix).toContain(
      'kubectl set resources deployment/web -n todo -c app --requests=cpu=<amount>',
    );
    expect(finding!.detail).toContain('usage history too short to derive a request: no usage samples');
  });

  it('a missing target says so and nothing else about that HPA', () => {
    const [finding, ...rest] = autoscalers(withHpa(hpaWith({ minReplicas: 9 }, {}, 'gone')), options);
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({
      title: 'Scale target Deployment/gone does not exist',
      detail: ['scaleTargetRef: apps/v1 Deployment/gone', 'no Deployment todo/gone in the cluster'],
      affected: [{ kind: 'Deployment', namespace: 'todo', name: 'gone' }],
    });
  });
});
