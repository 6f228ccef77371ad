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
    singular: kind.toLowerCase(),
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
  type('apps', 'v1', 'Deployment', 'deployments', true, ['deploy'], ['status', 'scale']),
  type('apps', 'v1', 'ReplicaSet', 'replicasets', true, ['rs'], ['status', 'scale']),
  type('autoscaling', 'v2', 'HorizontalPodAutoscaler', 'horizontalpodautoscalers', true, ['hpa'], ['status']),
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
  deployments: 'deployments.apps',
  replicasets: 'replicasets.apps',
  hpas: 'horizontalpodautoscalers.autoscaling',
  podMetrics: 'pods.metrics.k8s.io',
  nodeMetrics: 'nodes.metrics.k8s.io',
} as const;
