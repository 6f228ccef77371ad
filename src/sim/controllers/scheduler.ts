// Scheduler: binds each pending pod to the node scheduleDecision picks (src/sim/scheduling.ts),
// or leaves it Pending with kube-scheduler's FailedScheduling message. A pod whose
// WaitForFirstConsumer claims are unbound first names the node on them
// (`volume.kubernetes.io/selected-node`) and is bound once the volume controller has bound them,
// as the VolumeBinding plugin's PreBind waits.
import type { SimContext } from '../context.js';
import { recordEvent } from '../events.js';
import type { KubeObject } from '../objects.js';
import { K } from '../resources.js';
import { podRequests, scheduleDecision, type NodeUsage } from '../scheduling.js';
import { objectKey, splitKey, workQueue } from './queue.js';

export const SELECTED_NODE = 'volume.kubernetes.io/selected-node';

const isPending = (pod: KubeObject): boolean =>
  !pod.spec?.nodeName &&
  !pod.metadata.deletionTimestamp &&
  (pod.spec?.schedulerName ?? 'default-scheduler') === 'default-scheduler';

export function startScheduler(ctx: SimContext): () => void {
  const { store, clock } = ctx;
  const queue = workQueue(schedule, (key, error) => console.error(`sim: scheduler ${key}: ${String(error)}`));

  function usageByNode(): Map<string, NodeUsage> {
    const used = new Map<string, NodeUsage>();
    for (const p of store.peek(K.pods)) {
      const node = p.spec?.nodeName;
      if (!node || p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed') continue;
      const u = used.get(node) ?? { cpu: 0, memory: 0, pods: 0 };
      const r = podRequests(p);
      used.set(node, { cpu: u.cpu + r.cpu, memory: u.memory + r.memory, pods: u.pods + 1 });
    }
    return used;
  }

  function schedule(key: string): void {
    const [namespace, name] = splitKey(key);
    const pod = store.get(K.pods, namespace, name);
    if (!pod || !isPending(pod)) return;
    const decision = scheduleDecision(pod, store.peek(K.nodes), usageByNode(), {
      claims: store.peek(K.pvcs, namespace),
      volumes: store.peek(K.pvs),
      classes: store.peek(K.storageclasses),
    });
    const now = clock.nowISO();
    if ('node' in decision) {
      const nodeName = decision.node;
      if (decision.claimsToProvision.length > 0) {
        // The volume controller binds them; their change brings the pod back here.
        for (const claim of decision.claimsToProvision) {
          store.modify(K.pvcs, namespace, claim, (pvc) => {
            pvc.metadata.annotations = { ...pvc.metadata.annotations, [SELECTED_NODE]: nodeName };
          });
        }
        return;
      }
      const bound = store.modify(K.pods, namespace, name, (p) => {
        p.spec.nodeName = nodeName;
        p.status = {
          ...p.status,
          conditions: [
            { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: now },
          ],
        };
      });
      recordEvent(
        ctx,
        bound,
        'Normal',
        'Scheduled',
        `Successfully assigned ${namespace}/${name} to ${nodeName}`,
        'default-scheduler',
      );
      return;
    }
    const message = decision.unschedulable;
    const current = (pod.status?.conditions ?? []).find((c: { type: string }) => c.type === 'PodScheduled');
    if (current?.message !== message) {
      store.modify(K.pods, namespace, name, (p) => {
        p.status = {
          ...p.status,
          phase: 'Pending',
          conditions: [
            {
              type: 'PodScheduled',
              status: 'False',
              reason: 'Unschedulable',
              message,
              lastProbeTime: null,
              lastTransitionTime: now,
            },
          ],
        };
      });
    }
    recordEvent(ctx, pod, 'Warning', 'FailedScheduling', message, 'default-scheduler');
  }

  const retryPending = (): void => {
    for (const p of store.peek(K.pods))
      if (isPending(p)) queue.add(objectKey(p.metadata.namespace, p.metadata.name));
  };
  retryPending();
  const retrySoon = (): void => void setImmediate(retryPending);
  const stops = [
    store.watch(K.pods, {}, (e) => {
      if (e.type === 'ADDED' && isPending(e.object))
        queue.add(objectKey(e.object.metadata.namespace, e.object.metadata.name));
      // Freed capacity may fit a pending pod now.
      if (e.type === 'DELETED') retrySoon();
    }),
    store.watch(K.nodes, {}, retrySoon),
    // A claim bound, created or deleted changes what VolumeBinding says.
    store.watch(K.pvcs, {}, retrySoon),
    store.watch(K.pvs, {}, retrySoon),
  ];
  // Also retry on a slow period, as the real scheduler's backoff queue does.
  const timer = clock.setInterval(retryPending, 30_000);
  return () => {
    stops.forEach((stop) => stop());
    clock.clear(timer);
    queue.stop();
  };
}
