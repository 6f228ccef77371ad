// Durations as Go's time.ParseDuration reads them ("90s", "1m30s", "1.5h", "300ms"): what
// kubectl's and kubelet's flags take, and cron's `@every`. One parser for every flag we have.
const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Milliseconds, or undefined when `text` is not a positive-or-zero Go duration in ms, s, m, h. */
export function parseDuration(text: string | undefined): number | undefined {
  const trimmed = text?.trim() ?? '';
  if (!/^(?:\d+(?:\.\d+)?(?:ms|s|m|h))+$/.test(trimmed)) return undefined;
  let total = 0;
  for (const [, amount, unit] of trimmed.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g))
    total += Number(amount) * UNITS[unit!]!;
  return total;
}
