// The bottom line: the open text field, question or notice, else the key hints — all from the
// key table, so a hint never names a key that does nothing here (or, read-only, a dangerous one).
import { Text } from 'ink';
import { useCockpit } from './context.js';
import { clipWords } from './format.js';
import { activeContexts, hintLine } from './keymap.js';

export function Footer({ width, readOnly }: { width: number; readOnly: boolean }) {
  const ui = useCockpit((s) => s.ui);
  const contexts = activeContexts(ui).filter((c) => c !== 'always');
  const hints = (room: number) => hintLine(contexts, readOnly, room);
  let text: string;
  let color = 'white';
  if (ui.commandLine !== undefined)
    text = `:${ui.commandLine}█   ${hints(width - ui.commandLine.length - 5)}`;
  else if (ui.prompt) {
    const head = `${ui.prompt.label}: ${ui.prompt.text}█   `;
    text = head + hints(width - head.length);
  } else if (ui.filterEditing) text = `/${ui.filter}█   ${hints(width - ui.filter.length - 5)}`;
  else if (ui.notice) {
    text = ui.notice;
    color = 'yellow';
  } else if (ui.question) {
    text = `${ui.question.text}  ${hints(width - ui.question.text.length - 2)}`;
    color = 'yellow';
  } else {
    // The pane's own keys first, then the global ones (help and quit are always named).
    const global = contexts.includes('global') ? hintLine(['global'], readOnly, width) : '';
    const own = hintLine(
      contexts.filter((c) => c !== 'global'),
      readOnly,
      width - global.length - 2,
    );
    text = [own, global].filter(Boolean).join('  ');
    color = 'gray';
  }
  return (
    // Cut between words like every other value on screen (a long notice ends `… :sort …`, not `K…`).
    <Text wrap="truncate" color={color}>
      {clipWords(text.trimEnd(), width)}
    </Text>
  );
}
