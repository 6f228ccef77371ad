// A record's lifecycle, replayed from its events: one table of legal transitions and the rules an
// approval must meet. The writer checks an event against it before appending, `phr verify`
// replays every record through it, and the executor asks it whether a record is executable: the
// front matter is never trusted for any of that.
import { principalKey } from './names.js';
import { canonical, sha256, type TrailEvent } from './record-format.js';
import type { RecordMeta, RecordStatus, RecordType, Tier } from './types.js';
import { REJECTION_REASONS } from '../model/rejection.js';

export type EventKind =
  | 'created'
  | 'approved'
  | 'rejected'
  | 'expired'
  | 'executing'
  | 'executed'
  | 'validated'
  | 'failed'
  | 'interrupted'
  | 'validation-resumed'
  | 'rollback-requested'
  | 'rolled-back'
  | 'chat'
  | 'note'
  | 'trust'
  | 'escalated'
  | 'notification-failed';

/** Where each event may take a record. `note` is legal everywhere and changes nothing. */
export const TRANSITIONS: Readonly<Partial<Record<RecordStatus, Partial<Record<EventKind, RecordStatus>>>>> =
  {
    'awaiting-approval': { approved: 'awaiting-approval', rejected: 'rejected', expired: 'expired' },
    approved: { executing: 'executing' },
    auto: { executing: 'executing' },
    executing: { executed: 'executed', failed: 'failed', interrupted: 'interrupted' },
    executed: {
      validated: 'validated',
      failed: 'failed',
      interrupted: 'interrupted',
      'rollback-requested': 'rolling-back',
      // Another process takes over the window of one whose process is gone.
      'validation-resumed': 'executed',
    },
    validated: { 'rollback-requested': 'rolling-back' },
    failed: { 'rollback-requested': 'rolling-back' },
    interrupted: { 'rollback-requested': 'rolling-back' },
    'rolling-back': { 'rolled-back': 'rolled-back', interrupted: 'interrupted' },
    'rollback-failed': { 'rollback-requested': 'rolling-back' },
    // A rollback's own record: created by whoever asked for it, then executed and validated.
    proposed: { executed: 'executed' },
    answered: { chat: 'answered' },
    pinned: { trust: 'pinned' },
  };

/**
 * Escalation events change no status. An escalation happens while a recommendation waits or its
 * change is unresolved, and as it expires; a failed delivery is reported whenever the retries
 * end, by which time the record may have moved on to any state.
 */
/** The states in which a recommendation's change is not resolved yet (its finding still open). */
export const OPEN_CHANGE: readonly RecordStatus[] = [
  'awaiting-approval',
  'approved',
  'auto',
  'executing',
  'executed',
  'failed',
  'interrupted',
  'rolling-back',
  'rollback-failed',
];
export const ESCALATION_STATES: Readonly<
  Record<'escalated' | 'notification-failed', ReadonlySet<RecordStatus>>
> = {
  escalated: new Set([...OPEN_CHANGE, 'expired']),
  'notification-failed': new Set([...OPEN_CHANGE, 'expired', 'rejected', 'validated', 'rolled-back']),
};

/** Events a person causes: each must carry a valid signature of an allowed signer. */
export const SIGNED: ReadonlySet<string> = new Set(['created', 'approved', 'rejected', 'chat', 'trust']);

/** Approvals each tier needs at the least, whatever a policy says. */
export const TIER_MIN_APPROVERS: Readonly<Record<Tier, number>> = {
  trivial: 0,
  low: 1,
  medium: 1,
  critical: 2,
};

export const operationHash = (operation: unknown): string => sha256(canonical(operation));

export interface Signature {
  principal: string;
  key: string;
}

export interface ReplayContext {
  /** The verified signer of an event, or why it has none. */
  signerOf(event: TrailEvent): Signature | string;
  /** The lowest tier the operation's kind may have (the built-in floors). */
  floorOf?(operation: unknown): Tier;
}

export interface Replay {
  meta: RecordMeta;
  /** The first rule an event broke, naming it. */
  problem?: string;
  /** Distinct principals and keys whose approvals count. */
  approvals: Signature[];
}

const TIER_RANK: Record<Tier, number> = { trivial: 0, low: 1, medium: 2, critical: 3 };

/** The record as its events make it: derived state, or the first event that breaks a rule. */
export function replay(id: string, seq: number, events: readonly TrailEvent[], ctx: ReplayContext): Replay {
  const approvals: Signature[] = [];
  let meta: RecordMeta | undefined;
  for (const [index, event] of events.entries()) {
    const where = `event ${index + 1} (${event.kind}, #${event.n})`;
    const fail = (why: string): Replay => ({
      meta: meta ?? blank(id, seq),
      problem: `${where}: ${why}`,
      approvals,
    });
    if (event.record !== id) return fail(`belongs to record ${event.record}`);
    let signer: Signature | undefined;
    if (SIGNED.has(event.kind) || event.sig !== undefined) {
      const s = ctx.signerOf(event);
      if (typeof s === 'string') return fail(s);
      signer = s;
    }
    if (index === 0) {
      if (event.kind !== 'created') return fail('a record must start with its creation');
      const created = fromCreation(id, seq, event, signer!, ctx);
      if (typeof created === 'string') return fail(created);
      meta = created;
      continue;
    }
    if (!meta) return fail('no creation');
    if (event.kind === 'created') return fail('created twice');
    const refused = apply(meta, event, signer, approvals);
    if (refused) return fail(refused);
  }
  if (!meta) return { meta: blank(id, seq), problem: 'the record has no events', approvals };
  return { meta, approvals };
}

function blank(id: string, seq: number): RecordMeta {
  return {
    id,
    seq,
    title: id,
    type: 'diagnosis',
    tier: null,
    status: 'proposed',
    source: '',
    target: null,
    runbook: null,
    timestamps: {},
    approvers: [],
    recorded_by: null,
    metrics: {},
    events: 0,
    created: '',
    head: '',
  };
}

function fromCreation(
  id: string,
  seq: number,
  event: TrailEvent,
  signer: Signature,
  ctx: ReplayContext,
): RecordMeta | string {
  const d = event.data as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  const type = d.type as RecordType;
  const operation = d.operation as unknown;
  const meta: RecordMeta = {
    ...blank(id, seq),
    title: String(d.title ?? id),
    type,
    tier: (d.tier as Tier | undefined) ?? null,
    source: String(d.source ?? ''),
    target: (d.target as string | undefined) ?? null,
    runbook: (d.runbook as string | undefined) ?? null,
    timestamps: { ...(d.timestamps as object | undefined) },
    recorded_by: signer.principal,
    created: event.at,
    events: 1,
    head: event.hash,
  };
  if (operation !== undefined) {
    const tier = meta.tier;
    if (!tier) return 'a recommendation without a tier';
    const required = Number(d.required_approvers);
    if (!Number.isInteger(required) || required < TIER_MIN_APPROVERS[tier])
      return `tier ${tier} needs at least ${TIER_MIN_APPROVERS[tier]} approvers, the record asks for ${d.required_approvers}`;
    const floor = ctx.floorOf?.(operation);
    // Below the floor only under a policy two allowed signers co-signed (the executor re-checks that policy).
    const waived = Array.isArray(d.floor_waived_by) && new Set(d.floor_waived_by.map(String)).size >= 2;
    if (floor && TIER_RANK[tier] < TIER_RANK[floor] && !waived)
      return `tier ${tier} is below the built-in floor ${floor} for this operation`;
    if (d.op_hash !== operationHash(operation)) return 'op_hash does not match the operation';
    if (typeof d.expires !== 'string' || Number.isNaN(Date.parse(d.expires))) return 'no approval window';
    Object.assign(meta, {
      operation,
      op_hash: d.op_hash,
      proposer: (d.proposer as string | undefined) ?? null,
      required_approvers: required,
      expires: d.expires,
      policy_hash: (d.policy_hash as string | undefined) ?? null,
      status: required === 0 ? 'auto' : 'awaiting-approval',
    });
    if (d.emergency !== undefined) {
      const e = d.emergency as { reason?: unknown; by?: unknown } | null;
      // An emergency changes the window only, and must say why: a bare flag is refused.
      if (typeof e?.reason !== 'string' || !e.reason.trim() || (e.by !== 'proposer' && e.by !== 'policy'))
        return 'an emergency without a reason';
      meta.emergency = { reason: e.reason, by: e.by };
    }
    if (typeof d.severity === 'string') meta.severity = d.severity;
    if (d.proposer !== undefined && principalKey(String(d.proposer)) !== principalKey(signer.principal))
      return `proposed as ${d.proposer} but signed by ${signer.principal}`;
    meta.timestamps.recommended = event.at;
  } else {
    meta.status =
      type === 'chat'
        ? 'answered'
        : type === 'report' || type === 'resolution' || type === 'archive'
          ? 'recorded'
          : type === 'trust'
            ? 'pinned'
            : 'proposed';
  }
  return withQuality(meta, d);
}

/** The creation's confidence, rationale, rule and finding, when it carries them (older records do not). */
function withQuality(meta: RecordMeta, d: Record<string, unknown>): RecordMeta | string {
  if (d.confidence !== undefined && !['high', 'medium', 'low'].includes(d.confidence as string))
    return `confidence ${JSON.stringify(d.confidence)} is not high, medium or low`;
  for (const key of ['confidence', 'rationale', 'rule', 'finding'] as const)
    if (typeof d[key] === 'string') Object.assign(meta, { [key]: d[key] });
  return meta;
}

/** Applies one event to the derived state, or says which rule it breaks. */
function apply(
  meta: RecordMeta,
  event: TrailEvent,
  signer: Signature | undefined,
  approvals: Signature[],
): string | undefined {
  const kind = event.kind as EventKind;
  const d = event.data as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  const t = meta.timestamps;
  meta.events += 1;
  meta.head = event.hash;
  if (kind === 'note') return undefined;
  if (kind === 'escalated' || kind === 'notification-failed') return escalation(meta, kind, d);
  const next = TRANSITIONS[meta.status]?.[kind];
  if (!next) return `${kind} is not allowed when the record is ${meta.status}`;
  if (typeof d.host === 'string' && typeof d.pid === 'number') meta.owner = { host: d.host, pid: d.pid };
  switch (kind) {
    case 'approved': {
      if (d.op_hash !== meta.op_hash) return 'the approval signs another operation than the record holds';
      if (meta.expires && Date.parse(event.at) >= Date.parse(meta.expires))
        return `approved at ${event.at}, after the window closed at ${meta.expires}`;
      const who = principalKey(signer!.principal);
      if (meta.proposer && principalKey(meta.proposer) === who)
        return `${signer!.principal} proposed it and cannot approve it`;
      if (approvals.some((a) => principalKey(a.principal) === who))
        return `${signer!.principal} already approved it`;
      if (approvals.some((a) => a.key === signer!.key))
        return `the key ${signer!.key} already approved it as ${approvals.find((a) => a.key === signer!.key)!.principal}`;
      approvals.push(signer!);
      meta.approvers = approvals.map((a) => a.principal);
      t.approved = [...(t.approved ?? []), event.at];
      meta.status = approvals.length >= (meta.required_approvers ?? 1) ? 'approved' : 'awaiting-approval';
      return undefined;
    }
    case 'executing':
      if (meta.status === 'approved' && approvals.length < (meta.required_approvers ?? 1))
        return 'executing without the approvals its tier requires';
      break;
    case 'rejected':
      t.rejected = event.at;
      // A reason from the short list, with its text beside it; a record from before has free text.
      if ('text' in d) {
        if (!(REJECTION_REASONS as readonly unknown[]).includes(d.reason))
          return `rejected for ${JSON.stringify(d.reason)}, not one of ${REJECTION_REASONS.join(', ')}`;
        meta.rejection = { reason: String(d.reason), text: String(d.text) };
      }
      break;
    case 'expired':
      if (meta.expires && Date.parse(event.at) < Date.parse(meta.expires))
        return `expired at ${event.at}, before its window closed at ${meta.expires}`;
      break;
    case 'executed':
      t.executed = event.at;
      if (d.preMetrics) meta.metrics = { ...meta.metrics, pre: d.preMetrics };
      break;
    case 'validated':
      t.validated = event.at;
      if (d.postMetrics) meta.metrics = { ...meta.metrics, post: d.postMetrics };
      break;
    case 'failed':
      t.failed = event.at;
      break;
    case 'rollback-requested':
      t.rollback_requested = event.at;
      break;
    case 'rolled-back':
      if (!d.success) {
        meta.status = 'rollback-failed';
        return undefined;
      }
      t.rolled_back = event.at;
      break;
    default:
      break;
  }
  meta.status = next;
  return undefined;
}

/** An escalation or a failed delivery: legal in its states, each threshold escalated once. */
function escalation(
  meta: RecordMeta,
  kind: 'escalated' | 'notification-failed',
  d: Record<string, unknown>,
): string | undefined {
  if (!ESCALATION_STATES[kind].has(meta.status))
    return `${kind} is not allowed when the record is ${meta.status}`;
  const threshold = d.threshold;
  if (typeof threshold !== 'string' || !threshold) return `${kind} without a threshold`;
  const done = meta.escalated ?? [];
  if (kind === 'notification-failed')
    return done.includes(threshold)
      ? undefined
      : `a failed notification of ${threshold}, which was never escalated`;
  if (done.includes(threshold)) return `escalated twice for ${threshold}`;
  if ((threshold === 'expired') !== (meta.status === 'expired'))
    return `the ${threshold} escalation when the record is ${meta.status}`;
  meta.escalated = [...done, threshold];
  return undefined;
}
