// An overlay whose content scrolls (j/k, pgup/pgdn, g/G): the window of lines at the store's
// overlayScroll, where it is in the content, and the prompt the key table gives it.
import { Text } from 'ink';
import type { ReactNode } from 'react';
import { useCockpit } from './context.js';
import type { Line } from './markdown.js';
import { MarkdownLines } from './MarkdownLines.js';
import { Overlay } from './Overlay.js';
import { clampScroll } from './overlay-lines.js';

/** Rows an overlay of `height` has for its content: borders, title and the position line. */
export const overlayRows = (height: number): number => Math.max(1, height - 4);

export function ScrollOverlay({
  title,
  lines,
  width,
  height,
  prompt,
}: {
  title: ReactNode;
  lines: readonly Line[];
  width: number;
  height: number;
  /** The keys of this overlay, from the key table. */
  prompt: string;
}) {
  const rows = overlayRows(height);
  const scroll = clampScroll(
    useCockpit((s) => s.ui.overlayScroll),
    lines.length,
    rows,
  );
  const end = Math.min(lines.length, scroll + rows);
  const position =
    lines.length > rows
      ? `lines ${scroll + 1}–${end} of ${lines.length}${end < lines.length ? ' ↓' : ''} · `
      : '';
  return (
    <Overlay width={width} height={height} title={title}>
      <MarkdownLines lines={lines.slice(scroll, end)} />
      {Array.from({ length: rows - (end - scroll) }, (_, i) => (
        <Text key={`pad${i}`}> </Text>
      ))}
      <Text color="gray" wrap="truncate">
        {position}
        {prompt}
      </Text>
    </Overlay>
  );
}
