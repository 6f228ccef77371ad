// What the panes show, derived from the store: pod rows as kubectl prints them plus live usage,
// sorting, filtering, the visible window, and usage against allocatable.
import type { V1Node, V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import {
  clusterUsage,
  nodeUsage,
  podRow,
  podRows,
  podSeries,
  sameSeries,
  visibleWindow,
  type PodSeries,
} from '../../src/state/selectors.js';
import { initialState } from '../../src/state/store.js';
import type { CockpitState } from '../../src/state/types.js';
import type { UsageSample } from '../../src/model/analysis.js';

const NOW = Date.parse('2026-01-02T00:00:00Z');
const MI = 2 ** 20;

interface PodSpec {
  name: string;
  ageMs?: number;
  containers?: { name: string; cpuRequest?: string; memoryLimit?: string }[];
  status?: V1Pod['status'];
  deleting?: boolean;
  node?: string;
}

/** Plain JSON as the watchers store it (timestamps stay strings), typed as the store types it. */
function pod({
  name,
  ageMs = 60_000,
  containers = [{ name: 'app' }],
  status,
  deleting,
  node,
}: PodSpec): V1Pod {
  return {
    metadata: {
      name,
      namespace: 'todo',
      creationTimestamp: new Date(NOW - ageMs).toISOString(),
      ...(deleting ? { deletionTimestamp: new Date(NOW).toISOString() } : {}),
    },
    spec: {
      nodeName: node,
      containers: containers.map((c) => ({
        name: c.name,
        resources: {
          requests: c.cpuRequest ? { cpu: c.cpuRequest } : undefined,
          limits: c.memoryLimit ? { memory: c.memoryLimit } : undefined,
        },
      })),
    },
    status: status ?? {
      phase: 'Running',
      containerStatuses: containers.map((c) => ({
        name: c.name,
        ready: true,
        restartCount: 0,
        state: { running: {} },
      })),
    },
  } as unknown as V1Pod;
}

const sample = (cpuMillis: number, memoryMiB: number, at = NOW): UsageSample => ({
  at,
  cpuMillis,
  memoryBytes: memoryMiB * MI,
});

function state(pods: V1Pod[], usage: Record<string, UsageSample[]> = {}): CockpitState {
  const s = initialState({ context: 'c', server: 's', namespace: 'todo' });
  return {
    ...s,
    pods: new Map(pods.map((p) => [`todo/${p.metadata!.name}`, p])),
    metrics: { ...s.metrics, available: true, containers: new Map(Object.entries(usage)) },
  };
}

describe('a pod row', () => {
  it('has kubectl READY, STATUS, RESTARTS, AGE and NODE, and usage from the latest sample', () => {
    const p = pod({
      name: 'api',
      ageMs: (2 * 24 + 4) * 3_600_000,
      node: 'node-1',
      containers: [
        { name: 'app', cpuRequest: '200m', memoryLimit: '256Mi' },
        { name: 'proxy', cpuRequest: '50m', memoryLimit: '64Mi' },
      ],
      status: {
        phase: 'Running',
        containerStatuses: [
          { name: 'app', image: '', imageID: '', ready: true, restartCount: 2, state: { running: {} } },
          {
            name: 'proxy',
            image: '',
            imageID: '',
            ready: false,
            restartCount: 1,
            state: { waiting: { reason: 'CrashLoopBackOff' } },
          },
        ],
      },
    });
    const s = state([p], {
      'todo/api/app': [sample(10, 1), sample(100, 96)],
      'todo/api/proxy': [sample(25, 32)],
    });
    expect(podRow('todo/api', p, s, NOW)).toEqual({
      key: 'todo/api',
      namespace: 'todo',
      name: 'api',
      ready: '1/2',
      status: 'CrashLoopBackOff',
      restarts: 3,
      restartsText: '3',
      age: '2d4h',
      node: 'node-1',
      cpuMillis: 125,
      memoryBytes: 128 * MI,
      cpuOfRequest: 50, // 125m of 250m requested
      memOfLimit: 40, // 128Mi of 320Mi limit
      health: 'error',
    });
  });

  it('has no usage or percentages without samples, and none against an absent request or limit', () => {
    const bare = pod({ name: 'bare' });
    expect(podRow('todo/bare', bare, state([bare]), NOW)).toMatchObject({
      cpuMillis: undefined,
      memOfLimit: undefined,
      node: '<none>',
    });
    const s = state([bare], { 'todo/bare/app': [sample(5, 5)] });
    expect(podRow('todo/bare', bare, s, NOW)).toMatchObject({
      cpuMillis: 5,
      cpuOfRequest: undefined,
      memOfLimit: undefined,
    });
  });

  it.each<[string, PodSpec, string, string]>([
    ['running and ready', { name: 'a' }, 'Running', 'ok'],
    [
      'running with restarts',
      {
        name: 'a',
        status: {
          phase: 'Running',
          containerStatuses: [
            { name: 'app', image: '', imageID: '', ready: true, restartCount: 1, state: { running: {} } },
          ],
        },
      },
      'Running',
      'warn',
    ],
    ['unscheduled', { name: 'a', status: { phase: 'Pending' } }, 'Pending', 'pending'],
    [
      'gated',
      {
        name: 'a',
        status: {
          phase: 'Pending',
          conditions: [{ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated' }],
        },
      },
      'SchedulingGated',
      'pending',
    ],
    [
      'creating',
      {
        name: 'a',
        status: {
          phase: 'Pending',
          containerStatuses: [
            {
              name: 'app',
              image: '',
              imageID: '',
              ready: false,
              restartCount: 0,
              state: { waiting: { reason: 'ContainerCreating' } },
            },
          ],
        },
      },
      'ContainerCreating',
      'pending',
    ],
    [
      'OOM killed',
      {
        name: 'a',
        status: {
          phase: 'Running',
          containerStatuses: [
            {
              name: 'app',
              image: '',
              imageID: '',
              ready: false,
              restartCount: 3,
              state: { terminated: { reason: 'OOMKilled', exitCode: 137 } },
            },
          ],
        },
      },
      'OOMKilled',
      'error',
    ],
    [
      'a finished job',
      {
        name: 'a',
        status: {
          phase: 'Succeeded',
          containerStatuses: [
            {
              name: 'app',
              image: '',
              imageID: '',
              ready: false,
              restartCount: 0,
              state: { terminated: { reason: 'Completed', exitCode: 0 } },
            },
          ],
        },
      },
      'Completed',
      'ok',
    ],
    ['being deleted', { name: 'a', deleting: true }, 'Terminating', 'terminating'],
  ])('%s: STATUS %s, health %s', (_, spec, status, health) => {
    const p = pod(spec);
    expect(podRow('todo/a', p, state([p]), NOW)).toMatchObject({ status, health });
  });
});

describe('the pods list', () => {
  const crashing = pod({
    name: 'worker-1',
    status: {
      phase: 'Running',
      containerStatuses: [
        {
          name: 'app',
          image: '',
          imageID: '',
          ready: false,
          restartCount: 7,
          state: { waiting: { reason: 'CrashLoopBackOff' } },
        },
      ],
    },
  });
  const pods = [pod({ name: 'web-b' }), crashing, pod({ name: 'web-a' }), pod({ name: 'db-0' })];
  const s = state(pods, {
    'todo/web-a/app': [sample(300, 10)],
    'todo/web-b/app': [sample(100, 500)],
    'todo/db-0/app': [sample(200, 50)],
  });
  const names = (sortBy: Parameters<typeof podRows>[3], filter = ''): string[] =>
    podRows(s, NOW, filter, sortBy).map((r) => r.name);

  it('sorts by name, status (errors first), restarts, CPU and memory (highest first, no usage last)', () => {
    expect(names('name')).toEqual(['db-0', 'web-a', 'web-b', 'worker-1']);
    expect(names('status')[0]).toBe('worker-1');
    expect(names('restarts')[0]).toBe('worker-1');
    expect(names('cpu')).toEqual(['web-a', 'db-0', 'web-b', 'worker-1']);
    expect(names('mem')).toEqual(['web-b', 'db-0', 'web-a', 'worker-1']);
  });

  it('filters by a case-insensitive substring of namespace/name or of the status', () => {
    expect(names('name', 'WEB')).toEqual(['web-a', 'web-b']);
    expect(names('name', 'todo/db')).toEqual(['db-0']);
    expect(names('name', 'crashloop')).toEqual(['worker-1']);
    expect(names('name', 'nothing')).toEqual([]);
  });

  it('rows follow the clock without the pods changing (ages are derived per call)', () => {
    expect(podRows(s, NOW, 'db-0', 'name')[0]!.age).toBe('60s');
    expect(podRows(s, NOW + 9 * 60_000, 'db-0', 'name')[0]!.age).toBe('10m');
  });
});

describe('visibleWindow', () => {
  it.each([
    // total, selected, height → start, end
    [100, 0, 10, 0, 10],
    [100, 50, 10, 45, 55],
    [100, 99, 10, 90, 100],
    [5, 3, 10, 0, 5],
    [100, 5, 0, 0, 0],
  ])('%i rows, row %i selected, %i lines: rows %i to %i', (total, selected, height, start, end) => {
    expect(visibleWindow(total, selected, height)).toEqual({ start, end });
  });
});

describe('usage against allocatable', () => {
  const node = (name: string, cpu: string, memory: string): V1Node =>
    ({ metadata: { name }, status: { allocatable: { cpu, memory } } }) as V1Node;
  const s = {
    nodes: new Map([
      ['n1', node('n1', '2', '4Gi')],
      ['n2', node('n2', '4', '8Gi')],
      ['n3', node('n3', '4', '8Gi')],
    ]),
    metrics: {
      available: true,
      containers: new Map(),
      nodes: new Map([
        ['n1', { cpuMillis: 500, memoryBytes: 1024 * MI, at: NOW }],
        ['n2', { cpuMillis: 1500, memoryBytes: 2048 * MI, at: NOW }],
      ]),
    },
  };

  it('per node, and undefined for a node without metrics', () => {
    expect(nodeUsage(s)).toEqual([
      {
        name: 'n1',
        usage: { cpuMillis: 500, memoryBytes: 1024 * MI, cpuAllocatable: 2000, memoryAllocatable: 4096 * MI },
      },
      {
        name: 'n2',
        usage: {
          cpuMillis: 1500,
          memoryBytes: 2048 * MI,
          cpuAllocatable: 4000,
          memoryAllocatable: 8192 * MI,
        },
      },
      { name: 'n3', usage: undefined },
    ]);
  });

  it('for the cluster: the sum over the nodes that report usage', () => {
    expect(clusterUsage(s)).toEqual({
      cpuMillis: 2000,
      memoryBytes: 3072 * MI,
      cpuAllocatable: 6000,
      memoryAllocatable: 12288 * MI,
    });
    expect(clusterUsage({ ...s, metrics: { ...s.metrics, nodes: new Map() } })).toBeUndefined();
  });
});

describe('podSeries', () => {
  it('sums containers per sample, aligned on the newest, with the pod request and limit', () => {
    const p = pod({
      name: 'api',
      containers: [
        { name: 'app', cpuRequest: '100m', memoryLimit: '128Mi' },
        { name: 'proxy', cpuRequest: '50m' },
      ],
    });
    const s = state([p], {
      'todo/api/app': [sample(10, 1), sample(20, 2), sample(30, 3)],
      'todo/api/proxy': [sample(5, 1), sample(5, 1)], // started a scrape later
    });
    expect(podSeries(s, 'todo/api')).toEqual({
      cpu: [10, 25, 35],
      memory: [1 * MI, 3 * MI, 4 * MI],
      cpuRequest: 150,
      cpuLimit: undefined,
      memoryRequest: undefined,
      memoryLimit: 128 * MI,
    });
    expect(podSeries(s, 'todo/gone')).toBeUndefined();
  });
});

describe('sameSeries', () => {
  const series = (over: Partial<PodSeries> = {}): PodSeries => ({
    cpu: [10, 20],
    memory: [100, 200],
    cpuRequest: 100,
    cpuLimit: 500,
    memoryRequest: undefined,
    memoryLimit: 512,
    ...over,
  });
  it.each<[string, PodSeries | undefined, PodSeries | undefined, boolean]>([
    ['equal values in new arrays', series(), series(), true],
    ['both without a pod', undefined, undefined, true],
    ['one without a pod', series(), undefined, false],
    ['a new sample', series(), series({ cpu: [10, 20, 30], memory: [100, 200, 300] }), false],
    ['a changed sample', series(), series({ memory: [100, 201] }), false],
    ['a new limit', series(), series({ cpuLimit: 1000 }), false],
    ['a request appears', series(), series({ memoryRequest: 128 }), false],
  ])('%s', (_, a, b, same) => {
    expect(sameSeries(a, b)).toBe(same);
  });
});
