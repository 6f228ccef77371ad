// Placeholder registered ahead of its implementation (issue 13).
import type { SimContext } from '../context.js';

export function startNodeLifecycleController(_ctx: SimContext): () => void {
  return () => {};
}
