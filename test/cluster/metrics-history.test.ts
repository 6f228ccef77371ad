// The per-container usage history the metrics pane draws and right-sizing takes its p95 from.
import { describe, expect, it } from 'vitest';
import {
  HISTORY_SAMPLES,
  RETAIN_MISSING_MS,
  appendUsage,
  type PodMetricsList,
} from '../../src/cluster/metrics.js';
import type { UsageSample } from '../../src/model/analysis.js';

const T0 = Date.parse('2026-01-01T00:00:00Z');

/** A metrics-server answer for pods `todo/<name>` with one `app` container each, scraped at `at`. */
const scrape = (at: number, pods: Record<string, [cpu: string, memory: string]>): PodMetricsList => ({
  items: Object.entries(pods).map(([name, [cpu, memory]]) => ({
    metadata: { name, namespace: 'todo' },
    timestamp: new Date(at).toISOString(),
    containers: [{ name: 'app', usage: { cpu, memory } }],
  })),
});

describe('appendUsage', () => {
  it('appends one parsed sample per container, keyed namespace/pod/container', () => {
    const history = appendUsage(new Map(), scrape(T0, { web: ['250m', '64Mi'] }), T0);
    expect(history.get('todo/web/app')).toEqual([{ at: T0, cpuMillis: 250, memoryBytes: 64 * 2 ** 20 }]);
  });

  it('reading the same scrape twice adds no sample and keeps the history object', () => {
    const once = appendUsage(new Map(), scrape(T0, { web: ['1', '1Gi'] }), T0);
    const twice = appendUsage(once, scrape(T0, { web: ['1', '1Gi'] }), T0 + 15_000);
    expect(twice.get('todo/web/app')).toBe(once.get('todo/web/app'));
  });

  it(`keeps the last ${HISTORY_SAMPLES} samples, oldest first`, () => {
    let history: ReadonlyMap<string, readonly UsageSample[]> = new Map();
    const polls = HISTORY_SAMPLES + 10;
    for (let i = 0; i < polls; i++) {
      const at = T0 + i * 15_000;
      history = appendUsage(history, scrape(at, { web: [`${i}m`, '1Mi'] }), at);
    }
    const samples = history.get('todo/web/app')!;
    expect(samples).toHaveLength(HISTORY_SAMPLES);
    expect(samples[0]!.cpuMillis).toBe(polls - HISTORY_SAMPLES);
    expect(samples.at(-1)!.cpuMillis).toBe(polls - 1);
  });

  it('a pod missing from a scrape keeps its history for a while, then it is dropped', () => {
    const first = appendUsage(new Map(), scrape(T0, { web: ['1', '1Mi'], db: ['2', '2Mi'] }), T0);
    const later = T0 + RETAIN_MISSING_MS - 1;
    const skipped = appendUsage(first, scrape(later, { web: ['1', '1Mi'] }), later);
    expect(skipped.get('todo/db/app')).toBe(first.get('todo/db/app'));
    const gone = T0 + RETAIN_MISSING_MS;
    expect(appendUsage(skipped, scrape(gone, { web: ['1', '1Mi'] }), gone).has('todo/db/app')).toBe(false);
  });
});
