// Scheduler: binds each pending pod to the node with the most free CPU that fits its requests,
// or leaves it Pending with the real FailedScheduling message.
import { bytes, cpuMillis } from '../../cluster/quantity.js';
import type { SimContext } from '../context.js';
import { recordEvent } from '../events.js';
import type { KubeObject } from '../objects.js';
import { K } from '../resources.js';
import { objectKey, splitKey, workQueue } from './queue.js';

function podRequests(pod: KubeObject): { cpu: number; memory: number } {
  let cpu = 0;
  let memory = 0;
  for (const c of pod.spec?.containers ?? []) {
    cpu += cpuMillis(c.resources?.requests?.cpu) ?? 0;
    memory += bytes(c.resources?.requests?.memory) ?? 0;
  }
  return { cpu, memory };
}

const isPending = (pod: KubeObject): boolean => !pod.spec?.nodeName && !pod.metadata.deletionTimestamp;

export function startScheduler(ctx: SimContext): () => void {
  const { store, clock } = ctx;
  const queue = workQueue(schedule, (key, error) => console.error(`sim: scheduler ${key}: ${String(error)}`));

  function schedule(key: string): void {
    const [namespace, name] = splitKey(key);
    const pod = store.get(K.pods, namespace, name);
    if (!pod || !isPending(pod)) return;
    const want = podRequests(pod);
    const nodes = store.list(K.nodes).filter((n) => !n.spec?.unschedulable);
    const used = new Map<string, { cpu: number; memory: number; pods: number }>();
    for (const p of store.list(K.pods)) {
      const node = p.spec?.nodeName;
      if (!node || p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed') continue;
      const u = used.get(node) ?? { cpu: 0, memory: 0, pods: 0 };
      const r = podRequests(p);
      used.set(node, { cpu: u.cpu + r.cpu, memory: u.memory + r.memory, pods: u.pods + 1 });
    }
    const reasons = new Map<string, number>();
    let best: { node: KubeObject; free: number } | undefined;
    for (const node of nodes) {
      const alloc = node.status?.allocatable ?? {};
      const u = used.get(node.metadata.name) ?? { cpu: 0, memory: 0, pods: 0 };
      const freeCpu = (cpuMillis(alloc.cpu) ?? 0) - u.cpu;
      const freeMem = (bytes(alloc.memory) ?? 0) - u.memory;
      const misses = [
        ...(want.cpu > freeCpu ? ['Insufficient cpu'] : []),
        ...(want.memory > freeMem ? ['Insufficient memory'] : []),
        ...(u.pods >= Number(alloc.pods ?? 110) ? ['Too many pods'] : []),
      ];
      for (const m of misses) reasons.set(m, (reasons.get(m) ?? 0) + 1);
      if (misses.length === 0 && (!best || freeCpu > best.free)) best = { node, free: freeCpu };
    }
    const now = clock.nowISO();
    if (best) {
      const nodeName = best.node.metadata.name;
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
    const detail = [...reasons].map(([reason, count]) => `${count} ${reason}`).join(', ');
    const message = `0/${nodes.length} nodes are available: ${detail || 'no nodes registered'}. preemption: 0/${nodes.length} nodes are available: ${nodes.length} No preemption victims found for incoming pod.`;
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
    for (const p of store.list(K.pods))
      if (isPending(p)) queue.add(objectKey(p.metadata.namespace, p.metadata.name));
  };
  retryPending();
  const stops = [
    store.watch(K.pods, {}, (e) => {
      if (e.type === 'ADDED' && isPending(e.object))
        queue.add(objectKey(e.object.metadata.namespace, e.object.metadata.name));
      // Freed capacity may fit a pending pod now.
      if (e.type === 'DELETED') setImmediate(retryPending);
    }),
    store.watch(K.nodes, {}, () => setImmediate(retryPending)),
  ];
  // Also retry on a slow period, as the real scheduler's backoff queue does.
  const timer = clock.setInterval(retryPending, 30_000);
  return () => {
    stops.forEach((stop) => stop());
    clock.clear(timer);
    queue.stop();
  };
}
