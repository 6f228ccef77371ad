// ReplicaSet controller: keeps spec.replicas pods alive and reports how many are ready.
import { isDeepStrictEqual } from 'node:util';
import type { SimContext } from '../context.js';
import { applyDefaults } from '../defaults.js';
import { recordEvent } from '../events.js';
import type { KubeObject } from '../objects.js';
import { deletePod, isOwnedBy, isPodReady, ownerRef } from '../pods.js';
import { K } from '../resources.js';
import { objectKey, splitKey, workQueue } from './queue.js';

const withDefaults = (pod: KubeObject): KubeObject => (applyDefaults(pod), pod);

/** Surplus pods go in this order: unscheduled, then not ready, then newest. */
function deletionOrder(a: KubeObject, b: KubeObject): number {
  const rank = (p: KubeObject): number => (!p.spec?.nodeName ? 0 : !isPodReady(p) ? 1 : 2);
  return (
    rank(a) - rank(b) ||
    String(b.metadata.creationTimestamp).localeCompare(String(a.metadata.creationTimestamp))
  );
}

export function startReplicaSetController(ctx: SimContext): () => void {
  const { store } = ctx;
  const queue = workQueue(reconcile, (key, error) =>
    console.error(`sim: replicaset ${key}: ${String(error)}`),
  );

  function reconcile(key: string): void {
    const [namespace, name] = splitKey(key);
    const rs = store.get(K.replicasets, namespace, name);
    if (!rs) return;
    const pods = store.list(K.pods, namespace).filter((p) => isOwnedBy(p, rs.metadata.uid));
    const active = pods.filter(
      (p) => !p.metadata.deletionTimestamp && p.status?.phase !== 'Failed' && p.status?.phase !== 'Succeeded',
    );
    const want = rs.spec?.replicas ?? 1;
    if (active.length < want) {
      for (let i = active.length; i < want; i++) {
        const template = rs.spec.template ?? {};
        // Admitted as the API server admits every pod (default tolerations).
        const pod = store.create(
          K.pods,
          withDefaults({
            apiVersion: 'v1',
            kind: 'Pod',
            metadata: {
              name: '',
              generateName: `${rs.metadata.name}-`,
              namespace,
              labels: { ...template.metadata?.labels },
              annotations: { ...template.metadata?.annotations },
              ownerReferences: [ownerRef(rs)],
            },
            spec: structuredClone(template.spec),
            status: { phase: 'Pending', qosClass: 'Burstable' },
          }),
        );
        recordEvent(
          ctx,
          rs,
          'Normal',
          'SuccessfulCreate',
          `Created pod: ${pod.metadata.name}`,
          'replicaset-controller',
        );
      }
    } else if (active.length > want) {
      for (const pod of [...active].sort(deletionOrder).slice(0, active.length - want)) {
        deletePod(ctx, pod);
        recordEvent(
          ctx,
          rs,
          'Normal',
          'SuccessfulDelete',
          `Deleted pod: ${pod.metadata.name}`,
          'replicaset-controller',
        );
      }
    }
    const current = store
      .list(K.pods, namespace)
      .filter((p) => isOwnedBy(p, rs.metadata.uid) && !p.metadata.deletionTimestamp);
    const ready = current.filter(isPodReady).length;
    const status = {
      replicas: current.length,
      fullyLabeledReplicas: current.length,
      readyReplicas: ready,
      availableReplicas: ready,
      observedGeneration: rs.metadata.generation ?? 1,
    };
    if (!isDeepStrictEqual(rs.status, status))
      store.modify(K.replicasets, namespace, name, (o) => void (o.status = status));
  }

  for (const rs of store.list(K.replicasets)) queue.add(objectKey(rs.metadata.namespace, rs.metadata.name));
  const unwatchRs = store.watch(K.replicasets, {}, (e) => {
    if (e.type !== 'DELETED') queue.add(objectKey(e.object.metadata.namespace, e.object.metadata.name));
  });
  const unwatchPods = store.watch(K.pods, {}, (e) => {
    for (const ref of e.object.metadata.ownerReferences ?? []) {
      if (ref.kind === 'ReplicaSet') queue.add(objectKey(e.object.metadata.namespace, ref.name));
    }
  });
  return () => {
    unwatchRs();
    unwatchPods();
    queue.stop();
  };
}
