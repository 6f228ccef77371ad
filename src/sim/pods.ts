// Pod deletion as the API server does it: a scheduled pod with a grace period is marked with a
// deletionTimestamp (Terminating) and the kubelet removes it; anything else goes at once.
import type { SimContext } from './context.js';
import type { KubeObject } from './objects.js';
import { K } from './resources.js';

export function deletePod(ctx: SimContext, pod: KubeObject, graceSeconds?: number): KubeObject {
  const grace = graceSeconds ?? pod.spec?.terminationGracePeriodSeconds ?? 30;
  if (grace > 0 && pod.spec?.nodeName) {
    if (pod.metadata.deletionTimestamp) return pod;
    const marked = { ...pod, metadata: { ...pod.metadata } };
    marked.metadata.deletionTimestamp = new Date(ctx.clock.now() + grace * 1000)
      .toISOString()
      .replace(/\.\d{3}Z$/, 'Z');
    marked.metadata.deletionGracePeriodSeconds = grace;
    return ctx.store.update(K.pods, marked);
  }
  return ctx.store.delete(K.pods, pod.metadata.namespace, pod.metadata.name);
}

export function isPodReady(pod: KubeObject): boolean {
  return (pod.status?.conditions ?? []).some(
    (c: { type: string; status: string }) => c.type === 'Ready' && c.status === 'True',
  );
}

export function isOwnedBy(obj: KubeObject, uid: string | undefined): boolean {
  return (obj.metadata.ownerReferences ?? []).some((ref) => ref.uid === uid);
}

export function ownerRef(owner: KubeObject): NonNullable<KubeObject['metadata']['ownerReferences']>[number] {
  return {
    apiVersion: owner.apiVersion,
    kind: owner.kind,
    name: owner.metadata.name,
    uid: owner.metadata.uid!,
    controller: true,
    blockOwnerDeletion: true,
  };
}
