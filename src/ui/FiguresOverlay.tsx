// The `m` overlay: the operations plan's figures as the audit trail computes them.
import { Box, Text } from 'ink';
import { figuresTable } from '../audit/metrics.js';
import { useCockpit } from './context.js';

export function FiguresOverlay({ width, height }: { width: number; height: number }) {
  const figures = useCockpit((s) => s.auditFigures);
  const lines =
    figures && figures.records > 0
      ? figuresTable(figures).trimEnd().split('\n')
      : ['no Prompt History Records yet (history/prompts/)'];
  return (
    <Box
      flexDirection="column"
      width={width}
      height={height}
      borderStyle="double"
      borderColor="cyan"
      paddingX={1}
    >
      <Text bold>audit figures from the PHRs (m or esc closes)</Text>
      {lines.slice(0, Math.max(0, height - 3)).map((line) => (
        <Text key={line} wrap="truncate">
          {line}
        </Text>
      ))}
    </Box>
  );
}
