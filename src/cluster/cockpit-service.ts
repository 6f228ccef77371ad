// The cockpit's data services: a store fed by watchers and the metrics poller, and the
// connection status from the watchers and the API server's /readyz. The UI reads the store;
// `setNamespace` is how `:ns` reaches the cluster.
import { createBatcher } from '../state/batcher.js';
import { createCockpitStore, initialState, type CockpitStore } from '../state/store.js';
import type { Connection } from './connect.js';
import { createConnectionHealth, startReadinessProbe } from './health.js';
import { startMetricsPoller, type MetricsPoller } from './metrics.js';
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
}

export function startCockpitData(
  connection: Connection,
  metricsIntervalMs = 15_000,
  tuning: DataTuning = {},
): CockpitData {
  const store = createCockpitStore(initialState(connection));
  const batcher = createBatcher(store);
  const health = createConnectionHealth(store);
  const readiness = startReadinessProbe(connection.kubeConfig, health, {
    intervalMs: tuning.readyzIntervalMs,
    timeoutMs: tuning.readyzTimeoutMs,
  });
  let watchers: Watcher[] = [];
  let poller: MetricsPoller | undefined;
  const start = (namespace: string | undefined): void => {
    watchers = WATCHED_KINDS.map((kind) =>
      startWatcher(kind, {
        kubeConfig: connection.kubeConfig,
        namespace,
        store,
        batcher,
        health,
        timeoutSeconds: tuning.watchTimeoutSeconds,
        deadStreamGraceMs: tuning.watchDeadStreamGraceMs,
      }),
    );
    poller = startMetricsPoller(connection.kubeConfig, namespace, store, metricsIntervalMs);
  };
  const stopAll = (): void => {
    for (const w of watchers) w.stop();
    poller?.stop();
  };
  start(connection.namespace);
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
      readiness.stop();
      batcher.stop();
    },
  };
}
