// What the cockpit knows, in one place. Services (src/cluster, src/assistants, src/analysis,
// src/workflow) write it through the store's actions; views only read it.
import type {
  CoreV1Event,
  V1ConfigMap,
  V1CronJob,
  V1DaemonSet,
  V1Deployment,
  V1EndpointSlice,
  V1Ingress,
  V1IngressClass,
  V1Job,
  V1Node,
  V1PersistentVolume,
  V1PersistentVolumeClaim,
  V1Pod,
  V1PodDisruptionBudget,
  V1ReplicaSet,
  V1Secret,
  V1Service,
  V1StatefulSet,
  V1StorageClass,
  V2HorizontalPodAutoscaler,
} from '@kubernetes/client-node';
import type { ResourceKind } from '../kube/describe.js';
import type { Finding, UsageSample } from '../model/analysis.js';
import type { Figures } from '../audit/metrics.js';
import type { RecordStatus, Tier } from '../audit/types.js';
import type { Operation } from '../model/operation.js';

/** Objects of one kind keyed by `namespace/name` (cluster-scoped: `name`). */
export type ObjectMap<T> = ReadonlyMap<string, T>;

/** The kinds the first screen needs: watched from the start. */
export type CoreKind = 'pods' | 'deployments' | 'replicasets' | 'events' | 'nodes';
/**
 * Kinds only the analyzers read: watched once the pods' first page is in. The snapshot has them
 * as `undefined` (not known) until synced, and while forbidden or not served.
 */
export type OptionalKind =
  | 'services'
  | 'endpointslices'
  | 'configmaps'
  | 'secrets'
  | 'persistentvolumeclaims'
  | 'persistentvolumes'
  | 'storageclasses'
  | 'statefulsets'
  | 'daemonsets'
  | 'jobs'
  | 'cronjobs'
  | 'ingresses'
  | 'ingressclasses'
  | 'poddisruptionbudgets';
export type WatchedKind = CoreKind | 'horizontalpodautoscalers' | OptionalKind;

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

/**
 * The kinds the cockpit lists (`:deploy`, `:svc` …), each as its store field's watched kind.
 * The main pane shows one at a time (pods at start).
 */
export type ViewKind = ResourceKind;

/** One object the cockpit can describe, show as YAML, log, or act on. */
export interface ObjectRef {
  kind: ViewKind;
  /** undefined for cluster-scoped kinds (nodes). */
  namespace: string | undefined;
  name: string;
}

/** `d` / `y` on a row: the object read fresh from the API server, as lines to scroll. */
export interface Inspection {
  ref: ObjectRef;
  mode: 'describe' | 'yaml';
  /** undefined while the read is under way. */
  lines: readonly string[] | undefined;
  /** Why it could not be read (one line). */
  error?: string;
}

/** `l` on a pod or container: one container's log, followed into a bounded buffer. */
export interface LogView {
  /** The pod. */
  ref: ObjectRef;
  container: string;
  /** Every container of the pod, for the container pick. */
  containers: readonly string[];
  /** The previous (crashed) run's log instead of the current one. */
  previous: boolean;
  /** Newest last; at most LOG_VIEW_MAX_LINES (sanitized: no control bytes). */
  lines: readonly string[];
  /** Lines dropped from the front to keep the bound. */
  dropped: number;
  status: 'connecting' | 'streaming' | 'ended' | 'failed';
  /** Why it ended or failed (one line). */
  message?: string;
}

/** The log view keeps this many lines; older ones are dropped (memory stays bounded). */
export const LOG_VIEW_MAX_LINES = 10_000;
export type SortKey = 'name' | 'status' | 'restarts' | 'cpu' | 'mem';
export type Overlay =
  'none' | 'help' | 'report' | 'detail' | 'recommendation' | 'confirm' | 'inspect' | 'logs';

/** Where the resource view is: a kind, and for a drill-down the object whose pods it lists. */
export interface ViewFrame {
  kind: ViewKind;
  owner?: ObjectRef;
  /** The row selected when the frame was left, to return to it. */
  selectedKey?: string;
}

/** A pick list over the footer: typing filters, enter picks. */
export interface PickList {
  purpose: 'namespace' | 'context' | 'reject-reason' | 'container';
  title: string;
  /** undefined while the items are read. */
  items: readonly string[] | undefined;
  filter: string;
  /** Index into the filtered items. */
  index: number;
  /** The recommendation a reject-reason pick is for. */
  id?: string;
}

/** A one-line text prompt (the replicas of `s`, the free text of a rejection, the log search). */
export interface TextPrompt {
  purpose: 'replicas' | 'reject-text' | 'log-search';
  label: string;
  text: string;
  ref?: ObjectRef;
  id?: string;
  reason?: string;
}

/** A y/n question before a mutating key proposes (or `r` rolls back). */
export interface Question {
  text: string;
  action:
    | { kind: 'delete' | 'kill' | 'restart' | 'edit'; ref: ObjectRef }
    | { kind: 'scale'; ref: ObjectRef; replicas: number }
    | { kind: 'rollback'; id: string };
}

/** What the logs view does with the store's logView (the lines themselves are there). */
export interface LogUi {
  /** Absolute number (counting dropped lines) of the top line shown; undefined follows the end. */
  top: number | undefined;
  wrap: boolean;
  search: string;
}

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
  /** Why it is an emergency (its window is the emergency window); absent for routine changes. */
  emergency?: string;
  /** As its record says (src/analysis/confidence.ts), when it was rated. */
  confidence?: 'high' | 'medium' | 'low';
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
  /** The record body (timeline) of the recommendation the detail overlay shows. */
  recommendationBody: string | undefined;
  /** The resource view: the current frame, and the ones `esc` goes back to (innermost last). */
  view: ViewFrame;
  viewBack: readonly ViewFrame[];
  /** The selected row of a view other than pods (pods keep `selectedPodKey`: metrics follow it). */
  selectedObjectKey: string | undefined;
  /** Lines the open overlay is scrolled down; reset when the overlay changes. */
  overlayScroll: number;
  /** The approval diff has been on screen to its last line (`y` is refused before). */
  confirmSeen: boolean;
  pick: PickList | undefined;
  prompt: TextPrompt | undefined;
  question: Question | undefined;
  logUi: LogUi;
}

export interface CockpitState {
  connection: ConnectionState;
  pods: ObjectMap<V1Pod>;
  deployments: ObjectMap<V1Deployment>;
  replicaSets: ObjectMap<V1ReplicaSet>;
  events: ObjectMap<CoreV1Event>;
  nodes: ObjectMap<V1Node>;
  hpas: ObjectMap<V2HorizontalPodAutoscaler>;
  services: ObjectMap<V1Service>;
  endpointSlices: ObjectMap<V1EndpointSlice>;
  /** Data and binaryData keys only (values `''`): the analyzers need the keys, memory the rest. */
  configMaps: ObjectMap<V1ConfigMap>;
  /** Metadata and data keys only: values never reach the store (see cluster/kinds.ts). */
  secrets: ObjectMap<V1Secret>;
  persistentVolumeClaims: ObjectMap<V1PersistentVolumeClaim>;
  persistentVolumes: ObjectMap<V1PersistentVolume>;
  storageClasses: ObjectMap<V1StorageClass>;
  statefulSets: ObjectMap<V1StatefulSet>;
  daemonSets: ObjectMap<V1DaemonSet>;
  jobs: ObjectMap<V1Job>;
  cronJobs: ObjectMap<V1CronJob>;
  ingresses: ObjectMap<V1Ingress>;
  ingressClasses: ObjectMap<V1IngressClass>;
  podDisruptionBudgets: ObjectMap<V1PodDisruptionBudget>;
  /**
   * Per kind, the one-line reason it cannot be listed (`forbidden: list pods in namespace todo`,
   * `not served: list ingresses …`). Only the pods pane shows it; an optional kind's reason only
   * makes it unknown to the analyzers.
   */
  forbidden: Partial<Record<WatchedKind, string>>;
  /** Kinds whose initial list has arrived (a pane shows "loading" until then). */
  synced: Partial<Record<WatchedKind, boolean>>;
  metrics: MetricsState;
  /** Last lines of each crashed container's previous run, keyed `namespace/pod/container`. */
  logs: Readonly<Record<string, readonly string[]>>;
  /** Why a crashed container's previous log could not be read (one line), same keys as `logs`. */
  logErrors: Readonly<Record<string, string>>;
  /** Recent lines of running containers (sanitized, redacted), same keys; see recent-logs.ts. */
  recentLogs: Readonly<Record<string, readonly string[]>>;
  /** Built-in (and kagent) findings, most severe first, kept current by the findings service. */
  findings: readonly Finding[];
  /** MTTD, MTTR, approval latency … computed from the PHRs; undefined until read. */
  auditFigures: Figures | undefined;
  /** Open and recent recommendations, newest first. */
  recommendations: readonly Recommendation[];
  /** In-process progress of executions and validations, by recommendation id. */
  progress: Readonly<Record<string, string>>;
  /** What `d` or `y` opened; undefined when closed. */
  inspection: Inspection | undefined;
  /** What `l` opened; undefined when closed. */
  logView: LogView | undefined;
  chat: ChatState;
  ui: UiState;
}
