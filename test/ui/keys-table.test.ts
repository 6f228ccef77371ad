// The key table is the whole truth about keys: in every context, the keys that change anything
// (UI state, the chat, an action, quitting) are exactly the ones the table binds there; a
// read-only cockpit binds no dangerous key; and a burst of letters outside a text field is not
// replayed as commands.
import { describe, expect, it } from 'vitest';
import type { CockpitStore } from '../../src/state/store.js';
import { handleKey, type InputContext } from '../../src/ui/input.js';
import { activeContexts, bindingFor, CHAR, KEYMAP, type KeyContext } from '../../src/ui/keymap.js';
import { makePod, storeWith } from './harness.js';
import {
  makeDeployment,
  makeFinding,
  makeRecommendation,
  makeReplicaSet,
  ownedPod,
  put,
  recordingActions,
  type Calls,
} from './objects.js';

const SPECIALS = [
  'enter',
  'esc',
  'tab',
  'shift-tab',
  'up',
  'down',
  'pgup',
  'pgdn',
  'home',
  'end',
  'backspace',
];
const CTRL = Array.from({ length: 26 }, (_, i) => `ctrl-${String.fromCharCode(97 + i)}`);
const PRINTABLE = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i));
const ALL_KEYS = [...PRINTABLE, ...SPECIALS, ...CTRL];

/** A cockpit with something in every list, the selection mid-list, so movement keys act. */
function cockpit(): CockpitStore {
  const dep = makeDeployment('todo', 'frontend');
  const rs = makeReplicaSet(dep, 'abc12');
  const store = storeWith(
    [makePod('todo', 'a-0'), ownedPod(rs, 'x1', 'frontend'), makePod('todo', 'z-9'), makePod('todo', 'm-5')],
    'todo',
  );
  put(store, 'deployments', [dep, makeDeployment('todo', 'backend'), makeDeployment('todo', 'worker')]);
  put(store, 'replicasets', [rs]);
  store.setState({
    findings: [makeFinding('f1', 'one'), makeFinding('f2', 'two'), makeFinding('f3', 'three')],
    recommendations: [makeRecommendation('r1'), makeRecommendation('r2'), makeRecommendation('r3')],
    logView: {
      ref: { kind: 'pods', namespace: 'todo', name: 'a-0' },
      container: 'app',
      containers: ['app', 'sidecar'],
      previous: false,
      lines: Array.from({ length: 200 }, (_, i) => `line ${i} ${i % 7 === 0 ? 'error' : 'ok'}`),
      dropped: 0,
      status: 'streaming',
    },
  });
  store.getState().setUi({
    selectedPodKey: 'todo/m-5',
    selectedFindingId: 'f2',
    selectedRecommendationId: 'r2',
    logUi: { top: 50, wrap: false, search: 'error' },
  });
  store.getState().setChat({
    input: 'hello',
    asked: ['one', 'two'],
    messages: Array.from({ length: 30 }, (_, i) => ({ role: 'assistant' as const, text: `answer ${i}` })),
    scroll: 5,
  });
  return store;
}

const longDiff = Array.from({ length: 60 }, (_, i) => `+ line ${i}`);

/** Each context's state, reached as a user would have it. */
const SETUPS: Record<Exclude<KeyContext, 'always' | 'global'> | 'metrics', (s: CockpitStore) => void> = {
  list: (s) => s.getState().setUi({ filter: '-' }),
  metrics: (s) => s.getState().setUi({ focus: 'metrics' }),
  findings: (s) => s.getState().setUi({ focus: 'findings' }),
  approvals: (s) => s.getState().setUi({ focus: 'approvals' }),
  chat: (s) => s.getState().setUi({ focus: 'chat' }),
  overlay: (s) => s.getState().setUi({ overlay: 'help', overlayScroll: 10 }),
  logs: (s) => s.getState().setUi({ overlay: 'logs', logUi: { top: 50, wrap: false, search: 'error' } }),
  confirm: (s) =>
    s
      .getState()
      .setUi({ overlay: 'confirm', confirm: { id: 'r2', title: 'x', lines: longDiff }, overlayScroll: 10 }),
  question: (s) =>
    s.getState().setUi({
      question: {
        text: 'delete?',
        action: { kind: 'delete', ref: { kind: 'pods', namespace: 'todo', name: 'a-0' } },
      },
    }),
  pick: (s) =>
    s
      .getState()
      .setUi({ pick: { purpose: 'namespace', title: 'ns', items: ['a', 'b', 'c'], filter: 'x', index: 1 } }),
  command: (s) => s.getState().setUi({ commandLine: 'dep' }),
  text: (s) => s.getState().setUi({ filterEditing: true, filter: 'a' }),
};

/** What a key did: the state it left and what it asked for, in a fresh cockpit. */
function press(setup: (s: CockpitStore) => void, key: string, readOnly = false) {
  const store = cockpit();
  setup(store);
  const { actions, calls } = recordingActions();
  const asked: Calls = [];
  const ctx: InputContext = {
    store,
    pageSize: 5,
    quit: () => asked.push(['quit', []]),
    onNamespaceChange: (ns) => asked.push(['onNamespaceChange', [ns]]),
    actions,
    readOnly,
    room: { overlayRows: 10, overlayWidth: 80, chatRows: 8, chatWidth: 60 },
  };
  const contexts = activeContexts(store.getState().ui);
  const snapshot = () => JSON.stringify({ ui: store.getState().ui, chat: store.getState().chat });
  const before = snapshot();
  const isChar = [...key].length === 1;
  handleKey(ctx, isChar ? key : '', isChar ? undefined : key);
  const changed = snapshot() !== before || calls.length > 0 || asked.length > 0;
  return { changed, contexts, calls: [...calls, ...asked] };
}

/** Keys the table binds for some contexts (printable characters where a context takes text). */
function boundKeys(contexts: readonly KeyContext[], readOnly: boolean): Set<string> {
  return new Set(ALL_KEYS.filter((k) => bindingFor(k, contexts, readOnly) !== undefined));
}

describe('the key table', () => {
  it.each(Object.keys(SETUPS))('in %s, the keys that act are exactly the ones the table binds', (name) => {
    const setup = SETUPS[name as keyof typeof SETUPS];
    const acting = ALL_KEYS.filter((k) => press(setup, k).changed);
    const { contexts } = press(setup, 'ctrl-z');
    const bound = boundKeys(contexts, false);
    // Nothing acts that the table does not bind …
    expect(acting.filter((k) => !bound.has(k))).toEqual([]);
    // … and every binding acts (some keys of the table are alternatives: all of them act too).
    expect([...bound].filter((k) => !acting.includes(k))).toEqual([]);
  });

  it('every binding has help, and no key is bound twice in one context', () => {
    for (const b of KEYMAP) expect(b.help.length, `${b.context} ${b.command}`).toBeGreaterThan(2);
    const seen = new Set<string>();
    for (const b of KEYMAP)
      for (const k of b.keys) {
        const id = `${b.context} ${k}`;
        expect(seen.has(id), id).toBe(false);
        seen.add(id);
      }
    expect(KEYMAP.filter((b) => b.keys.includes(CHAR)).map((b) => b.context)).toEqual([
      'chat',
      'pick',
      'command',
      'text',
    ]);
  });

  it.each(Object.keys(SETUPS))('read-only, in %s: no dangerous key does anything', (name) => {
    const setup = SETUPS[name as keyof typeof SETUPS];
    const dangerous = KEYMAP.filter((b) => b.dangerous);
    const { contexts } = press(setup, 'ctrl-z', true);
    for (const b of dangerous.filter((d) => contexts.includes(d.context)))
      for (const key of b.keys) {
        const { changed, calls } = press(setup, key, true);
        expect({ key, changed, calls }, `${b.context} ${b.command}`).toEqual({
          key,
          changed: false,
          calls: [],
        });
      }
  });

  it('read-only still reads: d, y and l on a pod ask for describe, YAML and the log', () => {
    for (const [key, action] of [
      ['d', 'inspect'],
      ['y', 'inspect'],
      ['l', 'openLogs'],
    ] as const)
      expect(press(() => {}, key, true).calls.map(([n]) => n)).toEqual([action]);
  });
});

describe('a burst of keys outside a text field', () => {
  it('"ctrl-d" typed (or pasted) into the pods view describes, deletes and yamls nothing', () => {
    const store = cockpit();
    const { actions, calls } = recordingActions();
    const ctx: InputContext = {
      store,
      pageSize: 5,
      quit: () => calls.push(['quit', []]),
      onNamespaceChange() {},
      actions,
    };
    const before = store.getState().ui;
    handleKey(ctx, 'ctrl-d', undefined);
    handleKey(ctx, 'dyleRsq', undefined);
    expect(calls).toEqual([]);
    expect(store.getState().ui).toEqual({
      ...before,
      notice: expect.stringMatching(/^ignored 7 keys typed at once/),
    });
  });

  it('"yyyy" on an approval diff approves nothing, even once it was all seen', () => {
    const store = cockpit();
    store
      .getState()
      .setUi({ focus: 'approvals', overlay: 'confirm', confirm: { id: 'r2', title: 'x', lines: ['+ a'] } });
    const { actions, calls } = recordingActions();
    const ctx: InputContext = { store, pageSize: 5, quit() {}, onNamespaceChange() {}, actions };
    handleKey(ctx, 'yyyy', undefined);
    expect(calls).toEqual([]);
    handleKey(ctx, 'y', undefined);
    expect(calls).toEqual([['confirm', ['r2']]]);
  });

  it('movement repeats (key repeat arrives as a burst), and a first : takes the rest as its text', () => {
    const store = cockpit();
    const changes: (string | undefined)[] = [];
    const ctx: InputContext = { store, pageSize: 5, quit() {}, onNamespaceChange: (ns) => changes.push(ns) };
    store.getState().setUi({ selectedPodKey: 'todo/a-0' });
    handleKey(ctx, 'jj', undefined);
    expect(store.getState().ui.selectedPodKey).toBe('todo/m-5');
    handleKey(ctx, ':ns shop\r', undefined);
    expect(changes).toEqual(['shop']);
    // What follows the enter is outside the field again: not replayed.
    handleKey(ctx, ':sort restarts\ro', undefined);
    expect(store.getState().ui.sortBy).toBe('restarts');
    expect(store.getState().ui.notice).toMatch(/^ignored 1 key typed at once/);
  });
});
