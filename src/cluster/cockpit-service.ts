// The cockpit's data services: a store fed by watchers, the metrics poller and the recent-log
// reader, and the connection status from the watchers and the API server's /readyz. The UI reads the store;
// `setNamespace` is how `:ns` reaches the cluster.
import { createBatcher } from '../state/batcher.js';
import { createCockpitStore, initialState, type CockpitStore } from '../state/store.js';
import type { Connection } from './connect.js';
import { createConnectionHealth, startReadinessProbe } from './health.js';
import { startMetricsPoller, type MetricsPoller } from './metrics.js';
import type { CockpitState, WatchedKind } from '../state/types.js';
import { CORE_KINDS, LATER_KINDS } from './kinds.js';
import { startRecentLogs } from './recent-logs.js';
import { WATCHED_KINDS, startWatcher, type Watcher } from './watchers.js';

export interface CockpitData {
  store: CockpitStore;
  setNamespace(namespace: string | undefined): void;
  stop(): void;
}

export interface DataTuning {
  /** timeoutSeconds of each watch stream (default 300–600 s, random per stream). */
  watchTimeoutSeconds?: number;
  /** A stream the server has not ended this long after its timeout is resumed (default 30 s). */
  watchDeadStreamGraceMs?: number;
  /** Between /readyz probes (default 5 s). */
  readyzIntervalMs?: number;
  /** A /readyz not answered this long is a problem (default 10 s). */
  readyzTimeoutMs?: number;
  /** Read running containers' recent logs for the log-errors check (default true). */
  recentLogs?: boolean;
}

export function startCockpitData(
  connection: Connection,
  metricsIntervalMs = 15_000,
  tuning: DataTuning = {},
  /** A store that outlives this connection (`:ctx` switches feed the same one). */
  store: CockpitStore = createCockpitStore(initialState(connection)),
): CockpitData {
  const batcher = createBatcher(store);
  const health = createConnectionHealth(store);
  const readiness = startReadinessProbe(connection.kubeConfig, health, {
    intervalMs: tuning.readyzIntervalMs,
    timeoutMs: tuning.readyzTimeoutMs,
  });
  let watchers: Watcher[] = [];
  let poller: MetricsPoller | undefined;
  let recentLogs: { stop(): void } | undefined;
  let waitForPods: (() => void) | undefined;
  const start = (namespace: string | undefined): void => {
    const watch = (kind: WatchedKind): Watcher =>
      startWatcher(kind, {
        kubeConfig: connection.kubeConfig,
        namespace,
        store,
        batcher,
        health,
        timeoutSeconds: tuning.watchTimeoutSeconds,
        deadStreamGraceMs: tuning.watchDeadStreamGraceMs,
      });
    watchers = CORE_KINDS.map(watch);
    // The kinds only the analyzers read wait for the pods' list (or its refusal): the pods pane's
    // pages do not share the connection and the event loop with fifteen other lists.
    const podsAnswered = (s: CockpitState): boolean => !!s.synced.pods || !!s.forbidden.pods;
    const startRest = (): void => {
      waitForPods?.();
      waitForPods = undefined;
      watchers.push(...LATER_KINDS.map(watch));
    };
    if (podsAnswered(store.getState())) startRest();
    else waitForPods = store.subscribe((s) => podsAnswered(s) && startRest());
    poller = startMetricsPoller(connection.kubeConfig, namespace, store, metricsIntervalMs);
  };
  const stopAll = (): void => {
    waitForPods?.();
    waitForPods = undefined;
    for (const w of watchers) w.stop();
    poller?.stop();
  };
  start(connection.namespace);
  if (tuning.recentLogs !== false) recentLogs = startRecentLogs(store, connection.kubeConfig);
  return {
    store,
    setNamespace(namespace) {
      stopAll();
      batcher.flush();
      const empty = new Map<string, unknown>();
      store.getState().applyChanges(
        WATCHED_KINDS.map((kind) => ({ kind, type: 'replace' as const, objects: empty })),
        Date.now(),
      );
      store.setState((s) => ({ synced: {}, forbidden: {}, connection: { ...s.connection, namespace } }));
      start(namespace);
    },
    stop() {
      stopAll();
      recentLogs?.stop();
      readiness.stop();
      batcher.stop();
    },
  };
}
