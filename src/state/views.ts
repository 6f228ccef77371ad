// The kinds the resource view lists: kubectl's names for them (plural, singular, short), where
// the store keeps them, and what `enter` drills into. Pure over the store's state.
import type { V1ObjectMeta, V1OwnerReference, V1Pod } from '@kubernetes/client-node';
import { printerFor, type KubeObject } from '../kube/printers.js';
import { KIND_FIELD } from './store.js';
import type { CockpitState, ObjectMap, ObjectRef, ViewKind } from './types.js';

export interface ViewKindInfo {
  kind: ViewKind;
  /** The API's Kind, which names its printer and owner references. */
  apiKind: string;
  /** kubectl's names: plural first (the `:` command shown), then singular and short names. */
  names: readonly string[];
  namespaced: boolean;
}

export const VIEW_KINDS: readonly ViewKindInfo[] = [
  { kind: 'pods', apiKind: 'Pod', names: ['pods', 'pod', 'po'], namespaced: true },
  {
    kind: 'deployments',
    apiKind: 'Deployment',
    names: ['deployments', 'deployment', 'deploy'],
    namespaced: true,
  },
  {
    kind: 'replicasets',
    apiKind: 'ReplicaSet',
    names: ['replicasets', 'replicaset', 'rs'],
    namespaced: true,
  },
  {
    kind: 'statefulsets',
    apiKind: 'StatefulSet',
    names: ['statefulsets', 'statefulset', 'sts'],
    namespaced: true,
  },
  { kind: 'daemonsets', apiKind: 'DaemonSet', names: ['daemonsets', 'daemonset', 'ds'], namespaced: true },
  { kind: 'jobs', apiKind: 'Job', names: ['jobs', 'job'], namespaced: true },
  { kind: 'cronjobs', apiKind: 'CronJob', names: ['cronjobs', 'cronjob', 'cj'], namespaced: true },
  { kind: 'services', apiKind: 'Service', names: ['services', 'service', 'svc'], namespaced: true },
  { kind: 'ingresses', apiKind: 'Ingress', names: ['ingresses', 'ingress', 'ing'], namespaced: true },
  { kind: 'configmaps', apiKind: 'ConfigMap', names: ['configmaps', 'configmap', 'cm'], namespaced: true },
  { kind: 'secrets', apiKind: 'Secret', names: ['secrets', 'secret'], namespaced: true },
  {
    kind: 'persistentvolumeclaims',
    apiKind: 'PersistentVolumeClaim',
    names: ['persistentvolumeclaims', 'persistentvolumeclaim', 'pvc'],
    namespaced: true,
  },
  { kind: 'nodes', apiKind: 'Node', names: ['nodes', 'node', 'no'], namespaced: false },
  { kind: 'events', apiKind: 'Event', names: ['events', 'event', 'ev'], namespaced: true },
  {
    kind: 'horizontalpodautoscalers',
    apiKind: 'HorizontalPodAutoscaler',
    names: ['horizontalpodautoscalers', 'horizontalpodautoscaler', 'hpa'],
    namespaced: true,
  },
];

const BY_KIND = new Map(VIEW_KINDS.map((k) => [k.kind, k]));
const BY_NAME = new Map(VIEW_KINDS.flatMap((k) => k.names.map((n) => [n, k] as const)));

export const viewKindInfo = (kind: ViewKind): ViewKindInfo => BY_KIND.get(kind)!;

/** The kind a `:` word names (`deploy`, `Deployments`), or undefined. */
export function resolveKind(word: string): ViewKind | undefined {
  return BY_NAME.get(word.toLowerCase())?.kind;
}

/** The short name the breadcrumb uses (`deploy`, `po`…): the last of kubectl's names. */
export const shortName = (kind: ViewKind): string => viewKindInfo(kind).names.at(-1)!;

/** Kinds whose `enter` lists pods. */
export const DRILLS_TO_PODS: ReadonlySet<ViewKind> = new Set([
  'deployments',
  'replicasets',
  'statefulsets',
  'daemonsets',
  'jobs',
  'cronjobs',
  'services',
]);
/** Kinds `s` scales and `R` restarts (kubectl scale / rollout restart accept them). */
export const SCALABLE: ReadonlySet<ViewKind> = new Set(['deployments', 'replicasets', 'statefulsets']);
export const RESTARTABLE: ReadonlySet<ViewKind> = new Set(['deployments', 'statefulsets', 'daemonsets']);

export function objectsOf(state: CockpitState, kind: ViewKind): ObjectMap<KubeObject> {
  return state[KIND_FIELD[kind]] as unknown as ObjectMap<KubeObject>;
}

export const refOf = (kind: ViewKind, key: string): ObjectRef => {
  const slash = key.indexOf('/');
  return viewKindInfo(kind).namespaced && slash >= 0
    ? { kind, namespace: key.slice(0, slash), name: key.slice(slash + 1) }
    : { kind, namespace: undefined, name: key };
};

export const refLabel = (ref: ObjectRef): string =>
  ref.namespace ? `${ref.namespace}/${ref.name}` : ref.name;

const ownedBy = (meta: V1ObjectMeta | undefined, apiKind: string, owner: V1ObjectMeta | undefined) =>
  (meta?.ownerReferences ?? []).some(
    (o: V1OwnerReference) =>
      o.kind === apiKind &&
      o.name === owner?.name &&
      (!o.uid || !owner?.uid || o.uid === owner.uid) &&
      meta?.namespace === owner?.namespace,
  );

/** Keys of the objects of `map` owned by one of `owners` (all of kind `apiKind`). */
function ownedKeys(map: ObjectMap<KubeObject>, apiKind: string, owners: KubeObject[]): KubeObject[] {
  const out: KubeObject[] = [];
  for (const obj of map.values())
    if (owners.some((o) => ownedBy(obj.metadata as V1ObjectMeta, apiKind, o.metadata as V1ObjectMeta)))
      out.push(obj);
  return out;
}

/**
 * The pods `enter` on `owner` shows: owned through its chain of controllers (a Deployment's via its
 * ReplicaSets, a CronJob's via its Jobs), or for a Service those its selector matches.
 */
export function podsOf(state: CockpitState, owner: ObjectRef): Map<string, V1Pod> {
  const key = refLabel(owner);
  const parent = objectsOf(state, owner.kind).get(key);
  const pods = state.pods as ObjectMap<V1Pod>;
  const out = new Map<string, V1Pod>();
  if (!parent) return out;
  const keep = (match: (pod: V1Pod) => boolean) => {
    for (const [k, pod] of pods) if (match(pod)) out.set(k, pod);
    return out;
  };
  if (owner.kind === 'services') {
    const selector = (parent.spec?.selector ?? {}) as Record<string, string>;
    const entries = Object.entries(selector);
    if (entries.length === 0) return out;
    return keep(
      (pod) =>
        pod.metadata?.namespace === owner.namespace &&
        entries.every(([k, v]) => pod.metadata?.labels?.[k] === v),
    );
  }
  let owners: KubeObject[] = [parent];
  let ownerKind = viewKindInfo(owner.kind).apiKind;
  if (owner.kind === 'deployments') {
    owners = ownedKeys(objectsOf(state, 'replicasets'), 'Deployment', owners);
    ownerKind = 'ReplicaSet';
  } else if (owner.kind === 'cronjobs') {
    owners = ownedKeys(objectsOf(state, 'jobs'), 'CronJob', owners);
    ownerKind = 'Job';
  }
  return keep((pod) => owners.some((o) => ownedBy(pod.metadata, ownerKind, o.metadata as V1ObjectMeta)));
}

export interface ObjectRow {
  key: string;
  cells: string[];
  /** What `/` matches, lower-cased. */
  search: string;
}

export interface ObjectTable {
  columns: string[];
  rows: ObjectRow[];
}

const rowCache = new WeakMap<object, { now: number; all: boolean; row: ObjectRow }>();

/** The latest time any of the objects carries (created, last seen), epoch ms; 0 for none. */
function newestTimestamp(objects: ObjectMap<KubeObject>): number {
  let newest = 0;
  for (const o of objects.values())
    for (const t of [o.metadata.creationTimestamp, o.lastTimestamp, o.eventTime])
      if (typeof t === 'string') newest = Math.max(newest, Date.parse(t) || 0);
  return newest;
}

/** kubectl's table of one kind (default columns; NAMESPACE first for all namespaces), by name. */
export function objectTable(
  objects: ObjectMap<KubeObject>,
  kind: ViewKind,
  now: number,
  filter: string,
  allNamespaces: boolean,
): ObjectTable {
  const info = viewKindInfo(kind);
  const printer = printerFor(info.apiKind);
  const shown = printer.columns.flatMap((c, i) => ((c.priority ?? 0) === 0 ? [i] : []));
  const withNamespace = allNamespaces && info.namespaced;
  const columns = [
    ...(withNamespace ? ['NAMESPACE'] : []),
    ...shown.map((i) => printer.columns[i]!.name.toUpperCase()),
  ];
  const needle = filter.toLowerCase();
  const rows: ObjectRow[] = [];
  // `now` is the server's clock as last measured; between measures an object can be newer than
  // it (the demo's clock runs fast), which kubectl would print `<invalid>`: it is at most now.
  now = Math.max(now, newestTimestamp(objects));
  for (const [key, obj] of objects) {
    let hit = rowCache.get(obj);
    if (!hit || hit.now !== now || hit.all !== withNamespace) {
      const cells = printer.cells(obj, now);
      const row: ObjectRow = {
        key,
        cells: [
          ...(withNamespace ? [obj.metadata.namespace ?? ''] : []),
          ...shown.map((i) => String(cells[i] ?? '')),
        ],
        search: '',
      };
      row.search = row.cells.join('\n').toLowerCase();
      hit = { now, all: withNamespace, row };
      rowCache.set(obj, hit);
    }
    if (needle && !hit.row.search.includes(needle) && !key.toLowerCase().includes(needle)) continue;
    rows.push(hit.row);
  }
  rows.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  // Events read newest first (kubectl --sort-by=.lastTimestamp, reversed): what just happened on top.
  if (kind === 'events') {
    const at = (key: string): number => {
      const e = objects.get(key)!;
      return new Date(e.lastTimestamp ?? e.eventTime ?? e.metadata.creationTimestamp ?? 0).getTime();
    };
    rows.sort((a, b) => at(b.key) - at(a.key));
  }
  return { columns, rows };
}

/** The `:` words tab completes: every kind's names, then the commands. */
export const COMMAND_WORDS: readonly string[] = [
  ...VIEW_KINDS.flatMap((k) => k.names),
  'ns',
  'namespace',
  'ctx',
  'context',
  'sort',
  'all',
  'quit',
  'q',
];

/**
 * Tab on the command line: the first word completed to the longest prefix all candidates share
 * (the whole word when one is left), and the candidates to show.
 */
export function complete(line: string): { line: string; candidates: string[] } {
  if (/\s/.test(line)) return { line, candidates: [] };
  const candidates = [...new Set(COMMAND_WORDS.filter((w) => w.startsWith(line.toLowerCase())))];
  if (candidates.length === 0) return { line, candidates };
  if (candidates.length === 1) return { line: `${candidates[0]} `, candidates };
  let prefix = candidates[0]!;
  for (const c of candidates) while (!c.startsWith(prefix)) prefix = prefix.slice(0, -1);
  return { line: prefix.length > line.length ? prefix : line, candidates };
}

let podsMemo: { inputs: unknown[]; pods: ObjectMap<V1Pod> } | undefined;

/** The pods the pods view lists: all of them, or the drilled-into owner's (memoized per store change). */
export function viewPods(state: CockpitState): ObjectMap<V1Pod> {
  const owner = state.ui.view.kind === 'pods' ? state.ui.view.owner : undefined;
  if (!owner) return state.pods;
  const inputs = [
    state.pods,
    state.replicaSets,
    state.jobs,
    objectsOf(state, owner.kind),
    refLabel(owner),
    owner.kind,
  ];
  if (podsMemo && podsMemo.inputs.every((v, i) => v === inputs[i])) return podsMemo.pods;
  const pods = podsOf(state, owner);
  podsMemo = { inputs, pods };
  return pods;
}

/** The breadcrumb of the resource view: `deploy › todo/frontend › pods`. */
export function breadcrumb(view: { kind: ViewKind; owner?: ObjectRef }): string {
  const name = viewKindInfo(view.kind).names[0]!;
  return view.owner ? `${shortName(view.owner.kind)} › ${refLabel(view.owner)} › ${name}` : name;
}
