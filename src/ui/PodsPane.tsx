// The pods pane: kubectl's columns plus live usage, coloured by health, filtered and sorted;
// only the rows that fit are rendered, however many pods there are.
import { Box, Text } from 'ink';
import { useMemo } from 'react';
import { podRows, visibleWindow, type Health } from '../state/selectors.js';
import { columnsFor, renderCells } from './columns.js';
import { useCockpit } from './context.js';
import { useNow } from './useNow.js';

const HEALTH_COLOR: Record<Health, string> = {
  ok: 'green',
  warn: 'yellow',
  error: 'red',
  pending: 'cyan',
  terminating: 'gray',
};

export function PodsPane({ width, height, focused }: { width: number; height: number; focused: boolean }) {
  const pods = useCockpit((s) => s.pods);
  const metrics = useCockpit((s) => s.metrics);
  const filter = useCockpit((s) => s.ui.filter);
  const sortBy = useCockpit((s) => s.ui.sortBy);
  const selectedKey = useCockpit((s) => s.ui.selectedPodKey);
  const synced = useCockpit((s) => s.synced.pods);
  const forbidden = useCockpit((s) => s.forbidden.pods);
  const reconnecting = useCockpit((s) => s.connection.status === 'reconnecting');
  const allNamespaces = useCockpit((s) => s.connection.namespace === undefined);
  const skew = useCockpit((s) => s.connection.clockSkewMs ?? 0);
  const now = useNow(5_000) + skew;
  const rows = useMemo(
    () => podRows({ pods, metrics }, now, filter, sortBy),
    [pods, metrics, now, filter, sortBy],
  );
  const inner = width - 3;
  const columns = columnsFor(inner, allNamespaces);
  const bodyHeight = Math.max(0, height - 4 - (reconnecting ? 1 : 0));
  const selected = Math.max(
    0,
    rows.findIndex((r) => r.key === selectedKey),
  );
  const { start, end } = visibleWindow(rows.length, selected, bodyHeight);
  const title = ` pods${filter ? ` /${filter}` : ''} (${rows.length}${filter ? ` of ${pods.size}` : ''}) sort:${sortBy} `;
  let message: string | undefined;
  if (forbidden) message = forbidden;
  else if (!synced && pods.size === 0) message = 'loading…';
  else if (rows.length === 0) message = filter ? `no pods match "${filter}"` : 'no pods';
  return (
    <Box
      flexDirection="column"
      width={width}
      height={height}
      borderStyle="round"
      borderColor={focused ? 'cyan' : 'gray'}
    >
      <Text bold wrap="truncate">
        {title}
      </Text>
      {reconnecting && (
        <Text color="yellow" wrap="truncate">
          connection lost — showing the last known state, reconnecting…
        </Text>
      )}
      <Text dimColor wrap="truncate">
        {renderCells(columns, (c) => c.title)}
      </Text>
      {message ? (
        <Text color={forbidden ? 'red' : 'gray'} wrap="truncate">
          {message}
        </Text>
      ) : (
        rows.slice(start, end).map((row, i) => {
          const isSelected = start + i === selected;
          return (
            <Text
              key={row.key}
              wrap="truncate"
              color={HEALTH_COLOR[row.health]}
              inverse={isSelected && focused}
              dimColor={reconnecting}
              bold={isSelected}
            >
              {renderCells(columns, (c) => c.cell(row))}
            </Text>
          );
        })
      )}
    </Box>
  );
}
