// The findings come back from the worker as deltas: whatever runs the sender sees, the receiver
// holds exactly the last run's findings, and repeated text is one string in the receiver's heap.
import { describe, expect, it } from 'vitest';
import { FindingsReceiver, FindingsSender } from '../../src/analysis/findings-delta.js';
import type { Finding } from '../../src/model/analysis.js';

const finding = (id: string, title = `title of ${id}`, detail = ['one fact']): Finding => ({
  id,
  severity: 'warning',
  analyzer: 'security',
  source: 'built-in',
  resource: { kind: 'Pod', namespace: 'ns', name: id },
  title,
  detail,
  affected: [],
  suggestedFix: 'Set securityContext.runAsNonRoot: true and a non-zero runAsUser.',
  firstSeen: 1,
  lastSeen: 2,
  count: 1,
});

/** Each step: the run's findings, whether its delta is empty (`same`), and what the delta carries. */
const RUNS: { run: Finding[]; same?: boolean; set?: string[]; delete?: string[] }[] = [
  { run: [finding('a'), finding('b')], set: ['a', 'b'] },
  { run: [finding('a'), finding('b')], same: true },
  { run: [finding('a', 'changed'), finding('b')], set: ['a'] },
  { run: [finding('b'), finding('c')], set: ['c'], delete: ['a'] },
  { run: [finding('c'), finding('b')], same: true },
  { run: [], set: [], delete: ['c', 'b'] },
  { run: [finding('a')], set: ['a'] },
  // A repeated id: the last one wins on both sides.
  { run: [finding('a', 'first'), finding('a', 'second')], set: ['a', 'a'] },
];

describe('findings sent back as deltas', () => {
  it('leaves the receiver with exactly the findings of each run, sending only what changed', () => {
    const sender = new FindingsSender();
    const receiver = new FindingsReceiver();
    let held: Finding[] = [];
    for (const [i, step] of RUNS.entries()) {
      const delta = sender.delta(structuredClone(step.run));
      if (step.same) {
        expect(delta, `run ${i}`).toBeUndefined();
      } else {
        expect(
          delta!.set.map((f) => f.id),
          `run ${i}`,
        ).toEqual(step.set);
        expect(delta!.delete, `run ${i}`).toEqual(step.delete ?? []);
        held = receiver.apply(structuredClone(delta!));
      }
      const expected = new Map(step.run.map((f) => [f.id, f]));
      expect(new Map(held.map((f) => [f.id, f])), `run ${i}`).toEqual(expected);
    }
  });

  it('starts over with a full delta after a reset, and the receiver drops what it held', () => {
    const sender = new FindingsSender();
    const receiver = new FindingsReceiver();
    receiver.apply(sender.delta([finding('a'), finding('b')])!);
    sender.reset();
    const delta = sender.delta([finding('b')])!;
    expect(delta.full).toBe(true);
    expect(receiver.apply(structuredClone(delta)).map((f) => f.id)).toEqual(['b']);
  });

  it('keeps a finding that did not change the same object, and its place', () => {
    const sender = new FindingsSender();
    const receiver = new FindingsReceiver();
    const first = receiver.apply(structuredClone(sender.delta([finding('a'), finding('b')])!));
    const second = receiver.apply(structuredClone(sender.delta([finding('a'), finding('b', 'new')])!));
    expect(second[0]).toBe(first[0]);
    expect(second.map((f) => [f.id, f.title])).toEqual([
      ['a', 'title of a'],
      ['b', 'new'],
    ]);
  });

  it('keeps every value as it was sent when it shares repeated text between findings', () => {
    const sender = new FindingsSender();
    const receiver = new FindingsReceiver();
    receiver.apply(structuredClone(sender.delta([finding('a')])!));
    const held = receiver.apply(structuredClone(sender.delta([finding('a'), finding('b')])!));
    expect(held.map((f) => f.suggestedFix)).toEqual([finding('a').suggestedFix, finding('b').suggestedFix]);
    expect(held[1]!.detail).toEqual(['one fact']);
    expect(held[1]!.resource).toEqual({ kind: 'Pod', namespace: 'ns', name: 'b' });
  });
});
