// The bottom line: the `:` command line or `/` filter while open, a notice, or the key hints.
import { Text } from 'ink';
import { useCockpit } from './context.js';

export function Footer({ width }: { width: number }) {
  const commandLine = useCockpit((s) => s.ui.commandLine);
  const filterEditing = useCockpit((s) => s.ui.filterEditing);
  const filter = useCockpit((s) => s.ui.filter);
  const notice = useCockpit((s) => s.ui.notice);
  const text =
    commandLine !== undefined
      ? `:${commandLine}█`
      : filterEditing
        ? `/${filter}█`
        : (notice ?? 'j/k move  / filter  s sort  : command  tab pane  ? help  q quit');
  return (
    <Text
      wrap="truncate"
      color={notice ? 'yellow' : commandLine !== undefined || filterEditing ? 'white' : 'gray'}
    >
      {text.slice(0, Math.max(0, width))}
    </Text>
  );
}
