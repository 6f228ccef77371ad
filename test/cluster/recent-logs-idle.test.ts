// An idle cluster costs less and less: a log read again unchanged waits twice as long for its
// next read (up to 4 TTLs), a changed log at its TTL again, a restart or a readiness change at
// once; re-reads that are only due come in runs an idle interval apart; and
// while a large cluster's logs are first read, the store (each change an analysis run) hears of
// them after the first run and when the sweep ends rather than after every run of 20 reads.
import type { KubeConfig, V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import {
  createRecentLogReader,
  startRecentLogs,
  MAX_QUIET_TTL_FACTOR,
  type LogRequest,
} from '../../src/cluster/recent-logs.js';
import { createCockpitStore, initialState, type CockpitStore } from '../../src/state/store.js';

const pod = (name: string, restarts = 0): V1Pod => ({
  metadata: { namespace: 'ns', name, uid: `uid-${name}` },
  status: {
    phase: 'Running',
    containerStatuses: [
      {
        name: 'app',
        image: 'app:1',
        imageID: '',
        ready: true,
        restartCount: restarts,
        state: { running: {} },
      },
    ],
  },
});

/** A store whose pods' list is in: `count` running pods, one container each. */
function syncedStoreOf(count: number): CockpitStore {
  const store = createCockpitStore(initialState({ context: 'c', server: 's', namespace: undefined }));
  store.getState().applyChanges(
    Array.from({ length: count }, (_, i) => pod(`p${i}`)).map((p) => ({
      kind: 'pods' as const,
      type: 'upsert' as const,
      key: `ns/${p.metadata!.name}`,
      object: p,
    })),
    Date.now(),
  );
  store.setState((s) => ({ synced: { ...s.synced, pods: true } }));
  return store;
}

describe('a quiet log', () => {
  it('is read at 1, 2 and then every 4 TTLs while unchanged, and at the TTL again once it changed', async () => {
    const TTL = 1000;
    const text: Record<string, string> = { quiet: 'listening on :8080\n' };
    const reads: number[] = [];
    let clock = 0;
    const request: LogRequest = (c) => (reads.push(clock), Promise.resolve(text[c.pod]!));
    const reader = createRecentLogReader(request, { ttlMs: TTL, now: () => clock });
    // Every 100 ms for 80 TTLs: the reads land where the doubling puts them.
    for (clock = 0; clock <= 80 * TTL; clock += 100) await reader.collect([pod('quiet')]);
    const gaps = reads.slice(1).map((at, i) => at - reads[i]!);
    expect(gaps.slice(0, 5)).toEqual([1, 2, 4, 4, 4].map((n) => n * TTL));
    expect(Math.max(...gaps)).toBe(MAX_QUIET_TTL_FACTOR * TTL);

    // A new line: the next read finds it, and the one after comes one TTL later.
    text.quiet += 'ERROR out of memory\n';
    reads.length = 0;
    const start = clock;
    for (; clock <= start + 40 * TTL; clock += 100) await reader.collect([pod('quiet')]);
    expect(reads[1]! - reads[0]!).toBe(TTL);
  });

  it('is read at once when its container turns unready, however long its quiet wait', async () => {
    const reads: number[] = [];
    let clock = 0;
    const request: LogRequest = () => (reads.push(clock), Promise.resolve('same\n'));
    const reader = createRecentLogReader(request, { ttlMs: 1000, now: () => clock });
    for (clock = 0; clock <= 10_000; clock += 100) await reader.collect([pod('p')]);
    const before = reads.length;
    const unready = pod('p');
    unready.status!.containerStatuses![0]!.ready = false;
    await reader.collect([unready]);
    expect(reads.length).toBe(before + 1);
  });

  it('is read at once after a restart, however long its quiet wait', async () => {
    const reads: number[] = [];
    let clock = 0;
    const request: LogRequest = () => (reads.push(clock), Promise.resolve('same\n'));
    const reader = createRecentLogReader(request, { ttlMs: 1000, now: () => clock });
    for (clock = 0; clock <= 10_000; clock += 100) await reader.collect([pod('p')]);
    const before = reads.length;
    await reader.collect([pod('p', 1)]);
    expect(reads.length).toBe(before + 1);
  });
});

describe('the first sweep of a large cluster', () => {
  it('gives the store the logs of its first run and then all of them when the sweep ends, not those of each run', async () => {
    const store = syncedStoreOf(60);
    const published: number[] = [];
    const allRead = new Promise<void>((resolve) =>
      store.subscribe((s, prev) => {
        if (s.recentLogs === prev.recentLogs) return;
        published.push(Object.keys(s.recentLogs).length);
        if (Object.keys(s.recentLogs).length === 60) resolve();
      }),
    );
    const reader = startRecentLogs(store, {} as KubeConfig, {
      request: (c) => Promise.resolve(`hello from ${c.pod}\n`),
      maxReadsPerRun: 20,
      intervalMs: 1,
      idleIntervalMs: 1,
      sweepPublishMs: 60_000,
    });
    await allRead;
    reader.stop();
    expect(published).toEqual([20, 60]);
  });

  it('reads logs only due again in runs an idle interval apart, however short their TTL', async () => {
    const store = syncedStoreOf(5);
    const runsAt: number[] = [];
    let third!: () => void;
    const threeRuns = new Promise<void>((resolve) => (third = resolve));
    let n = 0;
    const reader = startRecentLogs(store, {} as KubeConfig, {
      // A new line at every read: never quiet, due again after 20 ms.
      request: (c) => {
        if (c.pod === 'p0') runsAt.push(performance.now());
        if (runsAt.length === 3) third();
        return Promise.resolve(`line ${++n}\n`);
      },
      ttlMs: 20,
      intervalMs: 1,
      idleIntervalMs: 300,
    });
    await threeRuns;
    reader.stop();
    expect(runsAt[1]! - runsAt[0]!).toBeGreaterThanOrEqual(295);
    expect(runsAt[2]! - runsAt[1]!).toBeGreaterThanOrEqual(295);
  });
});
