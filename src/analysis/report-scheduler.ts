// Reports on the operations plan's schedule while the cockpit runs: each kind is written when
// its last report is older than its period (daily utilization, weekly health and security),
// checked at start and hourly, from the store's current snapshot.
import type { CockpitStore } from '../state/store.js';
import { REPORT_KINDS, REPORT_SPEC, buildReport, latestReport, writeReport } from './reports.js';
import { snapshotFromState } from './snapshot.js';

const CHECK_EVERY_MS = 3_600_000;
/** Give the watches a moment to fill the store before the first check. */
const FIRST_CHECK_MS = 30_000;

export function startReportScheduler(
  store: CockpitStore,
  reportsDir: string,
  { now = Date.now, firstCheckMs = FIRST_CHECK_MS }: { now?: () => number; firstCheckMs?: number } = {},
): { stop(): void } {
  const check = (): void => {
    const state = store.getState();
    if (!state.synced.pods) return;
    for (const kind of REPORT_KINDS) {
      const previous = latestReport(reportsDir, kind);
      const stamp = previous && /-(\d{8}T\d{6})Z\.md$/.exec(previous.file)?.[1];
      const lastAt = stamp
        ? Date.parse(
            `${stamp.slice(0, 4)}-${stamp.slice(4, 6)}-${stamp.slice(6, 8)}T${stamp.slice(9, 11)}:${stamp.slice(11, 13)}:${stamp.slice(13, 15)}Z`,
          )
        : 0;
      if (now() - lastAt < REPORT_SPEC[kind].everyMs) continue;
      try {
        const snapshot = snapshotFromState(state, now());
        writeReport(
          reportsDir,
          buildReport(
            kind,
            snapshot,
            { context: state.connection.context, namespace: state.connection.namespace },
            previous,
          ),
        );
      } catch {
        // A report that cannot be written is retried at the next check; the cockpit goes on.
      }
    }
  };
  const first = setTimeout(check, firstCheckMs);
  const timer = setInterval(check, CHECK_EVERY_MS);
  first.unref();
  timer.unref();
  return {
    stop() {
      clearTimeout(first);
      clearInterval(timer);
    },
  };
}
