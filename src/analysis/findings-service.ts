// Findings kept current in the cockpit: every store change to what the analyzers read (pods,
// workloads, events, usage) schedules one analysis a moment later, so a pod failure seen in a
// watch event is a finding on screen within a second (MTTD), with no polling.
import type { CockpitStore } from '../state/store.js';
import { analyze } from './analyze.js';
import { snapshotFromState } from './snapshot.js';
import { FindingsTracker } from './tracker.js';

/** Changes arriving in a burst are analysed once, this long after the first of them. */
export const ANALYSIS_DELAY_MS = 200;

export function startFindingsService(store: CockpitStore, now: () => number = Date.now): { stop(): void } {
  const tracker = new FindingsTracker();
  let timer: NodeJS.Timeout | undefined;
  const run = (): void => {
    timer = undefined;
    const state = store.getState();
    const at = now() + (state.connection.clockSkewMs ?? 0);
    const findings = tracker.update('built-in', analyze(snapshotFromState(state, at)), at);
    const selected = state.ui.selectedFindingId;
    store.setState({
      findings,
      ui: {
        ...state.ui,
        selectedFindingId: findings.some((f) => f.id === selected) ? selected : findings[0]?.id,
      },
    });
  };
  const unsubscribe = store.subscribe((state, previous) => {
    const inputs =
      state.pods !== previous.pods ||
      state.deployments !== previous.deployments ||
      state.replicaSets !== previous.replicaSets ||
      state.events !== previous.events ||
      state.metrics !== previous.metrics;
    if (inputs) timer ??= setTimeout(run, ANALYSIS_DELAY_MS);
  });
  return {
    stop() {
      unsubscribe();
      if (timer) clearTimeout(timer);
    },
  };
}
