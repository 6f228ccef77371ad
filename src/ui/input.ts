// What a key does to the cockpit's UI state. Pure over the store: the App component only routes
// key events here, so the key map is tested without rendering.
import type { CockpitStore } from '../state/store.js';
import { podRows } from '../state/selectors.js';
import type { ObjectRef, PaneId, SortKey } from '../state/types.js';
import type { RejectionReason } from '../workflow/rejection.js';
import { commandFor, type Command } from './keymap.js';

export const PANES: readonly PaneId[] = ['pods', 'metrics', 'chat', 'findings', 'approvals'];
const SORT_KEYS: readonly SortKey[] = ['name', 'status', 'restarts', 'cpu', 'mem'];

/** What keys ask the services to do; the services answer through the store. */
export interface UiActions {
  ask(question: string): void;
  cancelAsk(): void;
  /** `a` on a recommendation: approve it, or (medium, critical) show the change to confirm. */
  approve(id: string): void;
  /** `y` on the confirmation. */
  confirm(id: string): void;
  /** `x`, once a reason is picked from the list (and free text typed, possibly empty). */
  reject(id: string, reason: RejectionReason, text: string): void;
  rollback(id: string): void;
  /** Loads the record into the detail overlay. */
  open(id: string): void;
  /** `a` on a finding: its recommendation goes to the queue. */
  proposeFinding(findingId: string): void;
  /** `p` / `c`: halt or continue the rollout of the recommendation's workload. */
  setRolloutPaused(id: string, paused: boolean): void;
  /** `d` / `y` on a row: reads the object and fills the store's `inspection`. */
  inspect(ref: ObjectRef, mode: 'describe' | 'yaml'): void;
  /** `l` on a pod: follows a container's log into the store's `logView` (replacing any open one). */
  openLogs(ref: ObjectRef, options: { container?: string; previous: boolean }): void;
  /** Closes the log view and stops its stream. */
  closeLogs(): void;
  /** The mutating keys: each proposes a recommendation to the queue (nothing runs here). */
  proposeDelete(ref: ObjectRef): void;
  /** `ctrl-k` on a pod: delete it now (grace period 0), as k9s's kill. */
  proposeKill(ref: ObjectRef): void;
  proposeScale(ref: ObjectRef, replicas: number): void;
  proposeRestart(ref: ObjectRef): void;
  /** `e`: opens $EDITOR on the object's YAML and proposes the edited result as an apply. */
  edit(ref: ObjectRef): void;
  /** `:ctx NAME`: reconnects the cockpit to another kubeconfig context. */
  switchContext(name: string): void;
  /** The pick lists of `:ns` and `:ctx`: names read from the cluster / the kubeconfig. */
  listNamespaces(): Promise<string[]>;
  listContexts(): string[];
}

export interface InputContext {
  store: CockpitStore;
  /** Rows a page-up/down moves. */
  pageSize: number;
  quit(): void;
  onNamespaceChange(namespace: string | undefined): void;
  actions?: UiActions;
}

/** Moves the selection of the focused list: findings when that pane has focus, else pods. */
function moveSelection(ctx: InputContext, to: (index: number, count: number) => number): void {
  const state = ctx.store.getState();
  if (state.ui.focus === 'approvals') {
    const ids = state.recommendations.map((r) => r.id);
    if (ids.length === 0) return;
    const current = Math.max(0, ids.indexOf(state.ui.selectedRecommendationId ?? ''));
    state.setUi({
      selectedRecommendationId: ids[Math.max(0, Math.min(ids.length - 1, to(current, ids.length)))],
    });
    return;
  }
  if (state.ui.focus === 'findings') {
    const ids = state.findings.map((f) => f.id);
    if (ids.length === 0) return;
    const current = Math.max(0, ids.indexOf(state.ui.selectedFindingId ?? ''));
    state.setUi({ selectedFindingId: ids[Math.max(0, Math.min(ids.length - 1, to(current, ids.length)))] });
    return;
  }
  const rows = podRows(state, Date.now(), state.ui.filter, state.ui.sortBy);
  if (rows.length === 0) return;
  const current = Math.max(
    0,
    rows.findIndex((r) => r.key === state.ui.selectedPodKey),
  );
  const next = Math.max(0, Math.min(rows.length - 1, to(current, rows.length)));
  state.setUi({ selectedPodKey: rows[next]!.key });
}

function runColonCommand(ctx: InputContext, line: string): void {
  const [name, ...args] = line.trim().split(/\s+/);
  const setUi = ctx.store.getState().setUi;
  switch (name) {
    case 'q':
    case 'quit':
      ctx.quit();
      return;
    case 'ns':
    case 'namespace': {
      const target = args[0];
      if (!target) return setUi({ notice: 'usage: :ns NAME or :ns all' });
      ctx.onNamespaceChange(target === 'all' || target === '-A' ? undefined : target);
      return setUi({ notice: `namespace: ${target}`, selectedPodKey: undefined });
    }
    case 'all':
      ctx.onNamespaceChange(undefined);
      return setUi({ notice: 'namespace: all', selectedPodKey: undefined });
    case 'sort': {
      const key = args[0] as SortKey;
      if (!SORT_KEYS.includes(key))
        return setUi({ notice: `unknown sort key "${args[0] ?? ''}" (name, status, restarts, cpu, mem)` });
      return setUi({ sortBy: key });
    }
    case '':
    case undefined:
      return;
    default:
      setUi({ notice: `unknown command ":${name}" (try :ns NAME, :ns all, :sort KEY, :q)` });
  }
}

function runCommand(ctx: InputContext, command: Command): void {
  const state = ctx.store.getState();
  const ui = state.ui;
  const focus = (delta: number): void => {
    const i = PANES.indexOf(ui.focus);
    state.setUi({ focus: PANES[(i + delta + PANES.length) % PANES.length]! });
  };
  switch (command) {
    case 'quit':
      return ctx.quit();
    case 'help':
      return state.setUi({ overlay: ui.overlay === 'help' ? 'none' : 'help' });
    case 'open': {
      if (ui.focus === 'findings' && ui.selectedFindingId) return state.setUi({ overlay: 'detail' });
      const rec = selectedRecommendation(ctx);
      if (ui.focus === 'approvals' && rec) ctx.actions?.open(rec);
      return;
    }
    case 'figures':
      return state.setUi({ overlay: ui.overlay === 'report' ? 'none' : 'report' });
    case 'back':
      if (ui.overlay !== 'none') return state.setUi({ overlay: 'none' });
      return state.setUi({ filter: '' });
    case 'focus-next':
      return focus(1);
    case 'focus-prev':
      return focus(-1);
    case 'down':
      return moveSelection(ctx, (i) => i + 1);
    case 'up':
      return moveSelection(ctx, (i) => i - 1);
    case 'top':
      return moveSelection(ctx, () => 0);
    case 'bottom':
      return moveSelection(ctx, (_, n) => n - 1);
    case 'page-down':
      return moveSelection(ctx, (i) => i + ctx.pageSize);
    case 'page-up':
      return moveSelection(ctx, (i) => i - ctx.pageSize);
    case 'filter':
      return state.setUi({ filterEditing: true });
    case 'command':
      return state.setUi({ commandLine: '' });
    case 'sort':
      return state.setUi({ sortBy: SORT_KEYS[(SORT_KEYS.indexOf(ui.sortBy) + 1) % SORT_KEYS.length]! });
    case 'approve':
      if (ui.focus === 'findings') {
        const finding = state.findings.find((f) => f.id === ui.selectedFindingId);
        if (!finding?.recommendation) return state.setUi({ notice: 'this finding proposes no change' });
        return ctx.actions?.proposeFinding(finding.id);
      }
      return onRecommendation(ctx, (id) => ctx.actions?.approve(id));
    case 'reject':
      return onRecommendation(ctx, (id) => state.setUi({ rejectReason: { id, text: '' } }));
    case 'rollback':
      return onRecommendation(ctx, (id) => ctx.actions?.rollback(id));
    case 'pause':
      return onRecommendation(ctx, (id) => {
        const target = state.recommendations.find((r) => r.id === id)?.operation.target;
        const deployment = target && state.deployments.get(`${target.namespace}/${target.name}`);
        ctx.actions?.setRolloutPaused(id, !deployment?.spec?.paused);
      });
  }
}

/** The approvals pane's selection: the chosen row, else the newest. */
function selectedRecommendation(ctx: InputContext): string | undefined {
  const { recommendations, ui } = ctx.store.getState();
  return recommendations.find((r) => r.id === ui.selectedRecommendationId)?.id ?? recommendations[0]?.id;
}

function onRecommendation(ctx: InputContext, act: (id: string) => void): void {
  const state = ctx.store.getState();
  if (state.ui.focus !== 'approvals')
    return state.setUi({ notice: 'select a recommendation in the approvals pane (tab)' });
  const id = selectedRecommendation(ctx);
  if (!id) return state.setUi({ notice: 'no recommendation selected' });
  act(id);
}

/** While the chat has focus, typing goes to its input line. */
function chatKey(ctx: InputContext, ch: string, special: string | undefined): boolean {
  const state = ctx.store.getState();
  const chat = state.chat;
  switch (special) {
    case undefined:
      state.setChat({ input: chat.input + ch, historyIndex: undefined });
      return true;
    case 'backspace':
      state.setChat({ input: chat.input.slice(0, -1) });
      return true;
    case 'enter': {
      const question = chat.input.trim();
      if (!question) return true;
      state.setChat({ input: '', historyIndex: undefined, asked: [...chat.asked, question], scroll: 0 });
      ctx.actions?.ask(question);
      return true;
    }
    case 'esc':
      if (chat.running) ctx.actions?.cancelAsk();
      else state.setChat({ input: '', historyIndex: undefined });
      return true;
    case 'up':
    case 'down': {
      if (chat.asked.length === 0) return true;
      const last = chat.asked.length;
      const from = chat.historyIndex ?? last;
      const index = Math.max(0, Math.min(last, from + (special === 'up' ? -1 : 1)));
      state.setChat({ historyIndex: index === last ? undefined : index, input: chat.asked[index] ?? '' });
      return true;
    }
    case 'pgup':
    case 'pgdn':
      state.setChat({
        scroll: Math.max(0, chat.scroll + (special === 'pgup' ? ctx.pageSize : -ctx.pageSize)),
      });
      return true;
    default:
      return false;
  }
}

/** Control characters inside a typed burst, as the key they stand for. */
const CONTROL: Record<string, string> = {
  '\r': 'enter',
  '\n': 'enter',
  '\x7f': 'backspace',
  '\b': 'backspace',
  '\x1b': 'esc',
  '\t': 'tab',
};

/** Handles one key event: `special` names a non-character key, `text` holds typed characters. */
export function handleKey(ctx: InputContext, text: string, special: string | undefined): void {
  if (special) return handleOne(ctx, '', special);
  // Keys typed quickly arrive together ("jjj", "ns todo\r"): each character is a key press.
  for (const ch of text) handleOne(ctx, CONTROL[ch] ? '' : ch, CONTROL[ch]);
}

function handleOne(ctx: InputContext, ch: string, special: string | undefined): void {
  const state = ctx.store.getState();
  const ui = state.ui;
  if (ui.notice) state.setUi({ notice: undefined });
  if (special === 'ctrl-c') return ctx.quit();
  if (ui.commandLine !== undefined) {
    if (special === 'esc') return state.setUi({ commandLine: undefined });
    if (special === 'enter') {
      state.setUi({ commandLine: undefined });
      return runColonCommand(ctx, ui.commandLine);
    }
    if (special === 'backspace') return state.setUi({ commandLine: ui.commandLine.slice(0, -1) });
    if (!special) state.setUi({ commandLine: ui.commandLine + ch });
    return;
  }
  if (ui.confirm) {
    if (ch === 'y') {
      state.setUi({ confirm: undefined, overlay: 'none' });
      return ctx.actions?.confirm(ui.confirm.id);
    }
    if (ch === 'n' || special === 'esc')
      return state.setUi({ confirm: undefined, overlay: 'none', notice: 'not approved' });
    return;
  }
  if (ui.rejectReason) {
    const r = ui.rejectReason;
    if (special === 'esc') return state.setUi({ rejectReason: undefined });
    if (special === 'enter') {
      state.setUi({ rejectReason: undefined });
      return ctx.actions?.reject(r.id, 'wrong-fix', r.text.trim());
    }
    if (special === 'backspace') return state.setUi({ rejectReason: { ...r, text: r.text.slice(0, -1) } });
    if (!special) state.setUi({ rejectReason: { ...r, text: r.text + ch } });
    return;
  }
  if (ui.focus === 'chat' && ui.overlay === 'none' && chatKey(ctx, ch, special)) return;
  if (ui.filterEditing) {
    if (special === 'esc') return state.setUi({ filterEditing: false, filter: '' });
    if (special === 'enter') return state.setUi({ filterEditing: false });
    if (special === 'backspace') return state.setUi({ filter: ui.filter.slice(0, -1) });
    if (!special) state.setUi({ filter: ui.filter + ch });
    return;
  }
  const command = commandFor(special ?? ch);
  if (command) runCommand(ctx, command);
}
