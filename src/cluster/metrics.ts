// Polls metrics.k8s.io on an interval into a bounded per-container usage history, the data the
// metrics pane draws and right-sizing takes its p95 from.
import type { KubeConfig } from '@kubernetes/client-node';
import type { CockpitStore } from '../state/store.js';
import type { UsageSample } from '../state/types.js';
import { ApiError, getJson, trackClockSkew } from './http.js';
import { bytes, cpuMillis } from './quantity.js';

/** Samples kept per container: one hour at the default 15 s interval. */
export const HISTORY_SAMPLES = 240;
/**
 * How long a container missing from the scrapes keeps its history. metrics-server skips a pod
 * now and then (a scrape that failed, a container restarting); a pod gone this long is gone.
 */
export const RETAIN_MISSING_MS = 5 * 60_000;
export const METRICS_UNAVAILABLE =
  'metrics API not available — on minikube: minikube addons enable metrics-server';

export interface PodMetricsList {
  items: {
    metadata: { name: string; namespace: string };
    timestamp: string;
    containers: { name: string; usage: Record<string, string> }[];
  }[];
}
interface NodeMetricsList {
  items: { metadata: { name: string }; timestamp: string; usage: Record<string, string> }[];
}

/**
 * The next per-container history: one sample appended per container of this scrape (a scrape
 * read twice is one sample), at most HISTORY_SAMPLES kept, and containers not in the scrape
 * kept until their last sample is RETAIN_MISSING_MS old. Unchanged histories keep their identity.
 */
export function appendUsage(
  previous: ReadonlyMap<string, readonly UsageSample[]>,
  scrape: PodMetricsList,
  now: number,
): Map<string, readonly UsageSample[]> {
  const next = new Map<string, readonly UsageSample[]>();
  for (const pod of scrape.items) {
    const at = Date.parse(pod.timestamp) || now;
    for (const c of pod.containers) {
      const key = `${pod.metadata.namespace}/${pod.metadata.name}/${c.name}`;
      const history = previous.get(key) ?? [];
      if (history.length > 0 && history[history.length - 1]!.at >= at) {
        next.set(key, history);
        continue;
      }
      const grown = history.slice(
        history.length >= HISTORY_SAMPLES ? history.length - HISTORY_SAMPLES + 1 : 0,
      );
      grown.push({ at, cpuMillis: cpuMillis(c.usage.cpu) ?? 0, memoryBytes: bytes(c.usage.memory) ?? 0 });
      next.set(key, grown);
    }
  }
  for (const [key, history] of previous) {
    if (!next.has(key) && now - history[history.length - 1]!.at < RETAIN_MISSING_MS) next.set(key, history);
  }
  return next;
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
  let inFlight: Promise<void> | undefined;
  const base = '/apis/metrics.k8s.io/v1beta1';
  const onServerTime = trackClockSkew(store);
  async function poll(): Promise<void> {
    try {
      const [pods, nodes] = await Promise.all([
        getJson<PodMetricsList>(
          kubeConfig,
          `${base}${namespace ? `/namespaces/${namespace}` : ''}/pods`,
          undefined,
          onServerTime,
        ),
        // Node metrics may be refused (cluster-scoped RBAC) while pod metrics are not.
        getJson<NodeMetricsList>(kubeConfig, `${base}/nodes`).catch(() => ({ items: [] }) as NodeMetricsList),
      ]);
      if (stopped) return;
      const now = Date.now() + (store.getState().connection.clockSkewMs ?? 0);
      const nodeUsage = new Map(
        nodes.items.map((n) => [
          n.metadata.name,
          {
            cpuMillis: cpuMillis(n.usage.cpu) ?? 0,
            memoryBytes: bytes(n.usage.memory) ?? 0,
            at: Date.parse(n.timestamp) || now,
          },
        ]),
      );
      store.getState().setMetrics({
        available: true,
        message: undefined,
        lastPollAt: Date.now(),
        containers: appendUsage(store.getState().metrics.containers, pods, now),
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
  /** One poll at a time: a slow answer on a large cluster must not pile up requests. */
  const pollOnce = (): Promise<void> =>
    (inFlight ??= poll().finally(() => {
      inFlight = undefined;
    }));
  void pollOnce();
  const timer = setInterval(() => void pollOnce(), intervalMs);
  timer.unref();
  return {
    pollNow: pollOnce,
    stop() {
      stopped = true;
      clearInterval(timer);
    },
  };
}
