// Fixed-width text for the panes: padding, truncation, bars and sparklines.
import { formatBytes, formatCpu } from '../kube/quantity.js';

/** Where a cut may fall: after a space or a separator, never inside a word. */
const BOUNDARY = /[\s,/.:;·(\-_=]/;

/**
 * `text` in at most `width` characters: whole when it fits, else cut after the last word or field
 * boundary that leaves room for `…` (`5 (2m15s ago)` → `5 …`, not `5 (2m15s ag…`). A single word
 * longer than the width is cut where it must.
 */
export function clipWords(text: string, width: number): string {
  if (width <= 0) return '';
  if (text.length <= width) return text;
  if (width === 1) return '…';
  const room = text.slice(0, width - 1);
  let cut = -1;
  for (let i = room.length - 1; i > 0; i--)
    if (BOUNDARY.test(room[i]!) || BOUNDARY.test(text[i + 1] ?? '')) {
      cut = i + 1;
      break;
    }
  const head = (cut > 0 ? room.slice(0, cut) : room).trimEnd();
  return `${head}…`;
}

export function fit(text: string, width: number, align: 'left' | 'right' = 'left'): string {
  if (width <= 0) return '';
  const t = clipWords(text, width);
  return align === 'left' ? t.padEnd(width) : t.padStart(width);
}

const TICKS = '▁▂▃▄▅▆▇█';

/** The last `width` values as block characters, scaled to `max` (or the values' own maximum). */
export function sparkline(values: readonly number[], width: number, max?: number): string {
  const shown = values.slice(-width);
  const top = max ?? Math.max(1, ...shown);
  return shown
    .map((v) => TICKS[Math.max(0, Math.min(TICKS.length - 1, Math.floor((v / top) * (TICKS.length - 1))))])
    .join('');
}

/** A horizontal bar: `[█████·····]`. */
export function bar(fraction: number, width: number): string {
  const inner = Math.max(0, width - 2);
  const filled = Math.max(0, Math.min(inner, Math.round(fraction * inner)));
  return `[${'█'.repeat(filled)}${'·'.repeat(inner - filled)}]`;
}

export const cpuText = (millis: number | undefined): string =>
  millis === undefined ? '-' : formatCpu(millis);
export const memText = (value: number | undefined): string =>
  value === undefined ? '-' : formatBytes(value);
export const pctText = (value: number | undefined): string => (value === undefined ? '-' : `${value}%`);

export interface Piece {
  text: string;
  color?: string;
}

/** Coloured pieces of one line, cut as a whole at a word boundary (see clipWords). */
export function clipPieces(pieces: readonly Piece[], width: number): Piece[] {
  const whole = pieces.map((p) => p.text).join('');
  const clipped = clipWords(whole, width);
  if (clipped === whole) return [...pieces];
  let left = clipped.length - 1;
  const out: Piece[] = [];
  for (const p of pieces) {
    if (left <= 0) break;
    out.push({ ...p, text: p.text.slice(0, left) });
    left -= p.text.length;
  }
  out.push({ text: '…' });
  return out;
}
