// The resource view for every kind but pods: kubectl's columns (its printers, as the API's
// server-side tables), each as wide as its longest value so no value is cut; columns that do not
// fit drop from the right, and the last one kept takes what is left (an event's MESSAGE).
import { Text } from 'ink';
import { useEffect, useMemo, useRef } from 'react';
import { visibleWindow } from '../state/selectors.js';
import type { ViewKind } from '../state/types.js';
import { breadcrumb, objectTable, objectsOf, type ObjectTable } from '../state/views.js';
import { useCockpit, useCockpitStore } from './context.js';
import { fit } from './format.js';
import { Pane, PANE_CHROME } from './Pane.js';
import { useNow } from './useNow.js';

const MARK = '›';

/** Each column's width: its longest cell; columns kept left to right while they fit. */
export function tableWidths(table: ObjectTable, width: number): number[] {
  const longest = table.columns.map((title, c) =>
    table.rows.reduce((n, r) => Math.max(n, r.cells[c]!.length), title.length),
  );
  const widths: number[] = [];
  let used = 0;
  for (const [c, w] of longest.entries()) {
    const gap = c === 0 ? 0 : 1;
    if (used + gap + w <= width) {
      widths.push(w);
      used += gap + w;
      continue;
    }
    // The first column (the name) always shows; a later one shows cut only when it is the last.
    const left = width - used - gap;
    if (c === 0 || left >= Math.min(w, 12)) widths.push(Math.max(1, c === 0 ? width : left));
    break;
  }
  // Spare room goes to the last column shown.
  if (widths.length === table.columns.length && widths.length > 0)
    widths[widths.length - 1]! += Math.max(0, width - used);
  return widths;
}

export function ObjectPane({
  kind,
  width,
  height,
  focused,
}: {
  kind: ViewKind;
  width: number;
  height: number;
  focused: boolean;
}) {
  const store = useCockpitStore();
  const objects = useCockpit((s) => objectsOf(s, kind));
  const view = useCockpit((s) => s.ui.view);
  const filter = useCockpit((s) => s.ui.filter);
  const selectedKey = useCockpit((s) => s.ui.selectedObjectKey);
  const synced = useCockpit((s) => s.synced[kind]);
  const forbidden = useCockpit((s) => s.forbidden[kind]);
  const allNamespaces = useCockpit((s) => s.connection.namespace === undefined);
  const skew = useCockpit((s) => s.connection.clockSkewMs ?? 0);
  const now = useNow(5_000) + skew;
  const table = useMemo(
    () => objectTable(objects, kind, now, filter, allNamespaces),
    [objects, kind, now, filter, allNamespaces],
  );
  const rows = table.rows;
  const found = rows.findIndex((r) => r.key === selectedKey);
  const selected = Math.max(0, found);
  const lastIndex = useRef(0);
  useEffect(() => {
    if (found >= 0) lastIndex.current = found;
    else if (rows.length > 0)
      store.getState().setUi({ selectedObjectKey: rows[Math.min(lastIndex.current, rows.length - 1)]!.key });
  }, [found, rows, store]);
  const widths = tableWidths(table, width - PANE_CHROME - MARK.length);
  const line = (cells: readonly string[]) => widths.map((w, c) => fit(cells[c] ?? '', w)).join(' ');
  const bodyHeight = Math.max(0, height - 4);
  const { start, end } = visibleWindow(rows.length, selected, bodyHeight);
  const count = filter ? `${rows.length} of ${objects.size}` : String(rows.length);
  const title = `${breadcrumb(view)}${filter ? ` /${filter}` : ''} (${count})`;
  let message: string | undefined;
  if (forbidden) message = forbidden;
  else if (!synced && objects.size === 0) message = 'loading…';
  else if (rows.length === 0) message = filter ? `nothing matches "${filter}"` : `no ${breadcrumb({ kind })}`;
  return (
    <Pane title={title} width={width} height={height} focused={focused}>
      <Text dimColor wrap="truncate">
        {' '}
        {line(table.columns)}
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
            <Text key={row.key} wrap="truncate" inverse={isSelected && focused} bold={isSelected}>
              {isSelected ? MARK : ' '}
              {line(row.cells)}
            </Text>
          );
        })
      )}
    </Pane>
  );
}
