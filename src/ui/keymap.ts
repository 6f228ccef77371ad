// Every key binding, once, as data: what context it works in, what it does, its help text, and
// whether it changes the cluster (dangerous: not bound at all in a read-only cockpit, as k9s's
// bindDangerousKeys). The input handler, the footer hints, the prompts and `?` read this table.
import type { Key } from 'ink';
import type { UiState } from '../state/types.js';

/**
 * Where a binding works. `always` is everywhere; `global` wherever nothing modal is open (no text
 * field, pick list, question or diff); the others are the focused pane or the open overlay.
 */
export type KeyContext =
  | 'always'
  | 'global'
  | 'list'
  | 'findings'
  | 'approvals'
  | 'chat'
  | 'overlay'
  | 'logs'
  | 'confirm'
  | 'question'
  | 'pick'
  | 'command'
  | 'text';

/** Stands for any printable character in a text field's bindings. */
export const CHAR = 'char';

export interface Binding {
  context: KeyContext;
  /** What the input handler does; unique within a context. */
  command: string;
  keys: readonly string[];
  help: string;
  /** Footer or prompt text (`j/k move`); bindings without one show only in `?`. */
  hint?: string;
  /** Proposes, approves, rejects or rolls back: absent from a read-only cockpit. */
  dangerous?: boolean;
  /** Harmless to repeat: acts also inside a burst of keys (key repeat), where others do not. */
  repeat?: boolean;
}

const move = (context: KeyContext): Binding[] => [
  { context, command: 'down', keys: ['j', 'down'], help: 'move down', hint: 'j/k move', repeat: true },
  { context, command: 'up', keys: ['k', 'up'], help: 'move up', repeat: true },
  { context, command: 'top', keys: ['g', 'home'], help: 'go to the top', repeat: true },
  { context, command: 'bottom', keys: ['G', 'end'], help: 'go to the bottom', repeat: true },
  { context, command: 'page-down', keys: ['pgdn', 'ctrl-f'], help: 'page down', repeat: true },
  { context, command: 'page-up', keys: ['pgup', 'ctrl-b'], help: 'page up', repeat: true },
];

const textField = (context: 'command' | 'text' | 'pick', enter: string): Binding[] => [
  { context, command: 'type', keys: [CHAR], help: 'type (a paste goes in whole)' },
  { context, command: 'erase', keys: ['backspace'], help: 'delete the last character' },
  { context, command: 'accept', keys: ['enter'], help: enter, hint: `enter ${enter}` },
  { context, command: 'cancel', keys: ['esc'], help: 'cancel', hint: 'esc cancel' },
];

export const KEYMAP: readonly Binding[] = [
  { context: 'always', command: 'quit', keys: ['ctrl-c'], help: 'quit, restoring the terminal' },

  {
    context: 'global',
    command: 'focus-next',
    keys: ['tab'],
    help: 'focus the next pane',
    hint: 'tab pane',
    repeat: true,
  },
  {
    context: 'global',
    command: 'focus-prev',
    keys: ['shift-tab'],
    help: 'focus the previous pane',
    repeat: true,
  },
  {
    context: 'global',
    command: 'command',
    keys: [':'],
    help: 'command line: :pods :deploy :svc … (tab completes), :ns, :ctx, :sort KEY, :q',
    hint: ': command',
  },
  { context: 'global', command: 'help', keys: ['?'], help: 'show or hide help', hint: '? help' },
  {
    context: 'global',
    command: 'figures',
    keys: ['m'],
    help: 'audit figures from the PHRs: MTTD, MTTR, approval latency',
  },
  { context: 'global', command: 'quit', keys: ['q'], help: 'quit', hint: 'q quit' },

  ...move('list'),
  { context: 'list', command: 'filter', keys: ['/'], help: 'filter rows by substring', hint: '/ filter' },
  {
    context: 'list',
    command: 'open',
    keys: ['enter'],
    help: "a workload's or service's pods (else describe)",
    hint: 'enter pods',
  },
  { context: 'list', command: 'back', keys: ['esc'], help: 'back to the previous view, clear the filter' },
  { context: 'list', command: 'describe', keys: ['d'], help: 'describe the object', hint: 'd describe' },
  { context: 'list', command: 'yaml', keys: ['y'], help: 'the object as YAML', hint: 'y yaml' },
  { context: 'list', command: 'logs', keys: ['l'], help: "a pod's log", hint: 'l logs' },
  {
    context: 'list',
    command: 'sort',
    keys: ['o'],
    help: 'pods: cycle the order (name, status, restarts, cpu, mem)',
  },
  {
    context: 'list',
    command: 'delete',
    keys: ['ctrl-d'],
    help: 'propose deleting the object',
    hint: 'ctrl-d delete',
    dangerous: true,
  },
  {
    context: 'list',
    command: 'kill',
    keys: ['ctrl-k'],
    help: 'propose killing a pod (grace 0)',
    dangerous: true,
  },
  {
    context: 'list',
    command: 'scale',
    keys: ['s'],
    help: 'propose scaling (deploy, rs, sts): asks for replicas',
    dangerous: true,
  },
  {
    context: 'list',
    command: 'restart',
    keys: ['R'],
    help: 'propose a rollout restart (deploy, sts, ds)',
    dangerous: true,
  },
  {
    context: 'list',
    command: 'edit',
    keys: ['e'],
    help: 'edit in $EDITOR, proposed as an apply',
    dangerous: true,
  },

  ...move('findings'),
  {
    context: 'findings',
    command: 'open',
    keys: ['enter'],
    help: "the finding's evidence and fix",
    hint: 'enter detail',
  },
  {
    context: 'findings',
    command: 'propose',
    keys: ['a'],
    help: "queue the finding's fix",
    hint: 'a queue fix',
    dangerous: true,
  },

  ...move('approvals'),
  {
    context: 'approvals',
    command: 'open',
    keys: ['enter'],
    help: "the recommendation's record",
    hint: 'enter record',
  },
  {
    context: 'approvals',
    command: 'approve',
    keys: ['a'],
    help: 'approve',
    hint: 'a approve',
    dangerous: true,
  },
  {
    context: 'approvals',
    command: 'reject',
    keys: ['x'],
    help: 'reject, with a reason',
    hint: 'x reject',
    dangerous: true,
  },
  {
    context: 'approvals',
    command: 'rollback',
    keys: ['r'],
    help: 'roll back an executed change (asks first)',
    hint: 'r rollback',
    dangerous: true,
  },
  {
    context: 'approvals',
    command: 'pause',
    keys: ['p'],
    help: "halt or continue a change's rollout",
    dangerous: true,
  },

  { context: 'chat', command: 'type', keys: [CHAR], help: 'type the question (q is a letter here)' },
  { context: 'chat', command: 'erase', keys: ['backspace'], help: 'delete the last character' },
  { context: 'chat', command: 'ask', keys: ['enter'], help: 'ask', hint: 'enter ask' },
  { context: 'chat', command: 'cancel', keys: ['esc'], help: 'cancel the answer, else clear the input' },
  { context: 'chat', command: 'history-up', keys: ['up'], help: 'the previous question' },
  { context: 'chat', command: 'history-down', keys: ['down'], help: 'the next question' },
  {
    context: 'chat',
    command: 'page-up',
    keys: ['pgup'],
    help: 'scroll the transcript up',
    hint: 'pgup/pgdn scroll',
  },
  { context: 'chat', command: 'page-down', keys: ['pgdn'], help: 'scroll the transcript down' },

  ...move('overlay'),
  { context: 'overlay', command: 'close', keys: ['esc'], help: 'close', hint: 'esc close' },

  ...move('logs'),
  {
    context: 'logs',
    command: 'previous',
    keys: ['p'],
    help: "the previous run's log, or back",
    hint: 'p previous',
  },
  { context: 'logs', command: 'container', keys: ['c'], help: 'pick the container', hint: 'c container' },
  { context: 'logs', command: 'wrap', keys: ['w'], help: 'wrap long lines, or cut them', hint: 'w wrap' },
  { context: 'logs', command: 'search', keys: ['/'], help: 'search', hint: '/ search' },
  { context: 'logs', command: 'next', keys: ['n'], help: 'the next match', hint: 'n/N match' },
  { context: 'logs', command: 'prev-match', keys: ['N'], help: 'the previous match' },
  { context: 'logs', command: 'close', keys: ['esc'], help: 'close the log', hint: 'esc close' },

  ...move('confirm').map((b) => ({ ...b, hint: b.command === 'down' ? 'j/k/pgdn scroll' : undefined })),
  {
    context: 'confirm',
    command: 'yes',
    keys: ['y'],
    help: 'approve this change (once the whole diff has been on screen)',
    hint: 'y approve this change',
    dangerous: true,
  },
  { context: 'confirm', command: 'no', keys: ['n', 'esc'], help: 'do not approve', hint: 'n or esc cancel' },

  {
    context: 'question',
    command: 'yes',
    keys: ['y'],
    help: 'yes: propose it',
    hint: 'y yes',
    dangerous: true,
  },
  { context: 'question', command: 'no', keys: ['n', 'esc'], help: 'no: nothing is proposed', hint: 'n no' },

  { context: 'pick', command: 'down', keys: ['down', 'ctrl-n'], help: 'next item', hint: '↑/↓ choose' },
  { context: 'pick', command: 'up', keys: ['up', 'ctrl-p'], help: 'previous item' },
  ...textField('pick', 'pick'),

  ...textField('command', 'run'),
  {
    context: 'command',
    command: 'complete',
    keys: ['tab'],
    help: 'complete the kind or command',
    hint: 'tab complete',
  },

  ...textField('text', 'accept'),
];

/** Headings of `?`, in its order. */
export const CONTEXT_TITLE: Record<KeyContext, string> = {
  always: 'everywhere',
  global: 'panes and overlays',
  list: 'resource view (pods, deploy, svc …)',
  findings: 'findings pane',
  approvals: 'approvals pane',
  chat: 'chat pane (a text field)',
  overlay: 'overlays (help, detail, describe, yaml …)',
  logs: 'logs view',
  confirm: 'approval diff',
  question: 'y/n questions',
  pick: 'pick lists (:ns, :ctx, reasons, containers)',
  command: ': command line',
  text: 'text fields (/ filter, replicas, reason, search)',
};

/** The table as a cockpit has it: without the dangerous bindings when read-only. */
export function bindings(readOnly: boolean): readonly Binding[] {
  return readOnly ? KEYMAP.filter((b) => !b.dangerous) : KEYMAP;
}

/** The contexts whose bindings apply now, first match first. */
export function activeContexts(ui: UiState, hasConfirm = ui.confirm !== undefined): KeyContext[] {
  if (ui.commandLine !== undefined) return ['always', 'command'];
  if (ui.pick) return ['always', 'pick'];
  if (ui.prompt || ui.filterEditing) return ['always', 'text'];
  if (ui.question) return ['always', 'question'];
  if (hasConfirm) return ['always', 'confirm'];
  if (ui.overlay === 'logs') return ['always', 'logs'];
  if (ui.overlay !== 'none') return ['always', 'overlay', 'global'];
  const pane: Partial<Record<UiState['focus'], KeyContext>> = {
    pods: 'list',
    findings: 'findings',
    approvals: 'approvals',
    chat: 'chat',
  };
  const focused = pane[ui.focus];
  return focused ? ['always', focused, 'global'] : ['always', 'global'];
}

/** True for a key a text field takes as a character. */
export const isPrintable = (key: string): boolean => [...key].length === 1 && key >= ' ';

/** The binding a key has in the given contexts, or undefined: the one lookup input uses. */
export function bindingFor(
  key: string,
  contexts: readonly KeyContext[],
  readOnly: boolean,
): Binding | undefined {
  const table = bindings(readOnly);
  for (const context of contexts) {
    const found =
      table.find((b) => b.context === context && b.keys.includes(key)) ??
      (isPrintable(key) ? table.find((b) => b.context === context && b.keys.includes(CHAR)) : undefined);
    if (found) return found;
  }
  return undefined;
}

/** The hints of some contexts, as many whole ones as fit `width`, in table order. */
export function hintLine(contexts: readonly KeyContext[], readOnly: boolean, width: number): string {
  const table = bindings(readOnly);
  let text = '';
  for (const context of contexts)
    for (const b of table) {
      if (b.context !== context || !b.hint) continue;
      const next = text ? `${text}  ${b.hint}` : b.hint;
      if (next.length > width) return text;
      text = next;
    }
  return text;
}

/** How a binding's keys read in `?`. */
export const keysLabel = (b: Binding): string => b.keys.map((k) => (k === CHAR ? 'letters' : k)).join(' / ');

/** The name of a special key ('tab', 'down', 'ctrl-c'…), or undefined for plain characters. */
export function specialKey(input: string, key: Key): string | undefined {
  if (key.tab) return key.shift ? 'shift-tab' : 'tab';
  if (key.upArrow) return 'up';
  if (key.downArrow) return 'down';
  if (key.pageUp) return 'pgup';
  if (key.pageDown) return 'pgdn';
  if (key.home) return 'home';
  if (key.end) return 'end';
  if (key.escape) return 'esc';
  if (key.return) return 'enter';
  if (key.backspace || key.delete) return 'backspace';
  if (key.ctrl && input) return `ctrl-${input.toLowerCase()}`;
  return undefined;
}

/** The README's key section (`npm run docs:keys`): one Markdown table per context, in `?`'s order. */
export function renderKeyTable(table: readonly Binding[] = KEYMAP): string {
  const cell = (text: string) => text.replaceAll('|', '\\|');
  const code = (b: Binding) => b.keys.map((k) => (k === CHAR ? 'letters' : `\`${k}\``)).join(', ');
  const sections: string[] = [];
  for (const context of Object.keys(CONTEXT_TITLE) as KeyContext[]) {
    const rows = table.filter((b) => b.context === context);
    if (rows.length === 0) continue;
    sections.push(
      [
        `**${cell(CONTEXT_TITLE[context])}**`,
        '',
        '| keys | does |',
        '|---|---|',
        ...rows.map((b) => `| ${code(b)} | ${cell(b.help)}${b.dangerous ? ' ⚠' : ''} |`),
      ].join('\n'),
    );
  }
  return `${sections.join('\n\n')}\n\n⚠ proposes, approves, rejects or rolls back: not bound in a \`--read-only\` cockpit.\n`;
}
