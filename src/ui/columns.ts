// The pods table's columns and which of them fit a width: NAME takes what is left, optional
// columns drop in priority order (NODE, AGE and the percentages first) rather than wrapping.
import type { PodRow } from '../state/selectors.js';
import { cpuText, fit, memText, pctText } from './format.js';

export interface Column {
  title: string;
  width: number;
  /** Lower drops first; undefined never drops. */
  priority?: number;
  align?: 'left' | 'right';
  /** Widened to its longest value among the rows, up to this many characters. */
  content?: number;
  cell(row: PodRow): string;
}

const COLUMNS: readonly Column[] = [
  { title: 'NAMESPACE', width: 9, priority: 5, cell: (r) => r.namespace, content: 20 },
  { title: 'NAME', width: 24, cell: (r) => r.name },
  { title: 'READY', width: 5, priority: 9, cell: (r) => r.ready, content: 9 },
  // As wide as the longest reason shown (ContainerCreating, CreateContainerConfigError): whole.
  { title: 'STATUS', width: 16, cell: (r) => r.status, content: 32 },
  // `5 (2m15s ago)` whole, or not at all.
  { title: 'RESTARTS', width: 8, priority: 8, cell: (r) => r.restartsText, content: 16 },
  { title: 'AGE', width: 5, priority: 2, cell: (r) => r.age, content: 8 },
  { title: 'NODE', width: 10, priority: 1, cell: (r) => r.node },
  { title: 'CPU', width: 5, priority: 7, align: 'right', cell: (r) => cpuText(r.cpuMillis) },
  { title: 'MEM', width: 7, priority: 6, align: 'right', cell: (r) => memText(r.memoryBytes) },
  { title: '%CPU/R', width: 6, priority: 4, align: 'right', cell: (r) => pctText(r.cpuOfRequest) },
  { title: '%MEM/L', width: 6, priority: 3, align: 'right', cell: (r) => pctText(r.memOfLimit) },
];

/** Columns for a table `width` characters wide (one space between columns); NAME widened to fill. */
export function columnsFor(width: number, showNamespace: boolean, rows: readonly PodRow[] = []): Column[] {
  const all = COLUMNS.filter((c) => showNamespace || c.title !== 'NAMESPACE').map((c) => {
    if (!c.content) return c;
    let longest = c.title.length;
    for (const r of rows) longest = Math.max(longest, c.cell(r).length);
    return { ...c, width: Math.min(c.content, Math.max(c.width, longest)) };
  });
  const total = (list: Iterable<Column>): number => [...list].reduce((n, c) => n + c.width + 1, 0) - 1;
  const droppable = all.filter((c) => c.priority !== undefined).sort((a, b) => a.priority! - b.priority!);
  const kept = new Set(all);
  for (const c of droppable) {
    if (total(kept) <= width) break;
    kept.delete(c);
  }
  // A narrow column dropped for a wide one may still fit on its own.
  for (const c of droppable.toReversed()) if (!kept.has(c) && total([...kept, c]) <= width) kept.add(c);
  const cols = all.filter((c) => kept.has(c));
  const spare = Math.max(0, width - total(cols));
  return cols.map((c) => (c.title === 'NAME' ? { ...c, width: c.width + spare } : c));
}

export function renderCells(columns: readonly Column[], cell: (c: Column) => string): string {
  return columns.map((c) => fit(cell(c), c.width, c.align)).join(' ');
}
