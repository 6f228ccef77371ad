// Polls metrics.k8s.io on an interval into a bounded per-container usage history, the data the
// metrics pane draws and right-sizing takes its p95 from.
import type { KubeConfig } from '@kubernetes/client-node';
import type { CockpitStore } from '../state/store.js';
import type { UsageSample } from '../state/types.js';
import { ApiError, getJson, trackClockSkew } from './http.js';
import { bytes, cpuMillis } from './quantity.js';

/** Samples kept per container: one hour at the default 15 s interval. */
export const HISTORY_SAMPLES = 240;
export const METRICS_UNAVAILABLE =
  'metrics API not available — on minikube: minikube addons enable metrics-server';

interface PodMetricsList {
  items: {
    metadata: { name: string; namespace: string };
    timestamp: string;
    containers: { name: string; usage: Record<string, string> }[];
  }[];
}
interface NodeMetricsList {
  items: { metadata: { name: string }; timestamp: string; usage: Record<string, string> }[];
}

export interface MetricsPoller {
  pollNow(): Promise<void>;
  stop(): void;
}

export function startMetricsPoller(
  kubeConfig: KubeConfig,
  namespace: string | undefined,
  store: CockpitStore,
  intervalMs: number,
): MetricsPoller {
  let stopped = false;
  const base = '/apis/metrics.k8s.io/v1beta1';
  async function poll(): Promise<void> {
    try {
      const [pods, nodes] = await Promise.all([
        getJson<PodMetricsList>(
          kubeConfig,
          `${base}${namespace ? `/namespaces/${namespace}` : ''}/pods`,
          undefined,
          trackClockSkew(store),
        ),
        getJson<NodeMetricsList>(kubeConfig, `${base}/nodes`).catch(() => ({ items: [] }) as NodeMetricsList),
      ]);
      if (stopped) return;
      const previous = store.getState().metrics.containers;
      const containers = new Map<string, readonly UsageSample[]>();
      for (const pod of pods.items) {
        const at = Date.parse(pod.timestamp) || Date.now();
        for (const c of pod.containers) {
          const key = `${pod.metadata.namespace}/${pod.metadata.name}/${c.name}`;
          const history = previous.get(key) ?? [];
          const sample = {
            at,
            cpuMillis: cpuMillis(c.usage.cpu) ?? 0,
            memoryBytes: bytes(c.usage.memory) ?? 0,
          };
          // The same scrape read twice is one sample.
          const next =
            history.length > 0 && history[history.length - 1]!.at === at ? history : [...history, sample];
          containers.set(key, next.length > HISTORY_SAMPLES ? next.slice(-HISTORY_SAMPLES) : next);
        }
      }
      const nodeUsage = new Map(
        nodes.items.map((n) => [
          n.metadata.name,
          {
            cpuMillis: cpuMillis(n.usage.cpu) ?? 0,
            memoryBytes: bytes(n.usage.memory) ?? 0,
            at: Date.parse(n.timestamp) || Date.now(),
          },
        ]),
      );
      store.getState().setMetrics({
        available: true,
        message: undefined,
        lastPollAt: Date.now(),
        containers,
        nodes: nodeUsage,
      });
    } catch (error) {
      if (stopped) return;
      const code = error instanceof ApiError ? error.code : undefined;
      if (code === 404 || code === 503)
        store.getState().setMetrics({ available: false, message: METRICS_UNAVAILABLE });
      else if (code === 403)
        store.getState().setMetrics({ available: false, message: `forbidden: list pods.metrics.k8s.io` });
      // Other failures (connection lost) leave the last figures; the watchers report the connection.
    }
  }
  void poll();
  const timer = setInterval(() => void poll(), intervalMs);
  timer.unref();
  return {
    pollNow: poll,
    stop() {
      stopped = true;
      clearInterval(timer);
    },
  };
}
