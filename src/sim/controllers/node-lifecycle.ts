// Node lifecycle: the node controller's taints from a node's conditions and spec.unschedulable
// (added with timeAdded, removed when the condition clears), its NodeNotReady event, and the
// taint-eviction controller, which deletes pods that do not tolerate a NoExecute taint — at once,
// or after the smallest tolerationSeconds among the tolerations that match (simulated time).
// There is no heartbeat: a node goes NotReady or Unknown when its status is written so.
import type { SimContext } from '../context.js';
import { recordEvent } from '../events.js';
import type { KubeObject } from '../objects.js';
import { deletePod } from '../pods.js';
import { K } from '../resources.js';
import { tolerates, type Taint, type Toleration } from '../../kube/scheduling.js';
import { objectKey, splitKey, workQueue } from './queue.js';

const PREFIX = 'node.kubernetes.io/';

/** The taints the node controller owns; any other taint on a node is left alone. */
const MANAGED = new Set(
  [
    'not-ready',
    'unreachable',
    'memory-pressure',
    'disk-pressure',
    'pid-pressure',
    'network-unavailable',
    'unschedulable',
  ].map((k) => PREFIX + k),
);

/** The node controller's taints for this node's conditions, as key:effect pairs. */
export function conditionTaints(node: KubeObject): { key: string; effect: string }[] {
  const status = (type: string): string | undefined =>
    (node.status?.conditions ?? []).find((c: { type: string }) => c.type === type)?.status;
  const taints: { key: string; effect: string }[] = [];
  const both = (key: string) => taints.push({ key, effect: 'NoSchedule' }, { key, effect: 'NoExecute' });
  const ready = status('Ready');
  if (ready === 'False') both(`${PREFIX}not-ready`);
  else if (ready === 'Unknown') both(`${PREFIX}unreachable`);
  for (const [type, key] of [
    ['MemoryPressure', 'memory-pressure'],
    ['DiskPressure', 'disk-pressure'],
    ['PIDPressure', 'pid-pressure'],
    ['NetworkUnavailable', 'network-unavailable'],
  ] as const)
    if (status(type) === 'True') taints.push({ key: PREFIX + key, effect: 'NoSchedule' });
  if (node.spec?.unschedulable) taints.push({ key: `${PREFIX}unschedulable`, effect: 'NoSchedule' });
  return taints;
}

const sameTaint = (a: Taint, b: { key: string; effect: string }): boolean =>
  a.key === b.key && a.effect === b.effect;

/**
 * When the taint-eviction controller deletes a pod on a node with these taints: undefined =
 * never (everything tolerated for ever), otherwise epoch ms (`now` for an untolerated taint).
 */
export function evictionTime(
  tolerations: Toleration[] | undefined,
  taints: readonly Taint[],
  now: number,
): number | undefined {
  let at: number | undefined;
  for (const taint of taints) {
    if (taint.effect !== 'NoExecute') continue;
    const matching = (tolerations ?? []).filter((t) => tolerates(t, taint));
    if (matching.length === 0) return now;
    const seconds = matching
      .map((t) => t.tolerationSeconds)
      .filter((s): s is number => typeof s === 'number');
    if (seconds.length === 0) continue;
    const since = taint.timeAdded ? Date.parse(taint.timeAdded) : now;
    const when = since + Math.max(0, Math.min(...seconds)) * 1000;
    at = at === undefined ? when : Math.min(at, when);
  }
  return at;
}

export function startNodeLifecycleController(ctx: SimContext): () => void {
  const { store, clock } = ctx;
  const onError = (key: string, error: unknown) =>
    console.error(`sim: node-lifecycle ${key}: ${String(error)}`);
  const nodes = workQueue(syncNode, onError);
  const pods = workQueue(syncPod, onError);
  /** Pending evictions by pod key. */
  const timers = new Map<string, { at: number; timer: NodeJS.Timeout }>();

  function syncNode(name: string): void {
    const node = store.get(K.nodes, undefined, name);
    if (!node) return;
    const current = (node.spec?.taints ?? []) as Taint[];
    const wanted = conditionTaints(node);
    const now = clock.nowISO();
    const kept = current.filter((t) => !MANAGED.has(t.key) || wanted.some((w) => sameTaint(t, w)));
    const added = wanted
      .filter((w) => !current.some((t) => sameTaint(t, w)))
      .map((w) => ({ ...w, timeAdded: now }));
    if (added.length > 0 || kept.length !== current.length) {
      store.modify(K.nodes, undefined, name, (n) => {
        const taints = [...kept, ...added];
        if (taints.length > 0) n.spec = { ...n.spec, taints };
        else delete n.spec?.taints;
      });
    }
    if (
      added.some((t) => t.key === `${PREFIX}not-ready` || t.key === `${PREFIX}unreachable`) &&
      !current.some((t) => t.key === `${PREFIX}not-ready` || t.key === `${PREFIX}unreachable`)
    )
      recordEvent(
        ctx,
        node,
        'Normal',
        'NodeNotReady',
        `Node ${name} status is now: NodeNotReady`,
        'node-controller',
      );
    // Only a NoExecute taint (or one gone, cancelling an eviction) concerns the node's pods.
    const noExecute = (t: Taint) => t.effect === 'NoExecute';
    if (current.some(noExecute) || added.some(noExecute))
      for (const p of store.peek(K.pods))
        if (p.spec?.nodeName === name) pods.add(objectKey(p.metadata.namespace, p.metadata.name));
  }

  function cancel(key: string): void {
    const pending = timers.get(key);
    if (pending) clock.clear(pending.timer);
    timers.delete(key);
  }

  function syncPod(key: string): void {
    const [namespace, name] = splitKey(key);
    const pod = store.get(K.pods, namespace, name);
    const node = pod?.spec?.nodeName ? store.get(K.nodes, undefined, pod.spec.nodeName) : undefined;
    if (!pod || !node || pod.metadata.deletionTimestamp) return cancel(key);
    const at = evictionTime(pod.spec?.tolerations, (node.spec?.taints ?? []) as Taint[], clock.now());
    if (at === undefined) return cancel(key);
    if (at <= clock.now()) {
      cancel(key);
      return evict(pod);
    }
    if (timers.get(key)?.at === at) return;
    cancel(key);
    timers.set(key, {
      at,
      timer: clock.setTimeout(() => (timers.delete(key), pods.add(key)), at - clock.now()),
    });
  }

  function evict(pod: KubeObject): void {
    const { namespace, name } = pod.metadata;
    recordEvent(
      ctx,
      pod,
      'Normal',
      'TaintManagerEviction',
      `Marking for deletion Pod ${namespace}/${name}`,
      'taint-eviction-controller',
    );
    const marked = store.modify(K.pods, namespace, name, (p) => {
      const conditions = (p.status?.conditions ?? []).filter(
        (c: { type: string }) => c.type !== 'DisruptionTarget',
      );
      p.status = {
        ...p.status,
        conditions: [
          ...conditions,
          {
            type: 'DisruptionTarget',
            status: 'True',
            reason: 'DeletionByTaintManager',
            message: 'Taint manager: deleting due to NoExecute taint',
            observedGeneration: p.metadata.generation ?? 1,
            lastProbeTime: null,
            lastTransitionTime: clock.nowISO(),
          },
        ],
      };
    });
    deletePod(ctx, marked);
  }

  for (const n of store.peek(K.nodes)) nodes.add(n.metadata.name);
  const stops = [
    store.watch(K.nodes, {}, (e) => {
      if (e.type !== 'DELETED') nodes.add(e.object.metadata.name);
    }),
    store.watch(K.pods, {}, (e) => {
      const key = objectKey(e.object.metadata.namespace, e.object.metadata.name);
      if (e.type === 'DELETED') cancel(key);
      else if (e.object.spec?.nodeName) pods.add(key);
    }),
  ];
  return () => {
    stops.forEach((stop) => stop());
    for (const key of [...timers.keys()]) cancel(key);
    nodes.stop();
    pods.stop();
  };
}
