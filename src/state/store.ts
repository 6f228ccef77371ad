// The cockpit's one zustand vanilla store. Watch streams are bursty, so object changes arrive
// as batches (see batcher.ts) and each batch is one set(): one render, not one per event.
import { createStore, type StoreApi } from 'zustand/vanilla';
import {
  LOG_VIEW_MAX_LINES,
  type ChatState,
  type CockpitState,
  type ConnectionState,
  type Inspection,
  type LogView,
  type UiState,
  type WatchedKind,
} from './types.js';

export type ObjectChange =
  | { kind: WatchedKind; type: 'upsert'; key: string; object: unknown }
  | { kind: WatchedKind; type: 'delete'; key: string }
  /** A relist: the kind's whole content is replaced by `objects`. */
  | { kind: WatchedKind; type: 'replace'; objects: ReadonlyMap<string, unknown> };

/** Where each watched kind lives in the state (and, for the optional kinds, in the snapshot). */
export const KIND_FIELD = {
  pods: 'pods',
  deployments: 'deployments',
  replicasets: 'replicaSets',
  events: 'events',
  nodes: 'nodes',
  horizontalpodautoscalers: 'hpas',
  services: 'services',
  endpointslices: 'endpointSlices',
  configmaps: 'configMaps',
  secrets: 'secrets',
  persistentvolumeclaims: 'persistentVolumeClaims',
  persistentvolumes: 'persistentVolumes',
  storageclasses: 'storageClasses',
  statefulsets: 'statefulSets',
  daemonsets: 'daemonSets',
  jobs: 'jobs',
  cronjobs: 'cronJobs',
  ingresses: 'ingresses',
  ingressclasses: 'ingressClasses',
  poddisruptionbudgets: 'podDisruptionBudgets',
} as const satisfies Record<WatchedKind, keyof CockpitState>;

export interface CockpitActions {
  applyChanges(changes: readonly ObjectChange[], receivedAt: number): void;
  setConnection(patch: Partial<ConnectionState>): void;
  setForbidden(kind: WatchedKind, reason: string | undefined): void;
  setMetrics(patch: Partial<CockpitState['metrics']>): void;
  setUi(patch: Partial<UiState>): void;
  setChat(patch: Partial<ChatState>): void;
  setInspection(inspection: Inspection | undefined): void;
  /** Opens (or, with undefined, closes) the log view. */
  setLogView(view: LogView | undefined): void;
  /** Appends to the open log view, dropping the oldest lines beyond LOG_VIEW_MAX_LINES. */
  appendLogLines(lines: readonly string[]): void;
}

export type CockpitStore = StoreApi<CockpitState & CockpitActions>;

export function initialState(
  connection: Pick<ConnectionState, 'context' | 'server' | 'namespace'>,
): CockpitState {
  return {
    connection: { ...connection, status: 'connecting' },
    // One empty map per watched kind.
    ...(Object.fromEntries(Object.values(KIND_FIELD).map((field) => [field, new Map()])) as unknown as Pick<
      CockpitState,
      (typeof KIND_FIELD)[WatchedKind]
    >),
    forbidden: {},
    synced: {},
    metrics: { available: undefined, containers: new Map(), nodes: new Map() },
    logs: {},
    logErrors: {},
    recentLogs: {},
    findings: [],
    auditFigures: undefined,
    recommendations: [],
    progress: {},
    inspection: undefined,
    logView: undefined,
    chat: {
      backend: 'offline assistant',
      input: '',
      asked: [],
      historyIndex: undefined,
      messages: [],
      running: false,
      scroll: 0,
    },
    ui: {
      focus: 'pods',
      selectedPodKey: undefined,
      filter: '',
      filterEditing: false,
      sortBy: 'name',
      overlay: 'none',
      commandLine: undefined,
      selectedFindingId: undefined,
      notice: undefined,
      selectedRecommendationId: undefined,
      confirm: undefined,
      recommendationBody: undefined,
      view: { kind: 'pods' },
      viewBack: [],
      selectedObjectKey: undefined,
      overlayScroll: 0,
      confirmSeen: false,
      pick: undefined,
      prompt: undefined,
      question: undefined,
      logUi: { top: undefined, wrap: false, search: '' },
    },
  };
}

export function createCockpitStore(initial: CockpitState): CockpitStore {
  return createStore<CockpitState & CockpitActions>()((set) => ({
    ...initial,
    applyChanges(changes, receivedAt) {
      if (changes.length === 0) return;
      set((state) => {
        // Copy each touched map once per batch, however many events it holds.
        const next: Partial<Record<WatchedKind, Map<string, unknown>>> = {};
        // A new `synced` only when a kind becomes synced: readers compare it by reference.
        let synced = state.synced;
        for (const change of changes) {
          const field = KIND_FIELD[change.kind];
          if (change.type === 'replace') {
            next[change.kind] = new Map(change.objects);
            if (!synced[change.kind]) synced = { ...synced, [change.kind]: true };
            continue;
          }
          let map = next[change.kind];
          if (!map) map = next[change.kind] = new Map(state[field] as ReadonlyMap<string, unknown>);
          if (change.type === 'upsert') map.set(change.key, change.object);
          else map.delete(change.key);
        }
        const patch: Partial<CockpitState> = {
          synced,
          connection: { ...state.connection, lastEventAt: receivedAt },
        };
        for (const [kind, map] of Object.entries(next) as [WatchedKind, Map<string, unknown>][]) {
          (patch as Record<string, unknown>)[KIND_FIELD[kind]] = map;
        }
        return patch;
      });
    },
    setConnection(patch) {
      set((state) => ({ connection: { ...state.connection, ...patch } }));
    },
    setForbidden(kind, reason) {
      set((state) => {
        const forbidden = { ...state.forbidden };
        if (reason === undefined) delete forbidden[kind];
        else forbidden[kind] = reason;
        return { forbidden };
      });
    },
    setMetrics(patch) {
      set((state) => ({ metrics: { ...state.metrics, ...patch } }));
    },
    setUi(patch) {
      set((state) => {
        // A new overlay or a new diff to confirm starts at its top, not yet seen.
        const fresh =
          (patch.overlay !== undefined && patch.overlay !== state.ui.overlay) ||
          (patch.confirm !== undefined && patch.confirm !== state.ui.confirm);
        const reset = fresh && !('overlayScroll' in patch) ? { overlayScroll: 0, confirmSeen: false } : {};
        return { ui: { ...state.ui, ...reset, ...patch } };
      });
    },
    setChat(patch) {
      set((state) => ({ chat: { ...state.chat, ...patch } }));
    },
    setInspection(inspection) {
      set({ inspection });
    },
    setLogView(logView) {
      set({ logView });
    },
    appendLogLines(lines) {
      set((state) => {
        const view = state.logView;
        if (!view || lines.length === 0) return {};
        // One copy of what is kept (not a concatenation and then a slice of it).
        const drop = Math.max(0, view.lines.length + lines.length - LOG_VIEW_MAX_LINES);
        const kept =
          drop >= view.lines.length
            ? lines.slice(drop - view.lines.length)
            : view.lines.slice(drop).concat(lines);
        return { logView: { ...view, lines: kept, dropped: view.dropped + drop } };
      });
    },
  }));
}
