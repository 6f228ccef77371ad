// Waits on the cockpit's store, event by event (no polling): resolves once `predicate` holds,
// fails after `timeoutMs` with what the store says about why (`detail`, when given).
import type { CockpitData } from '../../src/cluster/cockpit-service.js';
import type { CockpitState } from '../../src/state/types.js';

export function untilStore(
  d: CockpitData,
  predicate: (s: CockpitState) => boolean,
  timeoutMs: number,
  detail?: (s: CockpitState) => string,
): Promise<void> {
  return new Promise((resolve, reject) => {
    if (predicate(d.store.getState())) return resolve();
    const timer = setTimeout(() => {
      unsubscribe();
      const why = detail ? ` ${detail(d.store.getState())}` : '';
      reject(new Error(`store did not converge within ${timeoutMs} ms${why}`));
    }, timeoutMs);
    const unsubscribe = d.store.subscribe((state) => {
      if (!predicate(state)) return;
      clearTimeout(timer);
      unsubscribe();
      resolve();
    });
  });
}

/** The connection's status and message, for a wait that failed on a connection. */
export const connectionDetail = (s: CockpitState): string =>
  `(connection: ${s.connection.status}${s.connection.message ? `, ${s.connection.message}` : ''})`;
