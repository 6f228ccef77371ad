// Fixed-width text for the panes: padding, truncation, bars and sparklines.
import { formatBytes, formatCpu } from '../kube/quantity.js';

export function fit(text: string, width: number, align: 'left' | 'right' = 'left'): string {
  if (width <= 0) return '';
  const t = text.length > width ? (width > 1 ? text.slice(0, width - 1) + '…' : text.slice(0, width)) : text;
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
