// Order statistics over usage histories.
import { formatDuration } from './time.js';
import type { UsageSample } from '../model/analysis.js';

/** Nearest-rank percentile (0 < p ≤ 1) of values; NaN for none. Reorders a copy. */
export function percentile(values: readonly number[], p: number): number {
  const copy = Float64Array.from(values);
  return nearestRank(copy, withoutNaN(copy), p);
}

/** The 1-based nearest rank of p among n values. */
const rankOf = (n: number, p: number): number => Math.min(n, Math.max(1, Math.ceil(p * n)));

/**
 * Moves NaNs to the end (where sorting puts them) and returns how many values come before:
 * the selection below compares with `<`, which NaN would defeat.
 */
function withoutNaN(values: Float64Array): number {
  let end = values.length;
  for (let i = 0; i < end; i++) {
    if (Number.isNaN(values[i])) {
      values[i--] = values[--end]!;
      values[end] = NaN;
    }
  }
  return end;
}

/**
 * The nearest-rank percentile of values, as if sorted, the first `numbers` being non-NaN; NaN
 * for none. Reorders values (selection, linear on average, instead of a sort per percentile).
 */
function nearestRank(values: Float64Array, numbers: number, p: number): number {
  if (values.length === 0) return NaN;
  const k = rankOf(values.length, p) - 1;
  return k < numbers ? select(values, k, 0, numbers - 1) : NaN;
}

/**
 * Hoare's selection: rearranges values[lo..hi] so that values[k] is the value a sort would put
 * there, everything before it no greater and everything after no smaller, and returns it.
 */
function select(values: Float64Array, k: number, lo: number, hi: number): number {
  while (lo < hi) {
    const pivot = values[(lo + hi) >>> 1]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (values[i]! < pivot) i++;
      while (values[j]! > pivot) j--;
      if (i <= j) {
        const swap = values[i]!;
        values[i++] = values[j]!;
        values[j--] = swap;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else break;
  }
  return values[k]!;
}

export interface HistorySummary {
  samples: number;
  spanMs: number;
  cpuP50: number;
  cpuP95: number;
  memoryP95: number;
  memoryPeak: number;
}

export function summarize(samples: readonly UsageSample[]): HistorySummary {
  return summarizePooled([samples]);
}

/**
 * The summary of several histories taken as one (a workload's pods), without concatenating
 * them.
 */
export function summarizePooled(histories: readonly (readonly UsageSample[])[]): HistorySummary {
  let count = 0;
  for (const samples of histories) count += samples.length;
  let first = Infinity;
  let last = -Infinity;
  let memoryPeak = 0;
  const cpu = new Float64Array(count);
  const memory = new Float64Array(count);
  let i = 0;
  for (const samples of histories) {
    for (const sample of samples) {
      if (sample.at < first) first = sample.at;
      if (sample.at > last) last = sample.at;
      if (sample.memoryBytes > memoryPeak) memoryPeak = sample.memoryBytes;
      cpu[i] = sample.cpuMillis;
      memory[i++] = sample.memoryBytes;
    }
  }
  const cpuNumbers = withoutNaN(cpu);
  // Selected after the p95, the median is found in an array already partitioned around it.
  const cpuP95 = nearestRank(cpu, cpuNumbers, 0.95);
  const cpuP50 = nearestRank(cpu, cpuNumbers, 0.5);
  return {
    samples: count,
    spanMs: count ? last - first : 0,
    cpuP50,
    cpuP95,
    memoryP95: nearestRank(memory, withoutNaN(memory), 0.95),
    memoryPeak,
  };
}

/** Why a history is too short to judge, or undefined when it is long enough. */
export function historyShortfall(
  summary: Pick<HistorySummary, 'samples' | 'spanMs'>,
  options: { minSamples: number; minSpanMs: number },
): string | undefined {
  if (summary.samples >= options.minSamples && summary.spanMs >= options.minSpanMs) return undefined;
  return `${summary.samples} samples over ${formatDuration(summary.spanMs)} (need ${options.minSamples} over ${formatDuration(options.minSpanMs)})`;
}
