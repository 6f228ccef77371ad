import { describe, expect, it } from 'vitest';
import { parseDuration } from '../../src/kube/duration.js';

describe('parseDuration reads Go durations', () => {
  it.each<[string | undefined, number | undefined]>([
    ['15s', 15_000],
    ['1m30s', 90_000],
    ['1.5h', 5_400_000],
    ['2h45m', 9_900_000],
    ['300ms', 300],
    ['1m0.5s', 60_500],
    [' 10s ', 10_000],
    ['0s', 0],
    ['10', undefined],
    ['s', undefined],
    ['1m 30s', undefined],
    ['-5s', undefined],
    ['1d', undefined],
    ['', undefined],
    [undefined, undefined],
  ])('%j → %j', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });
});
