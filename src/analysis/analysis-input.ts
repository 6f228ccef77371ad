// What the analyzers read of the cockpit's state, as deltas: the findings service sends a worker
// thread only what changed since its last send, so a watch batch that touched 20 pods of 10,000
// costs 20 structured clones, not 10,000. The store replaces an object (or a usage history) when
// it changes and keeps the others' identity, so "changed" is a reference comparison.
import { KIND_FIELD } from '../state/store.js';
import type { UsageSample } from '../model/analysis.js';
import type { CockpitState, WatchedKind } from '../state/types.js';

export type ObjectField = (typeof KIND_FIELD)[WatchedKind];
export const OBJECT_FIELDS = Object.values(KIND_FIELD) as ObjectField[];

/** The parts of the state the analyzers read (see snapshotFromState). */
export type AnalysisInput = Pick<
  CockpitState,
  ObjectField | 'synced' | 'forbidden' | 'logs' | 'logErrors' | 'recentLogs' | 'metrics'
>;

export interface MapDelta<V> {
  set: [string, V][];
  delete: string[];
}

/** Entries of `next` not identical in `previous`, and keys `previous` had that `next` has not. */
export function diffMap<V>(previous: ReadonlyMap<string, V>, next: ReadonlyMap<string, V>): MapDelta<V> {
  const delta: MapDelta<V> = { set: [], delete: [] };
  if (previous === next) return delta;
  for (const [key, value] of next) if (previous.get(key) !== value) delta.set.push([key, value]);
  for (const key of previous.keys()) if (!next.has(key)) delta.delete.push(key);
  return delta;
}

/**
 * A usage history's change: the appended samples and how many old ones fell off the front.
 * appendUsage keeps the samples' identity when it appends, so the newest sample both share
 * says where the tail starts; a history with none in common is sent whole (`drop: -1`).
 */
export interface HistoryDelta {
  drop: number;
  tail: readonly UsageSample[];
}

export function historyDelta(previous: readonly UsageSample[], next: readonly UsageSample[]): HistoryDelta {
  const last = previous[previous.length - 1];
  const at = last === undefined ? -1 : next.lastIndexOf(last);
  if (at < 0) return { drop: -1, tail: next };
  return { drop: previous.length - (at + 1), tail: next.slice(at + 1) };
}

export function applyHistoryDelta(previous: readonly UsageSample[], delta: HistoryDelta): UsageSample[] {
  if (delta.drop < 0) return [...delta.tail];
  return [...previous.slice(delta.drop), ...delta.tail];
}

export interface InputDelta {
  objects: Partial<Record<ObjectField, MapDelta<unknown>>>;
  usage?: { set: [string, HistoryDelta][]; delete: string[] };
  synced?: AnalysisInput['synced'];
  forbidden?: AnalysisInput['forbidden'];
  logs?: AnalysisInput['logs'];
  logErrors?: AnalysisInput['logErrors'];
  /** Per container key: its lines, or null when it is gone. */
  recentLogs?: [string, readonly string[] | null][];
}

const EMPTY_INPUT: AnalysisInput = {
  ...(Object.fromEntries(OBJECT_FIELDS.map((f) => [f, new Map()])) as unknown as Pick<
    CockpitState,
    ObjectField
  >),
  synced: {},
  forbidden: {},
  logs: {},
  logErrors: {},
  recentLogs: {},
  metrics: { available: undefined, containers: new Map(), nodes: new Map() },
};

/** What a fresh mirror (or one that must start over) has seen: nothing. */
export const emptyInput = (): AnalysisInput => EMPTY_INPUT;

/** The delta from `previous` (what the mirror has) to `next`; small records are sent whole. */
export function inputDelta(previous: AnalysisInput, next: AnalysisInput): InputDelta {
  const delta: InputDelta = { objects: {} };
  for (const field of OBJECT_FIELDS) {
    if (previous[field] === next[field]) continue;
    const d = diffMap<unknown>(previous[field], next[field]);
    if (d.set.length || d.delete.length) delta.objects[field] = d;
  }
  const before = previous.metrics.containers;
  const after = next.metrics.containers;
  if (before !== after) {
    const d = diffMap(before, after);
    delta.usage = {
      set: d.set.map(([key, history]) => [key, historyDelta(before.get(key) ?? [], history)]),
      delete: d.delete,
    };
  }
  if (previous.synced !== next.synced) delta.synced = next.synced;
  if (previous.forbidden !== next.forbidden) delta.forbidden = next.forbidden;
  if (previous.logs !== next.logs) delta.logs = next.logs;
  if (previous.logErrors !== next.logErrors) delta.logErrors = next.logErrors;
  if (previous.recentLogs !== next.recentLogs) {
    const d = diffMap(new Map(Object.entries(previous.recentLogs)), new Map(Object.entries(next.recentLogs)));
    delta.recentLogs = [...d.set, ...d.delete.map((key): [string, null] => [key, null])];
  }
  return delta;
}

/** A mirror of the input, kept by the worker: each delta is applied in place. */
export interface InputMirror {
  objects: Record<ObjectField, Map<string, unknown>>;
  usage: Map<string, readonly UsageSample[]>;
  synced: AnalysisInput['synced'];
  forbidden: AnalysisInput['forbidden'];
  logs: AnalysisInput['logs'];
  logErrors: AnalysisInput['logErrors'];
  recentLogs: Record<string, readonly string[]>;
}

export const createMirror = (): InputMirror => ({
  objects: Object.fromEntries(OBJECT_FIELDS.map((f) => [f, new Map()])) as InputMirror['objects'],
  usage: new Map(),
  synced: {},
  forbidden: {},
  logs: {},
  logErrors: {},
  recentLogs: {},
});

export function applyInputDelta(mirror: InputMirror, delta: InputDelta): void {
  for (const [field, d] of Object.entries(delta.objects) as [ObjectField, MapDelta<unknown>][]) {
    const map = mirror.objects[field];
    for (const key of d.delete) map.delete(key);
    for (const [key, value] of d.set) map.set(key, value);
  }
  if (delta.usage) {
    for (const key of delta.usage.delete) mirror.usage.delete(key);
    for (const [key, d] of delta.usage.set)
      mirror.usage.set(key, applyHistoryDelta(mirror.usage.get(key) ?? [], d));
  }
  if (delta.synced) mirror.synced = delta.synced;
  if (delta.forbidden) mirror.forbidden = delta.forbidden;
  if (delta.logs) mirror.logs = delta.logs;
  if (delta.logErrors) mirror.logErrors = delta.logErrors;
  if (delta.recentLogs) {
    const recent = { ...mirror.recentLogs };
    for (const [key, lines] of delta.recentLogs) {
      if (lines === null) delete recent[key];
      else recent[key] = lines;
    }
    mirror.recentLogs = recent;
  }
}

/** The mirror in the state's shape, for snapshotFromState. */
export const mirrorAsInput = (mirror: InputMirror): AnalysisInput => ({
  ...(mirror.objects as unknown as Pick<CockpitState, ObjectField>),
  synced: mirror.synced,
  forbidden: mirror.forbidden,
  logs: mirror.logs,
  logErrors: mirror.logErrors,
  recentLogs: mirror.recentLogs,
  // Only the usage history is read of the metrics (the node figures are the panes').
  metrics: { available: undefined, containers: mirror.usage, nodes: new Map() },
});

/** Objects per message: a first sync of 10,000 pods is not one 40 MB clone on each side. */
export const OBJECTS_PER_PART = 500;

/**
 * A delta cut into parts of at most `max` upserted objects each, in order (deletes, usage, logs
 * and the rest ride with the first part): applied one after another, they are the whole delta.
 */
export function splitDelta(delta: InputDelta, max = OBJECTS_PER_PART): InputDelta[] {
  const parts: InputDelta[] = [{ ...delta, objects: {} }];
  let room = max;
  for (const [field, d] of Object.entries(delta.objects) as [ObjectField, MapDelta<unknown>][]) {
    let current = parts[parts.length - 1]!;
    current.objects[field] = { set: [], delete: d.delete };
    for (const entry of d.set) {
      if (room === 0) {
        current = { objects: { [field]: { set: [], delete: [] } } };
        parts.push(current);
        room = max;
      }
      current.objects[field]!.set.push(entry);
      room--;
    }
  }
  return parts;
}
