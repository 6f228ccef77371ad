// `d` describe and `y` YAML: the object read fresh from the API server (the store's copies are
// trimmed: a ConfigMap's values, a Secret's data), with what its description needs — its
// events, a Deployment's ReplicaSets, the pods of a controller or node, a Service's endpoint
// slices — turned into lines. Every string is stripped of terminal controls before it is laid
// out, and nothing secret is shown: a Secret's values never leave this module (YAML masks
// them, describe prints byte counts), and values beside secret-looking keys are redacted.
import type {
  CoreV1Event,
  KubeConfig,
  V1EndpointSlice,
  V1LabelSelector,
  V1Pod,
  V1ReplicaSet,
  V1Service,
} from '@kubernetes/client-node';
import { stringify } from 'yaml';
import { describeError } from '../cli/errors.js';
import { describeObject, selectorString, type DescribeInput } from '../kube/describe.js';
import { redactText, redactValue } from '../audit/redact.js';
import { stripControls } from '../audit/sanitize.js';
import type { CockpitStore } from '../state/store.js';
import type { Inspection, ObjectRef, ViewKind } from '../state/types.js';
import { listPath } from './kinds.js';
import { ApiError, getJson } from './http.js';

const READ_TIMEOUT_MS = 15_000;

type Obj = {
  metadata?: { name?: string; namespace?: string; uid?: string; managedFields?: unknown };
} & Record<string, unknown>;
interface List<T> {
  items: T[];
}

/** Every string of a JSON value without terminal controls (names, messages, annotations …). */
export function sanitizeDeep<T>(value: T): T {
  if (typeof value === 'string') return stripControls(value) as T;
  if (Array.isArray(value)) return value.map(sanitizeDeep) as T;
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [stripControls(k), sanitizeDeep(v)]),
    ) as T;
  return value;
}

/** A value shown beside its key, masked as the audit trail masks `key=value`. */
export function redactBeside(key: string, value: string): string {
  const prefix = `${key}=`;
  const masked = redactText(prefix + value);
  return masked.startsWith(prefix) ? masked.slice(prefix.length) : redactText(value);
}

/** The API path of one object. */
export const objectPath = (ref: ObjectRef): string =>
  `${listPath(ref.kind, ref.namespace)}/${encodeURIComponent(ref.name)}`;

/** kubectl's words for a failed read: `Error from server (NotFound): pods "x" not found`. */
export function inspectionError(error: unknown): string {
  const text =
    error instanceof ApiError && error.code >= 400 && error.reason !== 'BadResponse'
      ? `Error from server (${error.reason}): ${error.message}`
      : describeError(error);
  return stripControls(text)
    .replace(/\s*\n\s*/g, ' ')
    .trim();
}

/** The object as YAML, kubectl's key order, managedFields hidden, secrets masked. */
export function objectYaml(object: Obj): string[] {
  const { managedFields: _hidden, ...metadata } = object.metadata ?? {};
  const shown = redactValue({ ...object, metadata });
  return stringify(shown, { sortMapEntries: true, lineWidth: 0 })
    .replace(/\n$/, '')
    .split('\n')
    .map((line) => stripControls(line));
}

const query = (params: Record<string, string>): string => `?${new URLSearchParams(params)}`;
const INVOLVED_KIND: Partial<Record<ViewKind, string>> = {
  deployments: 'Deployment',
  replicasets: 'ReplicaSet',
  statefulsets: 'StatefulSet',
  daemonsets: 'DaemonSet',
  jobs: 'Job',
  cronjobs: 'CronJob',
  services: 'Service',
  ingresses: 'Ingress',
  configmaps: 'ConfigMap',
  persistentvolumeclaims: 'PersistentVolumeClaim',
  nodes: 'Node',
  events: 'Event',
  horizontalpodautoscalers: 'HorizontalPodAutoscaler',
};

/** The object's events, as kubectl searches them (involvedObject name, namespace, uid, kind). */
async function eventsOf(kc: KubeConfig, ref: ObjectRef, object: Obj): Promise<CoreV1Event[]> {
  const fields = [`involvedObject.name=${ref.name}`];
  const kind = INVOLVED_KIND[ref.kind];
  if (kind) fields.push(`involvedObject.kind=${kind}`);
  // A node's events carry its uid (controllers) or its name (the kubelet): match on name and kind.
  if (ref.kind !== 'nodes') {
    fields.push(`involvedObject.namespace=${ref.namespace ?? ''}`);
    if (object.metadata?.uid) fields.push(`involvedObject.uid=${object.metadata.uid}`);
  }
  const base = ref.kind === 'nodes' ? '/api/v1/events' : listPath('events', ref.namespace);
  return (
    await getJson<List<CoreV1Event>>(kc, base + query({ fieldSelector: fields.join(',') }), READ_TIMEOUT_MS)
  ).items;
}

/** What the kind's description needs besides the object and its events; a failed read leaves it out. */
async function relatedOf(kc: KubeConfig, ref: ObjectRef, object: Obj): Promise<Partial<DescribeInput>> {
  const list = <T>(path: string): Promise<T[] | undefined> =>
    getJson<List<T>>(kc, path, READ_TIMEOUT_MS).then(
      (l) => l.items,
      () => undefined,
    );
  const ns = ref.namespace;
  const selector = (object.spec as { selector?: V1LabelSelector } | undefined)?.selector;
  const selected = (): Promise<V1Pod[] | undefined> =>
    list<V1Pod>(listPath('pods', ns) + query({ labelSelector: selectorString(selector) }));
  switch (ref.kind) {
    case 'deployments':
      return { replicaSets: await list<V1ReplicaSet>(listPath('replicasets', ns)) };
    case 'replicasets':
    case 'statefulsets':
    case 'daemonsets':
      return { pods: await selected() };
    case 'nodes':
      return {
        pods: await list<V1Pod>(
          listPath('pods', undefined) + query({ fieldSelector: `spec.nodeName=${ref.name}` }),
        ),
      };
    case 'persistentvolumeclaims':
      return { pods: await list<V1Pod>(listPath('pods', ns)) };
    case 'services':
      return {
        endpointSlices: await list<V1EndpointSlice>(
          listPath('endpointslices', ns) + query({ labelSelector: `kubernetes.io/service-name=${ref.name}` }),
        ),
      };
    case 'ingresses': {
      const [services, endpointSlices] = await Promise.all([
        list<V1Service>(listPath('services', ns)),
        list<V1EndpointSlice>(listPath('endpointslices', ns)),
      ]);
      return { services, endpointSlices };
    }
    default:
      return {};
  }
}

/** The lines `d` or `y` shows for `ref`; throws when the object cannot be read. */
export async function readInspection(
  kc: KubeConfig,
  ref: ObjectRef,
  mode: 'describe' | 'yaml',
  now: number = Date.now(),
): Promise<string[]> {
  const object = sanitizeDeep(await getJson<Obj>(kc, objectPath(ref), READ_TIMEOUT_MS));
  if (mode === 'yaml') return objectYaml(object);
  // kubectl describes a Secret without events; every other kind lists them (a failed read: none).
  const [events, related] = await Promise.all([
    ref.kind === 'secrets' ? undefined : eventsOf(kc, ref, object).catch(() => []),
    relatedOf(kc, ref, object),
  ]);
  const lines = describeObject({
    kind: ref.kind,
    object,
    ...(events ? { events: sanitizeDeep(events) } : {}),
    ...sanitizeDeep(related),
    now,
    redact: redactBeside,
  });
  return lines.map((line) => stripControls(line));
}

export interface Inspector {
  /** Shows `ref` as loading, then its lines or why not; a newer call (or a close) wins. */
  inspect(ref: ObjectRef, mode: 'describe' | 'yaml'): void;
  /** Resolves when every inspection asked for so far has landed or been dropped (tests). */
  settled(): Promise<void>;
}

export function createInspector(
  store: CockpitStore,
  kc: KubeConfig,
  now: () => number = () => Date.now() + (store.getState().connection.clockSkewMs ?? 0),
): Inspector {
  const inFlight = new Set<Promise<void>>();
  return {
    inspect(ref, mode) {
      const loading: Inspection = { ref, mode, lines: undefined };
      store.getState().setInspection(loading);
      const land = (patch: Partial<Inspection>): void => {
        // Only onto our own placeholder: a newer request replaced it, or the view was closed.
        if (store.getState().inspection === loading) store.getState().setInspection({ ...loading, ...patch });
      };
      const read = readInspection(kc, ref, mode, now()).then(
        (lines) => land({ lines }),
        (error: unknown) => land({ lines: [], error: inspectionError(error) }),
      );
      inFlight.add(read);
      void read.finally(() => inFlight.delete(read));
    },
    settled: async () => {
      await Promise.all(inFlight);
    },
  };
}
