// Cron schedules: which minute comes next, in UTC and in a named time zone, and which schedules
// the parser refuses.
import { describe, expect, it } from 'vitest';
import { nextScheduleAfter, parseCron } from '../../src/kube/cron.js';

const at = (iso: string): number => Date.parse(iso);
const next = (schedule: string, after: string, timeZone?: string): string | undefined => {
  const t = nextScheduleAfter(parseCron(schedule), at(after), timeZone);
  return t === undefined ? undefined : new Date(t).toISOString();
};

describe('nextScheduleAfter', () => {
  it.each([
    ['* * * * *', '2026-12-01T11:13:20Z', '2026-12-01T11:14:00.000Z'],
    ['* * * * *', '2026-12-01T11:13:00Z', '2026-12-01T11:14:00.000Z'],
    ['*/5 * * * *', '2026-12-01T11:13:00Z', '2026-12-01T11:15:00.000Z'],
    ['0 * * * *', '2026-12-01T11:13:00Z', '2026-12-01T12:00:00.000Z'],
    ['@hourly', '2026-12-01T23:30:00Z', '2026-12-02T00:00:00.000Z'],
    ['@daily', '2026-12-31T00:00:00Z', '2027-01-01T00:00:00.000Z'],
    ['@weekly', '2026-12-01T00:00:00Z', '2026-12-06T00:00:00.000Z'], // Tuesday → Sunday
    ['@monthly', '2026-12-15T00:00:00Z', '2027-01-01T00:00:00.000Z'],
    ['@yearly', '2026-12-15T00:00:00Z', '2027-01-01T00:00:00.000Z'],
    ['30 2 * * mon-fri', '2026-12-05T00:00:00Z', '2026-12-07T02:30:00.000Z'], // Saturday → Monday
    ['0 9 * * 7', '2026-12-01T00:00:00Z', '2026-12-06T09:00:00.000Z'], // 7 is Sunday
    ['0 9 * * 5-7', '2026-12-01T00:00:00Z', '2026-12-04T09:00:00.000Z'],
    ['0 0 1,15 * *', '2026-12-02T00:00:00Z', '2026-12-15T00:00:00.000Z'],
    ['0 0 * feb *', '2026-12-02T00:00:00Z', '2027-02-01T00:00:00.000Z'],
    ['0 0 29 2 *', '2026-03-01T00:00:00Z', '2028-02-29T00:00:00.000Z'],
    // Both day fields restricted: either matches (cron's OR rule). 2026-12-10 is a Thursday.
    ['0 0 13 * thu', '2026-12-08T00:00:00Z', '2026-12-10T00:00:00.000Z'],
    ['0 0 31 2 *', '2026-12-01T00:00:00Z', undefined],
    ['10-20/5 * * * *', '2026-12-01T11:16:00Z', '2026-12-01T11:20:00.000Z'],
    ['5/20 * * * *', '2026-12-01T11:26:00Z', '2026-12-01T11:45:00.000Z'],
    // A step clears the star: both day fields count as restricted, so either day matches.
    ['0 0 */10 * mon', '2026-12-02T00:00:00Z', '2026-12-07T00:00:00.000Z'],
    ['@every 5m', '2026-12-01T11:13:20Z', '2026-12-01T11:18:20.000Z'],
    ['@every 1m30s', '2026-12-01T11:13:20Z', '2026-12-01T11:14:50.000Z'],
  ])('%s after %s is %s', (schedule, after, expected) => {
    expect(next(schedule, after)).toBe(expected);
  });

  it.each([
    // 09:00 in Berlin is 08:00 UTC in winter, 07:00 UTC in summer.
    ['0 9 * * *', '2026-12-01T10:00:00Z', 'Europe/Berlin', '2026-12-02T08:00:00.000Z'],
    ['0 9 * * *', '2026-07-01T10:00:00Z', 'Europe/Berlin', '2026-07-02T07:00:00.000Z'],
    ['0 0 * * *', '2026-12-01T10:00:00Z', 'America/New_York', '2026-12-02T05:00:00.000Z'],
    // 02:30 does not exist on the day clocks spring forward; the next one is a day later.
    ['30 2 * * *', '2026-03-29T00:00:00Z', 'Europe/Berlin', '2026-03-30T00:30:00.000Z'],
  ])('%s after %s in %s is %s', (schedule, after, timeZone, expected) => {
    expect(next(schedule, after, timeZone)).toBe(expected);
  });
});

describe('parseCron refuses', () => {
  it.each([
    ['', /expected exactly 5 fields/],
    ['* * * *', /expected exactly 5 fields/],
    ['60 * * * *', /out of range/],
    ['* 24 * * *', /out of range/],
    ['* * 0 * *', /out of range/],
    ['* * * 13 *', /out of range/],
    ['* * * * 8', /out of range/],
    ['*/0 * * * *', /invalid step/],
    ['5-1 * * * *', /beyond end of range/],
    ['x * * * *', /failed to parse int/],
    ['TZ=UTC * * * * *', /use timeZone field instead/],
    ['@every soon', /failed to parse duration soon/],
  ])('%j', (schedule, error) => {
    expect(() => parseCron(schedule)).toThrow(error);
  });
});
