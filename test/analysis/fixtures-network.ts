// Builders for the objects around pods (Services, slices, Ingresses, budgets, nodes, claims): each
// test states only what its case is about. Pods come from fixtures.ts, with labels added here.
import type {
  V1EndpointSlice,
  V1Ingress,
  V1IngressClass,
  V1LabelSelector,
  V1Node,
  V1NodeCondition,
  V1PersistentVolume,
  V1PersistentVolumeClaim,
  V1Pod,
  V1PodDisruptionBudget,
  V1Secret,
  V1Service,
  V1ServicePort,
  V1StorageClass,
  V1Taint,
} from '@kubernetes/client-node';
import { MINUTE, NOW, pod, runningStatus, type PodOptions } from './fixtures.js';

const created = (ago = 60 * MINUTE) => new Date(NOW - ago);

/** A pod with labels, owned by `replicaSet` when given; ready unless `ready: false`. */
export function labelledPod(
  name: string,
  labels: Record<string, string>,
  options: PodOptions & { ready?: boolean; notReadySince?: number } = {},
): V1Pod {
  const ready = options.ready ?? true;
  const p = pod(name, {
    statuses: [runningStatus('app', { ready })],
    conditions: [
      {
        type: 'Ready',
        status: ready ? 'True' : 'False',
        ...(ready ? {} : { reason: 'ContainersNotReady', message: 'containers with unready status: [app]' }),
        lastTransitionTime: new Date(options.notReadySince ?? NOW - 30 * MINUTE),
      },
    ],
    ...options,
  });
  p.metadata!.labels = labels;
  return p;
}

export function service(
  name: string,
  selector: Record<string, string> | undefined,
  overrides: { ports?: V1ServicePort[]; type?: string; namespace?: string; createdAgo?: number } = {},
): V1Service {
  return {
    metadata: {
      name,
      namespace: overrides.namespace ?? 'todo',
      creationTimestamp: created(overrides.createdAgo),
    },
    spec: {
      selector,
      type: overrides.type ?? 'ClusterIP',
      ports: overrides.ports ?? [{ port: 80, targetPort: 8080, protocol: 'TCP' }],
    },
    status: {},
  };
}

export function endpointSlice(
  serviceName: string,
  endpoints: { pod: string; ready: boolean }[],
  namespace = 'todo',
): V1EndpointSlice {
  return {
    metadata: {
      name: `${serviceName}-abcde`,
      namespace,
      labels: { 'kubernetes.io/service-name': serviceName },
    },
    addressType: 'IPv4',
    endpoints: endpoints.map((e, i) => ({
      addresses: [`10.0.0.${i + 1}`],
      conditions: { ready: e.ready },
      targetRef: { kind: 'Pod', name: e.pod, namespace },
    })),
  };
}

export function ingress(
  name: string,
  paths: { service: string; port: { number: number } | { name: string }; path?: string }[],
  overrides: { className?: string; tls?: string; namespace?: string } = {},
): V1Ingress {
  return {
    metadata: { name, namespace: overrides.namespace ?? 'todo', creationTimestamp: created() },
    spec: {
      ...(overrides.className ? { ingressClassName: overrides.className } : {}),
      ...(overrides.tls ? { tls: [{ hosts: ['todo.example'], secretName: overrides.tls }] } : {}),
      rules: [
        {
          host: 'todo.example',
          http: {
            paths: paths.map((p) => ({
              path: p.path ?? '/',
              pathType: 'Prefix',
              backend: { service: { name: p.service, port: p.port } },
            })),
          },
        },
      ],
    },
  };
}

export function ingressClass(name: string, isDefault = false): V1IngressClass {
  return {
    metadata: {
      name,
      annotations: isDefault ? { 'ingressclass.kubernetes.io/is-default-class': 'true' } : {},
    },
    spec: { controller: 'k8s.io/ingress-nginx' },
  };
}

export function secret(name: string, keys: string[], type = 'Opaque', namespace = 'todo'): V1Secret {
  return { metadata: { name, namespace }, type, data: Object.fromEntries(keys.map((k) => [k, ''])) };
}

export function pdb(
  name: string,
  selector: V1LabelSelector | undefined,
  rule: { minAvailable?: number | string; maxUnavailable?: number | string },
  status?: V1PodDisruptionBudget['status'],
): V1PodDisruptionBudget {
  return {
    metadata: { name, namespace: 'todo', creationTimestamp: created() },
    spec: { selector, ...rule },
    ...(status ? { status } : {}),
  };
}

export function node(
  name: string,
  overrides: { conditions?: V1NodeCondition[]; unschedulable?: boolean; taints?: V1Taint[] } = {},
): V1Node {
  return {
    metadata: { name },
    spec: { unschedulable: overrides.unschedulable, taints: overrides.taints },
    status: {
      conditions: overrides.conditions ?? [
        { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' },
        { type: 'MemoryPressure', status: 'False' },
        { type: 'DiskPressure', status: 'False' },
        { type: 'PIDPressure', status: 'False' },
      ],
    },
  };
}

export function claim(
  name: string,
  overrides: { className?: string | null; phase?: string; volumeName?: string; createdAgo?: number } = {},
): V1PersistentVolumeClaim {
  return {
    metadata: { name, namespace: 'todo', creationTimestamp: created(overrides.createdAgo) },
    spec: {
      accessModes: ['ReadWriteOnce'],
      resources: { requests: { storage: '1Gi' } },
      ...(overrides.className === null ? {} : { storageClassName: overrides.className ?? 'standard' }),
      ...(overrides.volumeName ? { volumeName: overrides.volumeName } : {}),
    },
    status: { phase: overrides.phase ?? 'Pending' },
  };
}

export function storageClass(
  name: string,
  options: { isDefault?: boolean; binding?: string } = {},
): V1StorageClass {
  return {
    metadata: {
      name,
      annotations: options.isDefault ? { 'storageclass.kubernetes.io/is-default-class': 'true' } : {},
    },
    provisioner: 'k8s.io/minikube-hostpath',
    volumeBindingMode: options.binding ?? 'Immediate',
  };
}

export function volume(name: string, phase: string, since: number, claimName = 'data'): V1PersistentVolume {
  return {
    metadata: { name, creationTimestamp: new Date(since) },
    spec: {
      capacity: { storage: '1Gi' },
      persistentVolumeReclaimPolicy: 'Retain',
      claimRef: { namespace: 'todo', name: claimName },
    },
    status: { phase, lastPhaseTransitionTime: new Date(since) },
  };
}

/** A pod (Pending, unscheduled unless `nodeName`) that mounts `claimName`. */
export function podWithClaim(
  name: string,
  claimName: string,
  options: { phase?: string; nodeName?: string } = {},
): V1Pod {
  const p = pod(name, { phase: options.phase ?? 'Pending', statuses: [], conditions: [] });
  p.spec = {
    ...p.spec!,
    nodeName: options.nodeName,
    volumes: [{ name: 'data', persistentVolumeClaim: { claimName } }],
  };
  return p;
}
