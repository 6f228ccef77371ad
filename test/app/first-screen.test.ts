// The first frame waits for the first page of pods, their refusal or a connection in trouble —
// never for longer than it is told — and the session loads once that frame is settled.
import { describe, expect, it } from 'vitest';
import { firstScreenSettled, firstScreenSettles } from '../../src/app/first-screen.js';
import { createCockpitStore, initialState } from '../../src/state/store.js';
import type { CockpitState, ConnectionStatus } from '../../src/state/types.js';

const fresh = (): CockpitState =>
  createCockpitStore(initialState({ context: 'c', server: 's', namespace: undefined })).getState();
const pod = { metadata: { namespace: 'todo', name: 'web-1' } };

describe('firstScreenSettled', () => {
  const cases: [string, (s: CockpitState) => Partial<CockpitState>, boolean][] = [
    ['nothing yet', () => ({}), false],
    [
      'connected, no pods yet (the readiness probe answered first)',
      (s) => ({ connection: { ...s.connection, status: 'connected' } }),
      false,
    ],
    ['a first page of pods', () => ({ pods: new Map([['todo/web-1', pod]]) as CockpitState['pods'] }), true],
    ['pods listed, none there', () => ({ synced: { pods: true } }), true],
    ['pods refused', () => ({ forbidden: { pods: 'forbidden: list pods in all namespaces' } }), true],
    ...(['reconnecting', 'failed'] as ConnectionStatus[]).map(
      (status): [string, (s: CockpitState) => Partial<CockpitState>, boolean] => [
        `connection ${status}`,
        (s) => ({ connection: { ...s.connection, status } }),
        true,
      ],
    ),
  ];
  it.each(cases)('%s → %s', (_, change, settled) => {
    const s = fresh();
    expect(firstScreenSettled({ ...s, ...change(s) })).toBe(settled);
  });
});

describe('firstScreenSettles', () => {
  it('resolves when the first pods arrive, not before', async () => {
    const store = createCockpitStore(initialState({ context: 'c', server: 's', namespace: undefined }));
    let settled = false;
    const waiting = firstScreenSettles(store, 60_000).then(() => (settled = true));
    store.getState().setConnection({ status: 'connected' });
    await Promise.resolve();
    expect(settled).toBe(false);
    store
      .getState()
      .applyChanges([{ kind: 'pods', type: 'upsert', key: 'todo/web-1', object: pod }], Date.now());
    await waiting;
    expect(settled).toBe(true);
  });

  it('resolves after its limit when the server says nothing', async () => {
    const store = createCockpitStore(initialState({ context: 'c', server: 's', namespace: undefined }));
    const start = performance.now();
    await firstScreenSettles(store, 50);
    expect(performance.now() - start).toBeGreaterThanOrEqual(45);
    expect(store.getState().pods.size).toBe(0);
  });
});
