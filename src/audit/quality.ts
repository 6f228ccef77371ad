// Recommendation quality, from the PHRs alone (issue 17, the plan's feedback loop):
//
//   acted upon   a recommendation whose approvals were complete (or whose tier needed none) and
//                whose execution started: status executing or any status after it (executed,
//                validated, failed, interrupted, rolling back, rolled back). Whether the change
//                then held is validation's figure, not this one.
//   decided      acted upon + rejected + expired. Still waiting (awaiting approval, approved but
//                not yet executing) is open and counts in neither.
//   actionable   acted upon / decided, per source and per confidence: the plan's ≥ 80 %.
//   source       a built-in finding's analyzer (its rule's first part), kagent, kubectl-ai, the
//                offline assistant, or the cockpit (a person: a key, `aiops-tui propose`).
//   right-sizing Σ (after − before) × replicas / Σ before × replicas of the pod requests recorded
//                with each validated resource change (preMetrics / postMetrics), cpu and memory
//                apart, a resource counted only where it was requested before: the plan's ≥ 20 %.
//   toil         resolution records (a finding that went away) resolved through the queue: a
//                recommendation for the same finding, or the same target, executed between its
//                detection and its resolution; the rest by hand.
import type { RecordMeta, RecordStatus } from './types.js';

export const ACTIONABLE_GOAL = 0.8;
/** A reduction of at least 20 % of the requests right-sizing touched. */
export const RIGHT_SIZING_GOAL = -0.2;

export type Decision = 'acted-upon' | 'rejected' | 'expired' | 'open';

/** What became of a recommendation, by its status (a table in test/audit/quality.test.ts). */
export function decisionOf(status: RecordStatus): Decision {
  switch (status) {
    case 'rejected':
      return 'rejected';
    case 'expired':
      return 'expired';
    case 'proposed':
    case 'awaiting-approval':
    case 'approved':
    case 'auto':
      return 'open';
    default:
      return 'acted-upon';
  }
}

/** Whose idea it was: the analyzer of a built-in finding, else the assistant, else a person. */
export function sourceOf(meta: Pick<RecordMeta, 'source' | 'rule'>): string {
  switch (meta.source) {
    case 'built-in':
      return meta.rule?.split('/')[0] || 'built-in';
    case 'kagent':
    case 'kubectl-ai':
    case 'offline assistant':
      return meta.source;
    default:
      return 'cockpit';
  }
}

export interface Tally {
  decided: number;
  acted_upon: number;
  rejected: number;
  expired: number;
  open: number;
  /** acted_upon / decided; null before any decision. */
  actionable: number | null;
  /** Rejections by reason (`unspecified`: a free-text rejection from before the short list). */
  reasons: Record<string, number>;
}

export interface QualityFigures {
  actionable_goal: number;
  by_source: Record<string, Tally>;
  by_confidence: Record<string, Tally>;
  rejection_reasons: Record<string, number>;
  right_sizing: {
    changes: number;
    cpu_before_cores: number;
    cpu_after_cores: number;
    /** (after − before) / before; null when nothing was measured. */
    cpu_change: number | null;
    memory_before_gib: number;
    memory_after_gib: number;
    memory_change: number | null;
    goal: number;
  };
  toil: { resolved: number; through_queue: number; by_hand: number; share_through_queue: number | null };
}

const tally = (): Tally => ({
  decided: 0,
  acted_upon: 0,
  rejected: 0,
  expired: 0,
  open: 0,
  actionable: null,
  reasons: {},
});

function count(into: Tally, decision: Decision, reason: string | undefined): void {
  if (decision === 'acted-upon') into.acted_upon++;
  else if (decision === 'open') into.open++;
  else into[decision]++;
  if (decision !== 'open') into.decided++;
  if (reason) into.reasons[reason] = (into.reasons[reason] ?? 0) + 1;
}

const ms = (iso: string | undefined): number | undefined => (iso ? Date.parse(iso) : undefined);
const GI = 2 ** 30;

export function computeQuality(records: readonly RecordMeta[]): QualityFigures {
  const bySource: Record<string, Tally> = {};
  const byConfidence: Record<string, Tally> = {};
  const reasons: Record<string, number> = {};
  const cpu = { before: 0, after: 0 };
  const memory = { before: 0, after: 0 };
  let changes = 0;
  /** Execution times of recommendations, by the finding they address and by their target. */
  const executed = new Map<string, number[]>();
  const note = (key: string | null | undefined, at: number) => {
    if (!key) return;
    const times = executed.get(key);
    if (times) times.push(at);
    else executed.set(key, [at]);
  };
  const resolutions: RecordMeta[] = [];
  for (const r of records) {
    if (r.type === 'resolution') {
      resolutions.push(r);
      continue;
    }
    if (!r.operation) continue;
    const decision = decisionOf(r.status);
    const reason = decision === 'rejected' ? (r.rejection?.reason ?? 'unspecified') : undefined;
    if (reason) reasons[reason] = (reasons[reason] ?? 0) + 1;
    count((bySource[sourceOf(r)] ??= tally()), decision, reason);
    count((byConfidence[r.confidence ?? 'unrated'] ??= tally()), decision, reason);
    const at = ms(r.timestamps?.executed);
    if (at !== undefined) {
      note(r.finding && `finding:${r.finding}`, at);
      note(r.target && `target:${r.target}`, at);
    }
    const { pre, post } = r.metrics ?? {};
    if (
      (r.operation as { kind?: string }).kind === 'set-resources' &&
      r.status === 'validated' &&
      pre &&
      post
    ) {
      const replicas = post.replicas ?? pre.replicas ?? 1;
      let measured = false;
      for (const [sum, key] of [
        [cpu, 'requests_cpu_millis'],
        [memory, 'requests_memory_bytes'],
      ] as const) {
        const before = pre[key];
        const after = post[key];
        if (typeof before !== 'number' || before <= 0 || typeof after !== 'number') continue;
        sum.before += before * replicas;
        sum.after += after * replicas;
        measured = true;
      }
      if (measured) changes++;
    }
  }
  let throughQueue = 0;
  for (const r of resolutions) {
    const from = ms(r.timestamps?.detected) ?? ms(r.timestamps?.failure_started) ?? -Infinity;
    const to = ms(r.created) ?? Infinity;
    const keys = [r.finding && `finding:${r.finding}`, r.target && `target:${r.target}`];
    if (keys.some((k) => k && executed.get(k)?.some((t) => t >= from && t <= to))) throughQueue++;
  }
  for (const t of [...Object.values(bySource), ...Object.values(byConfidence)])
    t.actionable = t.decided ? t.acted_upon / t.decided : null;
  const change = (s: { before: number; after: number }) =>
    s.before ? (s.after - s.before) / s.before : null;
  return {
    actionable_goal: ACTIONABLE_GOAL,
    by_source: sorted(bySource),
    by_confidence: sorted(byConfidence, ['high', 'medium', 'low', 'unrated']),
    rejection_reasons: reasons,
    right_sizing: {
      changes,
      cpu_before_cores: cpu.before / 1000,
      cpu_after_cores: cpu.after / 1000,
      cpu_change: change(cpu),
      memory_before_gib: memory.before / GI,
      memory_after_gib: memory.after / GI,
      memory_change: change(memory),
      goal: RIGHT_SIZING_GOAL,
    },
    toil: {
      resolved: resolutions.length,
      through_queue: throughQueue,
      by_hand: resolutions.length - throughQueue,
      share_through_queue: resolutions.length ? throughQueue / resolutions.length : null,
    },
  };
}

/** Keys in a fixed order (`order` first, then by name), so the JSON and the table are stable. */
function sorted<T>(o: Record<string, T>, order: readonly string[] = []): Record<string, T> {
  const rank = (k: string) => (order.includes(k) ? order.indexOf(k) : order.length);
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b)));
}

const pct = (x: number | null): string => (x === null ? 'no data' : `${Math.round(x * 100)} %`);
const signedPct = (x: number | null): string =>
  x === null ? 'no data' : `${x > 0 ? '+' : x < 0 ? '−' : ''}${Math.abs(Math.round(x * 100))} %`;

function tallyLine(t: Tally): string {
  const why = Object.entries(t.reasons)
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');
  return `${pct(t.actionable)} of ${t.decided} decided (${t.acted_upon} acted upon, ${t.rejected} rejected${why ? `: ${why}` : ''}, ${t.expired} expired; ${t.open} open)`;
}

/** The rows `report metrics` and the `m` overlay print. */
export function qualityRows(q: QualityFigures): [string, string][] {
  const rs = q.right_sizing;
  return [
    ['acted upon, goal', `≥ ${Math.round(q.actionable_goal * 100)} % of decided recommendations`],
    ...Object.entries(q.by_source).map(([s, t]): [string, string] => [`  from ${s}`, tallyLine(t)]),
    ...Object.entries(q.by_confidence).map(([c, t]): [string, string] => [`  confidence ${c}`, tallyLine(t)]),
    [
      'rejection reasons',
      Object.entries(q.rejection_reasons)
        .map(([k, n]) => `${k} ${n}`)
        .join(', ') || 'none',
    ],
    [
      'right-sizing cost change',
      rs.changes
        ? `cpu ${signedPct(rs.cpu_change)} (${rs.cpu_before_cores.toFixed(2)} → ${rs.cpu_after_cores.toFixed(2)} cores), memory ${signedPct(rs.memory_change)} (${rs.memory_before_gib.toFixed(2)} → ${rs.memory_after_gib.toFixed(2)} GiB) over ${rs.changes} change${rs.changes === 1 ? '' : 's'}; goal ${signedPct(rs.goal)} or less`
        : `no validated resource change yet; goal ${signedPct(rs.goal)} or less`,
    ],
    [
      'toil: findings resolved',
      q.toil.resolved
        ? `${q.toil.through_queue} through the queue, ${q.toil.by_hand} by hand (${pct(q.toil.share_through_queue)} through the queue)`
        : 'none recorded yet',
    ],
  ];
}
