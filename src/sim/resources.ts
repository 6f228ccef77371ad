// The resource types the simulator serves. Discovery documents and URL routing are built from
// this one table, so adding a type here is all it takes to serve it.
export interface ResourceType {
  /** '' for the core group. */
  group: string;
  version: string;
  kind: string;
  listKind: string;
  plural: string;
  singular: string;
  namespaced: boolean;
  shortNames: string[];
  subresources: string[];
  /** Read-only types (metrics) reject writes with 405. */
  readOnly?: boolean;
}

function type(
  group: string,
  version: string,
  kind: string,
  plural: string,
  namespaced: boolean,
  shortNames: string[] = [],
  subresources: string[] = [],
  readOnly = false,
): ResourceType {
  return {
    group,
    version,
    kind,
    listKind: `${kind}List`,
    plural,
    // Endpoints is its own singular, as the real discovery says.
    singular: kind === 'Endpoints' ? 'endpoints' : kind.toLowerCase(),
    namespaced,
    shortNames,
    subresources,
    readOnly,
  };
}

export const RESOURCE_TYPES: readonly ResourceType[] = [
  type('', 'v1', 'Namespace', 'namespaces', false, ['ns'], ['status']),
  type('', 'v1', 'Node', 'nodes', false, ['no'], ['status']),
  type('', 'v1', 'Pod', 'pods', true, ['po'], ['status', 'log', 'eviction']),
  type('', 'v1', 'Event', 'events', true, ['ev']),
  type('', 'v1', 'Service', 'services', true, ['svc'], ['status']),
  type('', 'v1', 'ConfigMap', 'configmaps', true, ['cm']),
  type('', 'v1', 'Secret', 'secrets', true),
  type('', 'v1', 'ServiceAccount', 'serviceaccounts', true, ['sa']),
  type('', 'v1', 'Endpoints', 'endpoints', true, ['ep']),
  type('', 'v1', 'PersistentVolumeClaim', 'persistentvolumeclaims', true, ['pvc'], ['status']),
  type('', 'v1', 'PersistentVolume', 'persistentvolumes', false, ['pv'], ['status']),
  type('apps', 'v1', 'Deployment', 'deployments', true, ['deploy'], ['status', 'scale']),
  type('apps', 'v1', 'ReplicaSet', 'replicasets', true, ['rs'], ['status', 'scale']),
  type('apps', 'v1', 'StatefulSet', 'statefulsets', true, ['sts'], ['status', 'scale']),
  type('apps', 'v1', 'DaemonSet', 'daemonsets', true, ['ds'], ['status']),
  type('batch', 'v1', 'Job', 'jobs', true, [], ['status']),
  type('batch', 'v1', 'CronJob', 'cronjobs', true, ['cj'], ['status']),
  type('autoscaling', 'v2', 'HorizontalPodAutoscaler', 'horizontalpodautoscalers', true, ['hpa'], ['status']),
  type('discovery.k8s.io', 'v1', 'EndpointSlice', 'endpointslices', true),
  type('networking.k8s.io', 'v1', 'Ingress', 'ingresses', true, ['ing'], ['status']),
  type('networking.k8s.io', 'v1', 'IngressClass', 'ingressclasses', false),
  type('policy', 'v1', 'PodDisruptionBudget', 'poddisruptionbudgets', true, ['pdb'], ['status']),
  type('storage.k8s.io', 'v1', 'StorageClass', 'storageclasses', false, ['sc']),
  type('metrics.k8s.io', 'v1beta1', 'PodMetrics', 'pods', true, [], [], true),
  type('metrics.k8s.io', 'v1beta1', 'NodeMetrics', 'nodes', false, [], [], true),
];

/** The store key of a type: `plural` for core, `plural.group` otherwise (kubectl's resource.group). */
export function typeKey(t: Pick<ResourceType, 'group' | 'plural'>): string {
  return t.group ? `${t.plural}.${t.group}` : t.plural;
}

export function apiVersionOf(t: Pick<ResourceType, 'group' | 'version'>): string {
  return t.group ? `${t.group}/${t.version}` : t.version;
}

const byKey = new Map(RESOURCE_TYPES.map((t) => [typeKey(t), t]));

export function resourceType(key: string): ResourceType {
  const t = byKey.get(key);
  if (!t) throw new Error(`unknown resource type ${key}`);
  return t;
}

/** Store keys used across the simulator, so a typo is a compile error rather than an empty list. */
export const K = {
  namespaces: 'namespaces',
  nodes: 'nodes',
  pods: 'pods',
  events: 'events',
  services: 'services',
  configmaps: 'configmaps',
  secrets: 'secrets',
  serviceaccounts: 'serviceaccounts',
  endpoints: 'endpoints',
  pvcs: 'persistentvolumeclaims',
  pvs: 'persistentvolumes',
  deployments: 'deployments.apps',
  replicasets: 'replicasets.apps',
  statefulsets: 'statefulsets.apps',
  daemonsets: 'daemonsets.apps',
  jobs: 'jobs.batch',
  cronjobs: 'cronjobs.batch',
  hpas: 'horizontalpodautoscalers.autoscaling',
  endpointslices: 'endpointslices.discovery.k8s.io',
  ingresses: 'ingresses.networking.k8s.io',
  ingressclasses: 'ingressclasses.networking.k8s.io',
  pdbs: 'poddisruptionbudgets.policy',
  storageclasses: 'storageclasses.storage.k8s.io',
  podMetrics: 'pods.metrics.k8s.io',
  nodeMetrics: 'nodes.metrics.k8s.io',
} as const;
