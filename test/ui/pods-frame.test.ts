// The pods pane redraws only when what it shows changes: a watch batch that rewrites pods without
// changing a visible cell (a label, a pod below the window) yields the same frame, so React and Ink
// do no work for it; anything the user would see differently yields a new one.
import type { V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { initialState } from '../../src/state/store.js';
import { createPodsFramer, samePodsFrame, type PodsFrameInput } from '../../src/ui/pods-frame.js';
import { makePod } from './harness.js';

const metrics = initialState({ context: 'c', server: 's', namespace: undefined }).metrics;
const key = (p: V1Pod) => `${p.metadata!.namespace}/${p.metadata!.name}`;
const podsOf = (pods: V1Pod[]) => new Map(pods.map((p) => [key(p), p]));
const names = Array.from({ length: 60 }, (_, i) => `pod-${String(i).padStart(3, '0')}`);
const base = names.map((n) => makePod('ns', n));
// Half an hour old: ages shown to the minute.
const NOW = new Date(base[0]!.metadata!.creationTimestamp!).getTime() + 30 * 60_000 + 100;

const input = (pods: V1Pod[], over: Partial<PodsFrameInput> = {}): PodsFrameInput => ({
  pods: podsOf(pods),
  metrics,
  now: NOW,
  filter: '',
  sortBy: 'name',
  selectedKey: 'ns/pod-000',
  width: 100,
  showNamespace: true,
  bodyHeight: 20,
  ...over,
});

/** A copy of pod `i` (a new object, as every watch event is) changed by `change`. */
const rewrite = (i: number, change: (p: V1Pod) => void): V1Pod[] =>
  base.map((p, j) => {
    if (j !== i) return p;
    const copy = structuredClone(p);
    change(copy);
    return copy;
  });

describe('the pods frame', () => {
  it.each<[string, () => PodsFrameInput, boolean]>([
    [
      'every pod rewritten with a new label',
      () =>
        input(
          base.map((p) => ({ ...structuredClone(p), metadata: { ...p.metadata, labels: { churn: '1' } } })),
        ),
      true,
    ],
    [
      'a pod below the window turns CrashLoopBackOff: the same frame',
      () =>
        input(
          rewrite(
            50,
            (p) => (p.status!.containerStatuses![0]!.state = { waiting: { reason: 'CrashLoopBackOff' } }),
          ),
        ),
      true,
    ],
    [
      'a pod in the window turns CrashLoopBackOff',
      () =>
        input(
          rewrite(
            3,
            (p) => (p.status!.containerStatuses![0]!.state = { waiting: { reason: 'CrashLoopBackOff' } }),
          ),
        ),
      false,
    ],
    [
      'a pod in the window restarts',
      () => input(rewrite(3, (p) => (p.status!.containerStatuses![0]!.restartCount = 1))),
      false,
    ],
    ['a new pod sorts into the window', () => input([...base, makePod('ns', 'pod-0005')]), false],
    [
      'a new pod sorts below the window (the count changes)',
      () => input([...base, makePod('ns', 'pod-999')]),
      false,
    ],
    ['the selection moves', () => input(base, { selectedKey: 'ns/pod-001' }), false],
    ['the clock moves ages on', () => input(base, { now: NOW + 60_000 }), false],
    ['the clock moves within the ages shown: the same frame', () => input(base, { now: NOW + 300 }), true],
  ])('%s', (_, next, same) => {
    const framer = createPodsFramer();
    const before = framer(input(base));
    const after = framer(next());
    expect(samePodsFrame(before, after)).toBe(same);
  });
});
