// Prompt History Records: one Markdown file per decision. Its body is one section per lifecycle
// event, each closed by the event's canonical line (its hash chained to the event before it,
// across records, and for the events a person causes, their SSH signature); its front matter is
// derived from those events alone, so a record is a pure function of its events.
export type RecordType =
  | 'diagnosis'
  | 'scaling'
  | 'optimization'
  | 'rollback'
  | 'report'
  | 'chat'
  | 'trust'
  /** A finding that went away (the toil estimate: by the queue or by hand). */
  | 'resolution'
  /** Finished records moved into a compressed archive (phr archive). */
  | 'archive';
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
  | 'interrupted'
  | 'rolling-back'
  | 'rollback-failed'
  | 'rolled-back'
  | 'answered'
  | 'recorded'
  | 'pinned';

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
  /**
   * The cluster's clock at the failure's start and detection, beside the wall times above (which
   * the figures use): the evidence's own times, and the cluster ms per wall ms between them.
   */
  cluster?: ClusterTimes;
}

export interface ClusterTimes {
  failure_started?: string;
  detected?: string;
  /** Cluster ms per wall ms (the simulator's --speed; 1 on a real cluster). */
  rate: number;
}

export interface RecordInit {
  title: string;
  type: RecordType;
  tier?: Tier;
  source: string;
  /** What it is about, e.g. `deployment/todo/frontend`. */
  target?: string;
  /** Wall-clock ISO times known at creation (when the failure started, when it was detected), and the cluster's readings. */
  timestamps?: Pick<Timestamps, 'failure_started' | 'detected' | 'cluster'>;
  /** The failure pattern's runbook (`crashloopbackoff`, `oomkilled` …) this decision belongs to. */
  runbook?: string;
  /** A recommendation's structured operation: kept in the record so any cockpit can act on it. */
  operation?: unknown;
  /**
   * The person who proposed it, when a person did (`aiops-tui propose`, a key in the cockpit):
   * they never count as its approver. Absent when an assistant or analyzer proposed it.
   */
  proposer?: string;
  /** Approvals the tier needs and when the window closes (ISO). */
  approval?: { required: number; expires: string };
  /** sha256 of the policy file that tiered it. */
  policyHash?: string;
  /** The co-signers of a policy that puts this operation below its built-in floor. */
  floorWaivedBy?: string[];
  /** The recommendation itself: one signed event with the record. */
  recommendation?: { summary: string; evidence?: string[]; kubectl?: string };
  /** An emergency change: the tier's approvers within the policy's emergency window. */
  emergency?: Emergency;
  /** The severity of the finding it addresses (escalation of a critical finding left open). */
  severity?: string;
  /** How far to trust it, and the rule that says so (src/analysis/confidence.ts). */
  quality?: { confidence: 'high' | 'medium' | 'low'; rationale: string; rule: string };
  /** The finding it addresses (a recommendation) or that went away (a resolution). */
  finding?: string;
}

/** Why a change is an emergency: its proposer said so, or a rule of the policy matched. */
export interface Emergency {
  reason: string;
  by: 'proposer' | 'policy';
}

/** Where a change's validation window opened and what it watches: what a later process resumes from. */
export interface ValidationStart {
  /** When the window opened, on the API server's clock (ISO). */
  started: string;
  window_seconds: number;
  /** The Deployment whose pods decide, when there is one. */
  workload?: { namespace: string; name: string };
  /** Restarts per pod before the change: a restart above these fails the change. */
  baseline?: Record<string, number>;
  /** A drain's evicted pods, each with the controller that replaces it. */
  evicted?: {
    namespace: string;
    name: string;
    owner?: { apiVersion: string; kind: string; name: string; uid: string };
  }[];
}

/** An event as appended; `cluster_at` is the history's to add (the cluster's clock beside `at`). */
export type PhrEvent = { cluster_at?: string } & (
  | { kind: 'approved'; at?: string; approver?: string; reason?: string; opHash?: string }
  /** `reason` one of REJECTION_REASONS with `text` beside it; a record from before has free text alone. */
  | { kind: 'rejected'; at?: string; approver?: string; reason: string; text?: string }
  | { kind: 'expired'; at?: string }
  | { kind: 'executing'; at?: string; by: string; host?: string; pid?: number }
  | {
      kind: 'executed';
      at?: string;
      operation: string;
      kubectl: string;
      /** The exact argv that ran (redacted) and the API server it went to. */
      argv?: string[];
      server?: string;
      /** The Kubernetes identity of the credentials that ran it (SelfSubjectReview). */
      identity?: string;
      preState?: unknown;
      postState?: unknown;
      preMetrics?: Record<string, number | null>;
      validation?: ValidationStart;
      /** Who runs its validation (a rollback's own record): a live one is not reconciled. */
      host?: string;
      pid?: number;
    }
  | {
      kind: 'validation-resumed';
      at?: string;
      by: string;
      host: string;
      pid: number;
      /** The window as the executed event opened it: resumed, not restarted. */
      started: string;
      window_seconds: number;
    }
  | { kind: 'validated'; at?: string; detail?: string; postMetrics?: Record<string, number | null> }
  | { kind: 'failed'; at?: string; reason: string }
  | { kind: 'interrupted'; at?: string; detail: string }
  | { kind: 'rollback-requested'; at?: string; by?: string; host?: string; pid?: number }
  | { kind: 'rolled-back'; at?: string; detail?: string; success: boolean }
  | { kind: 'chat'; at?: string; question: string; answer: string; backend: string; proposals?: string[] }
  | { kind: 'note'; at?: string; text: string }
  /** A threshold passed (window share, a critical finding open, expiry) and who was told. */
  | { kind: 'escalated'; at?: string; threshold: string; detail: string; channels: string[] }
  | {
      kind: 'notification-failed';
      at?: string;
      threshold: string;
      channel: string;
      attempts: number;
      error: string;
    }
);

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
  /** Principals whose signed approvals count, in order. */
  approvers: string[];
  /** Recommendations only (null otherwise). */
  operation?: unknown;
  /** sha256 of the operation's canonical JSON: what an approval signs. */
  op_hash?: string | null;
  proposer?: string | null;
  /** The principal whose key signed the record's creation. */
  recorded_by: string | null;
  required_approvers?: number | null;
  expires?: string | null;
  policy_hash?: string | null;
  metrics: { pre?: Record<string, number | null>; post?: Record<string, number | null> };
  /** The process running its execution, validation or rollback: a dead one's record is reconciled. */
  owner?: { host: string; pid: number } | null;
  /** Present only on emergencies, so older records' front matter is unchanged. */
  emergency?: Emergency;
  severity?: string;
  /** The escalation thresholds already escalated (from its `escalated` events): each once. */
  escalated?: string[];
  /** From the creation, when it carried them (src/analysis/confidence.ts). */
  confidence?: 'high' | 'medium' | 'low';
  rationale?: string;
  rule?: string;
  finding?: string;
  /** A rejection's reason from the short list, and its text (absent for free-text rejections). */
  rejection?: { reason: string; text: string };
  /** Lifecycle events in this record (its creation included). */
  events: number;
  created: string;
  /** Hash of the record's last event: the chain's head when this record was last written. */
  head: string;
}

export interface PhrRecord {
  meta: RecordMeta;
  body: string;
  file: string;
}
