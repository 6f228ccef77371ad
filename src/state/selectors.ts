// What the panes show, derived from the store: pure functions, memoized per pod object (the
// store keeps the identity of unchanged pods), so 10,000 pods are not re-derived per keypress.
import type { V1Pod } from '@kubernetes/client-node';
import { ageOf, formatRestarts, summarizePod, type PodSummary } from '../cluster/kube-format.js';
import { bytes, cpuMillis } from '../cluster/quantity.js';
import type { CockpitState, SortKey, UsageSample } from './types.js';

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
  created: string | Date | undefined;
}

const ERROR_STATUSES =
  /BackOff|Err|Error|OOMKilled|Failed|Unknown|Evicted|Invalid|NotReady|ContainerStatusUnknown|Init:(?!\d)/;

function healthOf(summary: PodSummary): Health {
  const s = summary.status;
  if (s === 'Terminating') return 'terminating';
  if (ERROR_STATUSES.test(s)) return 'error';
  if (s === 'Pending' || s === 'ContainerCreating' || s.startsWith('Init:') || s === 'PodInitializing')
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
    b = {
      summary: summarizePod(pod),
      containers: containers.map((c) => c.name),
      cpuRequest: containers.reduce((n, c) => n + (cpuMillis(c.resources?.requests?.cpu) ?? 0), 0),
      memoryLimit: containers.reduce((n, c) => n + (bytes(c.resources?.limits?.memory) ?? 0), 0),
      created: pod.metadata?.creationTimestamp,
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
    age: ageOf(b.created, now),
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

const COMPARE: Record<SortKey, (a: PodRow, b: PodRow) => number> = {
  name: (a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name),
  status: (a, b) => STATUS_RANK[a.health] - STATUS_RANK[b.health] || a.status.localeCompare(b.status),
  restarts: (a, b) => b.restarts - a.restarts,
  cpu: (a, b) => (b.cpuMillis ?? -1) - (a.cpuMillis ?? -1),
  mem: (a, b) => (b.memoryBytes ?? -1) - (a.memoryBytes ?? -1),
};

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
    if (
      needle &&
      !key.toLowerCase().includes(needle) &&
      !basics(pod).summary.status.toLowerCase().includes(needle)
    )
      continue;
    rows.push(podRow(key, pod, state, now));
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
