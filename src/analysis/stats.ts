// Order statistics over usage histories.
import { formatDuration } from './time.js';
import type { UsageSample } from './types.js';

/** Nearest-rank percentile (0 < p ≤ 1) of values; NaN for none. Sorts a copy. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = Float64Array.from(values).sort();
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
  let first = Infinity;
  let last = -Infinity;
  let memoryPeak = 0;
  const cpu: number[] = [];
  const memory: number[] = [];
  for (const sample of samples) {
    if (sample.at < first) first = sample.at;
    if (sample.at > last) last = sample.at;
    if (sample.memoryBytes > memoryPeak) memoryPeak = sample.memoryBytes;
    cpu.push(sample.cpuMillis);
    memory.push(sample.memoryBytes);
  }
  return {
    samples: samples.length,
    spanMs: samples.length ? last - first : 0,
    cpuP50: percentile(cpu, 0.5),
    cpuP95: percentile(cpu, 0.95),
    memoryP95: percentile(memory, 0.95),
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
