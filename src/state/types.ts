// What the cockpit knows, in one place. Services (src/cluster, src/assistants, src/analysis,
// src/workflow) write it through the store's actions; views only read it.
import type { CoreV1Event, V1Deployment, V1Node, V1Pod, V1ReplicaSet } from '@kubernetes/client-node';
import type { Finding } from '../analysis/types.js';
import type { Figures } from '../audit/metrics.js';
import type { RecordStatus, Tier } from '../audit/types.js';
import type { Operation } from '../workflow/operations.js';

/** Objects of one kind keyed by `namespace/name` (cluster-scoped: `name`). */
export type ObjectMap<T> = ReadonlyMap<string, T>;

export type WatchedKind = 'pods' | 'deployments' | 'replicasets' | 'events' | 'nodes';

export interface UsageSample {
  /** Epoch milliseconds of the metrics timestamp. */
  at: number;
  cpuMillis: number;
  memoryBytes: number;
}

export type ConnectionStatus = 'connecting' | 'connected' | 'reconnecting' | 'failed';

export interface ConnectionState {
  context: string;
  server: string;
  /** The namespace shown; undefined means all namespaces. */
  namespace: string | undefined;
  status: ConnectionStatus;
  /** Why the connection is not `connected` (one line). */
  message?: string;
  /** Epoch ms of the last watch event received, for the status bar's age. */
  lastEventAt?: number;
  /** Server clock minus local clock (from the Date header): ages are computed in server time. */
  clockSkewMs?: number;
}

export interface MetricsState {
  /** undefined until the first poll answers; false when metrics.k8s.io is not served. */
  available: boolean | undefined;
  message?: string;
  lastPollAt?: number;
  /** Bounded history per container, keyed `namespace/pod/container`, oldest first. */
  containers: ReadonlyMap<string, readonly UsageSample[]>;
  /** Latest usage per node name. */
  nodes: ReadonlyMap<string, { cpuMillis: number; memoryBytes: number; at: number }>;
}

export type PaneId = 'pods' | 'metrics' | 'chat' | 'findings' | 'approvals';
export type SortKey = 'name' | 'status' | 'restarts' | 'cpu' | 'mem';
export type Overlay = 'none' | 'help' | 'report' | 'detail' | 'recommendation' | 'confirm';

/** A recommendation as the queue pane shows it, read from its PHR (the source of truth). */
export interface Recommendation {
  id: string;
  title: string;
  tier: Tier;
  /** kubectl-ai, offline assistant, built-in, kagent … */
  source: string;
  target: string;
  status: RecordStatus;
  operation: Operation;
  approvers: string[];
  requiredApprovers: number;
  /** Epoch ms. */
  created: number;
  expires: number | undefined;
}

/** What a pending confirmation (`a` on a medium or critical recommendation) shows and does. */
export interface Confirmation {
  id: string;
  title: string;
  /** The exact change: a unified diff of the object, or the command for external tools. */
  lines: string[];
}

export interface ChatMessage {
  role: 'user' | 'assistant' | 'error';
  text: string;
  /** Which backend answered (assistant messages). */
  backend?: string;
}

export interface ChatState {
  /** The backend that answers: "kubectl-ai (gemini-2.5-pro)" or "offline assistant". */
  backend: string;
  input: string;
  /** Questions asked, oldest first, for up/down. */
  asked: string[];
  /** Position while browsing `asked` with up/down; undefined when editing a new line. */
  historyIndex: number | undefined;
  messages: ChatMessage[];
  /** A query is running (its answer streams into the last message). */
  running: boolean;
  /** Lines scrolled up from the bottom of the transcript. */
  scroll: number;
}

export interface UiState {
  focus: PaneId;
  selectedPodKey: string | undefined;
  filter: string;
  /** The `/` filter line is open and typing edits it. */
  filterEditing: boolean;
  sortBy: SortKey;
  overlay: Overlay;
  /** Text of the `:` command line while it is open; undefined when closed. */
  commandLine: string | undefined;
  /** The finding the findings pane has selected (and `enter` opens). */
  selectedFindingId: string | undefined;
  /** One-line feedback (e.g. an unknown `:` command), cleared on the next key. */
  notice: string | undefined;
  selectedRecommendationId: string | undefined;
  confirm: Confirmation | undefined;
  /** The reason being typed after `x` (reject); undefined when not rejecting. */
  rejectReason: { id: string; text: string } | undefined;
  /** The record body (timeline) of the recommendation the detail overlay shows. */
  recommendationBody: string | undefined;
}

export interface CockpitState {
  connection: ConnectionState;
  pods: ObjectMap<V1Pod>;
  deployments: ObjectMap<V1Deployment>;
  replicaSets: ObjectMap<V1ReplicaSet>;
  events: ObjectMap<CoreV1Event>;
  nodes: ObjectMap<V1Node>;
  /** Per kind, the one-line reason it cannot be listed (`forbidden: list pods in namespace todo`). */
  forbidden: Partial<Record<WatchedKind, string>>;
  /** Kinds whose initial list has arrived (a pane shows "loading" until then). */
  synced: Partial<Record<WatchedKind, boolean>>;
  metrics: MetricsState;
  /** Last lines of each crashed container's previous run, keyed `namespace/pod/container`. */
  logs: Readonly<Record<string, readonly string[]>>;
  /** Why a crashed container's previous log could not be read (one line), same keys as `logs`. */
  logErrors: Readonly<Record<string, string>>;
  /** Built-in (and kagent) findings, most severe first, kept current by the findings service. */
  findings: readonly Finding[];
  /** MTTD, MTTR, approval latency … computed from the PHRs; undefined until read. */
  auditFigures: Figures | undefined;
  /** Open and recent recommendations, newest first. */
  recommendations: readonly Recommendation[];
  /** In-process progress of executions and validations, by recommendation id. */
  progress: Readonly<Record<string, string>>;
  chat: ChatState;
  ui: UiState;
}
