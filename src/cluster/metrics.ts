// Polls metrics.k8s.io on an interval into a bounded per-container usage history, the data the
// metrics pane draws and right-sizing takes its p95 from.
import type { KubeConfig } from '@kubernetes/client-node';
import type { CockpitStore } from '../state/store.js';
import type { UsageSample } from '../model/analysis.js';
import { ApiError, getJson, trackClockSkew, type ServerTimeListener } from './http.js';
import { bytes, cpuMillis } from '../kube/quantity.js';

/** Samples kept per container: one hour at the default 15 s interval. */
export const HISTORY_SAMPLES = 240;
/**
 * How long a container missing from the scrapes keeps its history. metrics-server skips a pod
 * now and then (a scrape that failed, a container restarting); a pod gone this long is gone.
 */
export const RETAIN_MISSING_MS = 5 * 60_000;
const BASE = '/apis/metrics.k8s.io/v1beta1';

/** The one line for a cluster that does not serve metrics.k8s.io (no metrics-server): 404 or 503. */
export const metricsUnavailable = (code: number): string =>
  `metrics API not available (metrics.k8s.io: ${code})`;
/** What the metrics pane shows for a 404: the line, then how to get metrics (split at ' — '). */
export const METRICS_UNAVAILABLE = `${metricsUnavailable(404)} — on minikube: minikube addons enable metrics-server`;

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
 * Reads pod metrics the one way the cockpit and `aiops-tui analyze` share: a raw GET (a cluster
 * without metrics-server answers 404 with a plain-text body, which client-node's Metrics client
 * cannot parse and reports as a 500). Throws ApiError; `metricsProblem` says what it means.
 */
export function readPodMetrics(
  kubeConfig: KubeConfig,
  namespace: string | undefined,
  onServerTime?: ServerTimeListener,
  timeoutMs?: number,
): Promise<PodMetricsList> {
  return getJson<PodMetricsList>(
    kubeConfig,
    `${BASE}${namespace ? `/namespaces/${namespace}` : ''}/pods`,
    timeoutMs,
    onServerTime,
  );
}

/**
 * One line for a metrics read that failed because the cluster does not serve metrics to us (not
 * served, unavailable, forbidden); undefined for anything else (the connection, a timeout).
 */
export function metricsProblem(error: unknown, namespace?: string): string | undefined {
  const code = error instanceof ApiError ? error.code : undefined;
  if (code === 404 || code === 503) return metricsUnavailable(code);
  if (code === 403)
    return `forbidden: list pods.metrics.k8s.io${namespace ? ` in namespace ${namespace}` : ''}`;
  return undefined;
}

/** A container's usage as a sample; undefined (unknown, never zero) when a quantity does not parse. */
function sample(at: number, usage: Record<string, string> | undefined): UsageSample | undefined {
  const cpu = cpuMillis(usage?.cpu);
  const memory = bytes(usage?.memory);
  return cpu === undefined || memory === undefined ? undefined : { at, cpuMillis: cpu, memoryBytes: memory };
}

/** One sample per container of a scrape, keyed `namespace/pod/container` (analyze's single read). */
export function usageOfScrape(scrape: PodMetricsList, now: number): Map<string, UsageSample[]> {
  const usage = new Map<string, UsageSample[]>();
  for (const pod of scrape.items) {
    const s = (usage: Record<string, string>) => sample(Date.parse(pod.timestamp) || now, usage);
    for (const c of pod.containers) {
      const one = s(c.usage);
      if (one) usage.set(`${pod.metadata.namespace}/${pod.metadata.name}/${c.name}`, [one]);
    }
  }
  return usage;
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
      const one = sample(at, c.usage);
      if (!one) {
        if (history.length > 0) next.set(key, history);
        continue;
      }
      const grown = history.slice(
        history.length >= HISTORY_SAMPLES ? history.length - HISTORY_SAMPLES + 1 : 0,
      );
      grown.push(one);
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
  const onServerTime = trackClockSkew(store);
  async function poll(): Promise<void> {
    try {
      const [pods, nodes] = await Promise.all([
        readPodMetrics(kubeConfig, namespace, onServerTime),
        // Node metrics may be refused (cluster-scoped RBAC) while pod metrics are not.
        getJson<NodeMetricsList>(kubeConfig, `${BASE}/nodes`).catch(() => ({ items: [] }) as NodeMetricsList),
      ]);
      if (stopped) return;
      const now = Date.now() + (store.getState().connection.clockSkewMs ?? 0);
      const nodeUsage = new Map<string, UsageSample>();
      for (const n of nodes.items) {
        const one = sample(Date.parse(n.timestamp) || now, n.usage);
        if (one) nodeUsage.set(n.metadata.name, one);
      }
      store.getState().setMetrics({
        available: true,
        message: undefined,
        lastPollAt: Date.now(),
        containers: appendUsage(store.getState().metrics.containers, pods, now),
        nodes: nodeUsage,
      });
    } catch (error) {
      if (stopped) return;
      const problem = metricsProblem(error);
      const code = error instanceof ApiError ? error.code : undefined;
      if (problem)
        store.getState().setMetrics({
          available: false,
          message: code === 404 ? METRICS_UNAVAILABLE : problem,
        });
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
