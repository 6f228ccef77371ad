import { describe, expect, it } from 'vitest';
import { createBatcher } from '../../src/state/batcher.js';
import { createCockpitStore, initialState } from '../../src/state/store.js';

const pod = (ns: string, name: string) => ({ metadata: { namespace: ns, name } });

describe('a burst of watch changes is one store update', () => {
  it('applies 10,000 upserts from a batcher in one set()', () => {
    const store = createCockpitStore(initialState({ context: 'c', server: 's', namespace: undefined }));
    let updates = 0;
    store.subscribe(() => updates++);
    const batcher = createBatcher(store, 1_000);
    for (let i = 0; i < 10_000; i++) {
      batcher.push({ kind: 'pods', type: 'upsert', key: `ns/p${i}`, object: pod('ns', `p${i}`) });
    }
    expect(store.getState().pods.size).toBe(0);
    batcher.flush();
    expect(updates).toBe(1);
    expect(store.getState().pods.size).toBe(10_000);
  });

  it('a replace marks the kind synced and drops what the relist no longer holds', () => {
    const store = createCockpitStore(initialState({ context: 'c', server: 's', namespace: undefined }));
    store.getState().applyChanges([{ kind: 'pods', type: 'upsert', key: 'a/x', object: pod('a', 'x') }], 1);
    const before = store.getState().pods;
    store
      .getState()
      .applyChanges([{ kind: 'pods', type: 'replace', objects: new Map([['a/y', pod('a', 'y')]]) }], 2);
    expect([...store.getState().pods.keys()]).toEqual(['a/y']);
    expect(store.getState().synced.pods).toBe(true);
    expect(before.has('a/x')).toBe(true);
    expect(store.getState().connection.lastEventAt).toBe(2);
  });
});
