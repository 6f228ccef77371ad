// Emergencies and escalations in the table of legal transitions: replayed over hand-made events
// (every event's `by` is taken as proven; signatures are the replay context's business).
import { describe, expect, it } from 'vitest';
import { ESCALATION_STATES, operationHash, replay, type ReplayContext } from '../../src/audit/lifecycle.js';
import type { TrailEvent } from '../../src/audit/record-format.js';

const operation = { kind: 'delete', target: { kind: 'Deployment', namespace: 'prod', name: 'api' } };
const opHash = operationHash(operation);
const ctx: ReplayContext = {
  signerOf: (e) => (e.by ? { principal: e.by, key: `key-of-${e.by}` } : 'not signed'),
  floorOf: () => 'critical',
};
let n = 0;
const ev = (
  kind: string,
  data: Record<string, unknown> = {},
  by?: string,
  at = '2026-12-01T10:00:00.000Z',
): TrailEvent => ({
  v: 2,
  n: ++n,
  record: '00002-x',
  kind,
  at,
  data,
  prev: 'p',
  hash: `h${n}`,
  ...(by ? { by, key: `key-of-${by}`, sig: 's' } : {}),
});
const created = (extra: Record<string, unknown> = {}) =>
  ev(
    'created',
    {
      type: 'diagnosis',
      title: 'x',
      source: 'built-in',
      tier: 'critical',
      operation,
      op_hash: opHash,
      required_approvers: 2,
      expires: '2026-12-01T10:05:00.000Z',
      ...extra,
    },
    'alice',
  );
const run = (...events: TrailEvent[]) => replay('00002-x', 2, events, ctx);
const escalated = (threshold: string) => ev('escalated', { threshold, detail: 'd', channels: ['hook'] });
const failed = (threshold: string) =>
  ev('notification-failed', { threshold, channel: 'hook', attempts: 4, error: 'HTTP 500' });
const expired = () => ev('expired', {}, undefined, '2026-12-01T10:06:00.000Z');

describe('emergencies in the record', () => {
  it('an emergency with a reason is in the derived record; the approvals stay the tier’s', () => {
    const r = run(created({ emergency: { reason: 'checkout down', by: 'proposer' } }));
    expect(r.problem).toBeUndefined();
    expect(r.meta.emergency).toEqual({ reason: 'checkout down', by: 'proposer' });
    expect(r.meta.required_approvers).toBe(2);
  });

  it.each([
    ['a bare flag', true],
    ['no reason', { by: 'proposer' }],
    ['a blank reason', { reason: '  ', by: 'proposer' }],
    ['an unknown author', { reason: 'x', by: 'someone' }],
  ])('an emergency with %s is refused', (_name, emergency) => {
    expect(run(created({ emergency })).problem).toMatch(
      /^event 1 \(created, #\d+\): an emergency without a reason$/,
    );
  });

  it('an emergency never lowers the approvers: a critical record asking for one is refused', () => {
    const r = run(created({ emergency: { reason: 'now', by: 'proposer' }, required_approvers: 1 }));
    expect(r.problem).toMatch(/tier critical needs at least 2 approvers/);
  });

  it('a routine record has no emergency key (older records keep their front matter)', () => {
    expect('emergency' in run(created()).meta).toBe(false);
  });
});

describe('escalation events', () => {
  it('escalated and notification-failed change no status; each threshold is derived into the record', () => {
    const r = run(
      created(),
      escalated('window-share:0.5'),
      failed('window-share:0.5'),
      expired(),
      escalated('expired'),
    );
    expect(r.problem).toBeUndefined();
    expect(r.meta.status).toBe('expired');
    expect(r.meta.escalated).toEqual(['window-share:0.5', 'expired']);
  });

  it('a threshold escalated twice is refused (two cockpits, a restart)', () => {
    expect(run(created(), escalated('window-share:0.5'), escalated('window-share:0.5')).problem).toMatch(
      /^event 3 \(escalated, #\d+\): escalated twice for window-share:0.5$/,
    );
  });

  it('the expiry escalation only once expired, and the others not after', () => {
    expect(run(created(), escalated('expired')).problem).toMatch(
      /the expired escalation when the record is awaiting-approval/,
    );
    expect(run(created(), expired(), escalated('window-share:0.5')).problem).toMatch(
      /the window-share:0.5 escalation when the record is expired/,
    );
  });

  it('a failed notification of a threshold never escalated is refused', () => {
    expect(run(created(), failed('window-share:0.5')).problem).toMatch(/which was never escalated/);
  });

  it('no threshold: refused', () => {
    expect(run(created(), ev('escalated', { detail: 'd', channels: [] })).problem).toMatch(
      /escalated without a threshold/,
    );
  });

  it.each([
    ['escalated', 'rejected', false],
    ['escalated', 'validated', false],
    ['escalated', 'executed', true],
    ['escalated', 'expired', true],
    ['notification-failed', 'validated', true],
    ['notification-failed', 'rejected', true],
    ['notification-failed', 'answered', false],
    ['notification-failed', 'pinned', false],
  ] as const)('%s when the record is %s: %s', (kind, status, allowed) => {
    expect(ESCALATION_STATES[kind].has(status)).toBe(allowed);
  });

  it('escalation after a rejection is refused', () => {
    const r = run(created(), ev('rejected', { reason: 'no' }, 'bob'), escalated('window-share:0.5'));
    expect(r.problem).toMatch(/escalated is not allowed when the record is rejected/);
  });
});
