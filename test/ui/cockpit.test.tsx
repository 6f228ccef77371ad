import { afterEach, describe, expect, it, vi } from 'vitest';
import { makePod, plain, renderCockpit, storeWith } from './harness.js';

type Rendered = ReturnType<typeof renderCockpit>;
let rendered: Rendered | undefined;
afterEach(() => rendered?.unmount());

const todoPods = () => [
  makePod('todo', 'backend-abc12-x1', { status: 'CrashLoopBackOff', restarts: 4 }),
  makePod('todo', 'backend-abc12-x2'),
  makePod('todo', 'frontend-def34-y1'),
];

async function frameContaining(r: Rendered, text: string): Promise<string> {
  await vi.waitFor(() => expect(plain(r.lastFrame())).toContain(text), { timeout: 2000 });
  return plain(r.lastFrame());
}

describe('the pods pane shows what kubectl would, at 80×24', () => {
  it('lists every pod with its status, restarts and a header, in 24 lines of at most 80 columns', async () => {
    rendered = renderCockpit(storeWith(todoPods()), { width: 80, height: 24 });
    const frame = await frameContaining(rendered, 'frontend-def34-y1');
    expect(frame).toContain('CrashLoopBackOff');
    expect(frame).toMatch(/NAME\s+READY\s+STATUS\s+RESTARTS/);
    expect(frame).toContain('ns all');
    const lines = frame.split('\n');
    expect(lines.length).toBeLessThanOrEqual(24);
    for (const line of lines) expect([...line].length).toBeLessThanOrEqual(80);
  });

  it('says "terminal too small" below the minimum size', async () => {
    rendered = renderCockpit(storeWith(todoPods()), { width: 50, height: 10 });
    await frameContaining(rendered, 'terminal too small (need 60×16');
  });

  it('shows the forbidden message of a pane the user may not list', async () => {
    const store = storeWith([]);
    store.getState().setForbidden('pods', 'forbidden: list pods in namespace todo');
    rendered = renderCockpit(store, { width: 100, height: 30 });
    await frameContaining(rendered, 'forbidden: list pods in namespace todo');
  });

  it('keeps the last known pods under a banner while reconnecting', async () => {
    const store = storeWith(todoPods());
    store.getState().setConnection({ status: 'reconnecting', message: 'connection lost' });
    rendered = renderCockpit(store, { width: 100, height: 30 });
    const frame = await frameContaining(rendered, 'reconnecting');
    expect(frame).toContain('frontend-def34-y1');
  });

  it('says how to get metrics when the metrics API is missing', async () => {
    const store = storeWith(todoPods());
    store.getState().setMetrics({
      available: false,
      message: 'metrics API not available — on minikube: minikube addons enable metrics-server',
    });
    rendered = renderCockpit(store, { width: 100, height: 30 });
    await frameContaining(rendered, 'minikube addons enable metrics-server');
  });

  it('renders only the rows that fit, with 10,000 pods', async () => {
    const pods = Array.from({ length: 10_000 }, (_, i) =>
      makePod(`ns-${i % 10}`, `pod-${String(i).padStart(5, '0')}`),
    );
    rendered = renderCockpit(storeWith(pods), { width: 120, height: 40 });
    const frame = await frameContaining(rendered, 'pods (10000)');
    expect(frame.split('\n').length).toBeLessThanOrEqual(40);
    expect(frame).toContain('pod-00000');
    expect(frame).not.toContain('pod-09999');
  });
});

describe('the key map', () => {
  it('j moves the selection down and the metrics pane follows it; G goes to the bottom', async () => {
    const store = storeWith(todoPods());
    rendered = renderCockpit(store, { width: 100, height: 30 });
    await frameContaining(rendered, 'frontend');
    rendered.stdin.write('j');
    await vi.waitFor(() => expect(store.getState().ui.selectedPodKey).toBe('todo/backend-abc12-x2'));
    rendered.stdin.write('G');
    await vi.waitFor(() => expect(store.getState().ui.selectedPodKey).toBe('todo/frontend-def34-y1'));
  });

  it('/ filters by substring as the user types, esc clears it', async () => {
    rendered = renderCockpit(storeWith(todoPods()), { width: 100, height: 30 });
    await frameContaining(rendered, 'frontend');
    rendered.stdin.write('/');
    rendered.stdin.write('front');
    const frame = await frameContaining(rendered, '(1 of 3)');
    expect(frame).not.toContain('backend-abc12-x2');
    rendered.stdin.write('\x1b');
    await frameContaining(rendered, 'pods (3)');
  });

  it('s cycles the sort key, and :sort restarts picks one', async () => {
    const store = storeWith(todoPods());
    rendered = renderCockpit(store, { width: 100, height: 30 });
    await frameContaining(rendered, 'sort:name');
    rendered.stdin.write('s');
    await frameContaining(rendered, 'sort:status');
    rendered.stdin.write(':sort restarts\r');
    await frameContaining(rendered, 'sort:restarts');
  });

  it(':ns NAME asks the data layer for that namespace; an unknown command is one line', async () => {
    const onNamespaceChange = vi.fn();
    rendered = renderCockpit(storeWith(todoPods()), { width: 100, height: 30 }, { onNamespaceChange });
    await frameContaining(rendered, 'frontend');
    rendered.stdin.write(':ns todo\r');
    await vi.waitFor(() => expect(onNamespaceChange).toHaveBeenCalledWith('todo'));
    rendered.stdin.write(':frobnicate\r');
    await frameContaining(rendered, 'unknown command ":frobnicate"');
  });

  it('? lists every binding of the key map, esc closes it', async () => {
    const { KEYMAP } = await import('../../src/ui/keymap.js');
    rendered = renderCockpit(storeWith(todoPods()), { width: 100, height: 30 });
    await frameContaining(rendered, 'frontend');
    rendered.stdin.write('?');
    const frame = await frameContaining(rendered, 'keys (esc or ? closes)');
    for (const binding of KEYMAP) expect(frame).toContain(binding.help);
    rendered.stdin.write('\x1b');
    await frameContaining(rendered, 'frontend');
  });

  it('q quits', async () => {
    const onQuit = vi.fn();
    rendered = renderCockpit(storeWith(todoPods()), { width: 100, height: 30 }, { onQuit });
    await frameContaining(rendered, 'frontend');
    rendered.stdin.write('q');
    await vi.waitFor(() => expect(onQuit).toHaveBeenCalled());
  });

  it('a and r say there is no recommendation to act on yet', async () => {
    rendered = renderCockpit(storeWith(todoPods()), { width: 100, height: 30 });
    await frameContaining(rendered, 'frontend');
    rendered.stdin.write('a');
    await frameContaining(rendered, 'no recommendation selected');
  });
});
