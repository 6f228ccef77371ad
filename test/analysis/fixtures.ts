// Builders for purpose-made cluster objects: each test states only what its case is about.
import type {
  CoreV1Event,
  V1Container,
  V1ContainerStatus,
  V1Deployment,
  V1Pod,
  V1PodSpec,
  V1ReplicaSet,
  V2HorizontalPodAutoscaler,
} from '@kubernetes/client-node';
import type { ClusterSnapshot, UsageSample } from '../../src/model/analysis.js';

export const NOW = Date.parse('2026-03-01T12:00:00Z');
export const MI = 2 ** 20;
export const MINUTE = 60_000;

/** A container that passes every security check. */
export function container(name = 'app', overrides: Partial<V1Container> = {}): V1Container {
  return {
    name,
    image: 'registry.example/app:1.2.3',
    resources: { requests: { cpu: '500m', memory: '512Mi' }, limits: { memory: '1Gi' } },
    readinessProbe: { httpGet: { path: '/ready', port: 8080 } },
    livenessProbe: { httpGet: { path: '/live', port: 8080 } },
    securityContext: { runAsNonRoot: true, runAsUser: 1000, allowPrivilegeEscalation: false },
    ...overrides,
  };
}

export function podSpec(overrides: Partial<V1PodSpec> = {}): V1PodSpec {
  return { containers: [container()], serviceAccountName: 'app', ...overrides };
}

export function runningStatus(name = 'app', overrides: Partial<V1ContainerStatus> = {}): V1ContainerStatus {
  return {
    name,
    image: 'registry.example/app:1.2.3',
    imageID: '',
    ready: true,
    restartCount: 0,
    started: true,
    state: { running: { startedAt: new Date(NOW - 60 * MINUTE) } },
    ...overrides,
  };
}

export interface PodOptions {
  namespace?: string;
  /** The ReplicaSet that owns it. */
  replicaSet?: string;
  spec?: Partial<V1PodSpec>;
  statuses?: V1ContainerStatus[];
  phase?: string;
  conditions?: NonNullable<V1Pod['status']>['conditions'];
  createdAt?: number;
}

export function pod(name: string, options: PodOptions = {}): V1Pod {
  const namespace = options.namespace ?? 'todo';
  const statuses = options.statuses ?? [runningStatus()];
  const ready = statuses.every((s) => s.ready);
  return {
    metadata: {
      name,
      namespace,
      uid: `uid-${name}`,
      creationTimestamp: new Date(options.createdAt ?? NOW - 60 * MINUTE),
      ownerReferences: options.replicaSet
        ? [
            {
              apiVersion: 'apps/v1',
              kind: 'ReplicaSet',
              name: options.replicaSet,
              uid: 'rs',
              controller: true,
            },
          ]
        : undefined,
    },
    spec: { nodeName: 'node-1', ...podSpec(), ...options.spec },
    status: {
      phase: options.phase ?? 'Running',
      startTime: new Date(options.createdAt ?? NOW - 60 * MINUTE),
      conditions: options.conditions ?? [{ type: 'Ready', status: ready ? 'True' : 'False' }],
      containerStatuses: statuses,
    },
  };
}

export interface DeploymentOptions {
  namespace?: string;
  replicas?: number;
  available?: number;
  spec?: Partial<V1PodSpec>;
  conditions?: NonNullable<V1Deployment['status']>['conditions'];
  revision?: number;
}

export function deployment(name: string, options: DeploymentOptions = {}): V1Deployment {
  const replicas = options.replicas ?? 2;
  return {
    metadata: {
      name,
      namespace: options.namespace ?? 'todo',
      annotations: { 'deployment.kubernetes.io/revision': String(options.revision ?? 1) },
    },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { ...podSpec(), ...options.spec } },
    },
    status: {
      replicas,
      availableReplicas: options.available ?? replicas,
      updatedReplicas: replicas,
      conditions: options.conditions,
    },
  };
}

export function replicaSet(name: string, deploymentName: string, namespace = 'todo'): V1ReplicaSet {
  return {
    metadata: {
      name,
      namespace,
      ownerReferences: [
        { apiVersion: 'apps/v1', kind: 'Deployment', name: deploymentName, uid: 'd', controller: true },
      ],
    },
  };
}

/** A Deployment with its ReplicaSet and `count` pods, all sharing the deployment's pod spec. */
export function workload(name: string, count: number, options: DeploymentOptions & PodOptions = {}) {
  const rs = `${name}-5d8f7`;
  const d = deployment(name, { replicas: count, ...options });
  const pods = Array.from({ length: count }, (_, i) =>
    pod(`${rs}-p${i}xz`, { ...options, replicaSet: rs, spec: d.spec!.template.spec }),
  );
  return { deployment: d, replicaSet: replicaSet(rs, name, options.namespace), pods };
}

export function event(
  reason: string,
  message: string,
  involved: { kind?: string; name: string; namespace?: string; fieldPath?: string },
  overrides: Partial<CoreV1Event> = {},
): CoreV1Event {
  const namespace = involved.namespace ?? 'todo';
  return {
    metadata: { name: `${involved.name}.${reason}`, namespace },
    involvedObject: {
      kind: involved.kind ?? 'Pod',
      name: involved.name,
      namespace,
      fieldPath: involved.fieldPath,
    },
    reason,
    message,
    type: 'Warning',
    count: 1,
    firstTimestamp: new Date(NOW - 5 * MINUTE),
    lastTimestamp: new Date(NOW - MINUTE),
    ...overrides,
  };
}

export function hpa(
  name: string,
  target: string,
  options: { min?: number; max: number; current: number; namespace?: string },
): V2HorizontalPodAutoscaler {
  return {
    metadata: { name, namespace: options.namespace ?? 'todo' },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: target },
      minReplicas: options.min ?? 1,
      maxReplicas: options.max,
    },
    status: { currentReplicas: options.current, desiredReplicas: options.current },
  };
}

/** `count` samples one `stepMs` apart ending at NOW; `at(i)` gives cpu millis and memory bytes. */
export function history(
  count: number,
  at: (i: number) => { cpu: number; memory: number },
  stepMs = 15_000,
): UsageSample[] {
  return Array.from({ length: count }, (_, i) => {
    const { cpu, memory } = at(i);
    return { at: NOW - (count - 1 - i) * stepMs, cpuMillis: cpu, memoryBytes: memory };
  });
}

export function snapshot(parts: Partial<ClusterSnapshot> = {}): ClusterSnapshot {
  return {
    now: NOW,
    pods: [],
    deployments: [],
    replicaSets: [],
    hpas: [],
    events: [],
    nodes: [],
    usage: new Map(),
    ...parts,
  };
}
