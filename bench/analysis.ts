// analyze() over a synthetic 10,000-pod snapshot with 15 minutes of usage history per container,
// and every kind the analyzers read beyond pods (issue 13): a Service, EndpointSlice, ConfigMap,
// Secret and PDB per deployment, PVCs and StatefulSets, Jobs and CronJobs, Ingresses, 100 nodes,
// and a running container's recent log for one pod in ten. Goal (issues 5 and 13): ≤ 1 s p95. Each run gets a fresh snapshot object, so the per-snapshot index is
// rebuilt every time, as it is for every store change in the cockpit.
import type {
  CoreV1Event,
  V1ConfigMap,
  V1CronJob,
  V1Deployment,
  V1EndpointSlice,
  V1Ingress,
  V1Job,
  V1Node,
  V1PersistentVolumeClaim,
  V1Pod,
  V1PodDisruptionBudget,
  V1ReplicaSet,
  V1Secret,
  V1Service,
  V1StatefulSet,
  V1StorageClass,
  V2HorizontalPodAutoscaler,
} from '@kubernetes/client-node';
import { performance } from 'node:perf_hooks';
import { ANALYZERS, analyze } from '../src/analysis/analyze.js';
import { percentile } from '../src/analysis/stats.js';
import type { ClusterSnapshot, UsageSample } from '../src/model/analysis.js';
import { bench, step } from './harness.js';

const PODS = Number(process.env.PODS ?? 10_000);
const PODS_PER_DEPLOYMENT = 10;
const SAMPLES = 60; // 15 minutes at the cockpit's 15 s poll
const RUNS = Number(process.env.RUNS ?? 10);
const NOW = Date.now();

function synthetic(): ClusterSnapshot {
  const pods: V1Pod[] = [];
  const deployments: V1Deployment[] = [];
  const replicaSets: V1ReplicaSet[] = [];
  const hpas: V2HorizontalPodAutoscaler[] = [];
  const events: CoreV1Event[] = [];
  const usage = new Map<string, UsageSample[]>();
  const services: V1Service[] = [];
  const endpointSlices: V1EndpointSlice[] = [];
  const configMaps: V1ConfigMap[] = [];
  const secrets: V1Secret[] = [];
  const podDisruptionBudgets: V1PodDisruptionBudget[] = [];
  const persistentVolumeClaims: V1PersistentVolumeClaim[] = [];
  const statefulSets: V1StatefulSet[] = [];
  const jobs: V1Job[] = [];
  const cronJobs: V1CronJob[] = [];
  const ingresses: V1Ingress[] = [];
  const recentLogs: Record<string, string[]> = {};
  const storageClasses: V1StorageClass[] = [
    {
      metadata: { name: 'standard', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
      provisioner: 'k8s.io/minikube-hostpath',
    },
  ];
  const nodes: V1Node[] = Array.from({ length: 100 }, (_, n) => ({
    metadata: { name: `node-${n}`, labels: { 'kubernetes.io/hostname': `node-${n}` } },
    spec: n % 25 === 0 ? { unschedulable: true } : {},
    status: {
      conditions: [
        {
          type: 'Ready',
          status: n % 50 === 7 ? 'False' : 'True',
          lastTransitionTime: new Date(NOW - 600_000),
        },
        { type: 'MemoryPressure', status: 'False' },
      ],
      allocatable: { cpu: '32', memory: '128Gi', pods: '110' },
    },
  }));
  for (let n = 0; n < 50; n++) {
    const namespace = `ns-${n}`;
    ingresses.push({
      metadata: { name: 'web', namespace },
      spec: {
        rules: [
          {
            http: {
              paths: [
                {
                  path: '/',
                  pathType: 'Prefix',
                  backend: { service: { name: `app-${n}`, port: { number: 80 } } },
                },
                {
                  path: '/gone',
                  pathType: 'Prefix',
                  backend: { service: { name: 'gone', port: { number: 80 } } },
                },
              ],
            },
          },
        ],
      },
    });
    statefulSets.push({
      metadata: { name: 'db', namespace },
      spec: {
        replicas: 1,
        serviceName: 'db',
        selector: { matchLabels: { app: 'db' } },
        template: {
          metadata: { labels: { app: 'db' } },
          spec: { containers: [{ name: 'db', image: 'postgres:16' }] },
        },
      },
      status: { replicas: 1, readyReplicas: n % 10 === 0 ? 0 : 1 },
    });
    persistentVolumeClaims.push({
      metadata: { name: 'data-db-0', namespace, creationTimestamp: new Date(NOW - 600_000) },
      spec: {
        storageClassName: n % 10 === 0 ? 'missing' : 'standard',
        accessModes: ['ReadWriteOnce'],
        resources: { requests: { storage: '1Gi' } },
      },
      status: { phase: n % 10 === 0 ? 'Pending' : 'Bound' },
    });
    cronJobs.push({
      metadata: { name: 'cleanup', namespace },
      spec: {
        schedule: '*/5 * * * *',
        jobTemplate: {
          spec: {
            template: {
              spec: { containers: [{ name: 'c', image: 'busybox:1.36' }], restartPolicy: 'Never' },
            },
          },
        },
      },
      status: { lastScheduleTime: new Date(NOW - 120_000) },
    });
    jobs.push({
      metadata: {
        name: `cleanup-${n}`,
        namespace,
        ownerReferences: [
          { apiVersion: 'batch/v1', kind: 'CronJob', name: 'cleanup', uid: 'u', controller: true },
        ],
      },
      spec: {
        template: { spec: { containers: [{ name: 'c', image: 'busybox:1.36' }], restartPolicy: 'Never' } },
      },
      status:
        n % 10 === 0
          ? {
              failed: 7,
              conditions: [
                {
                  type: 'Failed',
                  status: 'True',
                  reason: 'BackoffLimitExceeded',
                  message: 'Job has reached the specified backoff limit',
                },
              ],
            }
          : { succeeded: 1, conditions: [{ type: 'Complete', status: 'True' }] },
    });
  }
  for (let d = 0; d < PODS / PODS_PER_DEPLOYMENT; d++) {
    const namespace = `ns-${d % 50}`;
    const name = `app-${d}`;
    const rs = `${name}-7c9d8`;
    const labels = { app: name };
    const spec = {
      containers: [
        {
          name: 'app',
          image: d % 7 === 0 ? `registry.example/${name}:latest` : `registry.example/${name}:1.${d}`,
          ports: [{ containerPort: 8080, name: 'http' }],
          resources: { requests: { cpu: '500m', memory: '512Mi' }, limits: { memory: '1Gi' } },
          readinessProbe: d % 5 === 0 ? undefined : { httpGet: { path: '/ready', port: 8080 } },
          env: [
            {
              name: 'CONFIG',
              valueFrom: {
                configMapKeyRef: { name: `${name}-config`, key: d % 13 === 0 ? 'missing' : 'setting' },
              },
            },
            { name: 'TOKEN', valueFrom: { secretKeyRef: { name: `${name}-secret`, key: 'token' } } },
          ],
        },
      ],
    };
    configMaps.push({ metadata: { name: `${name}-config`, namespace }, data: { setting: '' } });
    secrets.push({ metadata: { name: `${name}-secret`, namespace }, data: { token: '' } });
    services.push({
      metadata: { name, namespace },
      spec: {
        selector: d % 17 === 0 ? { app: `${name}-typo` } : labels,
        ports: [{ port: 80, targetPort: d % 19 === 0 ? 9090 : 8080 }],
      },
    });
    podDisruptionBudgets.push({
      metadata: { name, namespace },
      spec: { minAvailable: d % 23 === 0 ? PODS_PER_DEPLOYMENT : 1, selector: { matchLabels: labels } },
      status: {
        currentHealthy: PODS_PER_DEPLOYMENT,
        desiredHealthy: d % 23 === 0 ? PODS_PER_DEPLOYMENT : 1,
        expectedPods: PODS_PER_DEPLOYMENT,
        disruptionsAllowed: d % 23 === 0 ? 0 : PODS_PER_DEPLOYMENT - 1,
      },
    });
    const endpoints: NonNullable<V1EndpointSlice['endpoints']> = [];
    const slice: V1EndpointSlice = {
      metadata: { name: `${name}-abcde`, namespace, labels: { 'kubernetes.io/service-name': name } },
      addressType: 'IPv4',
      endpoints,
      ports: [{ port: 8080, protocol: 'TCP' }],
    };
    endpointSlices.push(slice);
    deployments.push({
      metadata: { name, namespace, annotations: { 'deployment.kubernetes.io/revision': '2' } },
      spec: { replicas: PODS_PER_DEPLOYMENT, selector: {}, template: { spec } },
      status: { availableReplicas: d % 20 === 0 ? PODS_PER_DEPLOYMENT - 1 : PODS_PER_DEPLOYMENT },
    });
    replicaSets.push({
      metadata: {
        name: rs,
        namespace,
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name, uid: 'u', controller: true }],
      },
    });
    if (d % 10 === 0) {
      hpas.push({
        metadata: { name, namespace },
        spec: { scaleTargetRef: { kind: 'Deployment', name }, maxReplicas: PODS_PER_DEPLOYMENT },
        status: { currentReplicas: PODS_PER_DEPLOYMENT, desiredReplicas: PODS_PER_DEPLOYMENT },
      });
    }
    for (let p = 0; p < PODS_PER_DEPLOYMENT; p++) {
      const i = d * PODS_PER_DEPLOYMENT + p;
      const podName = `${rs}-${i.toString(36).padStart(5, '0')}`;
      const crashing = i % 50 === 0;
      pods.push({
        metadata: {
          name: podName,
          namespace,
          labels,
          creationTimestamp: new Date(NOW - 3_600_000),
          ownerReferences: [
            { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: rs, uid: 'u', controller: true },
          ],
        },
        spec: { ...spec, nodeName: `node-${i % 100}` },
        status: {
          phase: 'Running',
          containerStatuses: [
            {
              name: 'app',
              image: spec.containers[0]!.image,
              imageID: '',
              ready: !crashing,
              restartCount: crashing ? 12 : i % 3,
              state: crashing
                ? { waiting: { reason: 'CrashLoopBackOff' } }
                : { running: { startedAt: new Date(NOW - 3_600_000) } },
              lastState: crashing ? { terminated: { reason: 'Error', exitCode: 1 } } : {},
            },
          ],
        },
      });
      if (!crashing)
        endpoints.push({
          addresses: [`10.0.${i >> 8}.${i & 255}`],
          conditions: { ready: true },
          targetRef: { kind: 'Pod', name: podName, namespace },
        });
      if (i % 10 === 0)
        recentLogs[`${namespace}/${podName}/app`] = Array.from({ length: 200 }, (_, l) =>
          i % 30 === 0 && l % 2 === 0
            ? `ERROR:    request ${l} failed: connection to server at "postgres" (10.96.0.${l % 250}), port 5432 failed`
            : `INFO:     10.244.0.1:${40000 + l} - "GET /api/todos HTTP/1.1" 200 OK`,
        );
      if (crashing) {
        events.push({
          metadata: { name: `${podName}.1`, namespace },
          involvedObject: { kind: 'Pod', name: podName, namespace, fieldPath: 'spec.containers{app}' },
          reason: 'BackOff',
          message: 'Back-off restarting failed container',
          count: 12,
        });
      }
      const base = 50 + (d % 400);
      usage.set(
        `${namespace}/${podName}/app`,
        Array.from({ length: SAMPLES }, (_, s) => ({
          at: NOW - (SAMPLES - 1 - s) * 15_000,
          cpuMillis: base + ((s * 37 + i) % 50),
          memoryBytes: (200 + ((s * 13 + i) % 40)) * 2 ** 20,
        })),
      );
    }
  }
  return {
    now: NOW,
    pods,
    deployments,
    replicaSets,
    hpas,
    events,
    nodes,
    usage,
    recentLogs,
    services,
    endpointSlices,
    configMaps,
    secrets,
    persistentVolumeClaims,
    persistentVolumes: [],
    storageClasses,
    statefulSets,
    daemonSets: [],
    jobs,
    cronJobs,
    ingresses,
    ingressClasses: [],
    podDisruptionBudgets,
  };
}

// Each run is a step: 30 s each is thirty times the goal; the whole bench has 10 minutes.
await bench('analysis', 10 * 60_000, async () => {
  const snapshot = await step(`a synthetic ${PODS}-pod snapshot`, 120_000, () => synthetic());
  await step('warm-up analyze()', 30_000, () => analyze({ ...snapshot })); // JIT, not the index (a fresh object per run below)
  const times: number[] = [];
  let findings = 0;
  for (let run = 0; run < RUNS; run++) {
    const start = performance.now();
    findings = await step(`analyze() run ${run + 1}`, 30_000, () => analyze({ ...snapshot }).length);
    times.push(performance.now() - start);
  }
  const ms = (x: number) => `${x.toFixed(0)} ms`;
  const samples = [...snapshot.usage.values()].reduce((n, s) => n + s.length, 0);
  const table = [
    '| figure | p50 | p95 | goal |',
    '|---|---|---|---|',
    `| analyze(), ${PODS.toLocaleString('en')} pods, ${samples.toLocaleString('en')} usage samples, ${findings} findings (${RUNS} runs) | ${ms(percentile(times, 0.5))} | ${ms(percentile(times, 0.95))} | ≤ 1,000 ms |`,
  ].join('\n');
  process.stdout.write(table + '\n');

  // Where the time goes: each analyzer alone, the shared index built afresh each run (so each
  // row includes it once; the index is shared when they run together).
  const rows: string[] = [];
  for (const name of Object.keys(ANALYZERS)) {
    const alone: number[] = [];
    for (let run = 0; run < 5; run++) {
      const start = performance.now();
      await step(`${name} alone, run ${run + 1}`, 30_000, () => analyze({ ...snapshot }, { only: [name] }));
      alone.push(performance.now() - start);
    }
    rows.push(`| ${name} | ${ms(percentile(alone, 0.5))} |`);
  }
  process.stdout.write(
    ['', '| analyzer alone (incl. the index) | p50 |', '|---|---|', ...rows].join('\n') + '\n',
  );
});
