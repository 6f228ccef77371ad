// Placeholder until the scenarios land: `empty` only.
import type { SimContext } from './context.js';

/** Populates the store for a scenario spec: `todo`, `empty` or `large:N`. */
export function loadScenario(_ctx: SimContext, spec: string): void {
  if (spec !== 'empty') throw new Error(`unknown scenario "${spec}" (expected todo, empty or large:N)`);
}
