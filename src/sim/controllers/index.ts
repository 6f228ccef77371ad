// Placeholder until the controllers land: starts nothing.
import type { SimContext } from '../context.js';

export interface Controllers {
  stop(): void;
}

export function startControllers(_ctx: SimContext): Controllers {
  return { stop() {} };
}
