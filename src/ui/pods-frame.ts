// What the pods pane draws, as plain values: derived in the store's subscription and compared with
// the last frame, so a watch batch that changes no visible cell (a label, a status heartbeat, a
// pod below the window) costs no React render and no Ink frame. Under 2,000 pod events a second
// every pod changes twice a second; the 44 rows on screen mostly do not.
import type { V1Pod } from '@kubernetes/client-node';
import { podRows, visibleWindow, type Health, type PodRow } from '../state/selectors.js';
import type { CockpitState, SortKey } from '../state/types.js';
import { columnsFor, renderCells, type Column } from './columns.js';

/** The selected row's mark: the one cue that survives NO_COLOR, where inverse and bold vanish. */
export const MARK = '›';

export interface PodLine {
  key: string;
  text: string;
  health: Health;
  selected: boolean;
}

export interface PodsFrame {
  header: string;
  lines: PodLine[];
  /** All rows after the filter (the title's count). */
  count: number;
  /** Index of the selected key among the rows, -1 when it is not among them. */
  found: number;
}

export interface PodsFrameInput {
  pods: ReadonlyMap<string, V1Pod>;
  metrics: CockpitState['metrics'];
  now: number;
  filter: string;
  sortBy: SortKey;
  selectedKey: string | undefined;
  /** Columns' room (the pane's inner width less the mark). */
  width: number;
  showNamespace: boolean;
  bodyHeight: number;
}

export interface PodsFramer {
  (input: PodsFrameInput): PodsFrame;
  /** The key of row `index` of the last frame's rows (the selection's fallback). */
  keyAt(index: number): string | undefined;
}

/** A framer for one pane: rows and columns are re-derived only when their inputs change. */
export function createPodsFramer(): PodsFramer {
  let rowsFor: unknown[] = [];
  let rows: PodRow[] = [];
  let columnsFor_: unknown[] = [];
  let columns: Column[] = [];
  const same = (a: unknown[], b: unknown[]) => a.length === b.length && a.every((v, i) => v === b[i]);
  const framer = (input: PodsFrameInput): PodsFrame => {
    const rowInputs = [input.pods, input.metrics, input.now, input.filter, input.sortBy];
    if (!same(rowInputs, rowsFor)) {
      rows = podRows(input, input.now, input.filter, input.sortBy);
      rowsFor = rowInputs;
    }
    const columnInputs = [rows, input.width, input.showNamespace];
    if (!same(columnInputs, columnsFor_)) {
      columns = columnsFor(input.width, input.showNamespace, rows);
      columnsFor_ = columnInputs;
    }
    const found = rows.findIndex((r) => r.key === input.selectedKey);
    const selected = Math.max(0, found);
    const { start, end } = visibleWindow(rows.length, selected, input.bodyHeight);
    const lines = rows.slice(start, end).map((row, i) => {
      const isSelected = start + i === selected;
      return {
        key: row.key,
        text: (isSelected ? MARK : ' ') + renderCells(columns, (c) => c.cell(row)),
        health: row.health,
        selected: isSelected,
      };
    });
    return { header: ' ' + renderCells(columns, (c) => c.title), lines, count: rows.length, found };
  };
  return Object.assign(framer, { keyAt: (index: number) => rows[index]?.key });
}

/** Whether two frames draw the same (and select the same row). */
export function samePodsFrame(a: PodsFrame, b: PodsFrame): boolean {
  return (
    a.count === b.count &&
    a.found === b.found &&
    a.header === b.header &&
    a.lines.length === b.lines.length &&
    a.lines.every((l, i) => {
      const m = b.lines[i]!;
      return l.key === m.key && l.text === m.text && l.health === m.health && l.selected === m.selected;
    })
  );
}
