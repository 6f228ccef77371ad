// Findings kept current in the cockpit: every store change to what the analyzers read (any
// watched kind, whether it is known, usage, logs) schedules an analysis, so a pod failure seen in a watch event is a
// finding on screen within a second (MTTD), with no polling.
import { KIND_FIELD, type CockpitStore } from '../state/store.js';
import type { CockpitState } from '../state/types.js';
import { analyze } from './analyze.js';
import { snapshotFromState } from './snapshot.js';
import { FindingsTracker } from './tracker.js';
import type { Finding, FindingSource } from '../model/analysis.js';

/**
 * At most one analysis per interval: a change after a quiet spell is analysed at once (the
 * batcher already gathered its burst), a stream of changes twice a second, so churn on a large
 * cluster does not keep the event loop busy with analysis.
 */
export const ANALYSIS_INTERVAL_MS = 500;
/** The interval stretches to this many times the last analysis's cost (a 10,000-pod cluster). */
const COST_FACTOR = 40;
const MAX_INTERVAL_MS = 5_000;

const OBJECT_FIELDS = Object.values(KIND_FIELD);
/** Besides the objects: what makes a kind known (synced, forbidden), usage and logs. */
const INPUTS = [
  'synced',
  'forbidden',
  'metrics',
  'logs',
  'logErrors',
  'recentLogs',
] as const satisfies readonly (keyof CockpitState)[];

/** What the pane shows of a finding: a run that changes none of it need not re-render. */
const visible = (findings: readonly Finding[]): string =>
  findings.map((f) => `${f.id}|${f.severity}|${f.title}|${f.firstSeen}`).join('\n');

export interface FindingsService {
  /** Findings from another source (kagent) replace that source's previous ones. */
  report(source: FindingSource, findings: readonly Finding[]): void;
  stop(): void;
}

export function startFindingsService(
  store: CockpitStore,
  now: () => number = Date.now,
  /** Told of each finding that went away, at the analysis time (the toil estimate's records). */
  onResolved?: (finding: Finding, at: number) => void,
): FindingsService {
  const tracker = new FindingsTracker();
  let timer: NodeJS.Timeout | undefined;
  let lastRun = -Infinity;
  let interval = ANALYSIS_INTERVAL_MS;
  let shown = '';
  const publish = (findings: Finding[]): void => {
    const signature = visible(findings);
    if (signature === shown) return;
    shown = signature;
    const state = store.getState();
    const selected = state.ui.selectedFindingId;
    store.setState({
      findings,
      ui: {
        ...state.ui,
        // The selection follows the top (most severe) until the user browses the pane.
        selectedFindingId:
          state.ui.focus === 'findings' && findings.some((f) => f.id === selected)
            ? selected
            : findings[0]?.id,
      },
    });
  };
  const run = (): void => {
    timer = undefined;
    lastRun = Date.now();
    const state = store.getState();
    const at = now() + (state.connection.clockSkewMs ?? 0);
    const findings = tracker.update('built-in', analyze(snapshotFromState(state, at)), at);
    for (const gone of tracker.resolved) onResolved?.(gone, at);
    interval = Math.min(
      MAX_INTERVAL_MS,
      Math.max(ANALYSIS_INTERVAL_MS, (Date.now() - lastRun) * COST_FACTOR),
    );
    publish(findings);
  };
  const unsubscribe = store.subscribe((state, previous) => {
    const inputs =
      INPUTS.some((field) => state[field] !== previous[field]) ||
      OBJECT_FIELDS.some((field) => state[field] !== previous[field]);
    if (inputs) timer ??= setTimeout(run, Math.max(0, lastRun + interval - Date.now()));
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
