import type { SimClock } from './clock.js';
import type { LogBook } from './logs.js';
import type { ObjectStore } from './store.js';

/** What the simulator's parts share: the API server serves it, controllers act on it. */
export interface SimContext {
  store: ObjectStore;
  clock: SimClock;
  logs: LogBook;
}
