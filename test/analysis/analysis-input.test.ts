// The worker's mirror follows the store through deltas alone: what it holds after any sequence of
// changes is what the store holds, and a delta carries only what changed.
import { describe, expect, it } from 'vitest';
import {
  applyHistoryDelta,
  applyInputDelta,
  createMirror,
  diffMap,
  emptyInput,
  historyDelta,
  inputDelta,
  mirrorAsInput,
  splitDelta,
  type InputDelta,
} from '../../src/analysis/analysis-input.js';
import { snapshotFromState } from '../../src/analysis/snapshot.js';
import { appendUsage, HISTORY_SAMPLES, type PodMetricsList } from '../../src/cluster/metrics.js';
import { createCockpitStore, initialState } from '../../src/state/store.js';
import type { UsageSample } from '../../src/model/analysis.js';

const s = (at: number): UsageSample => ({ at, cpuMillis: at, memoryBytes: at * 2 });
const a = s(1);
const b = s(2);
const c = s(3);
const d = s(4);

describe('historyDelta', () => {
  it.each([
    ['first samples', [], [a, b], { drop: -1, tail: [a, b] }],
    ['one appended', [a, b], [a, b, c], { drop: 0, tail: [c] }],
    ['appended past the bound', [a, b, c], [b, c, d], { drop: 1, tail: [d] }],
    ['nothing new (a copy)', [a, b], [a, b], { drop: 0, tail: [] }],
    ['no sample in common', [a, b], [c, d], { drop: -1, tail: [c, d] }],
    ['equal values are not the same sample', [a], [s(1), b], { drop: -1, tail: [s(1), b] }],
  ])('%s', (_name, previous, next, expected) => {
    const delta = historyDelta(previous, next);
    expect(delta).toEqual(expected);
    expect(applyHistoryDelta(previous, delta)).toEqual(next);
  });
});

describe('diffMap', () => {
  const x = { v: 1 };
  const y = { v: 1 };
  it.each([
    ['the same map', new Map([['k', x]]), undefined, { set: [], delete: [] }],
    ['an equal but new object', new Map([['k', x]]), new Map([['k', y]]), { set: [['k', y]], delete: [] }],
    ['an unchanged object', new Map([['k', x]]), new Map([['k', x]]), { set: [], delete: [] }],
    ['a key gone', new Map([['k', x]]), new Map(), { set: [], delete: ['k'] }],
  ])('%s', (_name, previous, next, expected) => {
    expect(diffMap(previous, next ?? previous)).toEqual(expected);
  });
});

describe('the mirror', () => {
  it('holds what the store holds after upserts, deletes, relists, metrics, logs and kinds becoming known', () => {
    const store = createCockpitStore(initialState({ context: 'c', server: 's', namespace: undefined }));
    const mirror = createMirror();
    let sent = emptyInput();
    const sizes: number[] = [];
    const sync = () => {
      const state = store.getState();
      const delta = inputDelta(sent, state);
      sizes.push(delta.objects.pods?.set.length ?? 0);
      applyInputDelta(mirror, delta);
      sent = state;
      expect(snapshotFromState(mirrorAsInput(mirror), 0)).toEqual(snapshotFromState(state, 0));
    };
    const pod = (name: string, phase = 'Running') => ({
      metadata: { namespace: 'n', name },
      status: { phase },
    });
    const scrape = (at: number, names: string[]): PodMetricsList => ({
      items: names.map((name) => ({
        metadata: { namespace: 'n', name },
        timestamp: new Date(at).toISOString(),
        containers: [{ name: 'c', usage: { cpu: `${at % 97}m`, memory: '1Mi' } }],
      })),
    });
    const apply = store.getState().applyChanges;
    apply(
      ['a', 'b', 'c'].map((name) => ({
        kind: 'pods' as const,
        type: 'upsert' as const,
        key: `n/${name}`,
        object: pod(name),
      })),
      0,
    );
    sync();
    apply([{ kind: 'pods', type: 'upsert', key: 'n/b', object: pod('b', 'Failed') }], 0);
    sync();
    expect(sizes.at(-1)).toBe(1);
    apply([{ kind: 'pods', type: 'delete', key: 'n/a' }], 0);
    apply(
      [{ kind: 'services', type: 'replace', objects: new Map([['n/s', { metadata: { name: 's' } }]]) }],
      0,
    );
    sync();
    let at = 1_000_000;
    for (let i = 0; i < HISTORY_SAMPLES + 3; i++) {
      at += 15_000;
      store.getState().setMetrics({
        containers: appendUsage(store.getState().metrics.containers, scrape(at, ['b', 'c']), at),
      });
      if (i % 50 === 0 || i > HISTORY_SAMPLES) sync();
    }
    store.getState().setMetrics({
      containers: appendUsage(
        store.getState().metrics.containers,
        scrape(at + 15_000, ['c']),
        at + 10 * 60_000,
      ),
    });
    store.setState({
      recentLogs: { 'n/c/c': ['line'] },
      logs: { 'n/b/c': ['crash'] },
      logErrors: { 'n/x/c': 'gone' },
    });
    sync();
    store.setState({ recentLogs: {} });
    apply([{ kind: 'pods', type: 'replace', objects: new Map([['n/d', pod('d')]]) }], 0);
    sync();
    expect(mirror.objects.pods.size).toBe(1);
  });
});

describe('splitDelta', () => {
  const entries = (n: number, prefix: string) =>
    Array.from({ length: n }, (_, i): [string, unknown] => [`${prefix}${i}`, { i }]);
  it.each([
    ['an empty delta', {}, [0]],
    ['under the bound', { pods: 3 }, [3]],
    ['exactly the bound', { pods: 4 }, [4]],
    ['over it, across kinds', { pods: 5, events: 6 }, [4, 4, 3]],
  ])('%s', (_name, counts: Record<string, number>, sizes) => {
    const delta = {
      objects: Object.fromEntries(
        Object.entries(counts).map(([field, n]) => [
          field,
          { set: entries(n, field), delete: [`${field}-gone`] },
        ]),
      ),
      synced: { pods: true },
    } as InputDelta;
    const parts = splitDelta(delta, 4);
    expect(parts.map((p) => Object.values(p.objects).reduce((sum, d) => sum + d!.set.length, 0))).toEqual(
      sizes,
    );
    expect(parts[0]!.synced).toEqual({ pods: true });
    // Applied in order, the parts are the whole delta.
    const whole = createMirror();
    const pieces = createMirror();
    applyInputDelta(whole, delta);
    for (const part of parts) applyInputDelta(pieces, part);
    expect(pieces).toEqual(whole);
  });
});
