// The first screen before anything else: its frame waits briefly for the first page of pods (a
// frame drawn while the list is parsed costs the list that long), and the session (workflow,
// findings, chat, kagent) loads behind it, since its modules and their start compete with the
// list's parse and the frame for the one thread.
import type { CockpitState } from '../state/types.js';
import type { CockpitStore } from '../state/store.js';

/** The first screen has what it waits for: pods, their refusal, or a connection in trouble. */
export const firstScreenSettled = (s: CockpitState): boolean =>
  s.pods.size > 0 ||
  !!s.synced.pods ||
  !!s.forbidden.pods ||
  s.connection.status === 'reconnecting' ||
  s.connection.status === 'failed';

/** Resolves once the first screen is settled, or after `maxMs` (a slow server does not hold it). */
export function firstScreenSettles(store: CockpitStore, maxMs: number): Promise<void> {
  return new Promise((resolve) => {
    if (firstScreenSettled(store.getState())) return resolve();
    const done = (): void => {
      unsubscribe();
      clearTimeout(timer);
      resolve();
    };
    const unsubscribe = store.subscribe((s) => firstScreenSettled(s) && done());
    const timer = setTimeout(done, maxMs);
  });
}
