// The operations plan's figures, computed from the PHRs alone (the audit trail is the source of
// truth). Raw timestamps in, medians and p95 out (Google SRE's "Incident Metrics in SRE").
//   MTTD      detected − failure_started
//   MTTR      validated (or rolled_back) − failure_started (else detected)
//   approval  the approval that made it executable − recommended (critical: the second approver)
//   compliance  medium/critical records that executed and hold recommended, enough approvals,
//             executed and validated-or-failed
//   rollback  rolled_back − rollback_requested; success rate over requests
//   cost      post − pre of requests_cpu_millis / requests_memory_bytes (× replicas) of
//             validated optimization records
import { computeQuality, qualityRows, type QualityFigures } from './quality.js';
import type { RecordMeta, Tier } from './types.js';

export interface Distribution {
  count: number;
  p50_s: number | null;
  p95_s: number | null;
}

export interface Figures {
  records: number;
  mttd: Distribution;
  mttr: Distribution;
  approval_latency: Record<Tier, Distribution>;
  compliance: { executed: number; complete: number; ratio: number | null; incomplete: string[] };
  rollback: { requested: number; succeeded: number; success_rate: number | null; time: Distribution };
  cost_delta: { cpu_cores: number; memory_gib: number };
  /** Approval latency of routine and of emergency changes, against the plan's targets. */
  approval_by_urgency: ApprovalByUrgency;
  /** Acted-upon share per source and confidence, rejection reasons, right-sizing, toil (quality.ts). */
  quality: QualityFigures;
}

export interface UrgencyLatency extends Distribution {
  target_s: number;
  /** Share approved within the target; null without data. */
  within_target: number | null;
}

export interface ApprovalByUrgency {
  routine: UrgencyLatency;
  emergency: UrgencyLatency;
}

/** The operations plan: approvals under 30 minutes routinely, under 5 in an emergency. */
export const APPROVAL_TARGET_S = { routine: 30 * 60, emergency: 5 * 60 } as const;

/** Approval latency (recommended → the approval that made it executable), routine and emergency apart. */
export function approvalByUrgency(records: readonly RecordMeta[]): ApprovalByUrgency {
  const latency = { routine: [] as number[], emergency: [] as number[] };
  for (const r of records) {
    const t = r.timestamps ?? {};
    const needed = r.tier ? APPROVALS_NEEDED[r.tier] : 0;
    if (!needed || !t.recommended || (t.approved?.length ?? 0) < needed) continue;
    latency[r.emergency ? 'emergency' : 'routine'].push(ms(t.approved![needed - 1])! - ms(t.recommended)!);
  }
  const judged = (values: number[], target_s: number): UrgencyLatency => ({
    ...distribution(values),
    target_s,
    within_target: values.length ? values.filter((v) => v <= target_s * 1000).length / values.length : null,
  });
  return {
    routine: judged(latency.routine, APPROVAL_TARGET_S.routine),
    emergency: judged(latency.emergency, APPROVAL_TARGET_S.emergency),
  };
}

const ms = (iso: string | undefined): number | undefined => (iso ? Date.parse(iso) : undefined);

function distribution(values: number[]): Distribution {
  if (values.length === 0) return { count: 0, p50_s: null, p95_s: null };
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
  return { count: values.length, p50_s: rank(50) / 1000, p95_s: rank(95) / 1000 };
}

const APPROVALS_NEEDED: Record<Tier, number> = { trivial: 0, low: 1, medium: 1, critical: 2 };

export function computeFigures(records: readonly RecordMeta[], since?: number): Figures {
  const inWindow = records.filter((r) => since === undefined || (ms(r.created) ?? 0) >= since);
  const mttd: number[] = [];
  const mttr: number[] = [];
  const approval: Record<Tier, number[]> = { trivial: [], low: [], medium: [], critical: [] };
  const incomplete: string[] = [];
  let executed = 0;
  const rollbackTimes: number[] = [];
  let rollbackRequested = 0;
  let rollbackSucceeded = 0;
  let cpuMillis = 0;
  let memoryBytes = 0;
  for (const r of inWindow) {
    const t = r.timestamps ?? {};
    const started = ms(t.failure_started);
    const detected = ms(t.detected);
    if (started !== undefined && detected !== undefined) mttd.push(detected - started);
    const recovered = ms(t.validated) ?? ms(t.rolled_back);
    const from = started ?? detected;
    if (recovered !== undefined && from !== undefined && r.type !== 'optimization')
      mttr.push(recovered - from);
    const tier = r.tier;
    if (
      tier &&
      tier !== 'trivial' &&
      t.recommended &&
      t.approved &&
      t.approved.length >= APPROVALS_NEEDED[tier]
    ) {
      approval[tier].push(ms(t.approved[APPROVALS_NEEDED[tier] - 1])! - ms(t.recommended)!);
    }
    if ((tier === 'medium' || tier === 'critical') && t.executed) {
      executed++;
      const complete =
        Boolean(t.recommended) &&
        (t.approved?.length ?? 0) >= APPROVALS_NEEDED[tier] &&
        Boolean(t.validated || t.failed);
      if (!complete) incomplete.push(r.id);
    }
    if (t.rollback_requested) {
      rollbackRequested++;
      if (t.rolled_back) {
        rollbackSucceeded++;
        rollbackTimes.push(ms(t.rolled_back)! - ms(t.rollback_requested)!);
      }
    }
    if (r.type === 'optimization' && r.status === 'validated' && r.metrics?.pre && r.metrics.post) {
      const replicas = r.metrics.post.replicas ?? r.metrics.pre.replicas ?? 1;
      cpuMillis +=
        ((r.metrics.post.requests_cpu_millis ?? 0) - (r.metrics.pre.requests_cpu_millis ?? 0)) * replicas;
      memoryBytes +=
        ((r.metrics.post.requests_memory_bytes ?? 0) - (r.metrics.pre.requests_memory_bytes ?? 0)) * replicas;
    }
  }
  return {
    records: inWindow.length,
    mttd: distribution(mttd),
    mttr: distribution(mttr),
    approval_latency: {
      trivial: distribution(approval.trivial),
      low: distribution(approval.low),
      medium: distribution(approval.medium),
      critical: distribution(approval.critical),
    },
    compliance: {
      executed,
      complete: executed - incomplete.length,
      ratio: executed ? (executed - incomplete.length) / executed : null,
      incomplete,
    },
    rollback: {
      requested: rollbackRequested,
      succeeded: rollbackSucceeded,
      success_rate: rollbackRequested ? rollbackSucceeded / rollbackRequested : null,
      time: distribution(rollbackTimes),
    },
    cost_delta: { cpu_cores: cpuMillis / 1000, memory_gib: memoryBytes / 2 ** 30 },
    approval_by_urgency: approvalByUrgency(inWindow),
    quality: computeQuality(inWindow),
  };
}

const seconds = (d: Distribution) =>
  d.count ? `p50 ${d.p50_s} s, p95 ${d.p95_s} s (n=${d.count})` : 'no data';

export function figuresTable(f: Figures): string {
  const pct = (x: number | null) => (x === null ? 'no data' : `${Math.round(x * 100)} %`);
  const rows: [string, string][] = [
    ['records', String(f.records)],
    ['MTTD', seconds(f.mttd)],
    ['MTTR', seconds(f.mttr)],
    ...(['low', 'medium', 'critical'] as const).map((t): [string, string] => [
      `approval latency (${t})`,
      seconds(f.approval_latency[t]),
    ]),
    ...(['routine', 'emergency'] as const).map((u): [string, string] => {
      const d = f.approval_by_urgency[u];
      return [
        `approval latency (${u}, target ${d.target_s / 60} min)`,
        d.count ? `${seconds(d)}, ${pct(d.within_target)} within target` : 'no data',
      ];
    }),
    [
      'PHR compliance (medium/critical executions)',
      `${pct(f.compliance.ratio)} (${f.compliance.complete}/${f.compliance.executed})`,
    ],
    ['rollback success', `${pct(f.rollback.success_rate)} (${f.rollback.succeeded}/${f.rollback.requested})`],
    ['rollback time', seconds(f.rollback.time)],
    [
      'cost delta of applied right-sizing',
      `${f.cost_delta.cpu_cores.toFixed(2)} cores, ${f.cost_delta.memory_gib.toFixed(2)} GiB`,
    ],
    ...(f.quality ? qualityRows(f.quality) : []),
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n') + '\n';
}
