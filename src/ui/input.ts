// What a key does to the cockpit's UI state. Pure over the store: the App component only routes
// key events here, and every key goes through the one table (keymap.ts) for its context, so a
// key the table does not bind here does nothing.
import type { CockpitStore } from '../state/store.js';
import { podRows } from '../state/selectors.js';
import type { CockpitState, ObjectRef, PaneId, PickList, Question, SortKey } from '../state/types.js';
import {
  complete,
  DRILLS_TO_PODS,
  objectsOf,
  objectTable,
  refLabel,
  refOf,
  RESTARTABLE,
  resolveKind,
  SCALABLE,
  shortName,
  viewKindInfo,
  viewPods,
} from '../state/views.js';
import { REJECTION_REASON_LABEL, REJECTION_REASONS, type RejectionReason } from '../model/rejection.js';
import { activeContexts, bindingFor, type Binding, type KeyContext } from './keymap.js';
import { clampScroll, overlayLines, transcriptLines } from './overlay-lines.js';

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

/** Rows and widths of what scrolls, from the App's layout. */
export interface InputRoom {
  /** Rows of the open overlay's (or logs view's) body. */
  overlayRows: number;
  overlayWidth: number;
  /** Rows and width of the chat transcript. */
  chatRows: number;
  chatWidth: number;
}

export interface InputContext {
  store: CockpitStore;
  /** Rows a page-up/down moves in a list. */
  pageSize: number;
  quit(): void;
  onNamespaceChange(namespace: string | undefined): void;
  actions?: UiActions;
  /** No dangerous bindings (see keymap.ts). */
  readOnly?: boolean;
  room?: InputRoom;
}

const DEFAULT_ROOM: InputRoom = { overlayRows: 18, overlayWidth: 76, chatRows: 10, chatWidth: 76 };
const roomOf = (ctx: InputContext): InputRoom => ctx.room ?? DEFAULT_ROOM;

/** The keys of the resource view's rows, in the order shown. */
export function viewRowKeys(state: CockpitState, now = Date.now()): string[] {
  const { kind } = state.ui.view;
  if (kind === 'pods')
    return podRows(
      { pods: viewPods(state), metrics: state.metrics },
      now,
      state.ui.filter,
      state.ui.sortBy,
    ).map((r) => r.key);
  return objectTable(
    objectsOf(state, kind),
    kind,
    now,
    state.ui.filter,
    state.connection.namespace === undefined,
  ).rows.map((r) => r.key);
}

/** The row the resource view has selected, as an object reference. */
export function selectedRef(state: CockpitState): ObjectRef | undefined {
  const { kind } = state.ui.view;
  const chosen = kind === 'pods' ? state.ui.selectedPodKey : state.ui.selectedObjectKey;
  const keys = viewRowKeys(state);
  const key = chosen && keys.includes(chosen) ? chosen : keys[0];
  return key === undefined ? undefined : refOf(kind, key);
}

function moveIn(ids: readonly string[], current: string | undefined, to: (i: number, n: number) => number) {
  if (ids.length === 0) return undefined;
  const i = Math.max(0, ids.indexOf(current ?? ''));
  return ids[Math.max(0, Math.min(ids.length - 1, to(i, ids.length)))];
}

/** Moves the selection of the focused list. */
function moveSelection(ctx: InputContext, context: KeyContext, to: (index: number, count: number) => number) {
  const state = ctx.store.getState();
  const ui = state.ui;
  if (context === 'approvals') {
    const id = moveIn(
      state.recommendations.map((r) => r.id),
      ui.selectedRecommendationId,
      to,
    );
    if (id) state.setUi({ selectedRecommendationId: id });
    return;
  }
  if (context === 'findings') {
    const id = moveIn(
      state.findings.map((f) => f.id),
      ui.selectedFindingId,
      to,
    );
    if (id) state.setUi({ selectedFindingId: id });
    return;
  }
  const pods = ui.view.kind === 'pods';
  const key = moveIn(viewRowKeys(state), pods ? ui.selectedPodKey : ui.selectedObjectKey, to);
  if (key) state.setUi(pods ? { selectedPodKey: key } : { selectedObjectKey: key });
}

function scrollOverlay(ctx: InputContext, to: (scroll: number, rows: number, total: number) => number) {
  const state = ctx.store.getState();
  const { overlayRows, overlayWidth } = roomOf(ctx);
  const total = overlayLines(state, overlayWidth, ctx.readOnly ?? false).length;
  const scroll = clampScroll(to(state.ui.overlayScroll, overlayRows, total), total, overlayRows);
  state.setUi({
    overlayScroll: scroll,
    ...(scroll + overlayRows >= total ? { confirmSeen: true } : {}),
  });
}

/** The logs view: the top line (absolute) for a move, or undefined to follow the end again. */
function scrollLogs(
  ctx: InputContext,
  to: (top: number, rows: number, first: number, last: number) => number,
) {
  const state = ctx.store.getState();
  const view = state.logView;
  if (!view) return;
  const rows = roomOf(ctx).overlayRows;
  const first = view.dropped;
  const last = view.dropped + Math.max(0, view.lines.length - rows);
  const top = Math.max(first, Math.min(last, to(state.ui.logUi.top ?? last, rows, first, last)));
  state.setUi({ logUi: { ...state.ui.logUi, top: top >= last ? undefined : top } });
}

function findInLog(ctx: InputContext, direction: 1 | -1, from?: number): void {
  const state = ctx.store.getState();
  const view = state.logView;
  const needle = state.ui.logUi.search.toLowerCase();
  if (!view || !needle) return state.setUi({ notice: 'search first with /' });
  const rows = roomOf(ctx).overlayRows;
  const start =
    (from ?? state.ui.logUi.top ?? view.dropped + Math.max(0, view.lines.length - rows)) - view.dropped;
  for (let i = start + direction; i >= 0 && i < view.lines.length; i += direction)
    if (view.lines[i]!.toLowerCase().includes(needle)) {
      // The match goes to the top row (the last screenful stays whole); the view stops following.
      const last = view.dropped + Math.max(0, view.lines.length - rows);
      return state.setUi({ logUi: { ...state.ui.logUi, top: Math.min(last, view.dropped + i) } });
    }
  state.setUi({
    notice: `no ${direction > 0 ? 'later' : 'earlier'} line matches "${state.ui.logUi.search}"`,
  });
}

function openPick(ctx: InputContext, pick: Omit<PickList, 'filter' | 'index'>): void {
  ctx.store.getState().setUi({ pick: { ...pick, filter: '', index: 0 } });
}

/** The pick list's items its filter keeps. */
export function pickItems(pick: PickList): string[] {
  const needle = pick.filter.toLowerCase();
  return (pick.items ?? []).filter((item) => item.toLowerCase().includes(needle));
}

function showView(ctx: InputContext, kind: NonNullable<ReturnType<typeof resolveKind>>): void {
  const state = ctx.store.getState();
  state.setUi({
    view: { kind },
    viewBack: [],
    filter: '',
    focus: 'pods',
    overlay: state.ui.overlay === 'logs' ? state.ui.overlay : 'none',
    ...(kind === 'pods' ? {} : { selectedObjectKey: undefined }),
  });
}

function runColonCommand(ctx: InputContext, line: string): void {
  const [name, ...args] = line.trim().split(/\s+/);
  const state = ctx.store.getState();
  const setUi = state.setUi;
  const kind = name ? resolveKind(name) : undefined;
  if (kind) return showView(ctx, kind);
  switch (name) {
    case 'q':
    case 'quit':
      ctx.quit();
      return;
    case 'ns':
    case 'namespace': {
      const target = args[0];
      if (!target) {
        openPick(ctx, { purpose: 'namespace', title: 'namespace', items: undefined });
        ctx.actions?.listNamespaces().then(
          (names) => {
            const pick = ctx.store.getState().ui.pick;
            if (pick?.purpose === 'namespace')
              ctx.store.getState().setUi({ pick: { ...pick, items: ['all namespaces', ...names] } });
          },
          (error: unknown) =>
            ctx.store
              .getState()
              .setUi({ pick: undefined, notice: `namespaces: ${(error as Error).message.split('\n')[0]}` }),
        );
        return;
      }
      ctx.onNamespaceChange(target === 'all' || target === '-A' ? undefined : target);
      return setUi({ notice: `namespace: ${target}`, selectedPodKey: undefined });
    }
    case 'ctx':
    case 'context': {
      const target = args[0];
      if (target) return ctx.actions?.switchContext(target);
      return openPick(ctx, {
        purpose: 'context',
        title: 'context',
        items: ctx.actions?.listContexts() ?? [],
      });
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
      setUi({
        notice: `unknown command ":${name}" (tab completes: :pods :deploy :svc …, :ns, :ctx, :sort KEY, :q)`,
      });
  }
}

/** `ctrl-d`, `ctrl-k`, `R`, `e`: the question before the proposal. */
function ask(ctx: InputContext, action: Question['action'], verb: string): void {
  const label = 'ref' in action ? `${shortName(action.ref.kind)} ${refLabel(action.ref)}` : '';
  ctx.store.getState().setUi({ question: { text: `${verb} ${label}?`.replace(' ?', '?'), action } });
}

function answerYes(ctx: InputContext, q: Question): void {
  const a = ctx.actions;
  const action = q.action;
  switch (action.kind) {
    case 'delete':
      return a?.proposeDelete(action.ref);
    case 'kill':
      return a?.proposeKill(action.ref);
    case 'restart':
      return a?.proposeRestart(action.ref);
    case 'edit':
      return a?.edit(action.ref);
    case 'scale':
      return a?.proposeScale(action.ref, action.replicas);
    case 'rollback':
      return a?.rollback(action.id);
  }
}

/** The approvals pane's selection: the chosen row, else the newest. */
function selectedRecommendation(state: CockpitState): string | undefined {
  const { recommendations, ui } = state;
  return recommendations.find((r) => r.id === ui.selectedRecommendationId)?.id ?? recommendations[0]?.id;
}

/** `d` / `y`: the overlay opens at once, saying it reads, until the service fills it. */
function inspect(ctx: InputContext, ref: ObjectRef, mode: 'describe' | 'yaml'): void {
  const state = ctx.store.getState();
  state.setInspection({ ref, mode, lines: undefined });
  state.setUi({ overlay: 'inspect' });
  ctx.actions?.inspect(ref, mode);
}

function listCommand(ctx: InputContext, command: string): void {
  const state = ctx.store.getState();
  const ui = state.ui;
  const ref = selectedRef(state);
  const kind = ui.view.kind;
  const needRow = (act: (r: ObjectRef) => void) =>
    ref ? act(ref) : state.setUi({ notice: `no ${viewKindInfo(kind).names[0]} to act on` });
  switch (command) {
    case 'filter':
      return state.setUi({ filterEditing: true });
    case 'back':
      if (ui.filter) return state.setUi({ filter: '' });
      if (ui.viewBack.length > 0) {
        const back = ui.viewBack.at(-1)!;
        return state.setUi({
          view: { kind: back.kind, ...(back.owner ? { owner: back.owner } : {}) },
          viewBack: ui.viewBack.slice(0, -1),
          ...(back.kind === 'pods'
            ? { selectedPodKey: back.selectedKey }
            : { selectedObjectKey: back.selectedKey }),
        });
      }
      return;
    case 'open':
      return needRow((r) => {
        if (!DRILLS_TO_PODS.has(kind)) return inspect(ctx, r, 'describe');
        state.setUi({
          viewBack: [...ui.viewBack, { ...ui.view, selectedKey: refLabel(r) }],
          view: { kind: 'pods', owner: r },
          selectedPodKey: undefined,
          filter: '',
        });
      });
    case 'describe':
    case 'yaml':
      return needRow((r) => inspect(ctx, r, command));
    case 'logs':
      if (kind !== 'pods')
        return state.setUi({ notice: 'l reads a pod’s log: enter on a workload lists its pods' });
      return needRow((r) => {
        ctx.actions?.openLogs(r, { previous: false });
        state.setUi({ overlay: 'logs', logUi: { top: undefined, wrap: ui.logUi.wrap, search: '' } });
      });
    case 'sort':
      if (kind !== 'pods') return state.setUi({ notice: 'o orders the pods view; other views list by name' });
      return state.setUi({ sortBy: SORT_KEYS[(SORT_KEYS.indexOf(ui.sortBy) + 1) % SORT_KEYS.length]! });
    case 'delete':
      return needRow((r) => ask(ctx, { kind: 'delete', ref: r }, 'propose deleting'));
    case 'kill':
      if (kind !== 'pods') return state.setUi({ notice: 'ctrl-k kills pods; ctrl-d deletes' });
      return needRow((r) => ask(ctx, { kind: 'kill', ref: r }, 'propose killing (grace 0)'));
    case 'restart':
      if (!RESTARTABLE.has(kind))
        return state.setUi({ notice: 'R restarts deployments, statefulsets, daemonsets' });
      return needRow((r) => ask(ctx, { kind: 'restart', ref: r }, 'propose a rollout restart of'));
    case 'edit':
      return needRow((r) => ask(ctx, { kind: 'edit', ref: r }, 'edit in $EDITOR and propose'));
    case 'scale':
      if (!SCALABLE.has(kind))
        return state.setUi({ notice: 's scales deployments, replicasets, statefulsets' });
      return needRow((r) => {
        const replicas = (objectsOf(state, kind).get(refLabel(r))?.spec?.replicas as number | undefined) ?? 1;
        state.setUi({
          prompt: {
            purpose: 'replicas',
            label: `scale ${shortName(kind)} ${refLabel(r)} to`,
            text: String(replicas),
            ref: r,
          },
        });
      });
  }
}

/** Runs one binding; the caller found it in the table for the active contexts. */
function run(ctx: InputContext, b: Binding, ch: string): void {
  const state = ctx.store.getState();
  const ui = state.ui;
  const a = ctx.actions;
  const moves: Record<string, (i: number, n: number) => number> = {
    down: (i) => i + 1,
    up: (i) => i - 1,
    top: () => 0,
    bottom: (_, n) => n - 1,
    'page-down': (i) => i + ctx.pageSize,
    'page-up': (i) => i - ctx.pageSize,
  };
  switch (b.context) {
    case 'always':
      return ctx.quit();
    case 'global': {
      const focus = (delta: number) =>
        state.setUi({ focus: PANES[(PANES.indexOf(ui.focus) + delta + PANES.length) % PANES.length]! });
      if (b.command === 'focus-next') return focus(1);
      if (b.command === 'focus-prev') return focus(-1);
      if (b.command === 'command') return state.setUi({ commandLine: '' });
      if (b.command === 'help') return state.setUi({ overlay: ui.overlay === 'help' ? 'none' : 'help' });
      if (b.command === 'figures')
        return state.setUi({ overlay: ui.overlay === 'report' ? 'none' : 'report' });
      return ctx.quit();
    }
    case 'list':
    case 'findings':
    case 'approvals': {
      const move = moves[b.command];
      if (move) return moveSelection(ctx, b.context, move);
      if (b.context === 'list') return listCommand(ctx, b.command);
      if (b.context === 'findings') {
        if (!ui.selectedFindingId) return state.setUi({ notice: 'no finding selected' });
        if (b.command === 'open') return state.setUi({ overlay: 'detail' });
        const finding = state.findings.find((f) => f.id === ui.selectedFindingId);
        if (!finding?.recommendation) return state.setUi({ notice: 'this finding proposes no change' });
        return a?.proposeFinding(finding.id);
      }
      const id = selectedRecommendation(state);
      if (!id) return state.setUi({ notice: 'no recommendation selected' });
      if (b.command === 'open') return a?.open(id);
      if (b.command === 'approve') return a?.approve(id);
      if (b.command === 'reject')
        return openPick(ctx, {
          purpose: 'reject-reason',
          title: `reject ${id}: why?`,
          items: REJECTION_REASONS.map((r) => REJECTION_REASON_LABEL[r]),
          id,
        });
      if (b.command === 'rollback')
        return state.setUi({
          question: { text: `roll back ${id} from its snapshot?`, action: { kind: 'rollback', id } },
        });
      // pause
      const target = state.recommendations.find((r) => r.id === id)?.operation.target;
      const deployment = target && state.deployments.get(`${target.namespace}/${target.name}`);
      return a?.setRolloutPaused(id, !deployment?.spec?.paused);
    }
    case 'overlay':
    case 'confirm': {
      const rows = roomOf(ctx).overlayRows;
      const scrolls: Record<string, (s: number, r: number, n: number) => number> = {
        down: (s) => s + 1,
        up: (s) => s - 1,
        top: () => 0,
        bottom: (_, __, n) => n,
        'page-down': (s) => s + Math.max(1, rows - 1),
        'page-up': (s) => s - Math.max(1, rows - 1),
      };
      const scroll = scrolls[b.command];
      if (scroll) return scrollOverlay(ctx, scroll);
      if (b.command === 'close') return state.setUi({ overlay: 'none' });
      if (b.command === 'no')
        return state.setUi({ confirm: undefined, overlay: 'none', notice: 'not approved' });
      // yes: only once the whole diff has been on screen.
      const total = overlayLines(state, roomOf(ctx).overlayWidth, false).length;
      if (!ui.confirmSeen && ui.overlayScroll + rows < total)
        return state.setUi({
          notice: `scroll to the end of the diff first (${total - ui.overlayScroll - rows} lines below): y approves what was seen`,
        });
      state.setUi({ confirm: undefined, overlay: 'none' });
      return a?.confirm(ui.confirm!.id);
    }
    case 'logs': {
      const rows = roomOf(ctx).overlayRows;
      const logMoves: Record<string, (t: number, r: number, first: number, last: number) => number> = {
        down: (t) => t + 1,
        up: (t) => t - 1,
        top: (_, __, first) => first,
        bottom: (_, __, ___, last) => last,
        'page-down': (t) => t + Math.max(1, rows - 1),
        'page-up': (t) => t - Math.max(1, rows - 1),
      };
      const logMove = logMoves[b.command];
      if (logMove) return scrollLogs(ctx, logMove);
      const view = state.logView;
      switch (b.command) {
        case 'close':
          a?.closeLogs();
          return state.setUi({ overlay: 'none' });
        case 'wrap':
          return state.setUi({ logUi: { ...ui.logUi, wrap: !ui.logUi.wrap } });
        case 'search':
          return state.setUi({ prompt: { purpose: 'log-search', label: 'search', text: ui.logUi.search } });
        case 'next':
          return findInLog(ctx, 1);
        case 'prev-match':
          return findInLog(ctx, -1);
      }
      if (!view) return state.setUi({ notice: 'the log is not open yet' });
      if (b.command === 'previous') {
        a?.openLogs(view.ref, { container: view.container, previous: !view.previous });
        return state.setUi({ logUi: { ...ui.logUi, top: undefined } });
      }
      return openPick(ctx, {
        purpose: 'container',
        title: `container of ${view.ref.name}`,
        items: view.containers,
      });
    }
    case 'question': {
      const q = ui.question!;
      state.setUi({ question: undefined });
      if (b.command === 'no') return state.setUi({ notice: 'nothing proposed' });
      return answerYes(ctx, q);
    }
    case 'chat':
      return chatCommand(ctx, b.command, ch);
    case 'pick':
      return pickCommand(ctx, b.command, ch);
    case 'command':
    case 'text':
      return textCommand(ctx, b.context, b.command, ch);
  }
}

function chatCommand(ctx: InputContext, command: string, ch: string): void {
  const state = ctx.store.getState();
  const chat = state.chat;
  switch (command) {
    case 'type':
      return state.setChat({ input: chat.input + ch, historyIndex: undefined });
    case 'erase':
      return state.setChat({ input: chat.input.slice(0, -1) });
    case 'ask': {
      const question = chat.input.trim();
      if (!question) return;
      state.setChat({ input: '', historyIndex: undefined, asked: [...chat.asked, question], scroll: 0 });
      return ctx.actions?.ask(question);
    }
    case 'cancel':
      if (chat.running) return ctx.actions?.cancelAsk();
      return state.setChat({ input: '', historyIndex: undefined });
    case 'history-up':
    case 'history-down': {
      if (chat.asked.length === 0) return;
      const last = chat.asked.length;
      const from = chat.historyIndex ?? last;
      const index = Math.max(0, Math.min(last, from + (command === 'history-up' ? -1 : 1)));
      return state.setChat({
        historyIndex: index === last ? undefined : index,
        input: chat.asked[index] ?? '',
      });
    }
    case 'page-up':
    case 'page-down': {
      // A page is what the pane shows, less a line of context; never past the transcript's top.
      const { chatRows, chatWidth } = roomOf(ctx);
      const total = transcriptLines(chat.messages, chatWidth).length;
      const page = Math.max(1, chatRows - 1);
      const scroll = clampScroll(chat.scroll + (command === 'page-up' ? page : -page), total, chatRows);
      return state.setChat({ scroll });
    }
  }
}

function pickCommand(ctx: InputContext, command: string, ch: string): void {
  const state = ctx.store.getState();
  const pick = state.ui.pick!;
  const items = pickItems(pick);
  switch (command) {
    case 'type':
      return state.setUi({ pick: { ...pick, filter: pick.filter + ch, index: 0 } });
    case 'erase':
      return state.setUi({ pick: { ...pick, filter: pick.filter.slice(0, -1), index: 0 } });
    case 'down':
    case 'up': {
      const index = Math.max(0, Math.min(items.length - 1, pick.index + (command === 'down' ? 1 : -1)));
      return state.setUi({ pick: { ...pick, index } });
    }
    case 'cancel':
      return state.setUi({ pick: undefined });
  }
  const item = items[pick.index];
  if (item === undefined) return state.setUi({ notice: pick.items ? 'nothing matches' : 'still reading…' });
  state.setUi({ pick: undefined });
  switch (pick.purpose) {
    case 'namespace': {
      const namespace = item === 'all namespaces' ? undefined : item;
      ctx.onNamespaceChange(namespace);
      return state.setUi({
        notice: `namespace: ${item}`,
        selectedPodKey: undefined,
        selectedObjectKey: undefined,
      });
    }
    case 'context':
      return ctx.actions?.switchContext(item);
    case 'reject-reason': {
      const reason = REJECTION_REASONS.find((r) => REJECTION_REASON_LABEL[r] === item)!;
      return state.setUi({
        prompt: {
          purpose: 'reject-text',
          label: `reject ${pick.id} (${item}), details (optional)`,
          text: '',
          id: pick.id!,
          reason,
        },
      });
    }
    case 'container': {
      const view = state.logView;
      if (view) ctx.actions?.openLogs(view.ref, { container: item, previous: view.previous });
      return state.setUi({ logUi: { ...state.ui.logUi, top: undefined } });
    }
  }
}

function textCommand(ctx: InputContext, context: 'command' | 'text', command: string, ch: string): void {
  const state = ctx.store.getState();
  const ui = state.ui;
  if (context === 'command') {
    const line = ui.commandLine!;
    switch (command) {
      case 'type':
        return state.setUi({ commandLine: line + ch });
      case 'erase':
        return state.setUi({ commandLine: line.slice(0, -1) });
      case 'cancel':
        return state.setUi({ commandLine: undefined });
      case 'complete': {
        const done = complete(line);
        return state.setUi({
          commandLine: done.line,
          ...(done.candidates.length > 1 ? { notice: done.candidates.join(' ') } : {}),
        });
      }
    }
    state.setUi({ commandLine: undefined });
    return runColonCommand(ctx, line);
  }
  const prompt = ui.prompt;
  if (!prompt) {
    // The `/` filter of the resource view.
    if (command === 'type') return state.setUi({ filter: ui.filter + ch });
    if (command === 'erase') return state.setUi({ filter: ui.filter.slice(0, -1) });
    if (command === 'cancel') return state.setUi({ filterEditing: false, filter: '' });
    return state.setUi({ filterEditing: false });
  }
  if (command === 'type') return state.setUi({ prompt: { ...prompt, text: prompt.text + ch } });
  if (command === 'erase') return state.setUi({ prompt: { ...prompt, text: prompt.text.slice(0, -1) } });
  state.setUi({ prompt: undefined });
  if (command === 'cancel') return;
  const text = prompt.text.trim();
  switch (prompt.purpose) {
    case 'replicas': {
      if (!/^\d+$/.test(text))
        return state.setUi({ notice: `replicas must be a whole number, not "${text}"` });
      return ask(
        ctx,
        { kind: 'scale', ref: prompt.ref!, replicas: Number(text) },
        `propose scaling to ${text}:`,
      );
    }
    case 'reject-text':
      return ctx.actions?.reject(prompt.id!, prompt.reason as RejectionReason, text);
    case 'log-search':
      state.setUi({ logUi: { ...ui.logUi, search: text } });
      if (text) findInLog(ctx, 1, (state.logView?.dropped ?? 0) - 1);
      return;
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

/** Contexts whose bindings are typing: a burst there is text, as pasted. */
const TEXT_CONTEXTS: ReadonlySet<KeyContext> = new Set(['chat', 'command', 'text', 'pick']);

/** What a key would do now: its binding in the active contexts, if any. */
export function bindingNow(ctx: InputContext, key: string): Binding | undefined {
  return bindingFor(key, activeContexts(ctx.store.getState().ui), ctx.readOnly ?? false);
}

/**
 * Handles one key event: `special` names a non-character key, `text` holds typed characters.
 * Several characters at once are a paste or a burst: into a text field they are typed; outside
 * one they are not replayed as commands (a pasted "ctrl-d" must not delete, describe, …). Only
 * movement acts in a burst (key repeat), and a first `:` or `/` opens its field for the rest.
 */
export function handleKey(ctx: InputContext, text: string, special: string | undefined): void {
  if (special) return void handleOne(ctx, '', special, 'single');
  const chars = [...text];
  if (chars.length === 1) return void handleOne(ctx, CONTROL[text] ? '' : text, CONTROL[text], 'single');
  let ignored = 0;
  chars.forEach((ch, i) => {
    if (!handleOne(ctx, CONTROL[ch] ? '' : ch, CONTROL[ch], i === 0 ? 'burst-start' : 'burst')) ignored++;
  });
  if (ignored > 0)
    ctx.store.getState().setUi({
      notice: `ignored ${ignored} key${ignored === 1 ? '' : 's'} typed at once outside a text field (press keys one at a time)`,
    });
}

/** A paste (bracketed): typed into the open text field, else ignored with a notice. */
export function handlePaste(ctx: InputContext, text: string): void {
  const contexts = activeContexts(ctx.store.getState().ui);
  if (!contexts.some((c) => TEXT_CONTEXTS.has(c)))
    return ctx.store.getState().setUi({ notice: 'a paste goes into a text field only (: / or the chat)' });
  // One line: a pasted newline must not run the command or ask the question.
  for (const ch of text.replace(/[\r\n\t]+/g, ' ')) handleOne(ctx, ch, undefined, 'burst');
}

/** Whether the key acted. */
function handleOne(
  ctx: InputContext,
  ch: string,
  special: string | undefined,
  how: 'single' | 'burst-start' | 'burst',
): boolean {
  const state = ctx.store.getState();
  if (state.ui.notice) state.setUi({ notice: undefined });
  const key = special ?? ch;
  if (!key) return false;
  const binding = bindingNow(ctx, key);
  if (!binding) return false;
  const opensField =
    binding.command === 'command' || binding.command === 'filter' || binding.command === 'search';
  if (
    how !== 'single' &&
    !TEXT_CONTEXTS.has(binding.context) &&
    !binding.repeat &&
    !(how === 'burst-start' && opensField)
  )
    return false;
  run(ctx, binding, ch);
  return true;
}
