// The cockpit store's state as the analyzers' input. The store keeps objects in maps and the
// usage history already keyed `namespace/pod/container`; logs come from their own readers. An
// optional kind is in the snapshot once its list has arrived and while it may be listed:
// `undefined` (not known) before, and while forbidden or not served.
import { OPTIONAL_KINDS } from '../cluster/kinds.js';
import { KIND_FIELD } from '../state/store.js';
import type { CockpitState, WatchedKind } from '../state/types.js';
import type { ClusterSnapshot } from '../model/analysis.js';

type OptionalField = (typeof KIND_FIELD)[(typeof OPTIONAL_KINDS)[number]];

export function snapshotFromState(
  state: Pick<CockpitState, 'pods' | 'deployments' | 'replicaSets' | 'events' | 'nodes' | 'metrics'> &
    Partial<
      Pick<
        CockpitState,
        'logs' | 'logErrors' | 'recentLogs' | 'hpas' | 'synced' | 'forbidden' | OptionalField
      >
    >,
  now: number,
): ClusterSnapshot {
  const known = (kind: WatchedKind): boolean => state.synced?.[kind] === true && !state.forbidden?.[kind];
  const optional: Partial<Record<OptionalField, unknown[]>> = {};
  for (const kind of OPTIONAL_KINDS) {
    const objects = state[KIND_FIELD[kind]];
    if (objects && known(kind)) optional[KIND_FIELD[kind]] = [...objects.values()];
  }
  return {
    now,
    pods: [...state.pods.values()],
    deployments: [...state.deployments.values()],
    replicaSets: [...state.replicaSets.values()],
    events: [...state.events.values()],
    nodes: [...state.nodes.values()],
    // Required in the snapshot: none known reads as none.
    hpas: state.hpas && known('horizontalpodautoscalers') ? [...state.hpas.values()] : [],
    usage: state.metrics.containers,
    ...(state.logs ? { logs: state.logs } : {}),
    ...(state.logErrors ? { logErrors: state.logErrors } : {}),
    ...(state.recentLogs ? { recentLogs: state.recentLogs } : {}),
    ...(optional as Partial<ClusterSnapshot>),
  };
}
