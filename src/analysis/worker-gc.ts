// The analysis worker's heap, kept near what it holds: each run leaves a snapshot, its indexes and
// every analyzer's findings behind as garbage, and V8 lets an old generation grow to two or three
// times what is live before it collects (at 10,000 pods: 80 MB for 35 MB live), all of it
// resident. The worker's flags cannot be set (resourceLimits only cap it, and a cap is a crash),
// so the worker collects itself after a run that left much behind: off the input thread, and at
// most once a run.
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** Garbage a run may leave before the worker collects: below it, V8's own pace is fine. */
export const GARBAGE_ALLOWANCE_MB = 16;

/**
 * Whether to collect now: the heap holds more than the allowance over what was live after the
 * last collection. A full collection of a 10,000-pod mirror (~35 MB live) takes some 30 ms of
 * the worker's, beside a run of several hundred.
 */
export function shouldCollect(usedMb: number, liveMb: number, allowanceMb = GARBAGE_ALLOWANCE_MB): boolean {
  return usedMb - liveMb > allowanceMb;
}

/**
 * A full collection that also compacts and gives the freed pages back (V8's low-memory one): a
 * plain one leaves the old generation's pages committed, half empty.
 */
const COMPACTING = { type: 'major', execution: 'sync', flavor: 'last-resort' } as const;

type Gc = (options?: typeof COMPACTING) => void;

/** V8's full collection, got at run time (a context made after --expose-gc has `gc`). */
function gcFunction(): Gc | undefined {
  try {
    setFlagsFromString('--expose-gc');
    const gc: unknown = runInNewContext('gc');
    return typeof gc === 'function' ? (gc as Gc) : undefined;
  } catch {
    return undefined;
  }
}

const usedMb = (): number => getHeapStatistics().used_heap_size / 2 ** 20;

/** Call after each run: collects when shouldCollect says so. */
export function collectorOfGarbage(): () => void {
  const gc = gcFunction();
  let liveMb = usedMb();
  return () => {
    if (!gc) return;
    const used = usedMb();
    if (!shouldCollect(used, liveMb)) return;
    gc(COMPACTING);
    liveMb = usedMb();
  };
}
