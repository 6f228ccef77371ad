// Approval latency of routine and emergency changes, apart, against the plan's 30- and 5-minute
// targets: a table over hand-made records, and the line `report metrics` prints.
import { describe, expect, it } from 'vitest';
import { approvalByUrgency, computeFigures, figuresTable } from '../../src/audit/metrics.js';
import type { RecordMeta, Tier } from '../../src/audit/types.js';

const T0 = Date.parse('2026-12-01T10:00:00.000Z');
const iso = (s: number) => new Date(T0 + s * 1000).toISOString();
const rec = (tier: Tier, approvedAfter: number[], emergency = false): RecordMeta =>
  ({
    id: `r${Math.random()}`,
    tier,
    type: 'scaling',
    status: 'approved',
    created: iso(0),
    timestamps: { recommended: iso(0), approved: approvedAfter.map(iso) },
    approvers: approvedAfter.map((_, i) => `p${i}`),
    metrics: {},
    ...(emergency ? { emergency: { reason: 'x', by: 'proposer' } } : {}),
  }) as RecordMeta;

describe('approval latency by urgency', () => {
  it('routine and emergency apart; critical counts the second approval; trivial and unapproved not at all', () => {
    const figures = approvalByUrgency([
      rec('low', [60]),
      rec('medium', [40 * 60]), // over the 30-minute target
      rec('critical', [30, 120], true), // the second approver at 2 min
      rec('critical', [200], true), // one of two: not yet approved
      rec('medium', [10 * 60], true), // over the 5-minute target
      rec('trivial', []),
    ]);
    expect(figures.routine).toEqual({ count: 2, p50_s: 60, p95_s: 2400, target_s: 1800, within_target: 0.5 });
    expect(figures.emergency).toEqual({
      count: 2,
      p50_s: 120,
      p95_s: 600,
      target_s: 300,
      within_target: 0.5,
    });
  });

  it('no data is said, not zero', () => {
    expect(approvalByUrgency([]).emergency).toEqual({
      count: 0,
      p50_s: null,
      p95_s: null,
      target_s: 300,
      within_target: null,
    });
  });

  it('report metrics prints both against their targets', () => {
    const table = figuresTable(computeFigures([rec('low', [60]), rec('critical', [30, 120], true)]));
    expect(table).toMatch(
      /approval latency \(routine, target 30 min\) +p50 60 s, p95 60 s \(n=1\), 100 % within target\n/,
    );
    expect(table).toMatch(
      /approval latency \(emergency, target 5 min\) +p50 120 s, p95 120 s \(n=1\), 100 % within target\n/,
    );
  });
});
