// Prompt History Records: one Markdown file per decision, its front matter the facts (who, what,
// when, tier, status, hashes) and its body one section per lifecycle event, as it happened.
export type RecordType = 'diagnosis' | 'scaling' | 'optimization' | 'rollback' | 'report' | 'chat';
export type Tier = 'trivial' | 'low' | 'medium' | 'critical';

export type RecordStatus =
  | 'proposed'
  | 'awaiting-approval'
  | 'approved'
  | 'auto'
  | 'rejected'
  | 'expired'
  | 'executing'
  | 'executed'
  | 'validating'
  | 'validated'
  | 'failed'
  | 'rolled-back'
  | 'answered'
  | 'recorded';

export interface Timestamps {
  failure_started?: string;
  detected?: string;
  recommended?: string;
  /** One per approver, in order. */
  approved?: string[];
  rejected?: string;
  executed?: string;
  validated?: string;
  failed?: string;
  rollback_requested?: string;
  rolled_back?: string;
}

export interface RecordInit {
  title: string;
  type: RecordType;
  tier?: Tier;
  source: string;
  /** What it is about, e.g. `deployment/todo/frontend`. */
  target?: string;
  /** ISO times known at creation (when the failure started, when it was detected). */
  timestamps?: Pick<Timestamps, 'failure_started' | 'detected'>;
  /** The failure pattern's runbook (`crashloopbackoff`, `oomkilled` …) this decision belongs to. */
  runbook?: string;
  /** A recommendation's structured operation: kept in the front matter so any cockpit can act on it. */
  operation?: unknown;
  /** Who proposed it (an assistant, an analyzer): an approver must differ from the proposer. */
  proposer?: string;
  /** Approvals the tier needs and when the window closes (ISO). */
  approval?: { required: number; expires: string };
}

export type PhrEvent =
  | {
      kind: 'recommended';
      at?: string;
      summary: string;
      operation?: unknown;
      evidence?: string[];
      kubectl?: string;
    }
  | { kind: 'approved'; at?: string; approver: string; reason?: string }
  | { kind: 'rejected'; at?: string; approver: string; reason: string }
  | { kind: 'expired'; at?: string }
  | { kind: 'executing'; at?: string; by: string }
  | {
      kind: 'executed';
      at?: string;
      operation: string;
      kubectl: string;
      preState?: unknown;
      postState?: unknown;
      preMetrics?: Record<string, number>;
    }
  | { kind: 'validated'; at?: string; detail?: string; postMetrics?: Record<string, number> }
  | { kind: 'failed'; at?: string; reason: string }
  | { kind: 'rollback-requested'; at?: string; by: string }
  | { kind: 'rolled-back'; at?: string; detail?: string; success: boolean }
  | { kind: 'chat'; at?: string; question: string; answer: string; backend: string; proposals?: string[] }
  | { kind: 'note'; at?: string; text: string };

export interface RecordMeta {
  id: string;
  seq: number;
  title: string;
  type: RecordType;
  tier: Tier | null;
  status: RecordStatus;
  source: string;
  target: string | null;
  runbook: string | null;
  timestamps: Timestamps;
  approvers: string[];
  /** Recommendations only (null otherwise). */
  operation?: unknown;
  proposer?: string | null;
  required_approvers?: number | null;
  expires?: string | null;
  metrics: { pre?: Record<string, number>; post?: Record<string, number> };
  /** Lifecycle events appended so far. */
  events: number;
  created: string;
  /** genesis_hash of the record before this one ('genesis' for the first). */
  prev_hash: string;
  /** Hash of the record as created: what the next record chains to. */
  genesis_hash: string;
  /** Hash of all of this record's bytes (with this field blank). */
  hash: string;
}

export interface PhrRecord {
  meta: RecordMeta;
  body: string;
  file: string;
}
