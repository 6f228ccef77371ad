// Order statistics over usage histories.
import { formatDuration } from './time.js';
import type { UsageSample } from './types.js';

/** Nearest-rank percentile (0 < p ≤ 1) of values; NaN for none. Sorts a copy. */
export function percentile(values: readonly number[], p: number): number {
  return nearestRank(Float64Array.from(values).sort(), p);
}

/** Nearest-rank percentile of already sorted values; NaN for none. */
function nearestRank(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(p * sorted.length)));
  return sorted[rank - 1]!;
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
 * them; each series is sorted once for all its percentiles.
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
  cpu.sort();
  memory.sort();
  return {
    samples: count,
    spanMs: count ? last - first : 0,
    cpuP50: nearestRank(cpu, 0.5),
    cpuP95: nearestRank(cpu, 0.95),
    memoryP95: nearestRank(memory, 0.95),
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
