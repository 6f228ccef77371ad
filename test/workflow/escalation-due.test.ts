// dueEscalations: which thresholds a record has passed and not yet escalated, a table of cases.
import { describe, expect, it } from 'vitest';
import type { RecordMeta } from '../../src/audit/types.js';
import { dueEscalations } from '../../src/workflow/escalation.js';
import { DEFAULT_POLICY, type Policy } from '../../src/workflow/policy.js';

const T0 = Date.parse('2026-12-01T10:00:00.000Z');
const min = 60_000;
const iso = (ms: number) => new Date(ms).toISOString();

/** A low recommendation created at T0 with a 10-minute window. */
const record = (over: Partial<RecordMeta> = {}): RecordMeta =>
  ({
    id: '00002-x',
    operation: { kind: 'scale' },
    status: 'awaiting-approval',
    created: iso(T0),
    expires: iso(T0 + 10 * min),
    approvers: [],
    required_approvers: 1,
    timestamps: { recommended: iso(T0) },
    ...over,
  }) as RecordMeta;

const policy = (escalation: Partial<Policy['escalation']>): Policy => ({
  ...DEFAULT_POLICY,
  escalation: { on_expiry: true, terminal: true, webhooks: [], ...escalation },
});

const half = policy({ at_window_share: 0.5 });
const critical30 = policy({ critical_finding_open_minutes: 30 });

const cases: [string, RecordMeta, Policy, number, string[]][] = [
  ['before half the window: nothing', record(), half, T0 + 4 * min, []],
  ['at half the window: the share', record(), half, T0 + 5 * min, ['window-share:0.5']],
  ['past half, window open: the share', record(), half, T0 + 9 * min, ['window-share:0.5']],
  ['already escalated: nothing', record({ escalated: ['window-share:0.5'] }), half, T0 + 6 * min, []],
  [
    'a different share in the policy is a new threshold',
    record({ escalated: ['window-share:0.5'] }),
    policy({ at_window_share: 0.8 }),
    T0 + 9 * min,
    ['window-share:0.8'],
  ],
  [
    'past the close but not yet expired: the expiry escalates, not the share',
    record(),
    half,
    T0 + 11 * min,
    [],
  ],
  ['approved: no share escalation', record({ status: 'approved' }), half, T0 + 6 * min, []],
  ['expired just now: the final escalation', record({ status: 'expired' }), half, T0 + 11 * min, ['expired']],
  [
    'expired and escalated: nothing',
    record({ status: 'expired', escalated: ['window-share:0.5', 'expired'] }),
    half,
    T0 + 11 * min,
    [],
  ],
  ['expired long ago (an old trail): nothing', record({ status: 'expired' }), half, T0 + 3 * 60 * min, []],
  ['on_expiry off: nothing', record({ status: 'expired' }), policy({ on_expiry: false }), T0 + 11 * min, []],
  ['no thresholds in the policy: nothing', record(), policy({}), T0 + 9 * min, []],
  ['not a recommendation: nothing', record({ operation: undefined }), half, T0 + 9 * min, []],
  [
    'critical finding open 30 min: escalates',
    record({ severity: 'critical', status: 'executed', timestamps: { detected: iso(T0 - 25 * min) } }),
    critical30,
    T0 + 5 * min,
    ['critical-open:30m'],
  ],
  [
    'critical finding open 29 min: not yet',
    record({ severity: 'critical', status: 'executed', timestamps: { detected: iso(T0 - 24 * min) } }),
    critical30,
    T0 + 5 * min,
    [],
  ],
  [
    'a warning finding open long: nothing',
    record({ severity: 'warning', status: 'executed' }),
    critical30,
    T0 + 60 * min,
    [],
  ],
  [
    'critical finding resolved (validated): nothing',
    record({ severity: 'critical', status: 'validated' }),
    critical30,
    T0 + 60 * min,
    [],
  ],
  [
    'critical finding whose change failed: still open, escalates',
    record({ severity: 'critical', status: 'failed' }),
    critical30,
    T0 + 31 * min,
    ['critical-open:30m'],
  ],
  [
    'critical finding on a record older than a day: nothing (an old trail)',
    record({ severity: 'critical', status: 'interrupted' }),
    critical30,
    T0 + 25 * 60 * min,
    [],
  ],
  [
    'both at once: share and critical',
    record({ severity: 'critical' }),
    policy({ at_window_share: 0.5, critical_finding_open_minutes: 5 }),
    T0 + 6 * min,
    ['window-share:0.5', 'critical-open:5m'],
  ],
];

describe('dueEscalations', () => {
  it.each(cases)('%s', (_name, meta, p, now, expected) => {
    expect(dueEscalations(meta, p, now).map((d) => d.threshold)).toEqual(expected);
  });

  it('says what happened in one line, and how loud', () => {
    const [share] = dueEscalations(record(), half, T0 + 5 * min);
    expect(share).toEqual({
      threshold: 'window-share:0.5',
      detail: '50 % of the approval window passed with 0/1 approvals; it closes in 5 min',
      severity: 'warning',
    });
    const [expired] = dueEscalations(record({ status: 'expired' }), half, T0 + 10 * min);
    expect(expired!.severity).toBe('critical');
    expect(expired!.detail).toBe('the approval window closed with 0/1 approvals: nothing was done');
  });
});
