// The endpoints and endpointslice controllers: for every Service with a selector, one Endpoints
// object (same name) and EndpointSlices (`<service>-xxxxx`, owned by the Service) listing the
// selected pods' IPs, ports resolved from the Service's targetPort, and readiness. Services
// without a selector are left alone: their endpoints are whoever writes them.
import { isDeepStrictEqual } from 'node:util';
import type { SimContext } from '../context.js';
import type { KubeObject } from '../objects.js';
import { isPodReady, ownerRef } from '../pods.js';
import { K } from '../resources.js';
import { matchesLabelSelector } from '../../kube/labels.js';
import { objectKey, splitKey, workQueue } from './queue.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
export const SLICE_MANAGED_BY_LABEL = 'endpointslice.kubernetes.io/managed-by';
export const SLICE_CONTROLLER = 'endpointslice-controller.k8s.io';
const ENDPOINTS_MANAGED_BY_LABEL = 'endpoints.kubernetes.io/managed-by';
const HEADLESS_LABEL = 'service.kubernetes.io/headless';
const TRIGGER_TIME = 'endpoints.kubernetes.io/last-change-trigger-time';
/** The endpointslice controller's default --max-endpoints-per-slice. */
const MAX_ENDPOINTS_PER_SLICE = 100;

export interface ResolvedPort {
  name: string;
  port: number;
  protocol: string;
  appProtocol?: string;
}

const selectorOf = (svc: KubeObject): Record<string, string> | undefined =>
  svc.spec?.selector && Object.keys(svc.spec.selector).length > 0 ? svc.spec.selector : undefined;
const isHeadless = (svc: KubeObject): boolean => svc.spec?.clusterIP === 'None';
const isTerminal = (pod: KubeObject): boolean =>
  pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';

/**
 * podutil.FindPort for each of the Service's ports: a number is taken as is, a name is looked up
 * among the pod's container ports of the same protocol; a name no container has gives no port.
 */
export function resolvePorts(svc: KubeObject, pod: KubeObject): ResolvedPort[] {
  const containerPorts = ((pod.spec?.containers ?? []) as Json[]).flatMap((c) => (c.ports ?? []) as Json[]);
  const out: ResolvedPort[] = [];
  for (const sp of (svc.spec?.ports ?? []) as Json[]) {
    const protocol = sp.protocol ?? 'TCP';
    const target = sp.targetPort ?? sp.port;
    const port =
      typeof target === 'number'
        ? target
        : containerPorts.find((cp) => cp.name === target && (cp.protocol ?? 'TCP') === protocol)
            ?.containerPort;
    if (typeof port !== 'number') continue;
    out.push({
      name: sp.name ?? '',
      port,
      protocol,
      ...(sp.appProtocol ? { appProtocol: sp.appProtocol } : {}),
    });
  }
  return out;
}

/** A pod's DNS hostname under the Service: set when the pod names the Service as its subdomain. */
const hostnameUnder = (svc: KubeObject, pod: KubeObject): string | undefined =>
  pod.spec?.hostname && pod.spec.subdomain === svc.metadata.name ? String(pod.spec.hostname) : undefined;

const targetRefOf = (pod: KubeObject): Json => ({
  kind: 'Pod',
  namespace: pod.metadata.namespace,
  name: pod.metadata.name,
  uid: pod.metadata.uid,
});

const podAddress = (svc: KubeObject, pod: KubeObject): Json => {
  const hostname = hostnameUnder(svc, pod);
  return {
    ip: pod.status.podIP,
    ...(hostname ? { hostname } : {}),
    ...(pod.spec?.nodeName ? { nodeName: pod.spec.nodeName } : {}),
    targetRef: targetRefOf(pod),
  };
};

const byIp = (a: Json, b: Json): number =>
  a.ip < b.ip ? -1 : a.ip > b.ip ? 1 : String(a.targetRef?.uid).localeCompare(String(b.targetRef?.uid));

/**
 * The Endpoints subsets for a Service: ready pods under `addresses`, not-ready ones under
 * `notReadyAddresses`, addresses grouped by the set of ports they serve (RepackSubsets). Pods
 * that are terminal, have no IP yet, or are terminating (unless publishNotReadyAddresses) are out.
 */
export function endpointSubsets(svc: KubeObject, pods: readonly KubeObject[]): Json[] {
  const publishNotReady = Boolean(svc.spec?.publishNotReadyAddresses);
  const noPorts = ((svc.spec?.ports ?? []) as Json[]).length === 0 && isHeadless(svc);
  // One entry per (port set): addresses and their readiness, keyed by the ports' JSON.
  const byPort = new Map<
    string,
    { port?: ResolvedPort; members: Map<string, { addr: Json; ready: boolean }> }
  >();
  for (const pod of pods) {
    if (isTerminal(pod) || !pod.status?.podIP) continue;
    if (pod.metadata.deletionTimestamp && !publishNotReady) continue;
    const ready = publishNotReady || isPodReady(pod);
    const addr = podAddress(svc, pod);
    const ports: (ResolvedPort | undefined)[] = noPorts ? [undefined] : resolvePorts(svc, pod);
    for (const port of ports) {
      const key = JSON.stringify(port ?? null);
      let entry = byPort.get(key);
      if (!entry) byPort.set(key, (entry = { port, members: new Map() }));
      entry.members.set(`${addr.ip}/${pod.metadata.uid}`, { addr, ready });
    }
  }
  // Ports served by the same addresses share a subset.
  const subsets = new Map<string, { members: Map<string, { addr: Json; ready: boolean }>; ports: Json[] }>();
  for (const { port, members } of byPort.values()) {
    const key = JSON.stringify([...members.entries()].map(([id, m]) => [id, m.ready]).sort());
    let subset = subsets.get(key);
    if (!subset) subsets.set(key, (subset = { members, ports: [] }));
    if (port) {
      const { name, ...rest } = port;
      subset.ports.push({ ...(name ? { name } : {}), ...rest });
    }
  }
  return [...subsets.values()].map(({ members, ports }) => {
    const all = [...members.values()];
    const addresses = all.filter((m) => m.ready).map((m) => m.addr);
    const notReady = all.filter((m) => !m.ready).map((m) => m.addr);
    return {
      ...(addresses.length ? { addresses: addresses.sort(byIp) } : {}),
      ...(notReady.length ? { notReadyAddresses: notReady.sort(byIp) } : {}),
      ...(ports.length ? { ports } : {}),
    };
  });
}

interface SliceGroup {
  ports: ResolvedPort[];
  endpoints: Json[];
}

/**
 * The EndpointSlice contents for a Service: one endpoint per pod with an IP that is not terminal
 * (terminating pods stay, `terminating: true`), grouped by the ports resolved for it.
 */
export function sliceGroups(
  svc: KubeObject,
  pods: readonly KubeObject[],
  zoneOf: (node: string) => string | undefined,
): SliceGroup[] {
  const publishNotReady = Boolean(svc.spec?.publishNotReadyAddresses);
  const groups = new Map<string, SliceGroup>();
  for (const pod of pods) {
    if (isTerminal(pod) || !pod.status?.podIP) continue;
    const serving = publishNotReady || isPodReady(pod);
    const terminating = Boolean(pod.metadata.deletionTimestamp);
    const zone = pod.spec?.nodeName ? zoneOf(pod.spec.nodeName) : undefined;
    const hostname = hostnameUnder(svc, pod);
    const endpoint = {
      addresses: [pod.status.podIP],
      conditions: { ready: publishNotReady || (serving && !terminating), serving, terminating },
      ...(hostname ? { hostname } : {}),
      ...(pod.spec?.nodeName ? { nodeName: pod.spec.nodeName } : {}),
      targetRef: targetRefOf(pod),
      ...(zone ? { zone } : {}),
    };
    const ports = isHeadless(svc) && !(svc.spec?.ports ?? []).length ? [] : resolvePorts(svc, pod);
    const key = JSON.stringify(ports);
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { ports, endpoints: [] }));
    group.endpoints.push(endpoint);
  }
  return [...groups.values()];
}

/** The Service's labels on its endpoints, minus the ones the controllers set themselves. */
function copiedLabels(svc: KubeObject, drop: string[]): Record<string, string> {
  const labels = { ...svc.metadata.labels };
  for (const key of [...drop, HEADLESS_LABEL]) delete labels[key];
  if (isHeadless(svc)) labels[HEADLESS_LABEL] = '';
  return labels;
}

export function startEndpointsController(ctx: SimContext): () => void {
  const { store, clock } = ctx;
  /** The pods each service last listed, so a pod that stops matching (labels changed) is taken out. */
  const members = new Map<string, Set<string>>();
  const queue = workQueue(reconcile, (key, error) =>
    console.error(`sim: endpoints ${key}: ${String(error)}`),
  );

  function reconcile(key: string): void {
    const [namespace, name] = splitKey(key);
    const svc = store.get(K.services, namespace, name);
    if (!svc) {
      members.delete(key);
      // Only what the controllers made goes with the Service (the slices are also its dependents).
      if (store.get(K.endpoints, namespace, name)?.metadata.labels?.[ENDPOINTS_MANAGED_BY_LABEL])
        store.delete(K.endpoints, namespace, name);
      for (const slice of managedSlices(namespace, name))
        store.delete(K.endpointslices, namespace, slice.metadata.name);
      return;
    }
    const selector = selectorOf(svc);
    if (!selector || svc.spec?.type === 'ExternalName') {
      members.delete(key);
      return;
    }
    // Read-only views of the stored pods: the controllers copy what they keep.
    const pods = store
      .peek(K.pods, namespace)
      .filter((p) => matchesLabelSelector({ matchLabels: selector }, p.metadata.labels));
    members.set(key, new Set(pods.map((p) => p.metadata.name)));
    syncEndpoints(svc, pods);
    syncSlices(svc, pods);
  }

  function syncEndpoints(svc: KubeObject, pods: readonly KubeObject[]): void {
    const { namespace, name } = svc.metadata;
    const subsets = endpointSubsets(svc, pods);
    const labels = {
      ...copiedLabels(svc, [ENDPOINTS_MANAGED_BY_LABEL]),
      [ENDPOINTS_MANAGED_BY_LABEL]: 'endpoint-controller',
    };
    const current = store.get(K.endpoints, namespace, name);
    if (
      current &&
      isDeepStrictEqual(current.subsets ?? [], subsets) &&
      isDeepStrictEqual(current.metadata.labels ?? {}, labels)
    )
      return;
    const metadata = {
      ...(current?.metadata ?? { name, namespace }),
      labels,
      annotations: { ...current?.metadata.annotations, [TRIGGER_TIME]: clock.nowISO() },
    };
    const endpoints: KubeObject = {
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata,
      ...(subsets.length ? { subsets } : {}),
    };
    if (current) store.update(K.endpoints, endpoints);
    else store.create(K.endpoints, endpoints);
  }

  function managedSlices(namespace: string | undefined, service: string): KubeObject[] {
    return store
      .list(K.endpointslices, namespace)
      .filter(
        (s) =>
          s.metadata.labels?.[SERVICE_NAME_LABEL] === service &&
          s.metadata.labels?.[SLICE_MANAGED_BY_LABEL] === SLICE_CONTROLLER,
      );
  }

  function syncSlices(svc: KubeObject, pods: readonly KubeObject[]): void {
    const { namespace, name } = svc.metadata;
    const zoneOf = (node: string) =>
      store.get(K.nodes, undefined, node)?.metadata.labels?.['topology.kubernetes.io/zone'];
    const labels = {
      ...copiedLabels(svc, [SERVICE_NAME_LABEL, SLICE_MANAGED_BY_LABEL]),
      [SERVICE_NAME_LABEL]: name,
      [SLICE_MANAGED_BY_LABEL]: SLICE_CONTROLLER,
    };
    // Each group is cut into slices of at most MAX_ENDPOINTS_PER_SLICE; no endpoints at all is
    // one placeholder slice with neither endpoints nor ports, as the real controller keeps.
    const wanted: { ports: Json[] | null; endpoints: Json[] | null }[] = [];
    for (const group of sliceGroups(svc, pods, zoneOf)) {
      const ports = group.ports.length ? group.ports : null;
      for (let i = 0; i < group.endpoints.length; i += MAX_ENDPOINTS_PER_SLICE)
        wanted.push({ ports, endpoints: group.endpoints.slice(i, i + MAX_ENDPOINTS_PER_SLICE) });
    }
    if (wanted.length === 0) wanted.push({ ports: null, endpoints: null });
    const existing = managedSlices(namespace, name);
    const kept = new Set<string>();
    for (const want of wanted) {
      // Reuse a slice serving the same ports (an update, not a new name), else create one.
      const reuse = existing.find(
        (s) => !kept.has(s.metadata.name) && isDeepStrictEqual(s.ports ?? null, want.ports),
      );
      const trigger = { [TRIGGER_TIME]: clock.nowISO() };
      if (!reuse) {
        store.create(K.endpointslices, {
          apiVersion: 'discovery.k8s.io/v1',
          kind: 'EndpointSlice',
          metadata: {
            name: '',
            generateName: `${name}-`,
            namespace,
            labels,
            annotations: trigger,
            ownerReferences: [ownerRef(svc)],
          },
          addressType: 'IPv4',
          endpoints: want.endpoints,
          ports: want.ports,
        });
        continue;
      }
      kept.add(reuse.metadata.name);
      if (
        isDeepStrictEqual(reuse.endpoints ?? null, want.endpoints) &&
        isDeepStrictEqual(reuse.metadata.labels ?? {}, labels)
      )
        continue;
      store.update(K.endpointslices, {
        ...reuse,
        metadata: { ...reuse.metadata, labels, annotations: { ...reuse.metadata.annotations, ...trigger } },
        endpoints: want.endpoints,
        ports: want.ports,
      });
    }
    for (const slice of existing)
      if (!kept.has(slice.metadata.name)) store.delete(K.endpointslices, namespace, slice.metadata.name);
  }

  /** Services that select the pod now, or listed it last time. */
  function servicesOf(pod: KubeObject, deleted: boolean): Set<string> {
    const ns = pod.metadata.namespace;
    const keys = new Set<string>();
    for (const [key, pods] of members)
      if (pods.has(pod.metadata.name) && splitKey(key)[0] === ns) keys.add(key);
    if (deleted) return keys;
    for (const svc of store.peek(K.services, ns)) {
      const selector = selectorOf(svc);
      if (selector && matchesLabelSelector({ matchLabels: selector }, pod.metadata.labels))
        keys.add(objectKey(ns, svc.metadata.name));
    }
    return keys;
  }

  for (const svc of store.list(K.services)) queue.add(objectKey(svc.metadata.namespace, svc.metadata.name));
  const stops = [
    store.watch(K.services, {}, (e) =>
      queue.add(objectKey(e.object.metadata.namespace, e.object.metadata.name)),
    ),
    store.watch(K.pods, {}, (e) => {
      for (const key of servicesOf(e.object, e.type === 'DELETED')) queue.add(key);
    }),
    // Someone else editing or deleting what the controllers keep: put it back.
    store.watch(K.endpoints, {}, (e) => {
      if (e.object.metadata.labels?.[ENDPOINTS_MANAGED_BY_LABEL])
        queue.add(objectKey(e.object.metadata.namespace, e.object.metadata.name));
    }),
    store.watch(K.endpointslices, {}, (e) => {
      const service = e.object.metadata.labels?.[SERVICE_NAME_LABEL];
      if (service && e.object.metadata.labels?.[SLICE_MANAGED_BY_LABEL] === SLICE_CONTROLLER)
        queue.add(objectKey(e.object.metadata.namespace, service));
    }),
  ];
  return () => {
    for (const stop of stops) stop();
    queue.stop();
  };
}
