// The key map drives the cockpit: movement, filter, sort, the `:` command line, help, focus and
// quit, including keys typed faster than a frame (they arrive as one input).
import { afterEach, describe, expect, it, vi } from 'vitest';
import { computeFigures } from '../../src/audit/metrics.js';
import { KEYMAP, keysLabel } from '../../src/ui/keymap.js';
import {
  frameContaining,
  lineWith,
  makePod,
  plain,
  renderCockpit,
  storeWith,
  type Rendered,
} from './harness.js';

const plainFrame = (r: Rendered) => plain(r.lastFrame());

let rendered: Rendered | undefined;
afterEach(() => rendered?.unmount());

const KEYS = { esc: '\x1b', enter: '\r', tab: '\t', shiftTab: '\x1b[Z', pageDown: '\x1b[6~', ctrlC: '\x03' };

/** Pods a-00 … a-29 (ten of them crash-looping with restarts) in namespace `shop`. */
function manyPods() {
  return Array.from({ length: 30 }, (_, i) =>
    makePod(
      'shop',
      `a-${String(i).padStart(2, '0')}`,
      i % 3 === 0 ? { status: 'CrashLoopBackOff', restarts: i } : {},
    ),
  );
}

async function start(props: Parameters<typeof renderCockpit>[2] = {}) {
  const store = storeWith(manyPods(), 'shop');
  rendered = renderCockpit(store, { width: 80, height: 24 }, props);
  await frameContaining(rendered, 'a-00');
  await vi.waitFor(() => expect(store.getState().ui.selectedPodKey).toBe('shop/a-00'));
  const selected = () => store.getState().ui.selectedPodKey;
  const press = async (keys: string, expected: string | undefined) => {
    rendered!.stdin.write(keys);
    await vi.waitFor(() => expect(selected()).toBe(expected));
  };
  return { store, r: rendered, selected, press };
}

describe('the key map', () => {
  it('j/k and the arrows move; a burst like "jjj" moves three rows; g/G go to the ends; pgdn pages', async () => {
    const { r, press } = await start();
    await press('j', 'shop/a-01');
    await press('jjj', 'shop/a-04');
    await press('k', 'shop/a-03');
    await press('\x1b[B', 'shop/a-04');
    await press('\x1b[A', 'shop/a-03');
    await press('G', 'shop/a-29');
    expect(lineWith(await frameContaining(r, '›a-29'), '›')).toContain('a-29');
    await press('g', 'shop/a-00');
    // 80×24: a 12-row pods pane pages by 7 rows.
    await press(KEYS.pageDown, 'shop/a-07');
  });

  it('/ filters as the user types, enter keeps the filter, esc clears it', async () => {
    const { r, selected } = await start();
    r.stdin.write('/');
    await frameContaining(r, '/█');
    r.stdin.write('a-1');
    let frame = await frameContaining(r, 'pods /a-1 (10 of 30)');
    expect(frame).not.toContain('a-20');
    expect(frame).toContain('/a-1█');
    r.stdin.write(KEYS.enter);
    frame = await frameContaining(r, 'j/k move');
    expect(frame).toContain('pods /a-1 (10 of 30)');
    // j moves within the filtered rows, not the typed text.
    r.stdin.write('j');
    await vi.waitFor(() => expect(selected()).toBe('shop/a-11'));
    r.stdin.write(KEYS.esc);
    await frameContaining(r, 'pods (30)');
  });

  it('backspace edits the filter; esc while typing drops it', async () => {
    const { r } = await start();
    r.stdin.write('/a-29');
    await frameContaining(r, '(1 of 30)');
    r.stdin.write('\x7f');
    await frameContaining(r, 'pods /a-2 (10 of 30)');
    r.stdin.write(KEYS.esc);
    await frameContaining(r, 'pods (30)');
  });

  it('o cycles the order through name, status, restarts, cpu, mem (s is scale now); :sort picks one', async () => {
    const { r } = await start();
    for (const key of ['status', 'restarts', 'cpu', 'mem', 'name']) {
      r.stdin.write('o');
      await frameContaining(r, `sort:${key}`);
    }
    r.stdin.write(':sort restarts\r');
    await frameContaining(r, 'sort:restarts');
    // The selection stays on its pod; at the top are the most restarts.
    r.stdin.write('g');
    const frame = await frameContaining(r, '›a-27');
    expect(frame.indexOf('a-27')).toBeLessThan(frame.indexOf('a-24'));
    r.stdin.write(':sort size\r');
    await frameContaining(r, 'unknown sort key "size"');
  });

  it(':ns NAME and :ns all reach the data layer; :all too; an unknown command is one line', async () => {
    const onNamespaceChange = vi.fn();
    const { r } = await start({ onNamespaceChange });
    r.stdin.write(':');
    await frameContaining(r, ':█');
    r.stdin.write('ns todo');
    await frameContaining(r, ':ns todo█');
    r.stdin.write(KEYS.enter);
    await vi.waitFor(() => expect(onNamespaceChange).toHaveBeenLastCalledWith('todo'));
    r.stdin.write(':ns all\r');
    await vi.waitFor(() => expect(onNamespaceChange).toHaveBeenLastCalledWith(undefined));
    onNamespaceChange.mockClear();
    r.stdin.write(':all\r');
    await vi.waitFor(() => expect(onNamespaceChange).toHaveBeenCalledWith(undefined));
    r.stdin.write(':frobnicate\r');
    const frame = await frameContaining(r, 'unknown command ":frobnicate"');
    expect(frame.split('\n').at(-1)).toMatch(/^unknown command ":frobnicate"/);
    // The notice goes with the next key.
    r.stdin.write('j');
    await frameContaining(r, 'j/k move');
  });

  it('? lists every binding of the key table with its keys, scrolling with j/pgdn, and esc closes it', async () => {
    const store = storeWith(manyPods(), 'shop');
    const r = (rendered = renderCockpit(store, { width: 80, height: 30 }));
    await frameContaining(r, 'a-00');
    r.stdin.write('?');
    let frame = await frameContaining(r, 'keys (esc or ? closes)');
    expect(frame).toMatch(/lines 1–\d+ of \d+ ↓/);
    // Page through: everything the table binds is on some screen, each key beside its help.
    let seen = frame;
    const startOf = (f: string) => Number(/lines (\d+)–/.exec(f)![1]);
    for (let page = 0; page < 20 && /↓/.test(lineWith(frame, 'lines ')); page++) {
      const from = startOf(frame);
      r.stdin.write(KEYS.pageDown);
      await vi.waitFor(() => expect(startOf(plainFrame(r))).toBeGreaterThan(from));
      frame = plainFrame(r);
      seen += '\n' + frame;
    }
    for (const binding of KEYMAP) {
      const words = binding.help.split(' ').slice(0, 3).join(' ');
      expect(seen, binding.help).toContain(words);
      expect(seen).toContain(keysLabel(binding));
    }
    r.stdin.write(KEYS.esc);
    await frameContaining(r, 'a-00');
    r.stdin.write('?');
    await frameContaining(r, 'keys (esc or ? closes)');
    r.stdin.write('?');
    await frameContaining(r, 'a-00');
  });

  it('tab and shift-tab move the focus mark between panes', async () => {
    const { r, store } = await start();
    expect(await frameContaining(r, '▸ pods')).not.toContain('▸ metrics');
    r.stdin.write(KEYS.tab);
    await frameContaining(r, '▸ metrics');
    for (const pane of ['chat', 'findings', 'approvals', 'pods']) {
      r.stdin.write(KEYS.tab);
      await vi.waitFor(() => expect(store.getState().ui.focus).toBe(pane));
    }
    r.stdin.write(KEYS.shiftTab);
    await frameContaining(r, '▸ approvals');
  });

  it('a, x and r are not bound in the pods view: they change nothing and call nothing', async () => {
    const approve = vi.fn();
    const rollback = vi.fn();
    const { r, store } = await start({ actions: { approve, rollback } });
    const before = store.getState().ui;
    for (const key of ['a', 'x', 'r']) {
      r.stdin.write(key);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(store.getState().ui).toEqual(before);
    expect(approve).not.toHaveBeenCalled();
    expect(rollback).not.toHaveBeenCalled();
    expect(await frameContaining(r, 'j/k move')).not.toContain('a approve');
  });

  it.each([
    ['q', 'q'],
    ['ctrl-c', KEYS.ctrlC],
    [':q', ':q\r'],
  ])('%s quits', async (_, keys) => {
    const onQuit = vi.fn();
    const { r } = await start({ onQuit });
    r.stdin.write(keys);
    await vi.waitFor(() => expect(onQuit).toHaveBeenCalledOnce());
  });
});

describe('the status bar', () => {
  it('names the context, the namespace, the connection state, the last event age and the chat slot', async () => {
    const store = storeWith(manyPods(), 'shop');
    store.getState().setConnection({ lastEventAt: Date.now() - 5_000 });
    store.getState().setChat({ backend: 'offline' });
    rendered = renderCockpit(store, { width: 100, height: 24 });
    const frame = await frameContaining(rendered, 'a-00');
    expect(frame.split('\n')[0]).toMatch(
      /^aiops-tui · ctx test-ctx · ns shop · connected · last event [56]s ago · chat: offline$/,
    );
  });

  it('says "all namespaces" and keeps the connection state in sight at 80 columns', async () => {
    const store = storeWith(manyPods());
    store.getState().setConnection({ status: 'reconnecting' });
    rendered = renderCockpit(store, { width: 80, height: 24 });
    const frame = await frameContaining(rendered, 'a-00');
    expect(frame.split('\n')[0]).toMatch(
      /^ctx test-ctx · all namespaces · reconnecting · last event \ds ago/,
    );
  });
});

describe('the help overlay on a short terminal', () => {
  it('at 60×16 scrolls instead of drawing lines over each other, and says where it is', async () => {
    rendered = renderCockpit(storeWith([]), { width: 60, height: 16 });
    rendered.stdin.write('?');
    const frame = await frameContaining(rendered, 'keys (esc or ? closes)');
    expect(frame.split('\n')).toHaveLength(16);
    expect(frame).toMatch(/lines 1–10 of \d+ ↓/);
    expect(frame).toContain('ctrl-c');
    rendered.stdin.write('G');
    const end = await frameContaining(rendered, /lines \d+–(\d+) of \1 ·/);
    expect(end).toContain('accept');
    for (const line of end.split('\n')) expect([...line].length).toBeLessThanOrEqual(60);
  });
});

describe('the audit figures overlay', () => {
  it('m shows the figures computed from the PHRs, esc closes it', async () => {
    const store = storeWith([makePod('todo', 'frontend-1')]);
    store.setState({
      auditFigures: computeFigures([
        {
          ...{
            id: '00001-x',
            seq: 1,
            title: 'x',
            type: 'diagnosis',
            tier: 'low',
            status: 'validated',
            source: 't',
          },
          ...{
            target: null,
            runbook: null,
            approvers: ['a'],
            metrics: {},
            events: 3,
            created: '2026-11-20T10:00:00.000Z',
          },
          ...{ recorded_by: 'a', head: 'h' },
          timestamps: {
            failure_started: '2026-11-20T10:00:00.000Z',
            detected: '2026-11-20T10:00:12.000Z',
            validated: '2026-11-20T10:02:00.000Z',
          },
        },
      ]),
    });
    rendered = renderCockpit(store, { width: 100, height: 30 });
    rendered.stdin.write('m');
    const frame = await frameContaining(rendered, 'audit figures from the PHRs');
    expect(frame).toMatch(/MTTD\s+p50 12 s, p95 12 s \(n=1\)/);
    expect(frame).toMatch(/MTTR\s+p50 120 s/);
    rendered.stdin.write('\x1b');
    await frameContaining(rendered, 'frontend-1');
  });

  it('at 70×16 scrolls to its last figure with G, each value wrapped under its column, none cut', async () => {
    const store = storeWith([makePod('todo', 'frontend-1')]);
    store.setState({ auditFigures: computeFigures([]) });
    store.setState({ auditFigures: { ...store.getState().auditFigures!, records: 1 } });
    rendered = renderCockpit(store, { width: 70, height: 16 });
    await frameContaining(rendered, 'frontend-1');
    rendered.stdin.write('m');
    const first = await frameContaining(rendered, /lines 1–\d+ of \d+ ↓/);
    const total = Number(/of (\d+) ↓/.exec(first)![1]);
    rendered.stdin.write('G');
    const last = await frameContaining(rendered, new RegExp(`lines \\d+–${total} of ${total} ·`));
    expect(last).not.toBe(first);
    expect(last).toContain('toil: findings resolved');
    for (const frame of [first, last]) expect(frame).not.toMatch(/\w… *║/);
  });
});

describe('the findings pane', () => {
  it('lists findings most severe first; tab to it, j moves, enter opens the detail', async () => {
    const { startFindingsService } = await import('../../src/analysis/findings-service.js');
    const crashing = makePod('todo', 'backend-abc12-x1', { status: 'CrashLoopBackOff', restarts: 4 });
    const store = storeWith([crashing, makePod('todo', 'frontend-def34-y1')]);
    const service = startFindingsService(store);
    store
      .getState()
      .applyChanges(
        [{ kind: 'pods', type: 'upsert', key: 'todo/backend-abc12-x1', object: crashing }],
        Date.now(),
      );
    try {
      rendered = renderCockpit(store, { width: 200, height: 60 });
      const frame = await frameContaining(rendered, 'app is crash-looping');
      expect(lineWith(frame, 'findings (')).toMatch(/findings \(\d+\) 1 critical/);
      rendered.stdin.write('\t\t\t');
      await frameContaining(rendered, '▸ findings');
      rendered.stdin.write('\r');
      const detail = await frameContaining(rendered, '(esc closes)');
      expect(detail).toMatch(/critical · pod\/todo\/backend-abc12-x1 · built-in/);
      expect(detail).toContain('runbook: runbooks/crashloopbackoff.md');
    } finally {
      service.stop();
    }
  });
});
