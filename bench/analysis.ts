// analyze() over a synthetic 10,000-pod snapshot with 15 minutes of usage history per container.
// Goal (issue 5): ≤ 1 s. Each run gets a fresh snapshot object, so the per-snapshot index is
// rebuilt every time, as it is for every store change in the cockpit.
import type {
  CoreV1Event,
  V1Deployment,
  V1Pod,
  V1ReplicaSet,
  V2HorizontalPodAutoscaler,
} from '@kubernetes/client-node';
import { performance } from 'node:perf_hooks';
import { analyze } from '../src/analysis/analyze.js';
import { percentile } from '../src/analysis/stats.js';
import type { ClusterSnapshot, UsageSample } from '../src/analysis/types.js';

const PODS = 10_000;
const PODS_PER_DEPLOYMENT = 10;
const SAMPLES = 60; // 15 minutes at the cockpit's 15 s poll
const RUNS = 10;
const NOW = Date.now();

function synthetic(): ClusterSnapshot {
  const pods: V1Pod[] = [];
  const deployments: V1Deployment[] = [];
  const replicaSets: V1ReplicaSet[] = [];
  const hpas: V2HorizontalPodAutoscaler[] = [];
  const events: CoreV1Event[] = [];
  const usage = new Map<string, UsageSample[]>();
  for (let d = 0; d < PODS / PODS_PER_DEPLOYMENT; d++) {
    const namespace = `ns-${d % 50}`;
    const name = `app-${d}`;
    const rs = `${name}-7c9d8`;
    const spec = {
      containers: [
        {
          name: 'app',
          image: d % 7 === 0 ? `registry.example/${name}:latest` : `registry.example/${name}:1.${d}`,
          resources: { requests: { cpu: '500m', memory: '512Mi' }, limits: { memory: '1Gi' } },
          readinessProbe: d % 5 === 0 ? undefined : { httpGet: { path: '/ready', port: 8080 } },
        },
      ],
    };
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
  return { now: NOW, pods, deployments, replicaSets, hpas, events, nodes: [], usage };
}

const snapshot = synthetic();
analyze({ ...snapshot }); // warm-up: JIT, not the index (a fresh object per run below)
const times: number[] = [];
let findings = 0;
for (let run = 0; run < RUNS; run++) {
  const start = performance.now();
  findings = analyze({ ...snapshot }).length;
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
