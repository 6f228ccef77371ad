// Whether a recommendation still waits to run: the queue joins the same change to it instead of
// queueing it twice, and the kagent layer keeps a paused task alive while it waits. Its own
// module so that the kagent layer need not import the queue (which imports it).
import type { RecordMeta } from '../audit/types.js';

/**
 * Whether a record still waits to run (awaiting approval within its window, or approved and not
 * yet claimed): the same change proposed again joins it instead of queueing twice.
 */
export function isWaiting(meta: Pick<RecordMeta, 'status' | 'expires'>, now: number): boolean {
  if (meta.status === 'approved') return true;
  return meta.status === 'awaiting-approval' && !(meta.expires && Date.parse(meta.expires) <= now);
}
