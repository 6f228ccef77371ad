// The `?` overlay, generated from the keymap so it can never disagree with what the keys do.
import { Box, Text } from 'ink';
import { KEYMAP, type Binding } from './keymap.js';
import { Overlay } from './Overlay.js';

const KEYS_WIDTH = 15;
const GAP = 2;

/**
 * Bindings in columns: as few as fit the rows, each help text wrapped under itself. On a short
 * terminal they flow into more columns rather than overflow (Ink would draw the extra lines over
 * each other); when even that does not fit, help texts are cut to one line.
 */
function flow(width: number, rows: number): { columns: Binding[][]; columnWidth: number; wrap: boolean } {
  for (let count = 1; count <= 4; count++) {
    const columnWidth = Math.floor((width - 4) / count);
    const helpWidth = columnWidth - GAP - KEYS_WIDTH - 1;
    if (helpWidth < 12) break;
    const columns: Binding[][] = [[]];
    let used = 0;
    for (const b of KEYMAP) {
      const height = Math.ceil(b.help.length / helpWidth);
      if (used + height > rows) {
        columns.push([]);
        used = 0;
      }
      columns.at(-1)!.push(b);
      used += height;
    }
    if (columns.length <= count) return { columns, columnWidth, wrap: true };
  }
  const count = Math.ceil(KEYMAP.length / rows);
  const perColumn = Math.ceil(KEYMAP.length / count);
  return {
    columns: Array.from({ length: count }, (_, c) => KEYMAP.slice(c * perColumn, (c + 1) * perColumn)),
    columnWidth: Math.floor((width - 4) / count),
    wrap: false,
  };
}

export function HelpOverlay({ width, height }: { width: number; height: number }) {
  // Borders and the title take 3 rows.
  const { columns, columnWidth, wrap } = flow(width, Math.max(1, height - 3));
  return (
    <Overlay title="keys (esc or ? closes)" width={width} height={height}>
      <Box>
        {columns.map((bindings, c) => (
          <Box key={c} flexDirection="column" width={columnWidth} paddingRight={GAP}>
            {bindings.map((b) => (
              <Box key={b.command}>
                <Box width={KEYS_WIDTH + 1} flexShrink={0}>
                  <Text color="cyan">{b.keys.join(' / ')}</Text>
                </Box>
                <Text wrap={wrap ? 'wrap' : 'truncate'}>{b.help}</Text>
              </Box>
            ))}
          </Box>
        ))}
      </Box>
    </Overlay>
  );
}
