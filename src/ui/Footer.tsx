// The bottom line: the `:` command line or `/` filter while open, a notice, or the key hints.
import { Text } from 'ink';
import { useCockpit } from './context.js';

const HINTS = ['j/k move', '/ filter', 's sort', ': command', '? help', 'q quit', 'tab pane'];

/** As many whole hints as fit, most useful first; `? help` lists the rest. */
function hints(width: number): string {
  let text = '';
  for (const hint of HINTS) {
    const next = text ? `${text}  ${hint}` : hint;
    if (next.length > width) break;
    text = next;
  }
  return text;
}

export function Footer({ width }: { width: number }) {
  const commandLine = useCockpit((s) => s.ui.commandLine);
  const filterEditing = useCockpit((s) => s.ui.filterEditing);
  const filter = useCockpit((s) => s.ui.filter);
  const notice = useCockpit((s) => s.ui.notice);
  const rejecting = useCockpit((s) => s.ui.rejectReason);
  const text = rejecting
    ? `reject ${rejecting.id}, reason: ${rejecting.text}█ (enter rejects, esc cancels)`
    : commandLine !== undefined
      ? `:${commandLine}█`
      : filterEditing
        ? `/${filter}█`
        : (notice ?? hints(width));
  return (
    <Text
      wrap="truncate"
      color={notice ? 'yellow' : commandLine !== undefined || filterEditing || rejecting ? 'white' : 'gray'}
    >
      {text}
    </Text>
  );
}
