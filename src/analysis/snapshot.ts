// The cockpit store's state as the analyzers' input. The store keeps objects in maps and the
// usage history already keyed `namespace/pod/container`; HPAs and logs come from their own
// pollers when they exist.
import type { V2HorizontalPodAutoscaler } from '@kubernetes/client-node';
import type { CockpitState } from '../state/types.js';
import type { ClusterSnapshot } from './types.js';

export function snapshotFromState(
  state: Pick<CockpitState, 'pods' | 'deployments' | 'replicaSets' | 'events' | 'nodes' | 'metrics'> &
    Partial<Pick<CockpitState, 'logs' | 'logErrors'>>,
  now: number,
  extra: {
    hpas?: readonly V2HorizontalPodAutoscaler[];
    logs?: ClusterSnapshot['logs'];
    logErrors?: ClusterSnapshot['logErrors'];
  } = {},
): ClusterSnapshot {
  return {
    now,
    pods: [...state.pods.values()],
    deployments: [...state.deployments.values()],
    replicaSets: [...state.replicaSets.values()],
    events: [...state.events.values()],
    nodes: [...state.nodes.values()],
    hpas: extra.hpas ?? [],
    usage: state.metrics.containers,
    ...((extra.logs ?? state.logs) ? { logs: extra.logs ?? state.logs } : {}),
    ...((extra.logErrors ?? state.logErrors) ? { logErrors: extra.logErrors ?? state.logErrors } : {}),
  };
}
