// The pods pane: kubectl's columns plus live usage, coloured by health, filtered and sorted;
// only the rows that fit are rendered, however many pods there are.
import { Text } from 'ink';
import { useEffect, useMemo, useRef } from 'react';
import { podRows, visibleWindow, type Health } from '../state/selectors.js';
import { breadcrumb, viewPods } from '../state/views.js';
import { columnsFor, renderCells } from './columns.js';
import { useCockpit, useCockpitStore } from './context.js';
import { Pane, PANE_CHROME } from './Pane.js';
import { useNow } from './useNow.js';

const HEALTH_COLOR: Record<Health, string> = {
  ok: 'green',
  warn: 'yellow',
  error: 'red',
  pending: 'cyan',
  terminating: 'gray',
};

/** The selected row's mark: the one cue that survives NO_COLOR, where inverse and bold vanish. */
const MARK = '›';

export function PodsPane({ width, height, focused }: { width: number; height: number; focused: boolean }) {
  const store = useCockpitStore();
  const pods = useCockpit(viewPods);
  const view = useCockpit((s) => s.ui.view);
  const metrics = useCockpit((s) => s.metrics);
  const filter = useCockpit((s) => s.ui.filter);
  const sortBy = useCockpit((s) => s.ui.sortBy);
  const selectedKey = useCockpit((s) => s.ui.selectedPodKey);
  const synced = useCockpit((s) => s.synced.pods);
  const forbidden = useCockpit((s) => s.forbidden.pods);
  const reconnecting = useCockpit((s) => s.connection.status === 'reconnecting');
  const lostReason = useCockpit((s) => s.connection.message);
  const allNamespaces = useCockpit((s) => s.connection.namespace === undefined);
  const skew = useCockpit((s) => s.connection.clockSkewMs ?? 0);
  const now = useNow(5_000) + skew;
  const rows = useMemo(
    () => podRows({ pods, metrics }, now, filter, sortBy),
    [pods, metrics, now, filter, sortBy],
  );
  const found = rows.findIndex((r) => r.key === selectedKey);
  const selected = Math.max(0, found);
  // The store always names the row shown as selected (the metrics pane follows it). When that pod
  // goes away or is filtered out, the row now at its place is selected rather than the top one.
  const lastIndex = useRef(0);
  useEffect(() => {
    if (found >= 0) lastIndex.current = found;
    else if (rows.length > 0)
      store.getState().setUi({ selectedPodKey: rows[Math.min(lastIndex.current, rows.length - 1)]!.key });
  }, [found, rows, store]);

  const columns = columnsFor(width - PANE_CHROME - MARK.length, allNamespaces && !view.owner, rows);
  const bodyHeight = Math.max(0, height - 4 - (reconnecting ? 1 : 0));
  const { start, end } = visibleWindow(rows.length, selected, bodyHeight);
  const count = filter ? `${rows.length} of ${pods.size}` : String(rows.length);
  const title = `${breadcrumb(view)}${filter ? ` /${filter}` : ''} (${count}) sort:${sortBy}`;
  let message: string | undefined;
  if (forbidden) message = forbidden;
  else if (!synced && pods.size === 0) message = 'loading…';
  else if (rows.length === 0)
    message = filter
      ? `no pods match "${filter}"`
      : view.owner
        ? `no pods of ${breadcrumb({ kind: view.owner.kind })} ${view.owner.name}`
        : 'no pods';
  return (
    <Pane title={title} width={width} height={height} focused={focused}>
      {reconnecting && (
        <Text color="yellow" wrap="truncate">
          {lostReason ?? 'connection lost'} — showing the last known state, reconnecting…
        </Text>
      )}
      <Text dimColor wrap="truncate">
        {' '}
        {renderCells(columns, (c) => c.title)}
      </Text>
      {message ? (
        <Text color={forbidden ? 'red' : 'gray'} wrap="truncate">
          {' '}
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
              {isSelected ? MARK : ' '}
              {renderCells(columns, (c) => c.cell(row))}
            </Text>
          );
        })
      )}
    </Pane>
  );
}
