// The approval queue: recommendations with tier, status, target, summary, age and the time left
// to approve; `a` approves, `x` rejects, `r` rolls back, enter shows the record.
import { Text } from 'ink';
import type { Tier } from '../audit/types.js';
import { humanDuration } from '../kube/format.js';
import type { Recommendation } from '../state/types.js';
import { useCockpit } from './context.js';
import { Pane, windowStart, type PaneFrame } from './Pane.js';
import { useNow } from './useNow.js';

const TIER_COLOR: Record<Tier, string> = { trivial: 'gray', low: 'green', medium: 'yellow', critical: 'red' };

const STATUS_COLOR: Record<string, string> = {
  'awaiting-approval': 'yellow',
  validated: 'green',
  failed: 'red',
  'rolled-back': 'magenta',
  'rolling-back': 'magenta',
  'rollback-failed': 'red',
  interrupted: 'red',
  executing: 'cyan',
  executed: 'cyan',
};

/** What the row says about time: the approval window left, or how long ago it was proposed. */
export function sla(r: Recommendation, now: number): string {
  if (r.status !== 'awaiting-approval' || r.expires === undefined)
    return humanDuration(Math.max(0, now - r.created));
  const left = r.expires - now;
  return left > 0 ? `${humanDuration(left)} left` : 'expired';
}

export function ApprovalsPane({ width, height, focused }: PaneFrame) {
  const recs = useCockpit((s) => s.recommendations);
  const selected = useCockpit((s) => s.ui.selectedRecommendationId);
  const progress = useCockpit((s) => s.progress);
  // The countdown ticks each second only while something waits; ages need less. Records' times
  // and windows are wall-clock: no server skew here.
  const waiting = recs.filter((r) => r.status === 'awaiting-approval').length;
  const now = useNow(waiting > 0 ? 1_000 : 30_000);
  const room = Math.max(0, height - 3);
  const index = Math.max(
    0,
    recs.findIndex((r) => r.id === selected),
  );
  const start = windowStart(index, recs.length, room, focused);
  return (
    <Pane title={`approvals (${waiting} waiting)`} width={width} height={height} focused={focused}>
      {recs.length === 0 ? (
        <Text color="gray" wrap="truncate">
          no recommendations: ask the chat, or press a on a finding
        </Text>
      ) : (
        recs.slice(start, start + room).map((r) => {
          const isSelected = focused && r.id === (selected ?? recs[0]?.id);
          const status = progress[r.id] ?? r.status;
          return (
            <Text key={r.id} wrap="truncate" inverse={isSelected}>
              <Text color={TIER_COLOR[r.tier]}>{r.tier.padEnd(9)}</Text>
              {r.emergency ? (
                <Text color="red" bold>
                  EMERGENCY{' '}
                </Text>
              ) : null}
              <Text color={STATUS_COLOR[r.status]}>{status}</Text>
              {r.status === 'awaiting-approval' ? ` ${r.approvers.length}/${r.requiredApprovers}` : ''} ·{' '}
              {sla(r, now)} · {r.title} · {r.source}
            </Text>
          );
        })
      )}
    </Pane>
  );
}
