// A medium or critical approval shows the exact change first: the server's dry run as a diff.
import { Text } from 'ink';
import { useCockpit } from './context.js';
import { Overlay } from './Overlay.js';

const color = (line: string): string | undefined =>
  line.startsWith('+') ? 'green' : line.startsWith('-') ? 'red' : line.startsWith('@@') ? 'cyan' : undefined;

export function ConfirmOverlay({ width, height }: { width: number; height: number }) {
  const confirm = useCockpit((s) => s.ui.confirm);
  const lines = confirm?.lines ?? [];
  const room = Math.max(0, height - 4);
  return (
    <Overlay width={width} height={height} title={`approve: ${confirm?.title ?? ''}`}>
      {lines.slice(0, room).map((line, i) => (
        <Text key={i} wrap="truncate" color={color(line)}>
          {line}
        </Text>
      ))}
      {lines.length > room && <Text color="gray">… {lines.length - room} more lines</Text>}
      <Text bold color="yellow" wrap="truncate">
        y approve this change · n or esc cancel
      </Text>
    </Overlay>
  );
}
