// Under pod churn the cockpit draws only what changes: every Ink frame re-lays and re-styles the
// whole screen, so a watch batch that rewrites pods without changing anything shown (a label, as
// most of a busy cluster's events change nothing in the table) must not cost a frame.
import type { V1Pod } from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import type { CockpitStore } from '../../src/state/store.js';
import { frameContaining, makePod, renderCockpit, storeWith } from './harness.js';

let rendered: ReturnType<typeof renderCockpit> | undefined;
afterEach(() => rendered?.unmount());

const key = (p: V1Pod) => `${p.metadata!.namespace}/${p.metadata!.name}`;
const upsert = (store: CockpitStore, pods: V1Pod[]) =>
  store.getState().applyChanges(
    pods.map((object) => ({ kind: 'pods' as const, type: 'upsert' as const, key: key(object), object })),
    Date.now(),
  );
/** One turn of the event loop: a store change's render (a microtask) and its frame are done. */
const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('frames under churn', () => {
  it('a batch that only relabels every pod, the selected one too, draws no frame; a visible change draws one', async () => {
    // Early in one window of the panes' 5 s clock (it draws a frame of its own on its multiples,
    // and the status bar's "last event Ns ago" moves with it): the whole test fits in it.
    while (Date.now() % 5000 > 1000) await new Promise((resolve) => setTimeout(resolve, 20));
    const startedAt = Date.now();
    const pods = Array.from({ length: 30 }, (_, i) => makePod('ns', `pod-${String(i).padStart(2, '0')}`));
    const store = storeWith(pods);
    rendered = renderCockpit(store, { width: 160, height: 48 });
    await frameContaining(rendered, 'pod-29');
    await turn();
    const before = rendered.frames.length;
    upsert(
      store,
      pods.map((p) => ({ ...p, metadata: { ...p.metadata, labels: { churn: '1' } } })),
    );
    await turn();
    await turn();
    const crashing = makePod('ns', 'pod-05', { status: 'CrashLoopBackOff' });
    upsert(store, [crashing]);
    await frameContaining(rendered, /pod-05\s.*CrashLoopBackOff/);
    // A loaded machine may take us past a multiple of 5 s all the same: that tick's frame (and the
    // status bar's age it moves) is the clock's.
    const ticks = Math.floor(Date.now() / 5000) - Math.floor(startedAt / 5000);
    expect(rendered.frames.length - before).toBeGreaterThanOrEqual(1);
    expect(rendered.frames.length - before).toBeLessThanOrEqual(1 + 2 * ticks);
  });
});
