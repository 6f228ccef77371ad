// The table of legal transitions and the approval rules, replayed over hand-made events (the
// signatures are the replay context's business: here every event's `by` is taken as proven).
import { describe, expect, it } from 'vitest';
import { operationHash, replay, TRANSITIONS, type ReplayContext } from '../../src/audit/lifecycle.js';
import type { TrailEvent } from '../../src/audit/record-format.js';

const operation = {
  kind: 'scale',
  target: { kind: 'Deployment', namespace: 'todo', name: 'frontend' },
  replicas: 2,
};
const opHash = operationHash(operation);
const ctx: ReplayContext = {
  signerOf: (e) => (e.by ? { principal: e.by, key: `key-of-${e.by}` } : 'not signed'),
  floorOf: () => 'low',
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
const created = (required: number, extra: Record<string, unknown> = {}) =>
  ev(
    'created',
    {
      type: 'scaling',
      title: 'x',
      source: 'kubectl-ai',
      tier: required >= 2 ? 'critical' : 'low',
      operation,
      op_hash: opHash,
      required_approvers: required,
      expires: '2026-12-01T11:00:00.000Z',
      ...extra,
    },
    'alice',
  );
const approve = (by: string, at?: string, hash = opHash) => ev('approved', { op_hash: hash }, by, at);
const run = (...events: TrailEvent[]) => replay('00002-x', 2, events, ctx);

describe('the lifecycle table', () => {
  it.each([
    ['approved', 'awaiting-approval'],
    ['rejected', 'awaiting-approval'],
    ['executing', 'approved'],
    ['executed', 'executing'],
    ['validated', 'executed'],
    ['rollback-requested', 'validated'],
    ['rolled-back', 'rolling-back'],
    ['validation-resumed', 'executed'],
  ])('%s is legal from %s', (kind, from) => {
    expect(TRANSITIONS[from as keyof typeof TRANSITIONS]?.[kind as 'approved']).toBeDefined();
  });

  it.each([
    ['executing', 'awaiting-approval'],
    ['executed', 'approved'],
    ['approved', 'executed'],
    ['validated', 'rolled-back'],
    ['rollback-requested', 'awaiting-approval'],
    ['approved', 'expired'],
    // Only an open window is resumed: not one that ended, nor an execution half done.
    ['validation-resumed', 'validated'],
    ['validation-resumed', 'failed'],
    ['validation-resumed', 'executing'],
    ['validation-resumed', 'interrupted'],
  ])('%s is refused from %s', (kind, from) => {
    expect(TRANSITIONS[from as keyof typeof TRANSITIONS]?.[kind as 'approved']).toBeUndefined();
  });

  it('two distinct principals complete a critical approval, and only then may it execute', () => {
    expect(run(created(2), approve('bob'), ev('executing', { by: 'bob' })).problem).toMatch(
      /executing is not allowed when the record is awaiting-approval/,
    );
    const done = run(created(2), approve('bob'), approve('carol'), ev('executing', { by: 'carol' }));
    expect(done.problem).toBeUndefined();
    expect(done.meta.status).toBe('executing');
    expect(done.meta.approvers).toEqual(['bob', 'carol']);
  });

  it.each([
    ['the same principal twice', [approve('bob'), approve('bob')], /bob already approved it/],
    ['the same principal in another spelling', [approve('bob'), approve(' BOB')], /already approved it/],
    ['an approval after the window', [approve('bob', '2026-12-01T11:00:00.000Z')], /after the window closed/],
    ['an approval of another operation', [approve('bob', undefined, 'other')], /signs another operation/],
    ['an unsigned approval', [ev('approved', { op_hash: opHash })], /not signed/],
  ])('refused: %s', (_, events, reason) => {
    expect(run(created(2), ...(events as TrailEvent[])).problem).toMatch(reason);
  });

  it('a resumed validation makes its process the owner, and the record stays executed', () => {
    const resumed = run(
      created(1),
      approve('bob'),
      ev('executing', { by: 'bob', host: 'h', pid: 1 }),
      ev('executed', { operation: 'scale', kubectl: 'kubectl scale' }),
      ev('validation-resumed', { by: 'carol', host: 'h', pid: 2, started: 'x', window_seconds: 60 }),
    );
    expect(resumed.problem).toBeUndefined();
    expect(resumed.meta.status).toBe('executed');
    expect(resumed.meta.owner).toEqual({ host: 'h', pid: 2 });
  });

  it('a person who proposed never approves their own proposal', () => {
    expect(run(created(1, { proposer: 'alice' }), approve('Alice')).problem).toMatch(
      /alice proposed it and cannot approve it|Alice proposed it/,
    );
  });

  it('a record below its tier minimum or its floor is refused at its creation', () => {
    expect(run(created(1, { tier: 'critical' })).problem).toMatch(/tier critical needs at least 2 approvers/);
    expect(run(created(0, { tier: 'trivial' })).problem).toMatch(/below the built-in floor low/);
    expect(run(created(0, { tier: 'trivial', floor_waived_by: ['alice', 'bob'] })).problem).toBeUndefined();
    expect(run(created(1, { op_hash: 'forged' })).problem).toMatch(/op_hash does not match/);
  });
});
