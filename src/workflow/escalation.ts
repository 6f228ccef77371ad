// When a recommendation escalates: a share of its approval window passed without enough
// approvals, a critical finding's change still unresolved N minutes after detection, or its
// expiry. One pure decision over the record as its events make it: what it already escalated is
// in its trail (`escalated` events), so two cockpits or a restart never escalate a threshold twice.
import { OPEN_CHANGE } from '../audit/lifecycle.js';
import type { RecordMeta, RecordStatus } from '../audit/types.js';
import type { Policy } from './policy.js';

export interface DueEscalation {
  /** The threshold's key, as the `escalated` event records it: `window-share:0.5`, `critical-open:30m`, `expired`. */
  threshold: string;
  /** One line for the person told. */
  detail: string;
  /** How loud: an expiry or a critical finding is critical, a window half gone a warning. */
  severity: 'warning' | 'critical';
}

/** An expiry escalates only this soon after the window closed: an old trail does not ring for its past. */
export const EXPIRY_GRACE_MS = 60 * 60_000;
/** A critical finding escalates only while its record is younger than this: the same for old trails. */
export const OPEN_FINDING_HORIZON_MS = 24 * 60 * 60_000;

/** The change it proposes is not resolved yet: the finding is still open. */
const UNRESOLVED: ReadonlySet<RecordStatus> = new Set(OPEN_CHANGE);

const minutes = (ms: number): string => `${Math.round((ms / 60_000) * 100) / 100} min`;

export function dueEscalations(
  meta: Pick<
    RecordMeta,
    | 'operation'
    | 'status'
    | 'created'
    | 'expires'
    | 'escalated'
    | 'severity'
    | 'timestamps'
    | 'approvers'
    | 'required_approvers'
  >,
  policy: Pick<Policy, 'escalation'>,
  now: number,
): DueEscalation[] {
  if (meta.operation === undefined) return [];
  const rules = policy.escalation;
  const done = new Set(meta.escalated ?? []);
  const due: DueEscalation[] = [];
  const created = Date.parse(meta.created);
  const expires = meta.expires ? Date.parse(meta.expires) : NaN;
  const approvals = `${meta.approvers.length}/${meta.required_approvers ?? 1} approvals`;
  const share = rules.at_window_share;
  if (share !== undefined && meta.status === 'awaiting-approval' && expires > created) {
    const at = created + share * (expires - created);
    // Past the close, the expiry is what escalates (once the queue records it).
    if (now >= at && now < expires)
      due.push({
        threshold: `window-share:${share}`,
        detail: `${Math.round(share * 100)} % of the approval window passed with ${approvals}; it closes in ${minutes(expires - now)}`,
        severity: 'warning',
      });
  }
  const openFor = rules.critical_finding_open_minutes;
  if (openFor !== undefined && meta.severity === 'critical' && UNRESOLVED.has(meta.status)) {
    const since = Date.parse(meta.timestamps.detected ?? meta.created);
    if (now - since >= openFor * 60_000 && now - created <= OPEN_FINDING_HORIZON_MS)
      due.push({
        threshold: `critical-open:${openFor}m`,
        detail: `a critical finding is still open ${minutes(now - since)} after it was detected (${meta.status})`,
        severity: 'critical',
      });
  }
  if (rules.on_expiry && meta.status === 'expired' && now - expires <= EXPIRY_GRACE_MS)
    due.push({
      threshold: 'expired',
      detail: `the approval window closed with ${approvals}: nothing was done`,
      severity: 'critical',
    });
  return due.filter((d) => !done.has(d.threshold));
}
