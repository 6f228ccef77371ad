// The `?` overlay, generated from the keymap so it can never disagree with what the keys do.
import { Box, Text } from 'ink';
import { KEYMAP } from './keymap.js';
import { Overlay } from './Overlay.js';

const KEYS_WIDTH = 15;

export function HelpOverlay({ width, height }: { width: number; height: number }) {
  // Borders and the title take 3 rows; on a short terminal the bindings flow into more columns
  // rather than overflow (Ink would draw the extra lines over each other).
  const rows = Math.max(1, height - 3);
  const columns = Math.ceil(KEYMAP.length / rows);
  const perColumn = Math.ceil(KEYMAP.length / columns);
  const columnWidth = Math.floor((width - 4) / columns);
  return (
    <Overlay title="keys (esc or ? closes)" width={width} height={height}>
      <Box>
        {Array.from({ length: columns }, (_, c) => (
          <Box key={c} flexDirection="column" width={columnWidth} paddingRight={2}>
            {KEYMAP.slice(c * perColumn, (c + 1) * perColumn).map((b) => (
              <Text key={b.command} wrap="truncate">
                <Text color="cyan">{b.keys.join(' / ').padEnd(KEYS_WIDTH)}</Text> {b.help}
              </Text>
            ))}
          </Box>
        ))}
      </Box>
    </Overlay>
  );
}
