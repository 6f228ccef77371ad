// The cockpit's data services: a store fed by watchers and the metrics poller. The UI reads the
// store; `setNamespace` is how `:ns` reaches the cluster.
import { createBatcher } from '../state/batcher.js';
import { createCockpitStore, initialState, type CockpitStore } from '../state/store.js';
import type { Connection } from './connect.js';
import { startMetricsPoller, type MetricsPoller } from './metrics.js';
import { WATCHED_KINDS, startWatcher, type Watcher } from './watchers.js';

export interface CockpitData {
  store: CockpitStore;
  setNamespace(namespace: string | undefined): void;
  stop(): void;
}

export interface DataTuning {
  /** A watch stream silent this long is re-opened from its resourceVersion (default 30 s). */
  watchIdleTimeoutMs?: number;
}

export function startCockpitData(
  connection: Connection,
  metricsIntervalMs = 15_000,
  tuning: DataTuning = {},
): CockpitData {
  const store = createCockpitStore(initialState(connection));
  const batcher = createBatcher(store);
  let watchers: Watcher[] = [];
  let poller: MetricsPoller | undefined;
  const start = (namespace: string | undefined): void => {
    watchers = WATCHED_KINDS.map((kind) =>
      startWatcher(kind, {
        kubeConfig: connection.kubeConfig,
        namespace,
        store,
        batcher,
        idleTimeoutMs: tuning.watchIdleTimeoutMs,
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
      batcher.stop();
    },
  };
}
