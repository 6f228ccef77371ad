// What the pods pane shows: kubectl's columns and status reasons, usage against requests and
// limits, the states a pane can be in, and columns that drop rather than wrap.
import { afterEach, describe, expect, it } from 'vitest';
import {
  MiB,
  frameContaining,
  lineWith,
  makePod,
  renderCockpit,
  setMetrics,
  storeWith,
  type Rendered,
} from './harness.js';

let rendered: Rendered | undefined;
afterEach(() => rendered?.unmount());

const todoPods = () => [
  makePod('todo', 'backend-abc12-x1', { status: 'CrashLoopBackOff', restarts: 4 }),
  makePod('todo', 'backend-abc12-x2'),
  makePod('todo', 'frontend-def34-y1'),
  makePod('todo', 'cache-0', { status: 'ImagePullBackOff' }),
  makePod('todo', 'worker-0', { status: 'Pending' }),
];

/** The column titles of the pods table (the first pane on its line). */
const header = (frame: string): string[] => lineWith(frame, 'NAME').split('│')[1]!.trim().split(/\s+/);

describe('the pods pane', () => {
  it('at 80×24 lists every pod with the status reason kubectl shows, in 24 lines of 80 columns', async () => {
    rendered = renderCockpit(storeWith(todoPods(), 'todo'), { width: 80, height: 24 });
    const frame = await frameContaining(rendered, 'worker-0');
    expect(lineWith(frame, 'backend-abc12-x1')).toMatch(/0\/1\s+CrashLoopBackOff\s+4\b/);
    expect(lineWith(frame, 'backend-abc12-x2')).toMatch(/1\/1\s+Running\s+0\b/);
    expect(lineWith(frame, 'cache-0')).toContain('ImagePullBackOff');
    expect(lineWith(frame, 'worker-0')).toContain('Pending');
    expect(frame).toContain('pods (5) sort:name');
    const lines = frame.split('\n');
    expect(lines).toHaveLength(24);
    for (const line of lines) expect([...line].length).toBeLessThanOrEqual(80);
  });

  it('at 200×60 shows every column, with usage and its share of requests and limits', async () => {
    const store = storeWith(todoPods());
    // backend-x2: 50m of a 100m request, 256Mi of a 512Mi limit.
    setMetrics(store, [
      { pod: 'todo/backend-abc12-x2', cpuMillis: [40, 50], memoryBytes: [200 * MiB, 256 * MiB] },
    ]);
    rendered = renderCockpit(store, { width: 200, height: 60 });
    const frame = await frameContaining(rendered, '256Mi');
    expect(header(frame)).toEqual([
      'NAMESPACE',
      'NAME',
      'READY',
      'STATUS',
      'RESTARTS',
      'AGE',
      'NODE',
      'CPU',
      'MEM',
      '%CPU/R',
      '%MEM/L',
    ]);
    expect(lineWith(frame, 'backend-abc12-x2')).toMatch(
      /todo\s+backend-abc12-x2\s+.*minikube\s+50m\s+256Mi\s+50%\s+50%/,
    );
    // No samples yet: a dash, as kubectl top prints nothing rather than zero.
    expect(lineWith(frame, 'frontend-def34-y1')).toMatch(/minikube\s+-\s+-\s+-\s+-/);
  });

  it('drops NODE, AGE and the percentages at narrow widths instead of wrapping', async () => {
    const store = storeWith(todoPods());
    setMetrics(store, [{ pod: 'todo/backend-abc12-x2', cpuMillis: [50], memoryBytes: [256 * MiB] }]);
    const expected: [number, string[]][] = [
      [60, ['NAME', 'READY', 'STATUS', 'CPU']],
      [80, ['NAME', 'READY', 'STATUS', 'RESTARTS', 'CPU', 'MEM']],
      [100, ['NAMESPACE', 'NAME', 'READY', 'STATUS', 'RESTARTS', 'CPU', 'MEM', '%CPU/R', '%MEM/L']],
    ];
    for (const [width, columns] of expected) {
      rendered = renderCockpit(store, { width, height: 24 });
      const frame = await frameContaining(rendered, 'frontend-def34-y1');
      expect(header(frame), `at ${width} columns`).toEqual(columns);
      for (const line of frame.split('\n')) expect([...line].length).toBeLessThanOrEqual(width);
      // One table line per pod: nothing wrapped onto a second line.
      const table = frame.split('\n').filter((l) => !l.startsWith('│ pod '));
      for (const pod of todoPods())
        expect(table.filter((l) => l.includes(pod.metadata!.name!))).toHaveLength(1);
      rendered.unmount();
    }
  });

  it('marks the selected row with › so it shows without colour', async () => {
    rendered = renderCockpit(storeWith(todoPods()), { width: 80, height: 24 });
    const frame = await frameContaining(rendered, '›');
    expect(lineWith(frame, '›')).toContain('backend-abc12-x1');
  });

  it('says loading… until the first list arrives', async () => {
    const store = storeWith([]);
    store.setState({ synced: {} });
    rendered = renderCockpit(store, { width: 80, height: 24 });
    await frameContaining(rendered, 'loading…');
  });

  it('shows the forbidden message of a kind the user may not list', async () => {
    const store = storeWith([]);
    store.getState().setForbidden('pods', 'forbidden: list pods in namespace todo');
    rendered = renderCockpit(store, { width: 80, height: 24 });
    await frameContaining(rendered, 'forbidden: list pods in namespace todo');
  });

  it('keeps the last known pods under a banner naming the cause while reconnecting', async () => {
    const store = storeWith(todoPods());
    store.getState().setConnection({ status: 'reconnecting', message: 'connection lost: ECONNREFUSED' });
    rendered = renderCockpit(store, { width: 80, height: 24 });
    const frame = await frameContaining(
      rendered,
      'connection lost: ECONNREFUSED — showing the last known state',
    );
    expect(frame).toContain('frontend-def34-y1');
    expect(frame).toContain('reconnecting');
  });

  it('says "terminal too small" below 60×16', async () => {
    rendered = renderCockpit(storeWith(todoPods()), { width: 59, height: 24 });
    await frameContaining(rendered, 'terminal too small (need 60×16, have 59×24)');
    rendered.unmount();
    rendered = renderCockpit(storeWith(todoPods()), { width: 80, height: 15 });
    await frameContaining(rendered, 'terminal too small (need 60×16, have 80×15)');
  });

  it('at 60×16 still shows pods and the selected pod without lines drawn over each other', async () => {
    const store = storeWith(todoPods());
    setMetrics(store, [{ pod: 'todo/backend-abc12-x1', cpuMillis: [50], memoryBytes: [256 * MiB] }]);
    rendered = renderCockpit(store, { width: 60, height: 16 });
    const frame = await frameContaining(rendered, 'pod todo/backend-abc12-x1');
    expect(frame.split('\n')).toHaveLength(16);
    expect(lineWith(frame, 'pod todo/backend-abc12-x1')).toMatch(
      /^│ pod todo\/backend-abc12-x1 · 1 sample\s+│$/,
    );
  });
});

describe('10,000 pods', () => {
  const pods = Array.from({ length: 10_000 }, (_, i) =>
    makePod(`ns-${i % 10}`, `pod-${String(i).padStart(5, '0')}`),
  );

  it('render only the rows that fit, promptly, and the selection scrolls the window', async () => {
    const store = storeWith(pods);
    const started = performance.now();
    rendered = renderCockpit(store, { width: 120, height: 40 });
    const frame = await frameContaining(rendered, 'pods (10000)');
    expect(performance.now() - started).toBeLessThan(2000);
    expect(frame.split('\n')).toHaveLength(40);
    expect(frame.match(/pod-\d{5}/g)!.length).toBeLessThan(40);
    expect(frame).toContain('pod-00000');

    const pressed = performance.now();
    rendered.stdin.write('G');
    const bottom = await frameContaining(rendered, 'pod-09999');
    expect(performance.now() - pressed).toBeLessThan(1000);
    expect(bottom).not.toContain('pod-00000');
  });
});
