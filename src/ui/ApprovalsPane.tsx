// The approval queue: what each recommendation would do (its operation) first, then its tier,
// status, approvals and the time left; with room, its kubectl under it. Cut at word boundaries.
import { Text } from 'ink';
import type { Tier } from '../audit/types.js';
import { humanDuration } from '../kube/format.js';
import type { Recommendation } from '../state/types.js';
import { useCockpit } from './context.js';
import { clipPieces, clipWords, type Piece } from './format.js';
import { wrapWords } from './overlay-lines.js';
import { Pane, PANE_CHROME, windowStart, type PaneFrame } from './Pane.js';
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

/** What a recommendation would do: its operation's summary. */
const operationText = (r: Recommendation): string => r.operation.summary || r.title;

/** Its state: tier, status (with approvals), time, source. */
export function statePieces(r: Recommendation, status: string, now: number): Piece[] {
  const approvals = r.status === 'awaiting-approval' ? ` ${r.approvers.length}/${r.requiredApprovers}` : '';
  return [
    { text: r.tier, color: TIER_COLOR[r.tier] },
    ...(r.emergency ? [{ text: ' EMERGENCY', color: 'red' }] : []),
    { text: ' ' },
    { text: status, ...(STATUS_COLOR[r.status] ? { color: STATUS_COLOR[r.status]! } : {}) },
    { text: `${approvals} · ${sla(r, now)} · ${r.source}` },
  ];
}

function PiecesText({ pieces }: { pieces: readonly Piece[] }) {
  return (
    <>
      {pieces.map((p, i) => (
        <Text key={i} color={p.color}>
          {p.text}
        </Text>
      ))}
    </>
  );
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
  const inner = Math.max(1, width - PANE_CHROME);
  // With room for two lines each, the operation has its own line (two with room for three) and
  // the state goes under it.
  const shownRecs = Math.min(recs.length, 3);
  const perRow =
    recs.length > 0 && room >= 3 * shownRecs ? 3 : recs.length > 0 && room >= 2 * shownRecs ? 2 : 1;
  const opLines = perRow - 1;
  const index = Math.max(
    0,
    recs.findIndex((r) => r.id === selected),
  );
  const count = Math.max(1, Math.floor(room / perRow));
  const start = windowStart(index, recs.length, count, focused);
  return (
    <Pane title={`approvals (${waiting} waiting)`} width={width} height={height} focused={focused}>
      {recs.length === 0 ? (
        <Text color="gray" wrap="truncate">
          no recommendations: ask the chat, or press a on a finding
        </Text>
      ) : (
        recs.slice(start, start + count).flatMap((r) => {
          const isSelected = focused && r.id === (selected ?? recs[0]?.id);
          const state = statePieces(r, progress[r.id] ?? r.status, now);
          const mark = isSelected ? '›' : ' ';
          if (perRow === 1)
            return [
              <Text key={r.id} wrap="truncate" inverse={isSelected}>
                {mark}
                <PiecesText pieces={clipPieces([{ text: `${operationText(r)} · ` }, ...state], inner - 1)} />
              </Text>,
            ];
          const wrapped = wrapWords(operationText(r), inner - 1);
          const op =
            wrapped.length > opLines
              ? [...wrapped.slice(0, opLines - 1), clipWords(wrapped.slice(opLines - 1).join(' '), inner - 1)]
              : wrapped;
          return [
            ...op.map((text, i) => (
              <Text key={`${r.id}-op${i}`} wrap="truncate" inverse={isSelected} bold>
                {i === 0 ? mark : ' '}
                {text}
              </Text>
            )),
            <Text key={`${r.id}-state`} wrap="truncate">
              {'  '}
              <PiecesText pieces={clipPieces(state, inner - 2)} />
            </Text>,
          ];
        })
      )}
    </Pane>
  );
}
