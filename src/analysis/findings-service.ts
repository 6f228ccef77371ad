// Findings kept current in the cockpit: every store change to what the analyzers read (pods,
// workloads, events, usage) schedules one analysis a moment later, so a pod failure seen in a
// watch event is a finding on screen within a second (MTTD), with no polling.
import type { CockpitStore } from '../state/store.js';
import { analyze } from './analyze.js';
import { snapshotFromState } from './snapshot.js';
import { FindingsTracker } from './tracker.js';
import type { Finding, FindingSource } from './types.js';

/** Changes arriving in a burst are analysed once, this long after the first of them. */
export const ANALYSIS_DELAY_MS = 200;

export interface FindingsService {
  /** Findings from another source (kagent) replace that source's previous ones. */
  report(source: FindingSource, findings: readonly Finding[]): void;
  stop(): void;
}

export function startFindingsService(store: CockpitStore, now: () => number = Date.now): FindingsService {
  const tracker = new FindingsTracker();
  let timer: NodeJS.Timeout | undefined;
  const publish = (findings: Finding[]): void => {
    const state = store.getState();
    const selected = state.ui.selectedFindingId;
    store.setState({
      findings,
      ui: {
        ...state.ui,
        selectedFindingId: findings.some((f) => f.id === selected) ? selected : findings[0]?.id,
      },
    });
  };
  const run = (): void => {
    timer = undefined;
    const state = store.getState();
    const at = now() + (state.connection.clockSkewMs ?? 0);
    publish(tracker.update('built-in', analyze(snapshotFromState(state, at)), at));
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
    report(source, findings) {
      publish(tracker.update(source, findings, now()));
    },
    stop() {
      unsubscribe();
      if (timer) clearTimeout(timer);
    },
  };
}
