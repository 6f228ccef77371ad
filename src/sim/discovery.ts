// Discovery documents built from the resource table: what kubectl reads to resolve `po`,
// `deploy`, `hpa` and subresources before it makes any other request.
import { REVIEW_TYPES } from './auth.js';
import { RESOURCE_TYPES, apiVersionOf, typeKey, type ResourceType } from './resources.js';

const READ_VERBS = ['get', 'list', 'watch'];
const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

export const SERVER_VERSION = {
  major: '1',
  minor: '34',
  emulationMajor: '1',
  emulationMinor: '34',
  minCompatibilityMajor: '1',
  minCompatibilityMinor: '33',
  gitVersion: 'v1.34.0-aiops-sim',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2026-01-01T00:00:00Z',
  goVersion: 'go1.24',
  compiler: 'gc',
  platform: 'linux/amd64',
};

function groupVersions(): Map<string, ResourceType[]> {
  const byGroupVersion = new Map<string, ResourceType[]>();
  for (const t of RESOURCE_TYPES) {
    const gv = apiVersionOf(t);
    byGroupVersion.set(gv, [...(byGroupVersion.get(gv) ?? []), t]);
  }
  return byGroupVersion;
}

const SUBRESOURCE_KIND: Record<string, { kind: string; group?: string; version?: string; verbs: string[] }> =
  {
    status: { kind: '', verbs: ['get', 'patch', 'update'] },
    scale: { kind: 'Scale', group: 'autoscaling', version: 'v1', verbs: ['get', 'patch', 'update'] },
    log: { kind: 'Pod', verbs: ['get'] },
    eviction: { kind: 'Eviction', group: 'policy', version: 'v1', verbs: ['create'] },
  };

export function apiVersions(): Record<string, unknown> {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1' }],
  };
}

/** A real kube-apiserver's order of groups in /apis (aggregated ones, like metrics, come last). */
const GROUP_ORDER = [
  'apps',
  'authentication.k8s.io',
  'authorization.k8s.io',
  'autoscaling',
  'batch',
  'networking.k8s.io',
  'policy',
  'storage.k8s.io',
  'discovery.k8s.io',
];
const groupRank = (name: string): number => {
  const i = GROUP_ORDER.indexOf(name);
  return i === -1 ? GROUP_ORDER.length : i;
};

/** What `kubectl get all` lists, as a real server's discovery says. */
const IN_CATEGORY_ALL = new Set([
  'pods',
  'services',
  'deployments.apps',
  'replicasets.apps',
  'statefulsets.apps',
  'daemonsets.apps',
  'jobs.batch',
  'cronjobs.batch',
  'horizontalpodautoscalers.autoscaling',
]);

const ALL_TYPES: readonly Pick<ResourceType, 'group' | 'version'>[] = [...RESOURCE_TYPES, ...REVIEW_TYPES];

export function apiGroupList(): Record<string, unknown> {
  const groups = new Map<string, string[]>();
  for (const t of [...ALL_TYPES].sort((a, b) => groupRank(a.group) - groupRank(b.group))) {
    if (!t.group) continue;
    const versions = groups.get(t.group) ?? [];
    if (!versions.includes(t.version)) versions.push(t.version);
    groups.set(t.group, versions);
  }
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: [...groups].map(([name, versions]) => apiGroup(name, versions)),
  };
}

function apiGroup(name: string, versions: string[]): Record<string, unknown> {
  const list = versions.map((version) => ({ groupVersion: `${name}/${version}`, version }));
  return { name, versions: list, preferredVersion: list[0] };
}

export function apiGroupDocument(group: string): Record<string, unknown> | undefined {
  const versions = [...new Set(ALL_TYPES.filter((t) => t.group === group).map((t) => t.version))];
  if (versions.length === 0) return undefined;
  return { kind: 'APIGroup', apiVersion: 'v1', ...apiGroup(group, versions) };
}

export function apiResourceList(groupVersion: string): Record<string, unknown> | undefined {
  const types = groupVersions().get(groupVersion) ?? [];
  const reviews = REVIEW_TYPES.filter((t) => `${t.group}/${t.version}` === groupVersion);
  if (types.length === 0 && reviews.length === 0) return undefined;
  // The review APIs: create-only and never stored, as on a real server.
  const resources: Record<string, unknown>[] = reviews.map((t) => ({
    name: t.plural,
    singularName: t.kind.toLowerCase(),
    namespaced: t.namespaced,
    kind: t.kind,
    verbs: ['create'],
  }));
  for (const t of types) {
    resources.push({
      name: t.plural,
      singularName: t.singular,
      namespaced: t.namespaced,
      kind: t.kind,
      verbs: t.readOnly ? READ_VERBS : ALL_VERBS,
      ...(t.shortNames.length ? { shortNames: t.shortNames } : {}),
      ...(IN_CATEGORY_ALL.has(typeKey(t)) ? { categories: ['all'] } : {}),
    });
    for (const sub of t.subresources) {
      const info = SUBRESOURCE_KIND[sub]!;
      resources.push({
        name: `${t.plural}/${sub}`,
        singularName: '',
        namespaced: t.namespaced,
        kind: info.kind || t.kind,
        ...(info.group ? { group: info.group, version: info.version } : {}),
        verbs: info.verbs,
      });
    }
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion, resources };
}
