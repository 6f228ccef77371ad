// The HPA controller acts on simulated usage: a deployment using twice its CPU request is scaled
// up toward its target utilization, within the HPA's bounds.
import { AppsV1Api, AutoscalingV2Api, CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startSimulator, type RunningSim } from '../../src/sim/index.js';

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
