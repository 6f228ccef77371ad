// Overlays that scroll and keep to their content: the approval diff refuses y until all of it
// was on screen, r asks first, the logs view stays fast at 10,000 lines and follows the end,
// the chat never scrolls into blank screens; and the layout shows what is being decided.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { LOG_VIEW_MAX_LINES, type LogView } from '../../src/state/types.js';
import { frameContaining, makePod, plain, renderCockpit, storeWith, type Rendered } from './harness.js';
import { makeFinding, makeRecommendation, recordingActions } from './objects.js';

let rendered: Rendered | undefined;
afterEach(() => rendered?.unmount());

const KEYS = { esc: '\x1b', enter: '\r', tab: '\t', pgup: '\x1b[5~', pgdn: '\x1b[6~' };
const frame = () => plain(rendered!.lastFrame());

describe('the approval diff', () => {
  it('refuses y until its last line has been on screen, then approves what was seen', async () => {
    const store = storeWith([makePod('todo', 'frontend-1')], 'todo');
    store.setState({ recommendations: [makeRecommendation('r1', 'medium')] });
    const { actions, calls } = recordingActions({
      approve: (id) =>
        store.getState().setUi({
          overlay: 'confirm',
          confirm: { id, title: 'limits', lines: Array.from({ length: 40 }, (_, i) => `+   line ${i}`) },
        }),
    });
    rendered = renderCockpit(store, { width: 80, height: 24 }, { actions });
    await frameContaining(rendered, 'frontend-1');
    rendered.stdin.write(KEYS.tab + KEYS.tab + KEYS.tab + KEYS.tab);
    await frameContaining(rendered, '▸ approvals');
    rendered.stdin.write('a');
    await frameContaining(rendered, 'scroll to the end (j/pgdn/G) before y');
    rendered.stdin.write('y');
    await frameContaining(rendered, 'scroll to the end of the diff first (22 lines below)');
    expect(calls.map(([n]) => n)).toEqual(['approve']);
    rendered.stdin.write(KEYS.pgdn);
    await frameContaining(rendered, 'lines 18–35 of 40');
    rendered.stdin.write('y');
    await frameContaining(rendered, 'scroll to the end of the diff first');
    rendered.stdin.write('G');
    const end = await frameContaining(rendered, 'lines 23–40 of 40');
    expect(end).toContain('line 39');
    expect(end).toContain('y approve this change');
    // Scrolling back up does not unsee it.
    rendered.stdin.write('g');
    await frameContaining(rendered, 'lines 1–18 of 40');
    rendered.stdin.write('y');
    await vi.waitFor(() =>
      expect(calls).toEqual([
        ['approve', ['r1']],
        ['confirm', ['r1']],
      ]),
    );
  });

  it('r asks before rolling back; n leaves it, y rolls back', async () => {
    const store = storeWith([makePod('todo', 'frontend-1')], 'todo');
    store.setState({ recommendations: [makeRecommendation('r1')] });
    const { actions, calls } = recordingActions();
    rendered = renderCockpit(store, { width: 80, height: 24 }, { actions });
    await frameContaining(rendered, 'frontend-1');
    rendered.stdin.write(KEYS.tab + KEYS.tab + KEYS.tab + KEYS.tab);
    await frameContaining(rendered, '▸ approvals');
    rendered.stdin.write('r');
    await frameContaining(rendered, 'roll back r1 from its snapshot?  y yes  n no');
    rendered.stdin.write('n');
    await frameContaining(rendered, 'nothing proposed');
    rendered.stdin.write('r');
    await frameContaining(rendered, 'roll back r1');
    rendered.stdin.write('y');
    await vi.waitFor(() => expect(calls).toEqual([['rollback', ['r1']]]));
  });
});

function logView(lines: number, extra: Partial<LogView> = {}): LogView {
  return {
    ref: { kind: 'pods', namespace: 'todo', name: 'backend-1' },
    container: 'app',
    containers: ['app', 'migrate'],
    previous: false,
    lines: Array.from(
      { length: lines },
      (_, i) => `${String(i).padStart(5, '0')} ${i % 1000 === 500 ? 'ERROR db gone' : 'ok'}`,
    ),
    dropped: 0,
    status: 'streaming',
    ...extra,
  };
}

describe('the logs view', () => {
  it('opens on l, follows the end of 10,000 lines quickly, holds still when scrolled up, searches, and closes', async () => {
    const store = storeWith([makePod('todo', 'backend-1')], 'todo');
    const { actions, calls } = recordingActions({
      openLogs: () => store.getState().setLogView(logView(LOG_VIEW_MAX_LINES)),
    });
    rendered = renderCockpit(store, { width: 80, height: 24 }, { actions });
    await frameContaining(rendered, 'backend-1');
    const pressed = performance.now();
    rendered.stdin.write('l');
    let f = await frameContaining(rendered, '09999 ok');
    expect(performance.now() - pressed).toBeLessThan(1000);
    expect(f).toContain('logs todo/backend-1 · app · following');
    expect(f).toContain('at the end, following');
    expect(f.split('\n')).toHaveLength(24);
    // New lines arrive: still at the end (the oldest dropped, memory bounded).
    const started = performance.now();
    for (let i = 0; i < 50; i++) store.getState().appendLogLines([`new ${i}`]);
    f = await frameContaining(rendered, 'new 49');
    expect(performance.now() - started).toBeLessThan(1000);
    expect(store.getState().logView!.lines).toHaveLength(LOG_VIEW_MAX_LINES);
    expect(f).toContain('50 older dropped');
    // Scrolled up, arriving lines do not move the view.
    rendered.stdin.write('k');
    f = await frameContaining(rendered, 'G follows');
    const top = f.split('\n')[2];
    store.getState().appendLogLines(['newer']);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(frame().split('\n')[2]).toBe(top);
    // Search: / opens the field, enter jumps to the first match, n to the next.
    rendered.stdin.write('/');
    rendered.stdin.write('error');
    await frameContaining(rendered, 'search: error█');
    rendered.stdin.write(KEYS.enter);
    await frameContaining(rendered, /║ 00500 ERROR db gone/);
    rendered.stdin.write('n');
    await frameContaining(rendered, /║ 01500 ERROR db gone/);
    rendered.stdin.write('N');
    await frameContaining(rendered, /║ 00500 ERROR db gone/);
    rendered.stdin.write('G');
    await frameContaining(rendered, 'at the end');
    // p: the previous run; c: the container, from a pick list.
    rendered.stdin.write('p');
    await vi.waitFor(() =>
      expect(calls.at(-1)).toEqual([
        'openLogs',
        [
          { kind: 'pods', namespace: 'todo', name: 'backend-1' },
          { container: 'app', previous: true },
        ],
      ]),
    );
    rendered.stdin.write('c');
    await frameContaining(rendered, 'container of backend-1');
    rendered.stdin.write('mig');
    rendered.stdin.write(KEYS.enter);
    await vi.waitFor(() => expect(calls.at(-1)?.[1]?.[1]).toEqual({ container: 'migrate', previous: false }));
    rendered.stdin.write(KEYS.esc);
    await vi.waitFor(() => expect(calls.at(-1)?.[0]).toBe('closeLogs'));
    await frameContaining(rendered, 'pods (1)');
  });

  it('at 80×24 a long title is cut between words, not inside one', async () => {
    const store = storeWith([makePod('todo', 'backend-1')], 'todo');
    const message = 'the previous terminated container "app" in pod "backend-1" ran to its end';
    const { actions } = recordingActions({
      openLogs: () =>
        store.getState().setLogView({ ...logView(3), previous: true, status: 'ended', message }),
    });
    rendered = renderCockpit(store, { width: 80, height: 24 }, { actions });
    await frameContaining(rendered, 'backend-1');
    rendered.stdin.write('l');
    const title = (await frameContaining(rendered, 'previous run')).split('\n')[2]!;
    const text = title.replace(/^║ /, '').replace(/ *║$/, '');
    expect(text).toMatch(/…$/);
    // What is shown before the ellipsis is whole words of the full title.
    const full = `logs todo/backend-1 · app · previous run · ended: ${message}`;
    const head = text.slice(0, -1).trimEnd();
    expect(full.startsWith(head)).toBe(true);
    expect(full[head.length]).toMatch(/[\s"]/);
  });

  it('w wraps a long line onto rows instead of cutting it', async () => {
    const store = storeWith([makePod('todo', 'backend-1')], 'todo');
    const long = `start ${'x'.repeat(150)} finish`;
    const { actions } = recordingActions({
      openLogs: () => store.getState().setLogView({ ...logView(0), lines: ['a', long] }),
    });
    rendered = renderCockpit(store, { width: 80, height: 24 }, { actions });
    await frameContaining(rendered, 'backend-1');
    rendered.stdin.write('l');
    const f = await frameContaining(rendered, 'start xxx');
    expect(f).not.toContain('finish');
    rendered.stdin.write('w');
    await frameContaining(rendered, 'finish');
  });
});

describe('the chat scrolls within its transcript', () => {
  const messages = (n: number) =>
    Array.from({ length: n }, (_, i) => ({
      role: i % 2 ? ('assistant' as const) : ('user' as const),
      text: `message ${i}`,
    }));

  it('at 160×48 a short transcript does not move on pgup: no blank screen', async () => {
    const store = storeWith([makePod('todo', 'frontend-1')], 'todo');
    store.getState().setChat({ messages: messages(2) });
    rendered = renderCockpit(store, { width: 160, height: 48 });
    await frameContaining(rendered, 'frontend-1');
    rendered.stdin.write(KEYS.tab + KEYS.tab);
    await frameContaining(rendered, '▸ chat');
    rendered.stdin.write(KEYS.pgup);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(store.getState().chat.scroll).toBe(0);
    expect(frame()).toContain('message 1');
  });

  it('at 80×24 pgup stops at the first screenful (no ↑100), pgdn comes back', async () => {
    const store = storeWith([makePod('todo', 'frontend-1')], 'todo');
    store.getState().setChat({ messages: messages(20) });
    rendered = renderCockpit(store, { width: 80, height: 24 });
    await frameContaining(rendered, 'frontend-1');
    rendered.stdin.write(KEYS.tab + KEYS.tab);
    await frameContaining(rendered, '▸ chat');
    for (let i = 0; i < 8; i++) rendered.stdin.write(KEYS.pgup);
    const top = await frameContaining(rendered, '› message 0');
    const scrolled = Number(/↑(\d+)/.exec(top)![1]);
    // 20 messages with blank lines between: 39 lines; the pane shows the top screenful.
    expect(scrolled).toBeLessThan(39);
    expect(top).not.toContain('message 19');
    for (let i = 0; i < 8; i++) rendered.stdin.write(KEYS.pgdn);
    await frameContaining(rendered, 'message 19');
    await vi.waitFor(() => expect(store.getState().chat.scroll).toBe(0));
  });
});

describe('the layout shows what is being decided', () => {
  it("at 160×48 the side column names each recommendation's operation", async () => {
    const store = storeWith([makePod('todo', 'frontend-1')], 'todo');
    store.setState({ recommendations: [makeRecommendation('r1'), makeRecommendation('r2', 'medium')] });
    rendered = renderCockpit(store, { width: 160, height: 48 });
    const f = await frameContaining(rendered, 'approvals (2 waiting)');
    expect(f.match(/scale deployment todo\/frontend to 3 replicas/g)).toHaveLength(2);
    expect(f).toMatch(/medium awaiting-approval 0\/1 · 4m5\ds left/);
  });

  it('at 120×30 the findings pane shows the most severe finding', async () => {
    const store = storeWith([makePod('todo', 'frontend-1')], 'todo');
    store.setState({
      findings: [makeFinding('f1', 'app is crash-looping'), makeFinding('f2', 'probe fails', 'warning')],
    });
    rendered = renderCockpit(store, { width: 120, height: 30 });
    const f = await frameContaining(rendered, 'findings (2)');
    expect(f).toMatch(/✖ app is crash-looping/);
  });

  it.each([
    [80, 24],
    [120, 30],
    [160, 48],
  ])('at %i×%i no status, restart count or title is cut mid-word', async (width, height) => {
    const creating = makePod('todo', 'frontend-1', { status: 'ContainerCreating' as never });
    const crashing = makePod('todo', 'backend-1', { status: 'CrashLoopBackOff', restarts: 5 });
    crashing.status!.containerStatuses![0]!.lastState = {
      terminated: { finishedAt: new Date(Date.now() - 135_000), exitCode: 1 } as never,
    };
    const store = storeWith([creating, crashing], 'todo');
    store.setState({
      findings: [
        makeFinding('f1', 'invalid configuration: missing key DATABASE_URL in configmap backend-env'),
      ],
      recommendations: [makeRecommendation('r1')],
    });
    rendered = renderCockpit(store, { width, height });
    const f = await frameContaining(rendered, 'backend-1');
    expect(f).toContain('ContainerCreating');
    expect(f).toMatch(/5 \(2m1\ds ago\)|CrashLoopBackOff {1,2}5 /);
    expect(f).not.toMatch(/ContainerCreati…|\(2m1\ds ag…|‹inv…/);
    // Whatever is cut ends at a boundary: the character before … is never inside a word's middle.
    for (const cut of f.match(/\S*…/g) ?? [])
      expect(cut, cut).toMatch(/(^|[\s,/.:;·(\-_=])[^\s…]*…$|^[^\w]*…$|[\w)]…$/);
    rendered.unmount();
    rendered = undefined;
  });
});
