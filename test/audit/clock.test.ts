// The two clocks: a cluster reading converted to wall time, and a failure's times as a record
// keeps them (wall times for the figures, the cluster's beside them).
import { describe, expect, it } from 'vitest';
import { failureTimestamps, wallTimeOf } from '../../src/audit/clock.js';

const WALL = Date.parse('2026-12-01T12:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();

describe('wallTimeOf', () => {
  const cases: [string, { clusterMs: number; clusterNow: number; rate: number }, number][] = [
    ['same clock, now', { clusterMs: WALL, clusterNow: WALL, rate: 1 }, WALL],
    ['same clock, a minute ago', { clusterMs: WALL - 60_000, clusterNow: WALL, rate: 1 }, WALL - 60_000],
    // A real cluster five minutes ahead: its reading a minute ago is our minute ago.
    ['skewed +5 min', { clusterMs: WALL + 240_000, clusterNow: WALL + 300_000, rate: 1 }, WALL - 60_000],
    // The simulator at speed 10: 60 cluster seconds ago were 6 wall seconds ago.
    [
      'speed 10',
      { clusterMs: WALL + 3_600_000 - 60_000, clusterNow: WALL + 3_600_000, rate: 10 },
      WALL - 6_000,
    ],
    ['speed 0.5', { clusterMs: WALL - 1_000, clusterNow: WALL, rate: 0.5 }, WALL - 2_000],
    // A reading ahead of the cluster's now (a skew a moment old) is now, never the future.
    ['ahead of the cluster', { clusterMs: WALL + 5_000, clusterNow: WALL, rate: 10 }, WALL],
  ];
  it.each(cases)('%s', (_name, { clusterMs, clusterNow, rate }, wall) => {
    expect(wallTimeOf(clusterMs, clusterNow, WALL, rate)).toBe(wall);
  });

  it('refuses a rate that is not positive', () => {
    expect(() => wallTimeOf(WALL, WALL, WALL, 0)).toThrow('a clock rate must be positive, got 0');
  });
});

describe('failureTimestamps', () => {
  const sim = { now: () => WALL + 3_600_000, rate: 10 };
  it('gives wall times for the figures and keeps the cluster readings beside them', () => {
    const started = iso(WALL + 3_600_000 - 120_000);
    const detected = iso(WALL + 3_600_000 - 20_000);
    expect(failureTimestamps({ failureStarted: started, detected }, sim, WALL)).toEqual({
      failure_started: iso(WALL - 12_000),
      detected: iso(WALL - 2_000),
      cluster: { failure_started: started, detected, rate: 10 },
    });
  });

  it('keeps only what is known, and nothing for no times or unreadable ones', () => {
    expect(failureTimestamps({ detected: iso(WALL + 3_600_000) }, sim, WALL)).toEqual({
      detected: iso(WALL),
      cluster: { detected: iso(WALL + 3_600_000), rate: 10 },
    });
    expect(failureTimestamps({}, sim, WALL)).toEqual({});
    expect(failureTimestamps({ failureStarted: 'yesterday' }, sim, WALL)).toEqual({});
  });
});
