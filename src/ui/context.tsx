// The store reaches components through context; components select single values from it.
import { createContext, useContext, useRef, useSyncExternalStore, type ReactNode } from 'react';
import { useStore } from 'zustand';
import type { CockpitActions, CockpitStore } from '../state/store.js';
import type { CockpitState } from '../state/types.js';

const StoreContext = createContext<CockpitStore | undefined>(undefined);

export function StoreProvider({ store, children }: { store: CockpitStore; children: ReactNode }) {
  return <StoreContext.Provider value={store}>{children}</StoreContext.Provider>;
}

export function useCockpitStore(): CockpitStore {
  const store = useContext(StoreContext);
  if (!store) throw new Error('StoreProvider is missing');
  return store;
}

export function useCockpit<T>(selector: (state: CockpitState & CockpitActions) => T): T {
  return useStore(useCockpitStore(), selector);
}

/**
 * Like useCockpit, but re-renders only when `select`'s result differs from the last one by
 * `equal`: for what is derived from a map that changes on every watch batch (2,000 pod events a
 * second change every pod twice a second) while what it shows mostly does not. Ink redraws the
 * whole screen on every React commit, so a re-render that draws the same is a frame's CPU wasted.
 */
export function useCockpitDerived<T>(
  select: (state: CockpitState & CockpitActions) => T,
  equal: (a: T, b: T) => boolean,
): T {
  const store = useCockpitStore();
  const last = useRef<{ value: T } | undefined>(undefined);
  const snapshot = (): T => {
    const next = select(store.getState());
    if (last.current && equal(last.current.value, next)) return last.current.value;
    last.current = { value: next };
    return next;
  };
  return useSyncExternalStore(store.subscribe, snapshot, snapshot);
}
