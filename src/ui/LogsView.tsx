// `l` on a pod: the log the log service streams into the store, in the whole body. Only the
// visible window is built (10,000 lines are never joined or wrapped per frame); it follows the
// end while at the bottom, and a scroll up holds still while lines arrive.
import { Text } from 'ink';
import type { LogView } from '../state/types.js';
import { refLabel } from '../state/views.js';
import { useCockpit } from './context.js';
import { hintLine } from './keymap.js';
import { Overlay } from './Overlay.js';
import { overlayRows } from './ScrollOverlay.js';

/** The rows shown: whole lines (cut or wrapped to `width`) from `top`, or the last ones when following. */
export function logWindow(
  lines: readonly string[],
  firstIndex: number | undefined,
  rows: number,
  width: number,
  wrap: boolean,
): { index: number; text: string }[] {
  const pieces = (index: number): { index: number; text: string }[] => {
    const line = lines[index]!;
    if (!wrap || line.length <= width) return [{ index, text: line }];
    const out = [];
    for (let at = 0; at < line.length; at += width) out.push({ index, text: line.slice(at, at + width) });
    return out;
  };
  const out: { index: number; text: string }[] = [];
  if (firstIndex === undefined) {
    for (let i = lines.length - 1; i >= 0 && out.length < rows; i--) out.unshift(...pieces(i));
    return out.slice(Math.max(0, out.length - rows));
  }
  for (let i = Math.max(0, firstIndex); i < lines.length && out.length < rows; i++) out.push(...pieces(i));
  return out.slice(0, rows);
}

function Highlighted({ text, needle }: { text: string; needle: string }) {
  if (!needle) return <>{text}</>;
  const parts: { text: string; hit: boolean }[] = [];
  const lower = text.toLowerCase();
  let at = 0;
  for (let i = lower.indexOf(needle); i >= 0; i = lower.indexOf(needle, at)) {
    if (i > at) parts.push({ text: text.slice(at, i), hit: false });
    parts.push({ text: text.slice(i, i + needle.length), hit: true });
    at = i + needle.length;
  }
  parts.push({ text: text.slice(at), hit: false });
  return (
    <>
      {parts.map((p, i) =>
        p.hit ? (
          <Text key={i} inverse color="yellow">
            {p.text}
          </Text>
        ) : (
          p.text
        ),
      )}
    </>
  );
}

const status = (view: LogView): string =>
  view.status === 'streaming' ? 'following' : view.status + (view.message ? `: ${view.message}` : '');

export function LogsView({ width, height, readOnly }: { width: number; height: number; readOnly: boolean }) {
  const view = useCockpit((s) => s.logView);
  const ui = useCockpit((s) => s.ui.logUi);
  const rows = overlayRows(height);
  const inner = Math.max(10, width - 4);
  const first = view && ui.top !== undefined ? ui.top - view.dropped : undefined;
  const shown = view ? logWindow(view.lines, first, rows, inner, ui.wrap) : [];
  const needle = ui.search.toLowerCase();
  const title = view
    ? `logs ${refLabel(view.ref)} · ${view.container}${view.previous ? ' · previous run' : ''} · ${status(view)}`
    : 'logs (connecting…)';
  const lastShown = shown.at(-1)?.index;
  const position = view
    ? ui.top === undefined
      ? `${view.lines.length + view.dropped} lines · at the end${view.status === 'streaming' ? ', following' : ''}`
      : `line ${(first ?? 0) + view.dropped + 1} of ${view.lines.length + view.dropped} · G follows`
    : '';
  return (
    <Overlay width={width} height={height} title={title}>
      {view && view.lines.length === 0 ? (
        <Text color="gray">{view.status === 'failed' ? (view.message ?? 'failed') : 'no lines yet'}</Text>
      ) : (
        shown.map((row, i) => (
          <Text key={i} wrap="truncate">
            <Highlighted text={row.text || ' '} needle={needle} />
          </Text>
        ))
      )}
      {Array.from({ length: Math.max(0, rows - Math.max(1, shown.length)) }, (_, i) => (
        <Text key={`pad${i}`}> </Text>
      ))}
      <Text color="gray" wrap="truncate">
        {position}
        {view && view.dropped > 0 && lastShown !== undefined ? ` · ${view.dropped} older dropped` : ''}
        {ui.search ? ` · /${ui.search}` : ''} · {hintLine(['logs'], readOnly, Math.max(0, width - 60))}
      </Text>
    </Overlay>
  );
}
