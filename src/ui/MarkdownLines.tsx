// Styled lines (see markdown.ts) as Ink text, one row each.
import { Text } from 'ink';
import type { Line } from './markdown.js';

export function MarkdownLines({ lines }: { lines: readonly Line[] }) {
  return (
    <>
      {lines.map((line, i) => (
        <Text key={i} wrap="truncate">
          {line.length === 0
            ? ' '
            : line.map((seg, j) => (
                <Text key={j} bold={seg.bold} color={seg.color}>
                  {seg.text}
                </Text>
              ))}
        </Text>
      ))}
    </>
  );
}
