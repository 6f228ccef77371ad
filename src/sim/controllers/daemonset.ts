// DaemonSet controller: one pod per node the pod may run on (nodeSelector, and the node's taints
// against the pod's tolerations plus the defaults the real controller adds), pinned to its node
// by required node affinity on `metadata.name` for the scheduler to honour; rolling updates
// within maxUnavailable, OnDelete.
import { isDeepStrictEqual } from 'node:util';
import { tolerates, type TaintMatch, type Toleration } from '../../kube/scheduling.js';
import type { SimContext } from '../context.js';
import { recordEvent } from '../events.js';
import type { KubeObject } from '../objects.js';
import { deletePod, isOwnedBy, isPodReady, ownerRef } from '../pods.js';
import { K } from '../resources.js';
import { templateHash } from './hash.js';
import { objectKey, splitKey, workQueue } from './queue.js';

const COMPONENT = 'daemonset-controller';

/** What the real controller adds to every daemon pod (util.AddOrUpdateDaemonPodTolerations). */
export const DEFAULT_DAEMON_TOLERATIONS: Toleration[] = [
  { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' },
  { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' },
  { key: 'node.kubernetes.io/disk-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/memory-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/pid-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' },
];
const HOST_NETWORK_TOLERATION: Toleration = {
  key: 'node.kubernetes.io/network-unavailable',
  operator: 'Exists',
  effect: 'NoSchedule',
};

/** The pod's tolerations with the daemon defaults merged in (a same key and effect is replaced). */
export function daemonTolerations(podSpec: {
  tolerations?: Toleration[];
  hostNetwork?: boolean;
}): Toleration[] {
  const out = [...(podSpec.tolerations ?? [])];
  const defaults = [...DEFAULT_DAEMON_TOLERATIONS, ...(podSpec.hostNetwork ? [HOST_NETWORK_TOLERATION] : [])];
  for (const d of defaults) {
    const i = out.findIndex((t) => t.key === d.key && t.effect === d.effect);
    if (i >= 0) out[i] = d;
    else out.push(d);
  }
  return out;
}

export interface Placement {
  /** A pod should be created on the node. */
  shouldRun: boolean;
  /** An existing pod may stay (only NoExecute taints evict). */
  shouldContinueRunning: boolean;
}

/** Whether a daemon pod with this spec belongs on the node (nodeShouldRunDaemonPod). */
export function placement(
  node: { metadata: { labels?: Record<string, string> }; spec?: { taints?: TaintMatch[] } },
  podSpec: { nodeSelector?: Record<string, string>; tolerations?: Toleration[]; hostNetwork?: boolean },
): Placement {
  const labels = node.metadata.labels ?? {};
  const selected = Object.entries(podSpec.nodeSelector ?? {}).every(([k, v]) => labels[k] === v);
  if (!selected) return { shouldRun: false, shouldContinueRunning: false };
  const tolerations = daemonTolerations(podSpec);
  const untolerated = (node.spec?.taints ?? []).filter(
    (taint) => taint.effect !== 'PreferNoSchedule' && !tolerations.some((t) => tolerates(t, taint)),
  );
  return {
    shouldRun: untolerated.length === 0,
    shouldContinueRunning: !untolerated.some((t) => t.effect === 'NoExecute'),
  };
}

/** Required node affinity that pins a daemon pod to one node (util.ReplaceDaemonSetPodNodeNameNodeAffinity). */
export function nodeAffinityFor(nodeName: string): Record<string, unknown> {
  return {
    nodeAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: {
        nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [nodeName] }] }],
      },
    },
  };
}

/** The node a daemon pod is for: its affinity's metadata.name, else where it runs. */
function targetNode(pod: KubeObject): string | undefined {
  const terms =
    pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? [];
  for (const term of terms)
    for (const f of term.matchFields ?? [])
      if (f.key === 'metadata.name' && f.values?.length) return f.values[0];
  return pod.spec?.nodeName;
}

/** maxUnavailable: an int or a percentage of desired, rounded up as the DaemonSet controller does (at least 1). */
function maxUnavailableOf(value: unknown, desired: number): number {
  const m = /^(\d+)%$/.exec(String(value ?? 1));
  const n = m ? Math.ceil((Number(m[1]) * desired) / 100) : Number(value ?? 1);
  return Math.max(1, n || 0);
}

export function startDaemonSetController(ctx: SimContext): () => void {
  const { store } = ctx;
  const queue = workQueue(reconcile, (key, error) =>
    console.error(`sim: daemonset ${key}: ${String(error)}`),
  );

  function createPod(ds: KubeObject, nodeName: string, revision: string): void {
    const template = ds.spec.template ?? {};
    const spec = structuredClone(template.spec ?? {});
    spec.tolerations = daemonTolerations(spec);
    spec.affinity = { ...spec.affinity, ...nodeAffinityFor(nodeName) };
    const pod = store.create(K.pods, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: '',
        generateName: `${ds.metadata.name}-`,
        namespace: ds.metadata.namespace,
        labels: {
          ...template.metadata?.labels,
          'controller-revision-hash': revision,
          'pod-template-generation': String(ds.metadata.generation ?? 1),
        },
        annotations: { ...template.metadata?.annotations },
        ownerReferences: [ownerRef(ds)],
      },
      spec,
      status: { phase: 'Pending', qosClass: 'Burstable' },
    });
    recordEvent(ctx, ds, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata.name}`, COMPONENT);
  }

  function remove(ds: KubeObject, pod: KubeObject): void {
    deletePod(ctx, pod);
    recordEvent(ctx, ds, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name}`, COMPONENT);
  }

  function reconcile(key: string): void {
    const [namespace, name] = splitKey(key);
    const ds = store.get(K.daemonsets, namespace, name);
    if (!ds) return;
    const revision = templateHash(ds.spec.template ?? {});
    const podSpec = ds.spec.template?.spec ?? {};
    const nodes = store.list(K.nodes);
    const pods = store
      .list(K.pods, namespace)
      .filter((p) => isOwnedBy(p, ds.metadata.uid) && !p.metadata.deletionTimestamp);
    const byNode = new Map<string, KubeObject[]>();
    for (const pod of pods) {
      const node = targetNode(pod) ?? '';
      byNode.set(node, [...(byNode.get(node) ?? []), pod]);
    }
    const desiredNodes = new Set<string>();
    let misscheduled = 0;
    for (const node of nodes) {
      const nodeName = node.metadata.name;
      const place = placement(node, podSpec);
      const onNode = (byNode.get(nodeName) ?? []).sort((a, b) =>
        String(a.metadata.creationTimestamp).localeCompare(String(b.metadata.creationTimestamp)),
      );
      byNode.delete(nodeName);
      if (place.shouldRun) desiredNodes.add(nodeName);
      else if (onNode.length) misscheduled++;
      const failed = onNode.filter((p) => p.status?.phase === 'Failed');
      for (const pod of failed) {
        recordEvent(
          ctx,
          ds,
          'Warning',
          'FailedDaemonPod',
          `Found failed daemon pod ${namespace}/${pod.metadata.name} on node ${nodeName}, will try to kill it`,
          COMPONENT,
        );
        remove(ds, pod);
      }
      const alive = onNode.filter((p) => p.status?.phase !== 'Failed');
      if (!place.shouldContinueRunning) for (const pod of alive) remove(ds, pod);
      else if (alive.length > 1) for (const pod of alive.slice(1)) remove(ds, pod);
      else if (alive.length === 0 && failed.length === 0 && place.shouldRun)
        createPod(ds, nodeName, revision);
    }
    // Pods for nodes that no longer exist.
    for (const orphaned of byNode.values()) for (const pod of orphaned) remove(ds, pod);
    rollOut(ds, revision, desiredNodes.size);
    updateStatus(ds, revision, desiredNodes, misscheduled);
  }

  /** RollingUpdate: replace outdated pods, unready ones first, while at most maxUnavailable are down. */
  function rollOut(ds: KubeObject, revision: string, desired: number): void {
    const strategy = ds.spec.updateStrategy ?? { type: 'RollingUpdate' };
    if (strategy.type === 'OnDelete') return;
    const pods = store
      .list(K.pods, ds.metadata.namespace)
      .filter((p) => isOwnedBy(p, ds.metadata.uid) && !p.metadata.deletionTimestamp);
    const outdated = pods.filter((p) => p.metadata.labels?.['controller-revision-hash'] !== revision);
    if (outdated.length === 0) return;
    const unavailable = desired - pods.filter(isPodReady).length;
    let budget = maxUnavailableOf(strategy.rollingUpdate?.maxUnavailable, desired) - Math.max(0, unavailable);
    for (const pod of outdated.filter((p) => !isPodReady(p))) remove(ds, pod);
    for (const pod of outdated.filter(isPodReady)) {
      if (budget-- <= 0) break;
      remove(ds, pod);
    }
  }

  function updateStatus(
    ds: KubeObject,
    revision: string,
    desiredNodes: Set<string>,
    misscheduled: number,
  ): void {
    const pods = store
      .list(K.pods, ds.metadata.namespace)
      .filter((p) => isOwnedBy(p, ds.metadata.uid) && !p.metadata.deletionTimestamp);
    const scheduled = pods.filter((p) => desiredNodes.has(targetNode(p) ?? ''));
    const ready = scheduled.filter(isPodReady).length;
    const desired = desiredNodes.size;
    const status = {
      currentNumberScheduled: new Set(scheduled.map(targetNode)).size,
      numberMisscheduled: misscheduled,
      desiredNumberScheduled: desired,
      numberReady: ready,
      observedGeneration: ds.metadata.generation ?? 1,
      updatedNumberScheduled: scheduled.filter(
        (p) => p.metadata.labels?.['controller-revision-hash'] === revision,
      ).length,
      numberAvailable: ready,
      ...(desired - ready > 0 ? { numberUnavailable: desired - ready } : {}),
    };
    if (!isDeepStrictEqual(ds.status, status))
      store.modify(K.daemonsets, ds.metadata.namespace, ds.metadata.name, (o) => void (o.status = status));
  }

  const all = (): void => {
    for (const ds of store.list(K.daemonsets)) queue.add(objectKey(ds.metadata.namespace, ds.metadata.name));
  };
  all();
  const stops = [
    store.watch(K.daemonsets, {}, (e) => {
      if (e.type !== 'DELETED') queue.add(objectKey(e.object.metadata.namespace, e.object.metadata.name));
    }),
    store.watch(K.pods, {}, (e) => {
      for (const ref of e.object.metadata.ownerReferences ?? [])
        if (ref.kind === 'DaemonSet') queue.add(objectKey(e.object.metadata.namespace, ref.name));
    }),
    // A node added, relabelled or tainted changes where daemon pods belong.
    store.watch(K.nodes, {}, all),
  ];
  return () => {
    stops.forEach((stop) => stop());
    queue.stop();
  };
}
