// The HPA controller acts on simulated usage: a deployment using twice its CPU request is scaled
// up toward its target utilization, within the HPA's bounds; a missing target or a missing CPU
// request gives the real conditions and events and no scaling; StatefulSets scale too.
import {
  AppsV1Api,
  AutoscalingV2Api,
  CoreV1Api,
  KubeConfig,
  type V2HorizontalPodAutoscaler,
} from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { missingRequest } from '../../src/sim/controllers/hpa.js';
import { startSimulator, type RunningSim } from '../../src/sim/index.js';
import { clients, eventsFor, type Clients } from './fixtures/workloads.js';
import { until } from './until.js';

let sim: RunningSim;
beforeAll(async () => {
  sim = await startSimulator({ scenario: 'empty', speed: 100 });
});
afterAll(() => sim.close());

it('scales a busy deployment up to the HPA maximum and reports it in the HPA status', async () => {
  const kc = new KubeConfig();
  kc.loadFromFile(sim.kubeconfigPath);
  const apps = kc.makeApiClient(AppsV1Api);
  const hpaApi = kc.makeApiClient(AutoscalingV2Api);
  await kc.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name: 'load' } } });
  await apps.createNamespacedDeployment({
    namespace: 'load',
    body: {
      metadata: { name: 'busy' },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'busy' } },
        template: {
          // Uses 200m against a 100m request: 200 % of requests.
          metadata: { labels: { app: 'busy' }, annotations: { 'sim.aiops.dev/cpu': '200m' } },
          spec: { containers: [{ name: 'busy', image: 'busy:1', resources: { requests: { cpu: '100m' } } }] },
        },
      },
    },
  });
  await hpaApi.createNamespacedHorizontalPodAutoscaler({
    namespace: 'load',
    body: {
      metadata: { name: 'busy' },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'busy' },
        minReplicas: 1,
        maxReplicas: 3,
        metrics: [
          {
            type: 'Resource',
            resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } },
          },
        ],
      },
    },
  });
  const deadline = Date.now() + 20_000;
  let replicas = 1;
  while (replicas < 3 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    replicas = (await apps.readNamespacedDeployment({ namespace: 'load', name: 'busy' })).spec!.replicas!;
  }
  expect(replicas).toBe(3);
  const hpa = await hpaApi.readNamespacedHorizontalPodAutoscaler({ namespace: 'load', name: 'busy' });
  expect(hpa.status!.desiredReplicas).toBe(3);
  expect(hpa.status!.conditions!.find((c) => c.type === 'ScalingLimited')).toMatchObject({
    status: 'True',
    reason: 'TooManyReplicas',
  });
});

describe('conditions the real controller sets when it cannot scale', () => {
  let api: Clients;
  beforeAll(async () => {
    api = clients(sim);
    await api.core.createNamespace({ body: { metadata: { name: 'hpa-faults' } } });
  });

  const hpaFor = (name: string, kind = 'Deployment') =>
    api.autoscaling.createNamespacedHorizontalPodAutoscaler({
      namespace: 'hpa-faults',
      body: {
        metadata: { name },
        spec: {
          scaleTargetRef: { apiVersion: 'apps/v1', kind, name },
          minReplicas: 1,
          maxReplicas: 3,
          metrics: [
            {
              type: 'Resource',
              resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } },
            },
          ],
        },
      },
    });
  const readHpa = (name: string) => () =>
    api.autoscaling.readNamespacedHorizontalPodAutoscaler({ namespace: 'hpa-faults', name });
  const conditionOf = (type: string) => (h: V2HorizontalPodAutoscaler) =>
    h.status?.conditions?.find((c) => c.type === type);

  it('a target that does not exist: AbleToScale False FailedGetScale, and a warning event', async () => {
    await hpaFor('ghost');
    const hpa = await until(readHpa('ghost'), (h) => conditionOf('AbleToScale')(h)?.status === 'False');
    expect(conditionOf('AbleToScale')(hpa)).toMatchObject({
      reason: 'FailedGetScale',
      message: `the HPA controller was unable to get the target's current scale: deployments.apps "ghost" not found`,
    });
    const events = await eventsFor(api.core, 'hpa-faults', 'ghost');
    expect(events.find((e) => e.reason === 'FailedGetScale')).toMatchObject({
      type: 'Warning',
      message: 'deployments.apps "ghost" not found',
      source: { component: 'horizontal-pod-autoscaler' },
    });
  });

  it('a CPU utilization target on containers without a CPU request: ScalingActive False, and no scaling', async () => {
    await api.apps.createNamespacedDeployment({
      namespace: 'hpa-faults',
      body: {
        metadata: { name: 'norequest' },
        spec: {
          replicas: 1,
          selector: { matchLabels: { app: 'norequest' } },
          template: {
            metadata: { labels: { app: 'norequest' }, annotations: { 'sim.aiops.dev/cpu': '400m' } },
            spec: {
              containers: [{ name: 'web', image: 'busy:1', resources: { requests: { memory: '64Mi' } } }],
            },
          },
        },
      },
    });
    await hpaFor('norequest');
    const hpa = await until(readHpa('norequest'), (h) => conditionOf('ScalingActive')(h)?.status === 'False');
    const [pod] = (
      await api.core.listNamespacedPod({ namespace: 'hpa-faults', labelSelector: 'app=norequest' })
    ).items;
    const error = `failed to get cpu utilization: missing request for cpu in container web of Pod ${pod!.metadata!.name}`;
    expect(conditionOf('ScalingActive')(hpa)).toMatchObject({
      reason: 'FailedGetResourceMetric',
      message: `the HPA was unable to compute the replica count: ${error}`,
    });
    expect(conditionOf('AbleToScale')(hpa)).toMatchObject({ status: 'True', reason: 'SucceededGetScale' });
    // Two reconciles later (the event counted twice) it has still not scaled.
    await until(
      () => eventsFor(api.core, 'hpa-faults', 'norequest'),
      (es) => (es.find((e) => e.reason === 'FailedGetResourceMetric')?.count ?? 0) >= 2,
      20_000,
    );
    const events = await eventsFor(api.core, 'hpa-faults', 'norequest');
    expect(events.find((e) => e.reason === 'FailedGetResourceMetric')).toMatchObject({
      type: 'Warning',
      message: error,
    });
    expect(events.find((e) => e.reason === 'FailedComputeMetricsReplicas')?.message).toBe(
      `invalid metrics (1 invalid out of 1), first error is: ${error}`,
    );
    expect(events.some((e) => e.reason === 'SuccessfulRescale')).toBe(false);
    const deploy = await api.apps.readNamespacedDeployment({ namespace: 'hpa-faults', name: 'norequest' });
    expect(deploy.spec!.replicas).toBe(1);
  });

  it('scales a StatefulSet through its scale subresource', async () => {
    await api.apps.createNamespacedStatefulSet({
      namespace: 'hpa-faults',
      body: {
        metadata: { name: 'busy-db' },
        spec: {
          replicas: 1,
          serviceName: 'busy-db',
          podManagementPolicy: 'Parallel',
          selector: { matchLabels: { app: 'busy-db' } },
          template: {
            metadata: { labels: { app: 'busy-db' }, annotations: { 'sim.aiops.dev/cpu': '200m' } },
            spec: {
              containers: [{ name: 'db', image: 'postgres:16', resources: { requests: { cpu: '100m' } } }],
            },
          },
        },
      },
    });
    await hpaFor('busy-db', 'StatefulSet');
    await until(
      () => api.apps.readNamespacedStatefulSet({ namespace: 'hpa-faults', name: 'busy-db' }),
      (s) => s.spec!.replicas === 3,
      20_000,
    );
    const hpa = await until(readHpa('busy-db'), (h) => h.status?.desiredReplicas === 3);
    expect(conditionOf('ScalingActive')(hpa)).toMatchObject({
      status: 'True',
      reason: 'ValidMetricFound',
      message:
        'the HPA was able to successfully calculate a replica count from cpu resource utilization (percentage of request)',
    });
  });
});

describe('missingRequest', () => {
  const pod = (name: string, ...containers: [string, Record<string, string>?][]) => ({
    metadata: { name },
    spec: { containers: containers.map(([c, requests]) => ({ name: c, resources: { requests } })) },
  });
  it.each([
    [[pod('a', ['web', { cpu: '100m' }])], undefined],
    [[pod('a', ['web', { memory: '1Gi' }])], 'missing request for cpu in container web of Pod a'],
    [
      [pod('a', ['web', { cpu: '100m' }]), pod('b', ['web', { cpu: '1' }], ['sidecar'])],
      'missing request for cpu in container sidecar of Pod b',
    ],
  ])('%j → %s', (pods, expected) => expect(missingRequest(pods, 'cpu')).toBe(expected));
});
