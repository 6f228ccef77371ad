// The analysis worker collects its garbage itself once a run left more than the allowance behind,
// and not before: a collection per small run would cost the worker for nothing.
import { describe, expect, it } from 'vitest';
import { collectorOfGarbage, GARBAGE_ALLOWANCE_MB, shouldCollect } from '../../src/analysis/worker-gc.js';
import { getHeapStatistics } from 'node:v8';

const CASES: { used: number; live: number; collect: boolean; why: string }[] = [
  { used: 10, live: 10, collect: false, why: 'nothing left behind' },
  { used: 10 + GARBAGE_ALLOWANCE_MB, live: 10, collect: false, why: 'exactly the allowance' },
  { used: 10 + GARBAGE_ALLOWANCE_MB + 0.1, live: 10, collect: true, why: 'over the allowance' },
  { used: 80, live: 35, collect: true, why: 'a 10,000-pod run: 45 MB of garbage' },
  { used: 40, live: 35, collect: false, why: 'a small run beside a large mirror' },
  { used: 5, live: 35, collect: false, why: 'V8 collected on its own since' },
];

describe('the analysis worker collecting its own garbage', () => {
  it.each(CASES)('$why: collect $collect', ({ used, live, collect }) => {
    expect(shouldCollect(used, live)).toBe(collect);
  });

  it('gives the garbage of a large run back', () => {
    const collect = collectorOfGarbage();
    // A run's leftovers: made and dropped inside a function, so nothing here still holds them.
    const leave = (): number =>
      Array.from({ length: 400 }, () => Array.from({ length: 20_000 }, (_, i) => i + 0.5)).length;
    expect(leave()).toBe(400);
    const before = getHeapStatistics().used_heap_size;
    collect();
    expect(getHeapStatistics().used_heap_size).toBeLessThan(before - GARBAGE_ALLOWANCE_MB * 2 ** 20);
  });
});
