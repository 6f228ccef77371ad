// CronJob schedules as the real controller reads them (robfig/cron's standard parser): five
// fields `minute hour day-of-month month day-of-week`, `*`, lists, ranges, steps, month and day
// names, `?` for any, the @yearly … @hourly macros and `@every <duration>`, evaluated in a time
// zone. The simulator's CronJob controller runs by it and the controllers analyzer judges by it.
import { parseDuration } from './duration.js';
const MACROS: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

interface Field {
  min: number;
  max: number;
  names?: string[];
  /** Index of the first name (months count from 1). */
  nameBase?: number;
}
const FIELDS: Field[] = [
  { min: 0, max: 59 },
  { min: 0, max: 23 },
  { min: 1, max: 31 },
  { min: 1, max: 12, names: MONTHS, nameBase: 1 },
  // 7 is Sunday too; folded into 0 after parsing.
  { min: 0, max: 7, names: DAYS, nameBase: 0 },
];

export interface CronSchedule {
  minutes: Set<number>;
  hours: Set<number>;
  daysOfMonth: Set<number>;
  months: Set<number>;
  daysOfWeek: Set<number>;
  /** `*` (or `?`) in a day field: the other day field alone decides (cron's OR rule otherwise). */
  anyDayOfMonth: boolean;
  anyDayOfWeek: boolean;
}

function parseValue(text: string, field: Field): number {
  const name = field.names?.indexOf(text.toLowerCase()) ?? -1;
  const value = name >= 0 ? name + field.nameBase! : /^\d+$/.test(text) ? Number(text) : NaN;
  if (Number.isNaN(value)) throw new Error(`failed to parse int from ${text}`);
  if (value < field.min || value > field.max)
    throw new Error(`${value} out of range [${field.min}, ${field.max}]: ${text}`);
  return value;
}

function parseField(text: string, field: Field): Set<number> {
  const values = new Set<number>();
  for (const part of text.split(',')) {
    const [range, stepText] = part.split('/') as [string, string | undefined];
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step <= 0) throw new Error(`invalid step in ${part}`);
    let from: number;
    let to: number;
    if (range === '*' || range === '?') [from, to] = [field.min, field.max];
    else if (range.includes('-')) {
      const [a, b] = range.split('-') as [string, string];
      [from, to] = [parseValue(a, field), parseValue(b, field)];
    } else {
      from = parseValue(range, field);
      to = stepText === undefined ? from : field.max;
    }
    if (from > to) throw new Error(`beginning of range (${from}) beyond end of range (${to}): ${part}`);
    for (let v = from; v <= to; v += step) values.add(field.names === DAYS && v === 7 ? 0 : v);
  }
  return values;
}

/** `@every <duration>`: a constant delay (robfig's ConstantDelaySchedule), whole seconds. */
export interface EverySchedule {
  everyMs: number;
}

export type Schedule = CronSchedule | EverySchedule;

/** Parses a schedule; throws with the reason it is invalid. */
export function parseCron(schedule: string): Schedule {
  const trimmed = schedule.trim();
  const every = /^@every\s+(\S+)$/.exec(trimmed);
  if (every) {
    const ms = parseDuration(every[1]);
    if (ms === undefined) throw new Error(`failed to parse duration ${every[1]}: ${schedule}`);
    // robfig rounds the delay up to a second; less than one is one.
    return { everyMs: Math.max(1000, Math.ceil(ms / 1000) * 1000) };
  }
  if (/^(TZ|CRON_TZ)=/.test(trimmed))
    throw new Error('cannot use TZ or CRON_TZ in schedule, use timeZone field instead');
  const expanded = MACROS[trimmed.toLowerCase()] ?? trimmed;
  const parts = expanded.split(/\s+/);
  if (parts.length !== 5) throw new Error(`expected exactly 5 fields, found ${parts.length}: ${schedule}`);
  const [minutes, hours, daysOfMonth, months, daysOfWeek] = parts.map((p, i) => parseField(p, FIELDS[i]!));
  const any = (p: string): boolean => p === '*' || p === '?';
  return {
    minutes: minutes!,
    hours: hours!,
    daysOfMonth: daysOfMonth!,
    months: months!,
    daysOfWeek: daysOfWeek!,
    anyDayOfMonth: any(parts[2]!),
    anyDayOfWeek: any(parts[4]!),
  };
}

interface LocalTime {
  minute: number;
  hour: number;
  day: number;
  month: number;
  weekday: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function localTime(ms: number, timeZone: string): LocalTime {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      minute: 'numeric',
      hour: 'numeric',
      day: 'numeric',
      month: 'numeric',
      weekday: 'short',
    });
    formatters.set(timeZone, f);
  }
  const parts = Object.fromEntries(f.formatToParts(ms).map((p) => [p.type, p.value]));
  return {
    minute: Number(parts.minute),
    hour: Number(parts.hour),
    day: Number(parts.day),
    month: Number(parts.month),
    weekday: DAYS.indexOf(String(parts.weekday).toLowerCase()),
  };
}

/** Whether a time zone name is one the runtime knows (the API server checks the same way). */
export function isValidTimeZone(timeZone: string): boolean {
  try {
    localTime(0, timeZone);
    return true;
  } catch {
    return false;
  }
}

function dayMatches(s: CronSchedule, t: LocalTime): boolean {
  const dom = s.daysOfMonth.has(t.day);
  const dow = s.daysOfWeek.has(t.weekday);
  if (s.anyDayOfMonth || s.anyDayOfWeek) return dom && dow;
  return dom || dow;
}

const MINUTE_MS = 60_000;
/** Far enough for `0 0 29 2 *` (every leap year). */
const SEARCH_LIMIT_MS = 5 * 366 * 24 * 60 * MINUTE_MS;

/** The first scheduled minute strictly after `afterMs`, undefined when there is none in 5 years. */
export function nextScheduleAfter(s: Schedule, afterMs: number, timeZone = 'UTC'): number | undefined {
  if ('everyMs' in s) return Math.floor((afterMs + s.everyMs) / 1000) * 1000;
  let t = Math.floor(afterMs / MINUTE_MS) * MINUTE_MS + MINUTE_MS;
  const end = afterMs + SEARCH_LIMIT_MS;
  while (t <= end) {
    const local = localTime(t, timeZone);
    // Skip whole days, then whole hours, re-reading local time after each jump (DST-safe).
    if (!s.months.has(local.month) || !dayMatches(s, local))
      t += (24 * 60 - (local.hour * 60 + local.minute)) * MINUTE_MS;
    else if (!s.hours.has(local.hour)) t += (60 - local.minute) * MINUTE_MS;
    else if (!s.minutes.has(local.minute)) t += MINUTE_MS;
    else return t;
  }
  return undefined;
}
