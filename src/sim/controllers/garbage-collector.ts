// Garbage collector: when an owner goes, its dependents go too (deployment → replicasets → pods,
// cronjob → jobs → pods, statefulset and daemonset → pods). A StatefulSet's claims stay, as with
// the real default `whenDeleted: Retain`: the controller gives them an ownerReference only for
// `whenDeleted: Delete`.
import type { SimContext } from '../context.js';
import { deletePod, isOwnedBy } from '../pods.js';
import { K } from '../resources.js';

const OWNER_KINDS = [K.deployments, K.replicasets, K.statefulsets, K.daemonsets, K.jobs, K.cronjobs] as const;
const DEPENDENT_KINDS = [K.replicasets, K.jobs, K.pods, K.pvcs] as const;

export function startGarbageCollector(ctx: SimContext): () => void {
  const { store } = ctx;
  const collect = (owner: { metadata: { uid?: string; namespace?: string } }): void => {
    setImmediate(() => {
      for (const key of DEPENDENT_KINDS) {
        for (const obj of store.list(key, owner.metadata.namespace)) {
          if (!isOwnedBy(obj, owner.metadata.uid)) continue;
          if (key === K.pods) deletePod(ctx, obj);
          else if (store.get(key, obj.metadata.namespace, obj.metadata.name))
            store.delete(key, obj.metadata.namespace, obj.metadata.name);
        }
      }
    });
  };
  const stops = OWNER_KINDS.map((key) =>
    store.watch(key, {}, (e) => {
      if (e.type === 'DELETED') collect(e.object);
    }),
  );
  return () => stops.forEach((stop) => stop());
}
