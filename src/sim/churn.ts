// Pod churn from inside the simulator (issue 15 item 4): `perSecond` pod changes a second, each a
// label written through the store, so the watch events go out exactly as a real apiserver's
// would. A bench patching pods over HTTP from its own process tops out near 126 events/s; this
// reaches thousands. Wall-clock time, not simulated: the rate is what a client receives.
import type { SimContext } from './context.js';
import { K } from './resources.js';

/** The label the churn rewrites on every change (its value counts the changes). */
export const CHURN_LABEL = 'sim.aiops.dev/churn';
const TICK_MS = 10;
/** A stalled event loop does not turn into a burst of more than a quarter-second of changes. */
const MAX_CATCH_UP_MS = 250;

/**
 * How many changes are due now: the rate's total since the start less those made, never more than
 * MAX_CATCH_UP_MS's worth at once (after a stall the schedule moves on, see `skipped`).
 */
export function churnDue(
  elapsedMs: number,
  perSecond: number,
  made: number,
): { now: number; skipped: number } {
  const owed = Math.floor((Math.max(0, elapsedMs) * perSecond) / 1000) - made;
  if (owed <= 0) return { now: 0, skipped: 0 };
  const cap = Math.max(1, Math.ceil((MAX_CATCH_UP_MS * perSecond) / 1000));
  return owed > cap ? { now: cap, skipped: owed - cap } : { now: owed, skipped: 0 };
}

export interface Churn {
  /** Changes made so far. */
  made(): number;
  stop(): void;
}

export function startChurn(
  ctx: SimContext,
  perSecond: number,
  now: () => number = performance.now.bind(performance),
): Churn {
  if (!(perSecond > 0))
    throw new Error(`churn must be a positive number of events a second, got ${perSecond}`);
  const start = now();
  let made = 0;
  // Counted as made, so the schedule does not try to repay a stall.
  let skipped = 0;
  let next = 0;
  const timer = setInterval(() => {
    const due = churnDue(now() - start, perSecond, made + skipped);
    skipped += due.skipped;
    if (due.now === 0) return;
    // The pods of this moment (the scenario's and any created since), round-robin.
    const pods = ctx.store.peek(K.pods);
    if (pods.length === 0) return;
    for (let i = 0; i < due.now; i++) {
      const pod = pods[next++ % pods.length]!;
      const count = String(made + 1);
      try {
        ctx.store.modify(K.pods, pod.metadata.namespace, pod.metadata.name, (p) => {
          p.metadata.labels = { ...p.metadata.labels, [CHURN_LABEL]: count };
        });
        made++;
      } catch {
        // Deleted between the peek and the write: the next pod takes its turn.
      }
    }
  }, TICK_MS);
  timer.unref();
  return { made: () => made, stop: () => clearInterval(timer) };
}
