// One list of each kind (and one metrics sample per container) as a ClusterSnapshot, for
// `aiops-tui analyze`; the cockpit builds its snapshots from the store instead (snapshot.ts).
import {
  ApiException,
  AppsV1Api,
  AutoscalingV2Api,
  CoreV1Api,
  type KubeConfig,
} from '@kubernetes/client-node';
import { describeError } from '../cli-errors.js';
import { crashedContainers, eachLimited, readPreviousLog } from '../cluster/crash-logs.js';
import { metricsProblem, readPodMetrics, usageOfScrape } from '../cluster/metrics.js';
import type { ClusterSnapshot, UsageSample } from './types.js';

export interface FetchResult {
  snapshot: ClusterSnapshot;
  /** Kinds that could not be listed (forbidden, not served) and why; analysis goes on without them. */
  skipped: string[];
  /** One line each about what the analysis lacks otherwise, e.g. that usage is unknown. */
  notes: string[];
}

/** Lists everything the analyzers read in `namespace` (all namespaces when undefined). */
export async function fetchSnapshot(
  kc: KubeConfig,
  namespace: string | undefined,
  now = Date.now(),
): Promise<FetchResult> {
  const core = kc.makeApiClient(CoreV1Api);
  const apps = kc.makeApiClient(AppsV1Api);
  const autoscaling = kc.makeApiClient(AutoscalingV2Api);
  const skipped: string[] = [];
  const notes: string[] = [];
  // Only the pods are essential; a kind we may not list is analysed without, and said so.
  const optional = async <T>(kind: string, list: () => Promise<{ items: T[] }>): Promise<T[]> => {
    try {
      return (await list()).items;
    } catch (error) {
      if (!(error instanceof ApiException)) throw error;
      skipped.push(`${kind}: HTTP ${error.code}`);
      return [];
    }
  };
  const all = namespace === undefined;
  const [pods, deployments, replicaSets, hpas, events, nodes, usage] = await Promise.all([
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
  ]);
  const logs: Record<string, string[]> = {};
  const logErrors: Record<string, string> = {};
  await eachLimited(crashedContainers(pods.items), 4, async (c) => {
    const log = await readPreviousLog(core, c);
    if ('lines' in log) logs[c.key] = log.lines;
    else logErrors[c.key] = log.error;
  });
  return {
    snapshot: {
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
