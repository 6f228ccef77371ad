// The panes' shared clock: ticks on wall-clock multiples of each interval, so panes with 1 s, 5 s
// and 30 s clocks are told at the same instants (one frame), never at unrelated ones.
import { describe, expect, it } from 'vitest';
import { dueAt, nextTick } from '../../src/ui/useNow.js';

describe('nextTick', () => {
  it.each([
    [0, 1000, 1000],
    [999, 1000, 1000],
    [1000, 1000, 2000],
    [4_999, 5000, 5000],
    [5_000, 5000, 10_000],
    [12_345, 5000, 15_000],
    [12_345, 30_000, 30_000],
  ])('after %d with %d ms: %d', (now, interval, at) => {
    expect(nextTick(now, interval)).toBe(at);
  });
});

describe('dueAt', () => {
  // Subscribers last told at tick 2 of 5 s (10,000–14,999), tick 14 of 1 s, tick 0 of 30 s.
  const subs = [
    { intervalMs: 5000, tick: 2 },
    { intervalMs: 1000, tick: 14 },
    { intervalMs: 30_000, tick: 0 },
  ];
  it.each([
    [14_999, []],
    [15_000, [0, 1]],
    [15_500, [0, 1]],
    [29_999, [0, 1]],
    [30_000, [0, 1, 2]],
    // An early timer (before any boundary) tells nobody.
    [14_000, []],
  ])('at %d tells %j', (now, due) => {
    expect(dueAt(now, subs)).toEqual(due);
  });
});
