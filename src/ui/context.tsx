// The store reaches components through context; components select single values from it.
import { createContext, useContext, type ReactNode } from 'react';
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
