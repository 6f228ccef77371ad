// Collects watch changes and flushes them to the store at most once per interval, so 10,000
// events in a burst become one store update and one render.
import type { CockpitStore, ObjectChange } from './store.js';

export interface Batcher {
  push(change: ObjectChange): void;
  /** Applies what is pending now (used on shutdown and by tests awaiting convergence). */
  flush(): void;
  stop(): void;
}

export function createBatcher(store: CockpitStore, intervalMs = 100, now: () => number = Date.now): Batcher {
  let pending: ObjectChange[] = [];
  let timer: NodeJS.Timeout | undefined;
  const flush = (): void => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (pending.length === 0) return;
    const batch = pending;
    pending = [];
    store.getState().applyChanges(batch, now());
  };
  return {
    push(change) {
      pending.push(change);
      timer ??= setTimeout(flush, intervalMs);
    },
    flush,
    stop() {
      flush();
    },
  };
}
