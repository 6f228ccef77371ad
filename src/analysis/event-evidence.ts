// Events as evidence lines for the analyzers of issue 13 (services, storage, nodes, budgets):
// the newest of a set of reasons, when it started, and one line to quote.
import type { CoreV1Event, V1Condition, V1NodeCondition, V1PodCondition } from '@kubernetes/client-node';
import { epoch } from './time.js';

export function eventTime(e: CoreV1Event): number | undefined {
  return epoch(e.lastTimestamp) ?? epoch(e.eventTime) ?? epoch(e.firstTimestamp);
}

/** When the oldest of these events first happened. */
export function firstEventTime(events: readonly CoreV1Event[]): number | undefined {
  let first: number | undefined;
  for (const e of events) {
    const t = epoch(e.firstTimestamp) ?? eventTime(e);
    if (t !== undefined && (first === undefined || t < first)) first = t;
  }
  return first;
}

/** The newest event with one of these reasons. */
export function latestEvent(
  events: readonly CoreV1Event[] | undefined,
  reasons: readonly string[],
): CoreV1Event | undefined {
  let latest: CoreV1Event | undefined;
  for (const e of events ?? []) {
    if (!reasons.includes(e.reason ?? '')) continue;
    if (!latest || (eventTime(e) ?? 0) >= (eventTime(latest) ?? 0)) latest = e;
  }
  return latest;
}

export function firstLine(text: string): string {
  return text.split('\n')[0] ?? '';
}

export function describeEvent(e: CoreV1Event): string {
  const count = e.count && e.count > 1 ? ` (×${e.count})` : '';
  return `event ${e.reason}${count}: ${firstLine(e.message ?? '')}`;
}

/** `Ready=False (KubeletNotReady: PLEG is not healthy) since 2026-03-01T11:00:00.000Z` */
export function describeCondition(c: V1Condition | V1NodeCondition | V1PodCondition): string {
  const why = [c.reason, c.message && firstLine(c.message)].filter(Boolean).join(': ');
  const since = epoch(c.lastTransitionTime);
  return `${c.type}=${c.status}${why ? ` (${why})` : ''}${since === undefined ? '' : ` since ${new Date(since).toISOString()}`}`;
}
