// Every key binding, once: input handling and the help overlay both read this table.
import type { Key } from 'ink';

export type Command =
  | 'focus-next'
  | 'focus-prev'
  | 'down'
  | 'up'
  | 'top'
  | 'bottom'
  | 'page-down'
  | 'page-up'
  | 'filter'
  | 'command'
  | 'sort'
  | 'help'
  | 'figures'
  | 'open'
  | 'back'
  | 'approve'
  | 'reject'
  | 'rollback'
  | 'pause'
  | 'quit';

export interface Binding {
  command: Command;
  keys: string[];
  help: string;
}

export const KEYMAP: readonly Binding[] = [
  { command: 'focus-next', keys: ['tab'], help: 'focus the next pane' },
  { command: 'focus-prev', keys: ['shift-tab'], help: 'focus the previous pane' },
  { command: 'down', keys: ['j', 'down'], help: 'move down' },
  { command: 'up', keys: ['k', 'up'], help: 'move up' },
  { command: 'top', keys: ['g', 'home'], help: 'go to the top' },
  { command: 'bottom', keys: ['G', 'end'], help: 'go to the bottom' },
  { command: 'page-down', keys: ['pgdn', 'ctrl-f'], help: 'page down' },
  { command: 'page-up', keys: ['pgup', 'ctrl-b'], help: 'page up' },
  { command: 'filter', keys: ['/'], help: 'filter pods by substring (enter keeps, esc clears)' },
  { command: 'command', keys: [':'], help: 'command line: :ns NAME, :ns all, :sort KEY, :q' },
  { command: 'sort', keys: ['s'], help: 'cycle the sort key (name, status, restarts, cpu, mem)' },
  { command: 'help', keys: ['?'], help: 'show or hide help' },
  {
    command: 'open',
    keys: ['enter'],
    help: 'open the selected finding or change',
  },
  { command: 'figures', keys: ['m'], help: 'audit figures from the PHRs: MTTD, MTTR, approval latency' },
  { command: 'back', keys: ['esc'], help: 'close the overlay, clear the filter' },
  {
    command: 'approve',
    keys: ['a'],
    help: 'approve (on a finding: queue its fix)',
  },
  { command: 'reject', keys: ['x'], help: 'reject with a reason' },
  { command: 'rollback', keys: ['r'], help: 'roll back an executed change' },
  { command: 'pause', keys: ['p'], help: "halt or continue a change's rollout" },
  { command: 'quit', keys: ['q', 'ctrl-c'], help: 'quit' },
];

const byKey = new Map<string, Command>(KEYMAP.flatMap((b) => b.keys.map((k) => [k, b.command] as const)));

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

export function commandFor(keyName: string): Command | undefined {
  return byKey.get(keyName);
}
