// Where each kind the cockpit and `analyze` read is served, and what of an object is kept: the
// watchers and fetchSnapshot list the same paths and trim the same way, so a Secret's values are
// dropped where it is read, whichever reads it, before anything else sees the object.
import type { CoreKind, OptionalKind, WatchedKind } from '../state/types.js';

export interface KindSpec {
  /** API path prefix: `/api/v1` or `/apis/<group>/<version>`. */
  prefix: string;
  plural: string;
  namespaced: boolean;
}

const spec = (prefix: string, plural: string, namespaced = true): KindSpec => ({
  prefix,
  plural,
  namespaced,
});

export const KIND_SPECS: Record<WatchedKind, KindSpec> = {
  pods: spec('/api/v1', 'pods'),
  deployments: spec('/apis/apps/v1', 'deployments'),
  replicasets: spec('/apis/apps/v1', 'replicasets'),
  events: spec('/api/v1', 'events'),
  nodes: spec('/api/v1', 'nodes', false),
  horizontalpodautoscalers: spec('/apis/autoscaling/v2', 'horizontalpodautoscalers'),
  services: spec('/api/v1', 'services'),
  endpointslices: spec('/apis/discovery.k8s.io/v1', 'endpointslices'),
  configmaps: spec('/api/v1', 'configmaps'),
  secrets: spec('/api/v1', 'secrets'),
  persistentvolumeclaims: spec('/api/v1', 'persistentvolumeclaims'),
  persistentvolumes: spec('/api/v1', 'persistentvolumes', false),
  storageclasses: spec('/apis/storage.k8s.io/v1', 'storageclasses', false),
  statefulsets: spec('/apis/apps/v1', 'statefulsets'),
  daemonsets: spec('/apis/apps/v1', 'daemonsets'),
  jobs: spec('/apis/batch/v1', 'jobs'),
  cronjobs: spec('/apis/batch/v1', 'cronjobs'),
  ingresses: spec('/apis/networking.k8s.io/v1', 'ingresses'),
  ingressclasses: spec('/apis/networking.k8s.io/v1', 'ingressclasses', false),
  poddisruptionbudgets: spec('/apis/policy/v1', 'poddisruptionbudgets'),
};

/** What the first screen shows: watched at once. */
export const CORE_KINDS: readonly CoreKind[] = ['pods', 'deployments', 'replicasets', 'events', 'nodes'];
/** What only the analyzers read: the cockpit watches them once the pods' first page is in. */
export const LATER_KINDS = (Object.keys(KIND_SPECS) as WatchedKind[]).filter(
  (k): k is Exclude<WatchedKind, CoreKind> => !(CORE_KINDS as readonly string[]).includes(k),
);
/** The kinds the snapshot has as optional (HPAs are required there: none known reads as none). */
export const OPTIONAL_KINDS = LATER_KINDS.filter((k): k is OptionalKind => k !== 'horizontalpodautoscalers');

/** The list (and watch) path of a kind in `namespace` (all namespaces when undefined). */
export function listPath(kind: WatchedKind, namespace: string | undefined): string {
  const { prefix, plural, namespaced } = KIND_SPECS[kind];
  return `${prefix}${namespaced && namespace ? `/namespaces/${namespace}` : ''}/${plural}`;
}

export interface KubeItem {
  metadata: {
    name: string;
    namespace?: string;
    resourceVersion?: string;
    managedFields?: unknown;
    annotations?: Record<string, string>;
  };
}

/** kubectl apply's copy of the object as applied: for a Secret or ConfigMap, its values. */
export const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

const blankValues = (
  ...maps: (Record<string, unknown> | undefined)[]
): Record<string, string> | undefined => {
  const keys = maps.flatMap((m) => Object.keys(m ?? {}));
  return keys.length ? Object.fromEntries(keys.map((k) => [k, ''])) : undefined;
};

/** The only metadata a Secret keeps on its way in: identity, labels and owners. */
const SECRET_METADATA = [
  'name',
  'namespace',
  'uid',
  'resourceVersion',
  'creationTimestamp',
  'deletionTimestamp',
  'labels',
  'ownerReferences',
] as const;

/**
 * A Secret as the analyzers may see it: identity, labels, owners, type and its data keys (each
 * `''`, stringData's keys among them). Built from an allow-list rather than by deleting what is
 * known to hold values, since any annotation (last-applied-configuration is one) can carry a copy.
 */
export function secretKeysOnly<T extends KubeItem>(secret: T): T {
  const s = secret as T & {
    apiVersion?: string;
    kind?: string;
    type?: string;
    immutable?: boolean;
    data?: Record<string, string>;
    stringData?: Record<string, string>;
    metadata: T['metadata'] & Record<string, unknown>;
  };
  const metadata = Object.fromEntries(
    SECRET_METADATA.flatMap((key) => (s.metadata[key] === undefined ? [] : [[key, s.metadata[key]]])),
  );
  const data = blankValues(s.data, s.stringData);
  return {
    ...(s.apiVersion ? { apiVersion: s.apiVersion } : {}),
    ...(s.kind ? { kind: s.kind } : {}),
    metadata,
    ...(s.type ? { type: s.type } : {}),
    ...(s.immutable !== undefined ? { immutable: s.immutable } : {}),
    ...(data ? { data } : {}),
  } as unknown as T;
}

/** A ConfigMap with its data and binaryData keys only (values `''`) and no last-applied copy. */
export function configMapKeysOnly<T extends KubeItem>(configMap: T): T {
  const c = configMap as T & { data?: Record<string, string>; binaryData?: Record<string, string> };
  const data = blankValues(c.data);
  const binaryData = blankValues(c.binaryData);
  const { [LAST_APPLIED]: _applied, ...annotations } = c.metadata.annotations ?? {};
  const { managedFields: _managed, annotations: _annotations, ...metadata } = c.metadata;
  const { data: _data, binaryData: _binary, ...rest } = c;
  return {
    ...rest,
    metadata: { ...metadata, ...(Object.keys(annotations).length ? { annotations } : {}) },
    ...(data ? { data } : {}),
    ...(binaryData ? { binaryData } : {}),
  } as T;
}

type Json = Record<string, unknown>;

/** Deletes `keys` of `obj` where it is an object. */
const drop = (obj: unknown, keys: readonly string[]): void => {
  if (!obj || typeof obj !== 'object') return;
  for (const key of keys) delete (obj as Json)[key];
};
const each = (list: unknown, keys: readonly string[]): void => {
  if (Array.isArray(list)) for (const item of list) drop(item, keys);
};

/**
 * What no reader of the store uses of a pod (the views and printers, the analyzers, the offline
 * assistant; describe and YAML read the object fresh from the API server), and every pod carries:
 * kubelet and scheduler bookkeeping, and the service-account token's volume mounts. A test runs
 * every reader on trimmed and untrimmed objects of the simulator's scenarios
 * (test/cluster/trim.test.ts): add a field here only with a reader's proof that it is unread.
 */
const POD_UNREAD = {
  metadata: ['generateName'],
  spec: [
    'dnsPolicy',
    'schedulerName',
    'enableServiceLinks',
    'preemptionPolicy',
    'terminationGracePeriodSeconds',
  ],
  container: ['terminationMessagePath', 'terminationMessagePolicy', 'volumeMounts'],
  status: ['hostIPs', 'podIPs', 'qosClass'],
  containerStatus: ['imageID', 'containerID'],
  condition: ['lastProbeTime'],
} as const;

function trimPod(pod: Json): void {
  drop(pod.metadata, POD_UNREAD.metadata);
  const spec = pod.spec as Json | undefined;
  drop(spec, POD_UNREAD.spec);
  for (const list of ['containers', 'initContainers', 'ephemeralContainers'])
    each(spec?.[list], POD_UNREAD.container);
  const status = pod.status as Json | undefined;
  drop(status, POD_UNREAD.status);
  for (const list of ['containerStatuses', 'initContainerStatuses', 'ephemeralContainerStatuses'])
    each(status?.[list], POD_UNREAD.containerStatus);
  each(status?.conditions, POD_UNREAD.condition);
}

/**
 * What the store (or the snapshot) keeps of an object: never managedFields (often half its size)
 * nor kubectl's last-applied copy of the whole object; of a pod, not what no reader reads.
 */
export function trimObject<T extends KubeItem>(kind: WatchedKind, obj: T): T {
  if (kind === 'secrets') return secretKeysOnly(obj);
  if (kind === 'configmaps') return configMapKeysOnly(obj);
  delete obj.metadata.managedFields;
  const annotations = obj.metadata.annotations;
  if (annotations && LAST_APPLIED in annotations) {
    delete annotations[LAST_APPLIED];
    if (Object.keys(annotations).length === 0) delete obj.metadata.annotations;
  }
  if (kind === 'pods') trimPod(obj as unknown as Json);
  return obj;
}
