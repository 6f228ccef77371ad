// The cockpit's escalation on the terminal: the bell, and a desktop notification as OSC 9
// (iTerm2, Windows Terminal, kitty, WezTerm) and OSC 777 (urxvt, foot, Ghostty, VTE). The text
// comes from records and so, in the end, from outside: it is stripped of every control byte
// (a BEL or ST would end the sequence early and what followed would run as terminal input),
// of `;` (OSC 777's field separator), and capped. This is the one place that writes them.
import { stripControls } from '../audit/sanitize.js';

const BEL = '\x07';
const OSC = '\x1b]';

/** Printable text for an OSC field: no controls, no newlines or tabs, no `;`, at most `max` characters. */
export function oscText(text: string, max = 200): string {
  const flat = stripControls(text)
    .replace(/[\n\t]+/g, ' ')
    .replace(/;/g, ',')
    .trim();
  // ConEmu reads OSC 9 text that starts with a digit and `;` as a command: never start with a digit.
  const safe = /^\d/.test(flat) ? `\u200b${flat}` : flat;
  return [...safe].slice(0, max).join('');
}

/** The bytes: bell, OSC 9 with the body, OSC 777 notify with title and body. */
export function terminalNotification(title: string, body: string): string {
  const t = oscText(title, 80);
  const b = oscText(body);
  return `${BEL}${OSC}9;${t}: ${b}${BEL}${OSC}777;notify;${t};${b}${BEL}`;
}
