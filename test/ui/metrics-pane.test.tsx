// What the metrics pane shows: usage against allocatable as bars, the selected pod's history as
// sparklines against its request and limit, and what to do when there is no metrics API.
import { afterEach, describe, expect, it } from 'vitest';
import { METRICS_UNAVAILABLE } from '../../src/cluster/metrics.js';
import {
  MiB,
  frameContaining,
  lineWith,
  makeNode,
  makePod,
  renderCockpit,
  setMetrics,
  storeWith,
  type Rendered,
} from './harness.js';

let rendered: Rendered | undefined;
afterEach(() => rendered?.unmount());

const GiB = 1024 * MiB;
const pods = () => [
  makePod('todo', 'api-1', { node: 'node-a' }),
  makePod('todo', 'api-2', { node: 'node-b' }),
];

function storeWithUsage() {
  const store = storeWith(pods());
  setMetrics(
    store,
    [
      // CPU climbing to the 500m limit; memory flat at half the 512Mi limit.
      { pod: 'todo/api-1', cpuMillis: [0, 125, 250, 375, 500], memoryBytes: Array(5).fill(256 * MiB) },
      { pod: 'todo/api-2', cpuMillis: [10], memoryBytes: [10 * MiB] },
    ],
    [
      { node: makeNode('node-a', '4', '8Gi'), cpuMillis: 1000, memoryBytes: 2 * GiB },
      { node: makeNode('node-b', '4', '8Gi'), cpuMillis: 3000, memoryBytes: 6 * GiB },
    ],
  );
  return store;
}

describe('the metrics pane', () => {
  it('shows cluster and node usage against allocatable as bars with percentages', async () => {
    rendered = renderCockpit(storeWithUsage(), { width: 80, height: 30 });
    const frame = await frameContaining(rendered, 'node-b');
    // 4 of 8 cores and 8 of 16 GiB in the cluster; node-a a quarter, node-b three quarters.
    expect(lineWith(frame, 'cluster')).toMatch(/cpu \[[█·]+\]\s+50%\s+mem \[[█·]+\]\s+50%/);
    expect(lineWith(frame, 'node-a')).toMatch(/cpu \[█+·+\]\s+25%\s+mem \[█+·+\]\s+25%/);
    expect(lineWith(frame, 'node-b')).toMatch(/cpu \[█+·+\]\s+75%\s+mem \[█+·+\]\s+75%/);
    const filled = (line: string) =>
      line
        .split('[')[1]!
        .split('')
        .filter((c) => c === '█').length;
    expect(filled(lineWith(frame, 'node-b'))).toBeGreaterThan(2 * filled(lineWith(frame, 'node-a')));
  });

  it('draws the selected pod as sparklines scaled to its limit, with request and limit', async () => {
    rendered = renderCockpit(storeWithUsage(), { width: 80, height: 30 });
    const frame = await frameContaining(rendered, 'pod todo/api-1 · 5 samples');
    expect(lineWith(frame, '│ cpu')).toMatch(/ ▁▂▄▆█\s+500m req 100m lim 500m/);
    expect(lineWith(frame, '│ mem')).toMatch(/ ▄▄▄▄▄\s+256Mi req 128Mi lim 512Mi/);
  });

  it('follows the selection when j moves it', async () => {
    rendered = renderCockpit(storeWithUsage(), { width: 80, height: 30 });
    await frameContaining(rendered, 'pod todo/api-1');
    rendered.stdin.write('j');
    const frame = await frameContaining(rendered, 'pod todo/api-2 · 1 sample');
    expect(lineWith(frame, '│ mem')).toMatch(/10Mi req 128Mi lim 512Mi/);
  });

  it('fits two lines per usage in the narrow side column of a 160-column terminal', async () => {
    rendered = renderCockpit(storeWithUsage(), { width: 160, height: 48 });
    const frame = await frameContaining(rendered, 'node-b');
    const side = frame.split('\n').map((l) => l.split('││')[1] ?? '');
    const cluster = side.findIndex((l) => l.includes('cluster'));
    expect(side[cluster]).toMatch(/cluster\s+cpu \[[█·]+\]\s+50%/);
    expect(side[cluster + 1]).toMatch(/^\s+mem \[[█·]+\]\s+50%/);
  });

  it('says the metrics API is missing and how to get one', async () => {
    const store = storeWith(pods());
    store.getState().setMetrics({ available: false, message: METRICS_UNAVAILABLE });
    rendered = renderCockpit(store, { width: 80, height: 24 });
    const frame = await frameContaining(rendered, 'minikube addons enable metrics-server');
    expect(frame).toContain('metrics API not available');
  });

  it('says it is waiting before the first poll answers', async () => {
    rendered = renderCockpit(storeWith(pods()), { width: 80, height: 24 });
    await frameContaining(rendered, 'waiting for metrics…');
  });

  it('says how many nodes it could not fit', async () => {
    const store = storeWith(pods());
    const nodes = Array.from({ length: 30 }, (_, i) => ({
      node: makeNode(`node-${i}`, '4', '8Gi'),
      cpuMillis: 100,
      memoryBytes: GiB,
    }));
    setMetrics(store, [], nodes);
    rendered = renderCockpit(store, { width: 80, height: 40 });
    // 12 rows: borders, title, cluster, the selected pod's 3 lines, 4 nodes and the remainder.
    const frame = await frameContaining(rendered, 'more nodes');
    expect(frame).toMatch(/node-3 +cpu/);
    expect(frame).not.toMatch(/node-4 +cpu/);
    expect(frame).toContain('+26 more nodes');
  });
});
