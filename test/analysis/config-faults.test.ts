// End to end: faulty objects created through the API of a simulated cluster come back as the
// config-references, autoscalers and controllers findings, from a snapshot listed over HTTP.
import {
  AppsV1Api,
  AutoscalingV2Api,
  BatchV1Api,
  CoreV1Api,
  KubeConfig,
  type V1Job,
} from '@kubernetes/client-node';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { analyze } from '../../src/analysis/analyze.js';
import type { ClusterSnapshot, Finding } from '../../src/model/analysis.js';
import { startSimulator, type RunningSim } from '../../src/sim/index.js';

const NS = 'shop';
let sim: RunningSim;
let kc: KubeConfig;
beforeAll(async () => {
  sim = await startSimulator({ scenario: 'empty', speed: 50 });
  kc = new KubeConfig();
  kc.loadFromFile(sim.kubeconfigPath);
});
afterAll(() => sim.close());

// TODO(integrator): replace with fetchSnapshot(kc, NS) once the data path lists these kinds too.
async function listSnapshot(): Promise<ClusterSnapshot> {
  const core = kc.makeApiClient(CoreV1Api);
  const apps = kc.makeApiClient(AppsV1Api);
  const batch = kc.makeApiClient(BatchV1Api);
  const autoscaling = kc.makeApiClient(AutoscalingV2Api);
  const namespace = NS;
  const [pods, deployments, replicaSets, hpas, events, nodes, configMaps, secrets, services] =
    await Promise.all([
      core.listNamespacedPod({ namespace }),
      apps.listNamespacedDeployment({ namespace }),
      apps.listNamespacedReplicaSet({ namespace }),
      autoscaling.listNamespacedHorizontalPodAutoscaler({ namespace }),
      core.listNamespacedEvent({ namespace }),
      core.listNode(),
      core.listNamespacedConfigMap({ namespace }),
      core.listNamespacedSecret({ namespace }),
      core.listNamespacedService({ namespace }),
    ]);
  const [statefulSets, daemonSets, jobs, cronJobs] = await Promise.all([
    apps.listNamespacedStatefulSet({ namespace }),
    apps.listNamespacedDaemonSet({ namespace }),
    batch.listNamespacedJob({ namespace }),
    batch.listNamespacedCronJob({ namespace }),
  ]);
  return {
    now: Date.now(),
    pods: pods.items,
    deployments: deployments.items,
    replicaSets: replicaSets.items,
    hpas: hpas.items,
    events: events.items,
    nodes: nodes.items,
    usage: new Map(),
    configMaps: configMaps.items,
    // As the data path keeps them: keys only.
    secrets: secrets.items.map((s) => ({
      ...s,
      data: Object.fromEntries(Object.keys(s.data ?? {}).map((k) => [k, ''])),
    })),
    services: services.items,
    statefulSets: statefulSets.items,
    daemonSets: daemonSets.items,
    jobs: jobs.items,
    cronJobs: cronJobs.items,
  };
}

it('reports a missing ConfigMap key, an HPA on a missing target and a failed Job', async () => {
  const core = kc.makeApiClient(CoreV1Api);
  const apps = kc.makeApiClient(AppsV1Api);
  const batch = kc.makeApiClient(BatchV1Api);
  await core.createNamespace({ body: { metadata: { name: NS } } });
  await core.createNamespacedConfigMap({
    namespace: NS,
    body: { metadata: { name: 'app-config' }, data: { DB_PORT: '5432' } },
  });
  await apps.createNamespacedDeployment({
    namespace: NS,
    body: {
      metadata: { name: 'api' },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'api' } },
        template: {
          metadata: { labels: { app: 'api' } },
          spec: {
            containers: [
              {
                name: 'api',
                image: 'registry.example/api:1',
                env: [
                  { name: 'DB_HOST', valueFrom: { configMapKeyRef: { name: 'app-config', key: 'DB_HOST' } } },
                ],
              },
            ],
          },
        },
      },
    },
  });
  await kc.makeApiClient(AutoscalingV2Api).createNamespacedHorizontalPodAutoscaler({
    namespace: NS,
    body: {
      metadata: { name: 'ghost' },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'gone' },
        minReplicas: 1,
        maxReplicas: 3,
      },
    },
  });
  // Suspended so no controller starts pods; the failure is written as the job controller
  // writes it (a finished Job is left alone by a real controller).
  const created = await batch.createNamespacedJob({
    namespace: NS,
    body: {
      metadata: { name: 'migrate' },
      spec: {
        suspend: true,
        backoffLimit: 2,
        template: {
          spec: {
            restartPolicy: 'Never',
            containers: [{ name: 'migrate', image: 'registry.example/migrate:1' }],
          },
        },
      },
    },
  });
  const now = new Date();
  const failed: V1Job = {
    ...created,
    status: {
      failed: 3,
      startTime: now,
      conditions: [
        {
          type: 'Failed',
          status: 'True',
          reason: 'BackoffLimitExceeded',
          message: 'Job has reached the specified backoff limit',
          lastTransitionTime: now,
          lastProbeTime: now,
        },
      ],
    },
  };
  await batch.replaceNamespacedJobStatus({ namespace: NS, name: 'migrate', body: failed });

  const findings = analyze(await listSnapshot());
  const find = (id: string): Finding | undefined => findings.find((f) => f.id === id);

  expect(find('config-references:Deployment/shop/api:missing-key:ConfigMap/app-config')).toMatchObject({
    severity: 'critical',
    title: 'ConfigMap app-config lacks key DB_HOST',
    suggestedFix: expect.stringContaining(
      `kubectl patch configmap app-config -n shop --type merge -p '{"data":{"DB_HOST":"<value>"}}'`,
    ),
  });
  expect(find('autoscalers:HorizontalPodAutoscaler/shop/ghost:target-missing')).toMatchObject({
    severity: 'critical',
    affected: [{ kind: 'Deployment', namespace: NS, name: 'gone' }],
  });
  expect(find('controllers:Job/shop/migrate:job-failed')).toMatchObject({
    severity: 'critical',
    title: 'Job migrate failed: BackoffLimitExceeded',
    runbook: 'failed-job',
  });
  // Critical faults come before anything else in the list a person reads.
  expect(findings[0]!.severity).toBe('critical');
});
