// Server-side printing: kubectl asks for meta.k8s.io Tables and prints the columns the server
// chooses, so these are the columns a real API server sends for each type.
import { ageOf, formatRestarts, summarizePod } from '../cluster/kube-format.js';
import type { KubeObject } from './objects.js';

interface Column {
  name: string;
  type: 'string' | 'integer' | 'date';
  format?: string;
  priority?: number;
}

type Cell = string | number;
interface Printer {
  columns: Column[];
  cells(obj: KubeObject, now: number): Cell[];
}

const name: Column = { name: 'Name', type: 'string', format: 'name' };
const age: Column = { name: 'Age', type: 'string' };
const col = (n: string, priority = 0, type: Column['type'] = 'string'): Column => ({
  name: n,
  type,
  priority,
});

const count = (o: Record<string, unknown> | undefined): number => Object.keys(o ?? {}).length;

const PRINTERS: Record<string, Printer> = {
  Pod: {
    columns: [
      name,
      col('Ready'),
      col('Status'),
      col('Restarts', 0, 'string'),
      age,
      col('IP', 1),
      col('Node', 1),
    ],
    cells(o, now) {
      const s = summarizePod(o);
      return [
        o.metadata.name,
        `${s.readyContainers}/${s.totalContainers}`,
        s.status,
        formatRestarts(s, now),
        ageOf(o.metadata.creationTimestamp, now),
        o.status?.podIP ?? '<none>',
        o.spec?.nodeName || '<none>',
      ];
    },
  },
  Deployment: {
    columns: [
      name,
      col('Ready'),
      col('Up-to-date', 0, 'integer'),
      col('Available', 0, 'integer'),
      age,
      col('Containers', 1),
      col('Images', 1),
      col('Selector', 1),
    ],
    cells(o, now) {
      const containers = o.spec?.template?.spec?.containers ?? [];
      return [
        o.metadata.name,
        `${o.status?.readyReplicas ?? 0}/${o.spec?.replicas ?? 1}`,
        o.status?.updatedReplicas ?? 0,
        o.status?.availableReplicas ?? 0,
        ageOf(o.metadata.creationTimestamp, now),
        containers.map((c: { name: string }) => c.name).join(','),
        containers.map((c: { image: string }) => c.image).join(','),
        Object.entries(o.spec?.selector?.matchLabels ?? {})
          .map(([k, v]) => `${k}=${v}`)
          .join(','),
      ];
    },
  },
  ReplicaSet: {
    columns: [
      name,
      col('Desired', 0, 'integer'),
      col('Current', 0, 'integer'),
      col('Ready', 0, 'integer'),
      age,
    ],
    cells: (o, now) => [
      o.metadata.name,
      o.spec?.replicas ?? 0,
      o.status?.replicas ?? 0,
      o.status?.readyReplicas ?? 0,
      ageOf(o.metadata.creationTimestamp, now),
    ],
  },
  Service: {
    columns: [name, col('Type'), col('Cluster-IP'), col('External-IP'), col('Port(s)'), age],
    cells: (o, now) => [
      o.metadata.name,
      o.spec?.type ?? 'ClusterIP',
      o.spec?.clusterIP ?? '<none>',
      '<none>',
      (o.spec?.ports ?? [])
        .map(
          (p: { port: number; protocol?: string; nodePort?: number }) =>
            `${p.port}${p.nodePort ? `:${p.nodePort}` : ''}/${p.protocol ?? 'TCP'}`,
        )
        .join(',') || '<none>',
      ageOf(o.metadata.creationTimestamp, now),
    ],
  },
  Node: {
    columns: [name, col('Status'), col('Roles'), age, col('Version')],
    cells(o, now) {
      const ready = (o.status?.conditions ?? []).find((c: { type: string }) => c.type === 'Ready');
      const roles = Object.keys(o.metadata.labels ?? {})
        .filter((l) => l.startsWith('node-role.kubernetes.io/'))
        .map((l) => l.slice('node-role.kubernetes.io/'.length));
      return [
        o.metadata.name,
        ready?.status === 'True' ? 'Ready' : 'NotReady',
        roles.join(',') || '<none>',
        ageOf(o.metadata.creationTimestamp, now),
        o.status?.nodeInfo?.kubeletVersion ?? '',
      ];
    },
  },
  Namespace: {
    columns: [name, col('Status'), age],
    cells: (o, now) => [
      o.metadata.name,
      o.status?.phase ?? 'Active',
      ageOf(o.metadata.creationTimestamp, now),
    ],
  },
  Event: {
    columns: [col('Last Seen'), col('Type'), col('Reason'), col('Object'), col('Message')],
    cells(o, now) {
      const last = o.lastTimestamp ?? o.eventTime ?? o.metadata.creationTimestamp;
      const obj = o.involvedObject ?? {};
      return [
        ageOf(last, now),
        o.type ?? '',
        o.reason ?? '',
        `${String(obj.kind ?? '').toLowerCase()}/${obj.name ?? ''}`,
        o.message ?? '',
      ];
    },
  },
  HorizontalPodAutoscaler: {
    columns: [
      name,
      col('Reference'),
      col('Targets'),
      col('MinPods', 0, 'integer'),
      col('MaxPods', 0, 'integer'),
      col('Replicas', 0, 'integer'),
      age,
    ],
    cells(o, now) {
      const ref = o.spec?.scaleTargetRef ?? {};
      const targets = (o.spec?.metrics ?? [])
        .map((m: { resource?: { name: string; target?: { averageUtilization?: number } } }, i: number) => {
          const current = o.status?.currentMetrics?.[i]?.resource?.current?.averageUtilization;
          const target = m.resource?.target?.averageUtilization;
          return `${m.resource?.name ?? 'metric'}: ${current === undefined ? '<unknown>' : `${current}%`}/${target ?? '?'}%`;
        })
        .join(', ');
      return [
        o.metadata.name,
        `${ref.kind}/${ref.name}`,
        targets || '<none>',
        o.spec?.minReplicas ?? 1,
        o.spec?.maxReplicas ?? 0,
        o.status?.currentReplicas ?? 0,
        ageOf(o.metadata.creationTimestamp, now),
      ];
    },
  },
  ConfigMap: {
    columns: [name, col('Data', 0, 'integer'), age],
    cells: (o, now) => [
      o.metadata.name,
      count(o.data) + count(o.binaryData),
      ageOf(o.metadata.creationTimestamp, now),
    ],
  },
  Secret: {
    columns: [name, col('Type'), col('Data', 0, 'integer'), age],
    cells: (o, now) => [
      o.metadata.name,
      o.type ?? 'Opaque',
      count(o.data),
      ageOf(o.metadata.creationTimestamp, now),
    ],
  },
};

const DEFAULT_PRINTER: Printer = {
  columns: [name, age],
  cells: (o, now) => [o.metadata.name, ageOf(o.metadata.creationTimestamp, now)],
};

export type IncludeObject = 'None' | 'Metadata' | 'Object';

/** True when the Accept header asks for a meta.k8s.io Table. */
export function wantsTable(accept: string | undefined): boolean {
  return (accept ?? '').split(',').some((part) => /as=Table/.test(part) && /g=meta\.k8s\.io/.test(part));
}

export function toTable(
  kind: string,
  objects: readonly KubeObject[],
  options: {
    includeObject: IncludeObject;
    resourceVersion: string;
    continueToken?: string;
    withColumns?: boolean;
    now: number;
  },
): Record<string, unknown> {
  const printer = PRINTERS[kind] ?? DEFAULT_PRINTER;
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: {
      resourceVersion: options.resourceVersion,
      ...(options.continueToken ? { continue: options.continueToken } : {}),
    },
    columnDefinitions:
      options.withColumns === false
        ? []
        : printer.columns.map((c) => ({
            name: c.name,
            type: c.type,
            format: c.format ?? '',
            description: '',
            priority: c.priority ?? 0,
          })),
    rows: objects.map((o) => ({
      cells: printer.cells(o, options.now),
      object:
        options.includeObject === 'Object'
          ? o
          : options.includeObject === 'Metadata'
            ? { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata }
            : undefined,
    })),
  };
}
