// kubectl's columns for each kind: what a real API server's server-side printing sends in a
// meta.k8s.io Table (the simulator serves them; the cockpit's views print the same).
import { ageOf, formatRestarts, humanDuration, summarizePod } from './format.js';

/** Any object as the API serves it. */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: { name: string; namespace?: string; creationTimestamp?: string; [key: string]: any }; // eslint-disable-line @typescript-eslint/no-explicit-any
  [key: string]: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export interface Column {
  name: string;
  type: 'string' | 'integer' | 'boolean' | 'date';
  format?: string;
  priority?: number;
}

export type Cell = string | number | boolean;
export interface Printer {
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

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** labels.FormatLabels: `k=v` pairs sorted by key, `<none>` when there are none. */
function formatLabels(labels: Record<string, string> | undefined): string {
  const pairs = Object.keys(labels ?? {})
    .sort()
    .map((k) => `${k}=${labels![k]}`);
  return pairs.join(',') || '<none>';
}

/** metav1.FormatLabelSelector: the selector's requirements sorted by key, `<none>` when empty. */
function formatLabelSelector(selector: Json | undefined): string {
  const reqs: [string, string][] = Object.entries(
    (selector?.matchLabels ?? {}) as Record<string, string>,
  ).map(([k, v]) => [k, `${k}=${v}`]);
  for (const e of (selector?.matchExpressions ?? []) as Json[]) {
    const values = [...((e.values ?? []) as string[])].sort().join(',');
    const text =
      e.operator === 'In'
        ? `${e.key} in (${values})`
        : e.operator === 'NotIn'
          ? `${e.key} notin (${values})`
          : e.operator === 'Exists'
            ? String(e.key)
            : `!${String(e.key)}`;
    reqs.push([String(e.key), text]);
  }
  return (
    reqs
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, text]) => text)
      .join(',') || '<none>'
  );
}

/** The CONTAINERS and IMAGES cells of a workload's pod template. */
function containerCells(podSpec: Json | undefined): [string, string] {
  const containers = (podSpec?.containers ?? []) as { name: string; image: string }[];
  return [containers.map((c) => c.name).join(','), containers.map((c) => c.image).join(',')];
}

/** At most three items, then `+ N more...`; `<unset>` when there are none (EndpointSlice cells). */
function listWithMore(items: string[], empty = '<unset>'): string {
  const shown = items.slice(0, 3).join(',');
  if (items.length > 3) return `${shown} + ${items.length - 3} more...`;
  return shown || empty;
}

/** helper.GetAccessModesAsString: the short names in a fixed order. */
function accessModes(modes: string[] | undefined): string {
  const short: [string, string][] = [
    ['ReadWriteOnce', 'RWO'],
    ['ReadOnlyMany', 'ROX'],
    ['ReadWriteMany', 'RWX'],
    ['ReadWriteOncePod', 'RWOP'],
  ];
  return short
    .filter(([mode]) => (modes ?? []).includes(mode))
    .map(([, s]) => s)
    .join(',');
}

/** The class of a PVC or PV: the beta annotation wins over spec.storageClassName. */
const storageClassOf = (o: KubeObject): string =>
  o.metadata.annotations?.['volume.beta.kubernetes.io/storage-class'] ?? o.spec?.storageClassName ?? '';

const phaseOrTerminating = (o: KubeObject): string =>
  o.metadata.deletionTimestamp ? 'Terminating' : (o.status?.phase ?? '');

/** Load-balancer ingress points, sorted and de-duplicated (IP, else hostname). */
function loadBalancerAddresses(status: Json | undefined): string {
  const points = ((status?.ingress ?? []) as Json[]).map((i) => i.ip || i.hostname).filter(Boolean);
  return [...new Set(points as string[])].sort().join(',');
}

function serviceExternalIP(o: KubeObject): string {
  const externalIPs = (o.spec?.externalIPs ?? []) as string[];
  switch (o.spec?.type ?? 'ClusterIP') {
    case 'ClusterIP':
    case 'NodePort':
      return externalIPs.join(',') || '<none>';
    case 'LoadBalancer': {
      const lb = loadBalancerAddresses(o.status?.loadBalancer);
      return [...(lb ? lb.split(',') : []), ...externalIPs].join(',') || '<pending>';
    }
    case 'ExternalName':
      return o.spec?.externalName ?? '';
    default:
      return '<unknown>';
  }
}

/** kubectl's Endpoints cell: up to three ip:port pairs of ready addresses, then `+ N more...`. */
function formatEndpoints(subsets: Json[] | undefined): string {
  if (!subsets?.length) return '<none>';
  const list: string[] = [];
  for (const ss of subsets) {
    const ips = ((ss.addresses ?? []) as Json[]).map((a) => String(a.ip));
    const ports = (ss.ports ?? []) as Json[];
    if (ports.length === 0) list.push(...ips);
    for (const p of ports)
      list.push(...ips.map((ip) => (ip.includes(':') ? `[${ip}]:${p.port}` : `${ip}:${p.port}`)));
  }
  const shown = list.slice(0, 3).join(',');
  return list.length > 3 ? `${shown} + ${list.length - 3} more...` : shown;
}

const printBool = (value: unknown): string =>
  value === undefined || value === null ? '<unset>' : value ? 'True' : 'False';

function jobStatus(o: KubeObject): string {
  const is = (type: string) =>
    ((o.status?.conditions ?? []) as Json[]).some((c) => c.type === type && c.status === 'True');
  if (is('Complete')) return 'Complete';
  if (is('Failed')) return 'Failed';
  if (o.metadata.deletionTimestamp) return 'Terminating';
  for (const type of ['Suspended', 'FailureTarget', 'SuccessCriteriaMet']) if (is(type)) return type;
  return 'Running';
}

function jobCompletions(o: KubeObject): string {
  const succeeded = o.status?.succeeded ?? 0;
  if (o.spec?.completions !== undefined && o.spec.completions !== null)
    return `${succeeded}/${o.spec.completions}`;
  const parallelism = o.spec?.parallelism ?? 0;
  return parallelism > 1 ? `${succeeded}/1 of ${parallelism}` : `${succeeded}/1`;
}

function jobDuration(o: KubeObject, now: number): string {
  const start = o.status?.startTime;
  if (!start) return '';
  const end = o.status?.completionTime ? new Date(o.status.completionTime).getTime() : now;
  return humanDuration(end - new Date(start).getTime());
}

const DEFAULT_CLASS_ANNOTATIONS = [
  'storageclass.kubernetes.io/is-default-class',
  'storageclass.beta.kubernetes.io/is-default-class',
];

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
    cells: (o, now) => [
      o.metadata.name,
      `${o.status?.readyReplicas ?? 0}/${o.spec?.replicas ?? 1}`,
      o.status?.updatedReplicas ?? 0,
      o.status?.availableReplicas ?? 0,
      ageOf(o.metadata.creationTimestamp, now),
      ...containerCells(o.spec?.template?.spec),
      formatLabelSelector(o.spec?.selector),
    ],
  },
  ReplicaSet: {
    columns: [
      name,
      col('Desired', 0, 'integer'),
      col('Current', 0, 'integer'),
      col('Ready', 0, 'integer'),
      age,
      col('Containers', 1),
      col('Images', 1),
      col('Selector', 1),
    ],
    cells: (o, now) => [
      o.metadata.name,
      o.spec?.replicas ?? 0,
      o.status?.replicas ?? 0,
      o.status?.readyReplicas ?? 0,
      ageOf(o.metadata.creationTimestamp, now),
      ...containerCells(o.spec?.template?.spec),
      formatLabelSelector(o.spec?.selector),
    ],
  },
  Service: {
    columns: [
      name,
      col('Type'),
      col('Cluster-IP'),
      col('External-IP'),
      col('Port(s)'),
      age,
      col('Selector', 1),
    ],
    cells: (o, now) => [
      o.metadata.name,
      o.spec?.type ?? 'ClusterIP',
      o.spec?.clusterIPs?.[0] ?? o.spec?.clusterIP ?? '<none>',
      serviceExternalIP(o),
      (o.spec?.ports ?? [])
        .map(
          (p: { port: number; protocol?: string; nodePort?: number }) =>
            `${p.port}${p.nodePort ? `:${p.nodePort}` : ''}/${p.protocol ?? 'TCP'}`,
        )
        .join(',') || '<none>',
      ageOf(o.metadata.creationTimestamp, now),
      formatLabels(o.spec?.selector),
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

  Endpoints: {
    columns: [name, col('Endpoints'), age],
    cells: (o, now) => [
      o.metadata.name,
      formatEndpoints(o.subsets),
      ageOf(o.metadata.creationTimestamp, now),
    ],
  },
  EndpointSlice: {
    columns: [name, col('AddressType'), col('Ports'), col('Endpoints'), age],
    cells: (o, now) => [
      o.metadata.name,
      o.addressType ?? '',
      listWithMore(((o.ports ?? []) as Json[]).map((p) => String(p.port ?? p.name ?? '*'))),
      listWithMore(((o.endpoints ?? []) as Json[]).flatMap((e) => (e.addresses ?? []) as string[])),
      ageOf(o.metadata.creationTimestamp, now),
    ],
  },
  PersistentVolumeClaim: {
    columns: [
      name,
      col('Status'),
      col('Volume'),
      col('Capacity'),
      col('Access Modes'),
      col('StorageClass'),
      col('VolumeAttributesClass'),
      age,
      col('VolumeMode', 1),
    ],
    cells(o, now) {
      const bound = Boolean(o.spec?.volumeName);
      return [
        o.metadata.name,
        phaseOrTerminating(o),
        o.spec?.volumeName ?? '',
        bound ? String(o.status?.capacity?.storage ?? '0') : '',
        bound ? accessModes(o.status?.accessModes) : '',
        storageClassOf(o),
        o.spec?.volumeAttributesClassName || '<unset>',
        ageOf(o.metadata.creationTimestamp, now),
        o.spec?.volumeMode ?? '<unset>',
      ];
    },
  },
  PersistentVolume: {
    columns: [
      name,
      col('Capacity'),
      col('Access Modes'),
      col('Reclaim Policy'),
      col('Status'),
      col('Claim'),
      col('StorageClass'),
      col('VolumeAttributesClass'),
      col('Reason'),
      age,
      col('VolumeMode', 1),
    ],
    cells: (o, now) => [
      o.metadata.name,
      String(o.spec?.capacity?.storage ?? '0'),
      accessModes(o.spec?.accessModes),
      o.spec?.persistentVolumeReclaimPolicy ?? '',
      phaseOrTerminating(o),
      o.spec?.claimRef ? `${o.spec.claimRef.namespace ?? ''}/${o.spec.claimRef.name ?? ''}` : '',
      storageClassOf(o),
      o.spec?.volumeAttributesClassName ?? '<unset>',
      o.status?.reason ?? '',
      ageOf(o.metadata.creationTimestamp, now),
      o.spec?.volumeMode ?? '<unset>',
    ],
  },
  StorageClass: {
    columns: [
      name,
      col('Provisioner'),
      col('ReclaimPolicy'),
      col('VolumeBindingMode'),
      col('AllowVolumeExpansion'),
      age,
    ],
    cells: (o, now) => [
      DEFAULT_CLASS_ANNOTATIONS.some((a) => o.metadata.annotations?.[a] === 'true')
        ? `${o.metadata.name} (default)`
        : o.metadata.name,
      o.provisioner ?? '',
      o.reclaimPolicy ?? 'Delete',
      o.volumeBindingMode ?? 'Immediate',
      Boolean(o.allowVolumeExpansion),
      ageOf(o.metadata.creationTimestamp, now),
    ],
  },
  StatefulSet: {
    columns: [name, col('Ready'), age, col('Containers', 1), col('Images', 1)],
    cells: (o, now) => [
      o.metadata.name,
      `${o.status?.readyReplicas ?? 0}/${o.spec?.replicas ?? 1}`,
      ageOf(o.metadata.creationTimestamp, now),
      ...containerCells(o.spec?.template?.spec),
    ],
  },
  DaemonSet: {
    columns: [
      name,
      col('Desired', 0, 'integer'),
      col('Current', 0, 'integer'),
      col('Ready', 0, 'integer'),
      col('Up-to-date', 0, 'integer'),
      col('Available', 0, 'integer'),
      col('Node Selector'),
      age,
      col('Containers', 1),
      col('Images', 1),
      col('Selector', 1),
    ],
    cells: (o, now) => [
      o.metadata.name,
      o.status?.desiredNumberScheduled ?? 0,
      o.status?.currentNumberScheduled ?? 0,
      o.status?.numberReady ?? 0,
      o.status?.updatedNumberScheduled ?? 0,
      o.status?.numberAvailable ?? 0,
      formatLabels(o.spec?.template?.spec?.nodeSelector),
      ageOf(o.metadata.creationTimestamp, now),
      ...containerCells(o.spec?.template?.spec),
      formatLabelSelector(o.spec?.selector),
    ],
  },
  Job: {
    columns: [
      name,
      col('Status'),
      col('Completions'),
      col('Duration'),
      age,
      col('Containers', 1),
      col('Images', 1),
      col('Selector', 1),
    ],
    cells: (o, now) => [
      o.metadata.name,
      jobStatus(o),
      jobCompletions(o),
      jobDuration(o, now),
      ageOf(o.metadata.creationTimestamp, now),
      ...containerCells(o.spec?.template?.spec),
      formatLabelSelector(o.spec?.selector),
    ],
  },
  CronJob: {
    columns: [
      name,
      col('Schedule'),
      col('Timezone'),
      col('Suspend', 0, 'boolean'),
      col('Active', 0, 'integer'),
      col('Last Schedule'),
      age,
      col('Containers', 1),
      col('Images', 1),
      col('Selector', 1),
    ],
    cells: (o, now) => [
      o.metadata.name,
      o.spec?.schedule ?? '',
      o.spec?.timeZone ?? '<none>',
      printBool(o.spec?.suspend),
      (o.status?.active ?? []).length,
      o.status?.lastScheduleTime ? ageOf(o.status.lastScheduleTime, now) : '<none>',
      ageOf(o.metadata.creationTimestamp, now),
      ...containerCells(o.spec?.jobTemplate?.spec?.template?.spec),
      formatLabelSelector(o.spec?.jobTemplate?.spec?.selector),
    ],
  },
  Ingress: {
    columns: [name, col('Class'), col('Hosts'), col('Address'), col('Ports'), age],
    cells(o, now) {
      const rules = (o.spec?.rules ?? []) as Json[];
      const hosts: string[] = [];
      let more = false;
      for (const rule of rules) {
        if (hosts.length === 3) more = true;
        if (!more && rule.host) hosts.push(String(rule.host));
      }
      const hostCell =
        hosts.length === 0
          ? '*'
          : more
            ? `${hosts.join(',')} + ${rules.length - 3} more...`
            : hosts.join(',');
      return [
        o.metadata.name,
        o.spec?.ingressClassName ?? '<none>',
        hostCell,
        loadBalancerAddresses(o.status?.loadBalancer),
        (o.spec?.tls ?? []).length > 0 ? '80, 443' : '80',
        ageOf(o.metadata.creationTimestamp, now),
      ];
    },
  },
  IngressClass: {
    columns: [name, col('Controller'), col('Parameters'), age],
    cells(o, now) {
      const p = o.spec?.parameters;
      return [
        o.metadata.name,
        o.spec?.controller ?? '',
        p ? `${p.kind ?? ''}${p.apiGroup ? `.${p.apiGroup}` : ''}/${p.name ?? ''}` : '<none>',
        ageOf(o.metadata.creationTimestamp, now),
      ];
    },
  },
  PodDisruptionBudget: {
    columns: [
      name,
      col('Min Available'),
      col('Max Unavailable'),
      col('Allowed Disruptions', 0, 'integer'),
      age,
    ],
    cells: (o, now) => [
      o.metadata.name,
      o.spec?.minAvailable === undefined ? 'N/A' : String(o.spec.minAvailable),
      o.spec?.maxUnavailable === undefined ? 'N/A' : String(o.spec.maxUnavailable),
      o.status?.disruptionsAllowed ?? 0,
      ageOf(o.metadata.creationTimestamp, now),
    ],
  },
};

const DEFAULT_PRINTER: Printer = {
  columns: [name, age],
  cells: (o, now) => [o.metadata.name, ageOf(o.metadata.creationTimestamp, now)],
};

/** The printer of a kind (`Pod`, `Deployment` …): name and age for kinds without columns. */
export function printerFor(kind: string): Printer {
  return PRINTERS[kind] ?? DEFAULT_PRINTER;
}
