// Builders for the controllers and config objects beyond Deployments (StatefulSets, DaemonSets,
// Jobs, CronJobs, ConfigMaps, Secrets …): each test states only what its case is about.
import type {
  V1ConfigMap,
  V1ContainerStatus,
  V1CronJob,
  V1DaemonSet,
  V1Job,
  V1JobCondition,
  V1Pod,
  V1PodSpec,
  V1Secret,
  V1StatefulSet,
} from '@kubernetes/client-node';
import { MINUTE, NOW, pod, podSpec, type PodOptions } from './fixtures.js';

export function configMap(name: string, data: Record<string, string>, namespace = 'todo'): V1ConfigMap {
  return { metadata: { name, namespace }, data };
}

export function secret(
  name: string,
  keys: string[],
  options: { namespace?: string; type?: string } = {},
): V1Secret {
  return {
    metadata: { name, namespace: options.namespace ?? 'todo' },
    type: options.type ?? 'Opaque',
    data: Object.fromEntries(keys.map((k) => [k, ''])),
  };
}

/** A pod owned by `kind/owner` (a StatefulSet, a DaemonSet, a Job). */
export function ownedPod(name: string, kind: string, owner: string, options: PodOptions = {}): V1Pod {
  const p = pod(name, options);
  p.metadata!.ownerReferences = [
    { apiVersion: 'v1', kind, name: owner, uid: `uid-${owner}`, controller: true },
  ];
  return p;
}

export function statefulSet(
  name: string,
  options: {
    replicas?: number;
    ready?: number;
    serviceName?: string;
    spec?: Partial<V1PodSpec>;
    claimTemplates?: { name: string; storageClassName?: string }[];
    createdAt?: number;
  } = {},
): V1StatefulSet {
  const replicas = options.replicas ?? 3;
  return {
    metadata: {
      name,
      namespace: 'todo',
      creationTimestamp: new Date(options.createdAt ?? NOW - 60 * MINUTE),
    },
    spec: {
      replicas,
      serviceName: options.serviceName ?? name,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { ...podSpec(), ...options.spec } },
      volumeClaimTemplates: (options.claimTemplates ?? []).map((t) => ({
        metadata: { name: t.name },
        spec: {
          accessModes: ['ReadWriteOnce'],
          storageClassName: t.storageClassName,
          resources: { requests: { storage: '1Gi' } },
        },
      })),
    },
    status: {
      replicas,
      readyReplicas: options.ready ?? replicas,
      currentReplicas: replicas,
      updatedReplicas: replicas,
    },
  };
}

export function daemonSet(
  name: string,
  status: Partial<NonNullable<V1DaemonSet['status']>>,
  spec: Partial<V1PodSpec> = {},
): V1DaemonSet {
  return {
    metadata: { name, namespace: 'todo', creationTimestamp: new Date(NOW - 60 * MINUTE) },
    spec: {
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { ...podSpec(), ...spec } },
    },
    status: {
      observedGeneration: 1,
      currentNumberScheduled: 0,
      desiredNumberScheduled: 0,
      numberMisscheduled: 0,
      numberReady: 0,
      ...status,
    },
  };
}

export function job(
  name: string,
  options: {
    cronJob?: string;
    failed?: number;
    active?: number;
    succeeded?: number;
    conditions?: V1JobCondition[];
    createdAt?: number;
    backoffLimit?: number;
  } = {},
): V1Job {
  const created = new Date(options.createdAt ?? NOW - 30 * MINUTE);
  return {
    metadata: {
      name,
      namespace: 'todo',
      creationTimestamp: created,
      ownerReferences: options.cronJob
        ? [{ apiVersion: 'batch/v1', kind: 'CronJob', name: options.cronJob, uid: 'cj', controller: true }]
        : undefined,
    },
    spec: {
      backoffLimit: options.backoffLimit ?? 6,
      template: { spec: { ...podSpec(), restartPolicy: 'Never' } },
    },
    status: {
      startTime: created,
      failed: options.failed,
      active: options.active,
      succeeded: options.succeeded,
      conditions: options.conditions,
    },
  };
}

export const failedCondition = (reason: string, message: string, at = NOW - 20 * MINUTE): V1JobCondition => ({
  type: 'Failed',
  status: 'True',
  reason,
  message,
  lastTransitionTime: new Date(at),
});

export const completeCondition = (at = NOW - 20 * MINUTE): V1JobCondition => ({
  type: 'Complete',
  status: 'True',
  lastTransitionTime: new Date(at),
});

/** A container that ran and exited with `exitCode`. */
export function exitedStatus(name: string, exitCode: number, reason = 'Error'): V1ContainerStatus {
  return {
    name,
    image: 'registry.example/app:1.2.3',
    imageID: '',
    ready: false,
    restartCount: 0,
    state: { terminated: { exitCode, reason, finishedAt: new Date(NOW - 21 * MINUTE) } },
  };
}

export function cronJob(
  name: string,
  options: {
    schedule?: string;
    suspend?: boolean;
    lastSchedule?: number;
    createdAt?: number;
    timeZone?: string;
  } = {},
): V1CronJob {
  return {
    metadata: {
      name,
      namespace: 'todo',
      creationTimestamp: new Date(options.createdAt ?? NOW - 7 * 24 * 60 * MINUTE),
    },
    spec: {
      schedule: options.schedule ?? '*/15 * * * *',
      suspend: options.suspend,
      timeZone: options.timeZone,
      jobTemplate: { spec: { template: { spec: { ...podSpec(), restartPolicy: 'OnFailure' } } } },
    },
    status: options.lastSchedule !== undefined ? { lastScheduleTime: new Date(options.lastSchedule) } : {},
  };
}
