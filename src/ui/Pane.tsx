// The frame every pane shares: a rounded border and a title line. Focus shows as a cyan border
// and a ▸ before the title, so it is still visible when NO_COLOR drops colours and inverse.
import { Box, Text } from 'ink';
import type { ReactNode } from 'react';
import { clipWords } from './format.js';

export interface PaneProps {
  title: string;
  width: number;
  height: number;
  focused: boolean;
  children?: ReactNode;
}

/** Where a pane goes: what App hands each pane. */
export type PaneFrame = Pick<PaneProps, 'width' | 'height' | 'focused'>;

/**
 * The first row a list pane shows: unfocused, the top of the list; focused, a window that keeps
 * the selection in view.
 */
export function windowStart(selected: number, total: number, room: number, focused: boolean): number {
  return focused ? Math.max(0, Math.min(selected - Math.floor(room / 2), total - room)) : 0;
}

/** Columns a pane's border and padding take from its width. */
export const PANE_CHROME = 4;

export function Pane({ title, width, height, focused, children }: PaneProps) {
  return (
    <Box
      flexDirection="column"
      width={width}
      height={height}
      borderStyle="round"
      borderColor={focused ? 'cyan' : 'gray'}
      paddingX={1}
      overflow="hidden"
    >
      {/* The title keeps its line when a short pane clips its content. */}
      <Box flexShrink={0}>
        <Text bold wrap="truncate">
          {clipWords(focused ? `▸ ${title}` : title, Math.max(1, width - PANE_CHROME))}
        </Text>
      </Box>
      {children}
    </Box>
  );
}
