// One list of each kind (and one metrics sample per container) as a ClusterSnapshot, for
// `aiops-tui analyze`; the cockpit builds its snapshots from the store instead (snapshot.ts).
import {
  ApiException,
  AppsV1Api,
  AutoscalingV2Api,
  CoreV1Api,
  Metrics,
  type KubeConfig,
} from '@kubernetes/client-node';
import { crashedContainers, eachLimited, previousLog } from '../cluster/crash-logs.js';
import { bytes, cpuMillis } from '../cluster/quantity.js';
import type { ClusterSnapshot, UsageSample } from './types.js';

export interface FetchResult {
  snapshot: ClusterSnapshot;
  /** Kinds that could not be listed (forbidden, not served) and why; analysis goes on without them. */
  skipped: string[];
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
    podUsage(kc, namespace, skipped),
  ]);
  const logs: Record<string, string[]> = {};
  await eachLimited(crashedContainers(pods.items), 4, async (c) => {
    logs[c.key] = await previousLog(core, c);
  });
  return {
    snapshot: { now, pods: pods.items, deployments, replicaSets, hpas, events, nodes, usage, logs },
    skipped,
  };
}

/** One sample per container from metrics.k8s.io; none (and a note) when it is not served. */
async function podUsage(
  kc: KubeConfig,
  namespace: string | undefined,
  skipped: string[],
): Promise<Map<string, UsageSample[]>> {
  const usage = new Map<string, UsageSample[]>();
  try {
    const list = await new Metrics(kc).getPodMetrics(namespace);
    for (const item of list.items) {
      const at = Date.parse(item.timestamp);
      for (const c of item.containers) {
        usage.set(`${item.metadata.namespace}/${item.metadata.name}/${c.name}`, [
          { at, cpuMillis: cpuMillis(c.usage.cpu) ?? 0, memoryBytes: bytes(c.usage.memory) ?? 0 },
        ]);
      }
    }
  } catch (error) {
    skipped.push(`metrics.k8s.io: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
  }
  return usage;
}
