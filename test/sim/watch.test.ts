// Watch semantics a client depends on, through client-node over HTTP: an informer that resumes
// from a version the server no longer keeps relists (and learns what was deleted meanwhile);
// bookmarks, the WatchList initial-events marker, /watch/ paths and timeoutSeconds.
import { CoreV1Api, KubeConfig, Watch, makeInformer, type V1ConfigMap } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSim } from '../../src/sim/index.js';
import { startWatchProxy, type WatchProxy } from '../cluster/watch-proxy.js';

let sim: RunningSim;
let kc: KubeConfig;
let core: CoreV1Api;

beforeAll(async () => {
  // A short change history, so a few writes make an old resourceVersion unresumable.
  sim = await startSimulator({ scenario: 'empty', watchHistory: 5 });
  kc = new KubeConfig();
  kc.loadFromFile(sim.kubeconfigPath);
  core = kc.makeApiClient(CoreV1Api);
  for (const name of ['inf', 'bm']) await core.createNamespace({ body: { metadata: { name } } });
});
afterAll(() => sim.close());

const configMap = (namespace: string, name: string) =>
  core.createNamespacedConfigMap({ namespace, body: { metadata: { name } } });

/** Collects watch events until `until` holds for them or the stream ends. */
function collect(
  path: string,
  query: Record<string, string | number | boolean | undefined>,
  until: (events: { type: string; obj: V1ConfigMap }[]) => boolean,
): Promise<{ events: { type: string; obj: V1ConfigMap }[]; ended: boolean }> {
  return new Promise((resolve, reject) => {
    const events: { type: string; obj: V1ConfigMap }[] = [];
    let controller: AbortController | undefined;
    let finished = false;
    const finish = (ended: boolean): void => {
      if (finished) return;
      finished = true;
      controller?.abort();
      resolve({ events, ended });
    };
    new Watch(kc)
      .watch(
        path,
        query,
        (type, obj: V1ConfigMap) => {
          events.push({ type, obj });
          if (until(events)) finish(false);
        },
        (error) => (error ? reject(error as Error) : finish(true)),
      )
      .then((c) => {
        controller = c;
        if (finished) c.abort();
      }, reject);
  });
}

describe('watch', () => {
  let proxy: WatchProxy | undefined;
  afterAll(() => proxy?.close());

  it('an informer resuming from a version older than the history relists and sees the deletion', async () => {
    await configMap('inf', 'keep');
    await configMap('inf', 'doomed');
    proxy = await startWatchProxy(sim.url);
    const pkc = new KubeConfig();
    pkc.loadFromFile(proxy.kubeconfigPath);
    const pcore = pkc.makeApiClient(CoreV1Api);
    const informer = makeInformer(pkc, '/api/v1/namespaces/inf/configmaps', () =>
      pcore.listNamespacedConfigMap({ namespace: 'inf' }),
    );
    const added: string[] = [];
    const deleted: string[] = [];
    const addedAll = (names: string[]) =>
      new Promise<void>((resolve) => {
        const check = (): void => {
          if (names.every((n) => added.includes(n))) resolve();
        };
        informer.on('add', check);
        check();
      });
    informer.on('add', (cm) => added.push(cm.metadata!.name!));
    const sawDeletion = new Promise<void>((resolve) =>
      informer.on('delete', (cm) => {
        deleted.push(cm.metadata!.name!);
        resolve();
      }),
    );
    const started = informer.start();
    try {
      await addedAll(['keep', 'doomed']);
      // The proxy passes a watch's headers on with its first event: give the watch one.
      await configMap('inf', 'poke');
      await Promise.all([started, addedAll(['poke'])]);
      const lists = (): number => proxy!.requests.filter((u) => !u.includes('watch=')).length;
      const listsBefore = lists();
      proxy.holdWatches();
      proxy.endWatches();
      // Behind the informer's back: a deletion, then enough writes to push it out of history.
      await core.deleteNamespacedConfigMap({ namespace: 'inf', name: 'doomed' });
      for (let i = 0; i < 6; i++) await configMap('bm', `filler-${i}`);
      proxy.release();
      await sawDeletion;
      expect(deleted).toEqual(['doomed']);
      expect(
        informer
          .list('inf')
          .map((cm) => cm.metadata!.name)
          .sort(),
      ).toEqual(['keep', 'poke']);
      expect(lists()).toBe(listsBefore + 1);
    } finally {
      await informer.stop();
    }
  });

  it('sendInitialEvents replays what exists, then a bookmark marks the end of it', async () => {
    const { events } = await collect(
      '/api/v1/namespaces/bm/configmaps',
      { sendInitialEvents: true, allowWatchBookmarks: true, resourceVersionMatch: 'NotOlderThan' },
      (e) => e.some((x) => x.type === 'BOOKMARK'),
    );
    expect(events.filter((e) => e.type === 'ADDED').map((e) => e.obj.metadata!.name)).toEqual(
      Array.from({ length: 6 }, (_, i) => `filler-${i}`),
    );
    const bookmark = events.at(-1)!;
    expect(bookmark.type).toBe('BOOKMARK');
    expect(bookmark.obj.metadata!.annotations).toEqual({ 'k8s.io/initial-events-end': 'true' });
    expect(Number(bookmark.obj.metadata!.resourceVersion)).toBeGreaterThan(0);
  });

  it('a /watch/ path on one name streams only that object, and timeoutSeconds ends it with a bookmark', async () => {
    const list = await core.listNamespacedConfigMap({ namespace: 'bm' });
    const watching = collect(
      '/api/v1/watch/namespaces/bm/configmaps/filler-1',
      { resourceVersion: list.metadata!.resourceVersion, allowWatchBookmarks: true, timeoutSeconds: 1 },
      () => false,
    );
    await core.patchNamespacedConfigMap({
      namespace: 'bm',
      name: 'filler-2',
      body: [{ op: 'add', path: '/data', value: { a: '1' } }],
    });
    await core.patchNamespacedConfigMap({
      namespace: 'bm',
      name: 'filler-1',
      body: [{ op: 'add', path: '/data', value: { b: '2' } }],
    });
    const { events, ended } = await watching;
    expect(ended).toBe(true);
    expect(events.map((e) => `${e.type} ${e.obj.metadata?.name ?? ''}`)).toEqual([
      'MODIFIED filler-1',
      'BOOKMARK ',
    ]);
  });

  it('without a resourceVersion, existing objects arrive first as ADDED', async () => {
    const { events } = await collect('/api/v1/namespaces/inf/configmaps', {}, (e) => e.length === 2);
    expect(events.map((e) => `${e.type} ${e.obj.metadata!.name}`)).toEqual(['ADDED keep', 'ADDED poke']);
  });
});
