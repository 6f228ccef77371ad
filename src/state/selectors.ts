// What the panes show, derived from the store: pure functions, memoized per pod object (the
// store keeps the identity of unchanged pods), so 10,000 pods are not re-derived per keypress.
import type { V1Pod } from '@kubernetes/client-node';
import { formatRestarts, humanDuration, summarizePod, type PodSummary } from '../kube/format.js';
import { bytes, cpuMillis } from '../kube/quantity.js';
import type { CockpitState, SortKey } from './types.js';
import type { UsageSample } from '../model/analysis.js';

export type Health = 'ok' | 'warn' | 'error' | 'pending' | 'terminating';

export interface PodRow {
  key: string;
  namespace: string;
  name: string;
  ready: string;
  status: string;
  restarts: number;
  restartsText: string;
  age: string;
  node: string;
  cpuMillis: number | undefined;
  memoryBytes: number | undefined;
  /** CPU usage ÷ requests, memory usage ÷ limits, in percent. */
  cpuOfRequest: number | undefined;
  memOfLimit: number | undefined;
  health: Health;
}

interface PodBasics {
  summary: PodSummary;
  containers: string[];
  cpuRequest: number;
  memoryLimit: number;
  /** Epoch ms of creationTimestamp, parsed once per pod object. */
  createdMs: number | undefined;
  /** What `/` matches: namespace/name and status, lower-cased. */
  search: string;
}

const ERROR_STATUSES =
  /BackOff|Err|Error|OOMKilled|Failed|Unknown|Evicted|Invalid|NotReady|ContainerStatusUnknown|Init:(?!\d)/;

function healthOf(summary: PodSummary): Health {
  const s = summary.status;
  if (s === 'Terminating') return 'terminating';
  if (ERROR_STATUSES.test(s)) return 'error';
  if (
    ['Pending', 'ContainerCreating', 'PodInitializing', 'SchedulingGated'].includes(s) ||
    s.startsWith('Init:')
  )
    return 'pending';
  if (s === 'Completed' || s === 'Succeeded') return 'ok';
  if (summary.readyContainers < summary.totalContainers || summary.restarts > 0) return 'warn';
  return 'ok';
}

const basicsCache = new WeakMap<V1Pod, PodBasics>();

function basics(pod: V1Pod): PodBasics {
  let b = basicsCache.get(pod);
  if (!b) {
    const containers = pod.spec?.containers ?? [];
    const summary = summarizePod(pod);
    b = {
      summary,
      containers: containers.map((c) => c.name),
      cpuRequest: containers.reduce((n, c) => n + (cpuMillis(c.resources?.requests?.cpu) ?? 0), 0),
      memoryLimit: containers.reduce((n, c) => n + (bytes(c.resources?.limits?.memory) ?? 0), 0),
      createdMs: pod.metadata?.creationTimestamp
        ? new Date(pod.metadata.creationTimestamp).getTime()
        : undefined,
      search: `${pod.metadata?.namespace}/${pod.metadata?.name}\n${summary.status}`.toLowerCase(),
    };
    basicsCache.set(pod, b);
  }
  return b;
}

/** The latest usage of a pod, summed over its containers; undefined without samples. */
export function podUsage(
  state: Pick<CockpitState, 'metrics'>,
  key: string,
  containers: readonly string[],
): { cpuMillis: number; memoryBytes: number } | undefined {
  let cpu = 0;
  let mem = 0;
  let any = false;
  for (const c of containers) {
    const history = state.metrics.containers.get(`${key}/${c}`);
    const last = history?.[history.length - 1];
    if (!last) continue;
    any = true;
    cpu += last.cpuMillis;
    mem += last.memoryBytes;
  }
  return any ? { cpuMillis: cpu, memoryBytes: mem } : undefined;
}

export function podRow(key: string, pod: V1Pod, state: Pick<CockpitState, 'metrics'>, now: number): PodRow {
  const b = basics(pod);
  const usage = podUsage(state, key, b.containers);
  return {
    key,
    namespace: pod.metadata?.namespace ?? '',
    name: pod.metadata?.name ?? key,
    ready: `${b.summary.readyContainers}/${b.summary.totalContainers}`,
    status: b.summary.status,
    restarts: b.summary.restarts,
    restartsText: formatRestarts(b.summary, now),
    age: b.createdMs === undefined ? '<unknown>' : humanDuration(now - b.createdMs),
    node: pod.spec?.nodeName ?? '<none>',
    cpuMillis: usage?.cpuMillis,
    memoryBytes: usage?.memoryBytes,
    cpuOfRequest: usage && b.cpuRequest > 0 ? Math.round((usage.cpuMillis / b.cpuRequest) * 100) : undefined,
    memOfLimit:
      usage && b.memoryLimit > 0 ? Math.round((usage.memoryBytes / b.memoryLimit) * 100) : undefined,
    health: healthOf(b.summary),
  };
}

const STATUS_RANK: Record<Health, number> = { error: 0, pending: 1, warn: 2, terminating: 3, ok: 4 };

/** Code-unit order, as kubectl lists (Kubernetes names are ASCII); localeCompare is ~10× slower. */
const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

const COMPARE: Record<SortKey, (a: PodRow, b: PodRow) => number> = {
  name: (a, b) => byText(a.namespace, b.namespace) || byText(a.name, b.name),
  status: (a, b) => STATUS_RANK[a.health] - STATUS_RANK[b.health] || byText(a.status, b.status),
  restarts: (a, b) => b.restarts - a.restarts,
  cpu: (a, b) => (b.cpuMillis ?? -1) - (a.cpuMillis ?? -1),
  mem: (a, b) => (b.memoryBytes ?? -1) - (a.memoryBytes ?? -1),
};

/**
 * The row last built for each pod object, reused while the metrics and the clock it was built with
 * are the same: a watch batch that changes a few pods rebuilds those rows only.
 */
const rowCache = new WeakMap<V1Pod, { row: PodRow; containers: unknown; now: number }>();

function cachedRow(key: string, pod: V1Pod, state: Pick<CockpitState, 'metrics'>, now: number): PodRow {
  const hit = rowCache.get(pod);
  if (hit && hit.now === now && hit.containers === state.metrics.containers && hit.row.key === key)
    return hit.row;
  const row = podRow(key, pod, state, now);
  rowCache.set(pod, { row, containers: state.metrics.containers, now });
  return row;
}

/** Rows filtered by a case-insensitive substring of namespace/name or status, then sorted. */
export function podRows(
  state: Pick<CockpitState, 'pods' | 'metrics'>,
  now: number,
  filter: string,
  sortBy: SortKey,
): PodRow[] {
  const needle = filter.toLowerCase();
  const rows: PodRow[] = [];
  for (const [key, pod] of state.pods) {
    if (needle && !basics(pod).search.includes(needle)) continue;
    rows.push(cachedRow(key, pod, state, now));
  }
  const compare = COMPARE[sortBy];
  return rows.sort((a, b) => compare(a, b) || COMPARE.name(a, b));
}

/** The slice of rows a pane of `height` lines shows with `selected` kept in view. */
export function visibleWindow(
  total: number,
  selected: number,
  height: number,
): { start: number; end: number } {
  if (height <= 0) return { start: 0, end: 0 };
  const start = Math.max(0, Math.min(selected - Math.floor(height / 2), total - height));
  return { start, end: Math.min(total, start + height) };
}

export interface Usage {
  cpuMillis: number;
  memoryBytes: number;
  cpuAllocatable: number;
  memoryAllocatable: number;
}

/** Per node and for the whole cluster: usage against allocatable. */
export function nodeUsage(
  state: Pick<CockpitState, 'nodes' | 'metrics'>,
): { name: string; usage: Usage | undefined }[] {
  return [...state.nodes.values()].map((node) => {
    const name = node.metadata?.name ?? '';
    const used = state.metrics.nodes.get(name);
    const alloc = node.status?.allocatable ?? {};
    return {
      name,
      usage: used && {
        cpuMillis: used.cpuMillis,
        memoryBytes: used.memoryBytes,
        cpuAllocatable: cpuMillis(alloc.cpu) ?? 0,
        memoryAllocatable: bytes(alloc.memory) ?? 0,
      },
    };
  });
}

export function clusterUsage(state: Pick<CockpitState, 'nodes' | 'metrics'>): Usage | undefined {
  const nodes = nodeUsage(state).filter((n) => n.usage);
  if (nodes.length === 0) return undefined;
  return nodes.reduce<Usage>(
    (sum, n) => ({
      cpuMillis: sum.cpuMillis + n.usage!.cpuMillis,
      memoryBytes: sum.memoryBytes + n.usage!.memoryBytes,
      cpuAllocatable: sum.cpuAllocatable + n.usage!.cpuAllocatable,
      memoryAllocatable: sum.memoryAllocatable + n.usage!.memoryAllocatable,
    }),
    { cpuMillis: 0, memoryBytes: 0, cpuAllocatable: 0, memoryAllocatable: 0 },
  );
}

export interface PodSeries {
  cpu: number[];
  memory: number[];
  cpuRequest: number | undefined;
  cpuLimit: number | undefined;
  memoryRequest: number | undefined;
  memoryLimit: number | undefined;
}

/** A pod's usage over the collected window (containers summed per sample), with its requests and limits. */
export function podSeries(state: Pick<CockpitState, 'pods' | 'metrics'>, key: string): PodSeries | undefined {
  const pod = state.pods.get(key);
  if (!pod) return undefined;
  const containers = pod.spec?.containers ?? [];
  const histories = containers.map(
    (c) => state.metrics.containers.get(`${key}/${c.name}`) ?? ([] as readonly UsageSample[]),
  );
  const length = Math.max(0, ...histories.map((h) => h.length));
  const cpu: number[] = [];
  const memory: number[] = [];
  for (let i = 0; i < length; i++) {
    let c = 0;
    let m = 0;
    for (const h of histories) {
      const s = h[h.length - length + i];
      if (s) {
        c += s.cpuMillis;
        m += s.memoryBytes;
      }
    }
    cpu.push(c);
    memory.push(m);
  }
  const sum = (pick: (c: (typeof containers)[number]) => number | undefined): number | undefined => {
    const values = containers.map(pick);
    return values.every((v) => v === undefined)
      ? undefined
      : values.reduce<number>((n, v) => n + (v ?? 0), 0);
  };
  return {
    cpu,
    memory,
    cpuRequest: sum((c) => cpuMillis(c.resources?.requests?.cpu)),
    cpuLimit: sum((c) => cpuMillis(c.resources?.limits?.cpu)),
    memoryRequest: sum((c) => bytes(c.resources?.requests?.memory)),
    memoryLimit: sum((c) => bytes(c.resources?.limits?.memory)),
  };
}

const sameNumbers = (a: readonly number[], b: readonly number[]): boolean =>
  a.length === b.length && a.every((v, i) => v === b[i]);

/** Whether two series draw the same (a pod rewritten without new samples or new resources). */
export function sameSeries(a: PodSeries | undefined, b: PodSeries | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return (
    sameNumbers(a.cpu, b.cpu) &&
    sameNumbers(a.memory, b.memory) &&
    a.cpuRequest === b.cpuRequest &&
    a.cpuLimit === b.cpuLimit &&
    a.memoryRequest === b.memoryRequest &&
    a.memoryLimit === b.memoryLimit
  );
}
