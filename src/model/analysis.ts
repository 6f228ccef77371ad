// The analyzers' input (a plain-data snapshot of the cluster) and output (findings).
// The cockpit store produces a ClusterSnapshot (see snapshot.ts); `aiops-tui analyze` builds one
// from a single list of each kind. Analyzers never do I/O: same snapshot, same findings.
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
import type { Quality } from './quality.js';

/** One metrics reading of a container. */
export interface UsageSample {
  /** Epoch milliseconds of the metrics timestamp. */
  at: number;
  cpuMillis: number;
  memoryBytes: number;
}

/**
 * Everything the analyzers look at, as plain data.
 *
 * - `usage` is the bounded per-container history the metrics poller keeps, keyed
 *   `namespace/pod/container`, oldest sample first. Pods churn, so keys of pods that no longer
 *   exist may remain: the analyzers aggregate per workload (the owning Deployment, found through
 *   the ReplicaSet, or the pod name's `<replicaset>-<suffix>` shape when the pod is gone).
 * - `logs` (optional) holds the last lines of a container's log, keyed `namespace/pod/container`;
 *   the crash-loop diagnosis quotes them; `logErrors` says why a log could not be read.
 * - `recentLogs` (optional) holds the recent lines of a *running* container, keyed as `logs`,
 *   read on demand (bounded, cached by pod and restart count) for the log-errors check.
 * - `now` is the analysis time in epoch ms, so tests and the tracker agree on "age".
 * - The kinds below the core ones are optional: `undefined` means *not known* (not listed, or
 *   forbidden), and an analyzer that needs a kind says nothing without it. An empty list means
 *   there are none, so "the ConfigMap does not exist" is only ever said from a list.
 * - Secrets carry their data keys only: values are dropped where they are read (`''` each).
 */
export interface ClusterSnapshot {
  now: number;
  pods: readonly V1Pod[];
  deployments: readonly V1Deployment[];
  replicaSets: readonly V1ReplicaSet[];
  hpas: readonly V2HorizontalPodAutoscaler[];
  events: readonly CoreV1Event[];
  nodes: readonly V1Node[];
  usage: ReadonlyMap<string, readonly UsageSample[]>;
  logs?: Readonly<Record<string, readonly string[]>>;
  /** Why a container's previous log could not be read (one line each), keyed as `logs`. */
  logErrors?: Readonly<Record<string, string>>;
  recentLogs?: Readonly<Record<string, readonly string[]>>;
  services?: readonly V1Service[];
  endpointSlices?: readonly V1EndpointSlice[];
  configMaps?: readonly V1ConfigMap[];
  secrets?: readonly V1Secret[];
  persistentVolumeClaims?: readonly V1PersistentVolumeClaim[];
  persistentVolumes?: readonly V1PersistentVolume[];
  storageClasses?: readonly V1StorageClass[];
  statefulSets?: readonly V1StatefulSet[];
  daemonSets?: readonly V1DaemonSet[];
  jobs?: readonly V1Job[];
  cronJobs?: readonly V1CronJob[];
  ingresses?: readonly V1Ingress[];
  ingressClasses?: readonly V1IngressClass[];
  podDisruptionBudgets?: readonly V1PodDisruptionBudget[];
}

export type Severity = 'critical' | 'warning' | 'info';
export type FindingSource = 'built-in' | 'kagent';

/** Names of runbooks shipped as `runbooks/<pattern>.md`. */
export type RunbookPattern =
  | 'crashloopbackoff'
  | 'oomkilled'
  | 'imagepullbackoff'
  | 'pending'
  | 'probe-failure'
  | 'stuck-rollout'
  | 'hpa-thrashing'
  | 'service-endpoints'
  | 'ingress-backend'
  | 'missing-config'
  | 'pvc-pending'
  | 'node-pressure'
  | 'hpa-misconfigured'
  | 'failed-job'
  | 'disruption-budget'
  | 'log-errors';

export interface ResourceRef {
  kind: string;
  /** Absent for cluster-scoped objects (nodes) and cluster-wide findings. */
  namespace?: string;
  name: string;
}

export interface ResourceAmounts {
  /** Quantities as kubectl takes them ("250m", "512Mi"). */
  cpu?: string;
  memory?: string;
}

interface OperationBase {
  target: ResourceRef;
  /** One line for lists: "scale deployment todo/frontend to 3 replicas". */
  summary: string;
  /** The kubectl command that does the same, for the audit trail and for humans. */
  kubectl: string;
}

/** A structured change a finding proposes; the workflow turns it into a recommendation. */
export type ProposedOperation =
  | (OperationBase & { kind: 'scale'; replicas: number })
  | (OperationBase & {
      kind: 'set-resources';
      container: string;
      requests: ResourceAmounts;
      limits: ResourceAmounts;
    })
  | (OperationBase & {
      kind: 'create-hpa';
      minReplicas: number;
      maxReplicas: number;
      targetCpuUtilization: number;
    })
  | (OperationBase & { kind: 'rollout-restart' })
  | (OperationBase & { kind: 'rollout-undo'; toRevision?: number })
  | (OperationBase & { kind: 'delete-pod' })
  | (OperationBase & { kind: 'set-image'; images: Record<string, string> })
  | (OperationBase & { kind: 'patch'; patchType: 'strategic' | 'merge' | 'json'; patch: unknown });

export type OperationKind = ProposedOperation['kind'];

export interface Finding {
  /** analyzer + resource + problem: the same problem seen again is the same finding. */
  id: string;
  severity: Severity;
  analyzer: string;
  source: FindingSource;
  resource: ResourceRef;
  title: string;
  /** Evidence, one fact a line. */
  detail: string[];
  /** Other objects involved (the owning deployment, the node, the sibling pods). */
  affected: ResourceRef[];
  suggestedFix?: string;
  recommendation?: ProposedOperation;
  runbook?: RunbookPattern;
  /** Epoch ms: when the problem started as far as the evidence tells, else first observation. */
  firstSeen: number;
  lastSeen: number;
  /** Epoch ms: the analysis run that first reported it (MTTD ends here). */
  detectedAt?: number;
  /** Number of analysis runs that observed it (FindingsTracker); 1 from a single run. */
  count: number;
  /** kagent only: the agent's own confidence and rationale (built-in ones: findingQuality). */
  quality?: Quality;
  /** kagent only: the raw reply and tool responses the finding was made from. */
  raw?: { text: string; functionResponses: unknown[] };
}

/** Tunables of all analyzers; every field has a default (see options.ts). */
export interface AnalyzeOptions {
  /** Restarts at or above which a container is reported as restarting frequently. */
  restartThreshold: number;
  /** A pod not Ready (or Pending without a scheduler verdict) for longer than this is reported. */
  graceMs: number;
  /** Last log lines quoted for a crash loop. */
  logLines: number;
  /** Usage history needed before right-sizing or scaling says anything. */
  minSamples: number;
  minSpanMs: number;
  /** Recommended request = p95 × requestFactor (the plan's p95 + 30 %). */
  requestFactor: number;
  /** Memory limit = observed peak × memoryLimitFactor, never below the recommended request. */
  memoryLimitFactor: number;
  /** CPU limit = recommended request × cpuLimitFactor (only where a CPU limit exists today). */
  cpuLimitFactor: number;
  /** A change is material when both the relative and the absolute thresholds are met. */
  materialRatio: number;
  materialCpuMillis: number;
  materialMemoryBytes: number;
  /** Right-size workloads an HPA scales too (with a caveat); KRR skips them by default. */
  includeHpaScaled: boolean;
  /** Sustained (median) CPU utilization of requests above which more replicas are proposed. */
  scaleUpUtilization: number;
  /** Below which fewer replicas are proposed. */
  scaleDownUtilization: number;
  /** Utilization a proposed replica count or HPA aims at. */
  targetUtilization: number;
  /** Policy cap on any proposed replica count or HPA maximum. */
  maxReplicas: number;
  /** Error lines in a running container's recent log at or above which it is reported… */
  logErrorCount: number;
  /** …or this share of its recent lines (with at least logErrorMinLines error lines). */
  logErrorShare: number;
  logErrorMinLines: number;
  /** Distinct error lines quoted per finding. */
  logErrorQuotes: number;
}

export type Analyzer = (snapshot: ClusterSnapshot, options: AnalyzeOptions) => Finding[];
