// Usage history per workload container, summarized once per snapshot for right-sizing and scaling.
import type { V1Container } from '@kubernetes/client-node';
import { indexSnapshot, type Workload } from './snapshot-index.js';
import { summarizePooled, type HistorySummary } from './stats.js';
import type { ClusterSnapshot } from '../model/analysis.js';

export interface ContainerHistory {
  workload: Workload;
  container: V1Container;
  summary: HistorySummary;
}

const memo = new WeakMap<ClusterSnapshot, ContainerHistory[]>();

/** Containers of the workload's pod template that have samples (pooled over its pods, current and gone). */
export function containerHistories(snapshot: ClusterSnapshot): ContainerHistory[] {
  let histories = memo.get(snapshot);
  if (histories) return histories;
  histories = [];
  for (const [workload, containers] of indexSnapshot(snapshot).usage()) {
    for (const container of workload.spec?.containers ?? []) {
      const pods = containers.get(container.name);
      const summary = pods && summarizePooled(pods);
      if (summary?.samples) histories.push({ workload, container, summary });
    }
  }
  memo.set(snapshot, histories);
  return histories;
}

/** The replica count a workload runs at: the Deployment's desired count, else its pods. */
export function replicasOf(workload: Workload): number {
  return workload.deployment?.spec?.replicas ?? workload.pods.length;
}
