import { describe, expect, it } from 'vitest';
import { historyShortfall, percentile, summarize } from '../../src/analysis/stats.js';
import { formatDuration } from '../../src/analysis/time.js';

describe('stats', () => {
  it('takes nearest-rank percentiles without reordering the input', () => {
    const values = [5, 1, 4, 2, 3, 10, 9, 8, 7, 6];
    expect(percentile(values, 0.95)).toBe(10);
    expect(percentile(values, 0.5)).toBe(5);
    expect(percentile([42], 0.95)).toBe(42);
    expect(percentile([], 0.95)).toBeNaN();
    expect(values[0]).toBe(5);
  });

  it('summarizes a history regardless of sample order', () => {
    const summary = summarize([
      { at: 3000, cpuMillis: 30, memoryBytes: 300 },
      { at: 1000, cpuMillis: 10, memoryBytes: 100 },
      { at: 2000, cpuMillis: 20, memoryBytes: 900 },
    ]);
    expect(summary).toEqual({
      samples: 3,
      spanMs: 2000,
      cpuP50: 20,
      cpuP95: 30,
      memoryP95: 900,
      memoryPeak: 900,
    });
  });

  it('says what is missing from a short history', () => {
    const need = { minSamples: 20, minSpanMs: 600_000 };
    expect(historyShortfall({ samples: 20, spanMs: 600_000 }, need)).toBeUndefined();
    expect(historyShortfall({ samples: 40, spanMs: 90_000 }, need)).toBe(
      '40 samples over 1m (need 20 over 10m)',
    );
  });

  it('formats durations', () => {
    expect([45_000, 600_000, 5_400_000, 7_200_000, 3 * 86_400_000].map(formatDuration)).toEqual([
      '45s',
      '10m',
      '1h30m',
      '2h',
      '3d',
    ]);
  });
});
