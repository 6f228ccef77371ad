// metrics-server: PodMetrics and NodeMetrics every METRICS_INTERVAL_MS of simulated time, from
// the kubelet's running containers and their usage profiles.
import type { SimContext } from '../context.js';
import { K } from '../resources.js';
import type { Kubelet } from './kubelet.js';

export const METRICS_INTERVAL_MS = 15_000;
/** What the node itself uses besides pods (kubelet, container runtime, system daemons). */
const NODE_BASE = { cpuMillis: 180, memoryBytes: 600 * 2 ** 20 };

const cpu = (millis: number): string => `${Math.round(millis * 1e6)}n`;
const mem = (value: number): string => `${Math.round(value / 1024)}Ki`;

export function startMetricsServer(ctx: SimContext, kubelet: Kubelet): () => void {
  const { store, clock } = ctx;
  function scrape(): void {
    const now = clock.now();
    const timestamp = clock.nowISO();
    const seen = new Set<string>();
    const perNode = new Map<string, { cpuMillis: number; memoryBytes: number }>();
    for (const rt of kubelet.runtimes.values()) {
      const pod = store.get(K.pods, rt.namespace, rt.name);
      if (!pod) continue;
      const containers: { name: string; usage: { cpu: string; memory: string } }[] = [];
      rt.containers.forEach((c, i) => {
        const usage = kubelet.usageOf(rt, i, now);
        if (!usage) return;
        containers.push({
          name: c.spec.name,
          usage: { cpu: cpu(usage.cpuMillis), memory: mem(usage.memoryBytes) },
        });
        const node = pod.spec?.nodeName;
        if (node) {
          const n = perNode.get(node) ?? { cpuMillis: 0, memoryBytes: 0 };
          perNode.set(node, {
            cpuMillis: n.cpuMillis + usage.cpuMillis,
            memoryBytes: n.memoryBytes + usage.memoryBytes,
          });
        }
      });
      if (containers.length === 0) continue;
      const key = `${rt.namespace}/${rt.name}`;
      seen.add(key);
      const metrics = {
        apiVersion: 'metrics.k8s.io/v1beta1',
        kind: 'PodMetrics',
        metadata: { name: rt.name, namespace: rt.namespace, labels: pod.metadata.labels ?? {} },
        timestamp,
        window: `${METRICS_INTERVAL_MS / 1000}s`,
        containers,
      };
      const existing = store.get(K.podMetrics, rt.namespace, rt.name);
      if (existing)
        store.update(K.podMetrics, {
          ...metrics,
          metadata: { ...existing.metadata, labels: metrics.metadata.labels },
        });
      else store.create(K.podMetrics, metrics);
    }
    for (const m of store.list(K.podMetrics)) {
      if (!seen.has(`${m.metadata.namespace}/${m.metadata.name}`))
        store.delete(K.podMetrics, m.metadata.namespace, m.metadata.name);
    }
    for (const node of store.list(K.nodes)) {
      const used = perNode.get(node.metadata.name) ?? { cpuMillis: 0, memoryBytes: 0 };
      const metrics = {
        apiVersion: 'metrics.k8s.io/v1beta1',
        kind: 'NodeMetrics',
        metadata: { name: node.metadata.name, labels: node.metadata.labels ?? {} },
        timestamp,
        window: `${METRICS_INTERVAL_MS / 1000}s`,
        usage: {
          cpu: cpu(used.cpuMillis + NODE_BASE.cpuMillis),
          memory: mem(used.memoryBytes + NODE_BASE.memoryBytes),
        },
      };
      const existing = store.get(K.nodeMetrics, undefined, node.metadata.name);
      if (existing) store.update(K.nodeMetrics, { ...metrics, metadata: existing.metadata });
      else store.create(K.nodeMetrics, metrics);
    }
  }
  // The first scrape comes once containers have had a moment to start.
  const first = clock.setTimeout(scrape, 3_000);
  const timer = clock.setInterval(scrape, METRICS_INTERVAL_MS);
  return () => {
    clock.clear(first);
    clock.clear(timer);
  };
}
