// The `?` overlay, generated from the keymap so it can never disagree with what the keys do.
import { Box, Text } from 'ink';
import { KEYMAP } from './keymap.js';

export function HelpOverlay({ width, height }: { width: number; height: number }) {
  return (
    <Box
      flexDirection="column"
      width={width}
      height={height}
      borderStyle="double"
      borderColor="cyan"
      paddingX={1}
    >
      <Text bold>keys (esc or ? closes)</Text>
      {KEYMAP.map((b) => (
        <Text key={b.command} wrap="truncate">
          <Text color="cyan">{b.keys.join(' / ').padEnd(16)}</Text> {b.help}
        </Text>
      ))}
    </Box>
  );
}
