// The frame every overlay shares: a double cyan border over the panes and a bold title line.
import { Box, Text } from 'ink';
import type { ReactNode } from 'react';
import { clipWords } from './format.js';

export function Overlay({
  title,
  width,
  height,
  children,
}: {
  title: ReactNode;
  width: number;
  height: number;
  children: ReactNode;
}) {
  return (
    <Box
      flexDirection="column"
      width={width}
      height={height}
      borderStyle="double"
      borderColor="cyan"
      paddingX={1}
    >
      <Text bold wrap="truncate">
        {/* Inside the border and padding; a title is cut between words, not inside one. */}
        {typeof title === 'string' ? clipWords(title, width - 4) : title}
      </Text>
      {children}
    </Box>
  );
}
