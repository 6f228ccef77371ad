// One list of each kind (and one metrics sample per container) as a ClusterSnapshot, for
// `aiops-tui analyze`; the cockpit builds its snapshots from the store instead (snapshot.ts).
// The kinds only the analyzers read are listed with raw GETs (the paths and trimming the
// cockpit's watchers use, kinds.ts), each optional: one refused stays unknown.
import {
  ApiException,
  AppsV1Api,
  AutoscalingV2Api,
  CoreV1Api,
  type KubeConfig,
} from '@kubernetes/client-node';
import { describeError } from '../cli/errors.js';
import { crashedContainers, eachLimited, readPreviousLog } from '../cluster/crash-logs.js';
import { ApiError, getJson, getRaw } from '../cluster/http.js';
import { listPath, OPTIONAL_KINDS, trimObject, type KubeItem } from '../cluster/kinds.js';
import { metricsProblem, readPodMetrics, usageOfScrape } from '../cluster/metrics.js';
import { createRecentLogReader, podLogRequest, type LogRequest } from '../cluster/recent-logs.js';
import { KIND_FIELD } from '../state/store.js';
import type { ClusterSnapshot, UsageSample } from '../model/analysis.js';

export interface FetchOptions {
  /** The analysis time; default the API server's clock (its Date header), as the cockpit uses. */
  now?: number;
  /** Read running containers' recent logs (capped per run, see recent-logs.ts); default true. */
  recentLogs?: boolean;
  /** How a log is read (tests count the reads); default the pod `log` subresource. */
  logRequest?: LogRequest;
}

export interface FetchResult {
  snapshot: ClusterSnapshot;
  /** Kinds that could not be listed (forbidden, not served) and why; analysis goes on without them. */
  skipped: string[];
  /** One line each about what the analysis lacks otherwise, e.g. that usage is unknown. */
  notes: string[];
}

/**
 * What the recent-log reads may add to `analyze`: a kubelet that does not answer leaves those
 * logs unread (the check says nothing of them) instead of failing the whole command.
 */
const RECENT_LOGS_BUDGET_MS = 5_000;

/** `request`, failing every read not answered by `budgetMs` from now. */
function withDeadline(request: LogRequest, budgetMs: number): LogRequest {
  const deadline = Date.now() + budgetMs;
  return (...args) => {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('no answer in time')), Math.max(0, deadline - Date.now()));
    });
    return Promise.race([request(...args), late]).finally(() => clearTimeout(timer));
  };
}

/** Lists everything the analyzers read in `namespace` (all namespaces when undefined). */
export async function fetchSnapshot(
  kc: KubeConfig,
  namespace: string | undefined,
  options: FetchOptions = {},
): Promise<FetchResult> {
  const now = options.now ?? (await serverNow(kc));
  const core = kc.makeApiClient(CoreV1Api);
  const apps = kc.makeApiClient(AppsV1Api);
  const autoscaling = kc.makeApiClient(AutoscalingV2Api);
  const skipped: string[] = [];
  const notes: string[] = [];
  // Only the pods are essential; a kind we may not list is analysed without, and said so.
  const optional = async <T>(kind: string, list: () => Promise<{ items: T[] }>): Promise<T[] | undefined> => {
    try {
      return (await list()).items;
    } catch (error) {
      if (!(error instanceof ApiException) && !(error instanceof ApiError)) throw error;
      skipped.push(`${kind}: HTTP ${error.code}`);
      return undefined;
    }
  };
  const all = namespace === undefined;
  // Trimmed as each list arrives: a Secret's values go no further than this.
  const listOptional = (): Promise<(readonly [string, KubeItem[] | undefined])[]> =>
    Promise.all(
      OPTIONAL_KINDS.map(async (kind) => {
        const list = await optional(kind, () =>
          getJson<{ items: KubeItem[] }>(kc, listPath(kind, namespace)),
        );
        return [KIND_FIELD[kind], list?.map((item) => trimObject(kind, item))] as const;
      }),
    );
  const [pods, deployments = [], replicaSets = [], hpas = [], events = [], nodes = [], usage, optionalKinds] =
    await Promise.all([
      all ? core.listPodForAllNamespaces() : core.listNamespacedPod({ namespace }),
      optional('deployments', () =>
        all ? apps.listDeploymentForAllNamespaces() : apps.listNamespacedDeployment({ namespace }),
      ),
      optional('replicasets', () =>
        all ? apps.listReplicaSetForAllNamespaces() : apps.listNamespacedReplicaSet({ namespace }),
      ),
      optional('horizontalpodautoscalers', () =>
        all
          ? autoscaling.listHorizontalPodAutoscalerForAllNamespaces()
          : autoscaling.listNamespacedHorizontalPodAutoscaler({ namespace }),
      ),
      optional('events', () =>
        all ? core.listEventForAllNamespaces() : core.listNamespacedEvent({ namespace }),
      ),
      optional('nodes', () => core.listNode()),
      podUsage(kc, namespace, now, notes),
      listOptional(),
    ]);
  const logs: Record<string, string[]> = {};
  const logErrors: Record<string, string> = {};
  const [recentLogs] = await Promise.all([
    options.recentLogs === false
      ? undefined
      : createRecentLogReader(
          withDeadline(options.logRequest ?? podLogRequest(kc), RECENT_LOGS_BUDGET_MS),
        ).collect(pods.items),
    eachLimited(crashedContainers(pods.items), 4, async (c) => {
      const log = await readPreviousLog(core, c);
      if ('lines' in log) logs[c.key] = log.lines;
      else logErrors[c.key] = log.error;
    }),
  ]);
  return {
    snapshot: {
      ...(Object.fromEntries(optionalKinds.filter(([, list]) => list)) as Partial<ClusterSnapshot>),
      ...(recentLogs ? { recentLogs } : {}),
      now,
      pods: pods.items,
      deployments,
      replicaSets,
      hpas,
      events,
      nodes,
      usage,
      logs,
      logErrors,
    },
    skipped,
    notes,
  };
}

/**
 * The server's clock: ages and "ran for 30 s" are judged in the cluster's time, which a
 * simulator at speed (or a skewed clock) puts away from ours. Our clock when it cannot tell.
 */
async function serverNow(kc: KubeConfig): Promise<number> {
  let skew = 0;
  try {
    await getRaw(kc, '/version', 5_000, (server, local) => (skew = server - local));
  } catch {
    // The pods list says what is wrong with the connection; the time is not worth a second error.
  }
  // The Date header has a one-second resolution: a smaller difference is noise.
  return Date.now() + (Math.abs(skew) > 1500 ? skew : 0);
}

/**
 * One sample per container from metrics.k8s.io, read as the cockpit's poller reads it. When it is
 * not served the usage is unknown (no samples, never zeros) and a note says so in one line.
 */
async function podUsage(
  kc: KubeConfig,
  namespace: string | undefined,
  now: number,
  notes: string[],
): Promise<Map<string, UsageSample[]>> {
  try {
    return usageOfScrape(await readPodMetrics(kc, namespace), now);
  } catch (error) {
    notes.push(
      `${metricsProblem(error, namespace) ?? `metrics.k8s.io: ${describeError(error).split('\n')[0]}`}; usage unknown`,
    );
    return new Map();
  }
}
