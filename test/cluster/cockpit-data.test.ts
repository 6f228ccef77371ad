// The data layer against the simulator over HTTP: the store converges to exactly what the server
// has, survives the server going away and coming back, resumes or relists watches as the server
// requires, and shows a 403 on one kind only; the kinds only the analyzers read come after the
// pods, trimmed, and are unknown (not a banner) while refused.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import { startCockpitData, type CockpitData } from '../../src/cluster/cockpit-service.js';
import { loadConnection } from '../../src/cluster/connect.js';
import { getRaw } from '../../src/cluster/http.js';
import { snapshotFromState } from '../../src/analysis/snapshot.js';
import { LATER_KINDS } from '../../src/cluster/kinds.js';
import { WATCHED_KINDS } from '../../src/cluster/watchers.js';
import { startSimulator, type RunningSim } from '../../src/sim/index.js';
import type { CockpitState, ConnectionStatus } from '../../src/state/types.js';
import { b64, createAll, oneOfEachKind, SECRET_VALUES } from './kinds-fixtures.js';
import { startWatchProxy, type WatchProxy } from './watch-proxy.js';
import { untilStore } from './store-until.js';

let sims: RunningSim[] = [];
let proxy: WatchProxy | undefined;
let data: CockpitData | undefined;
afterEach(async () => {
  data?.stop();
  await proxy?.close();
  await Promise.all(sims.map((s) => s.close()));
  data = undefined;
  proxy = undefined;
  sims = [];
});

async function simulator(options: Parameters<typeof startSimulator>[0]): Promise<RunningSim> {
  const sim = await startSimulator(options);
  sims.push(sim);
  return sim;
}

/** Resolves when `predicate` holds for the store, checked on every store change. */
const until = (d: CockpitData, predicate: (s: CockpitState) => boolean, timeoutMs = 10_000) =>
  untilStore(d, predicate, timeoutMs);

const api = (kubeconfigPath: string): CoreV1Api => {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfigPath);
  return kc.makeApiClient(CoreV1Api);
};

async function serverPodKeys(kubeconfigPath: string): Promise<string[]> {
  const list = await api(kubeconfigPath).listPodForAllNamespaces();
  return list.items.map((p) => `${p.metadata!.namespace}/${p.metadata!.name}`).sort();
}

const storeKeys = (s: CockpitState): string[] => [...s.pods.keys()].sort();

/**
 * Resolves when the store holds exactly the server's pods. The server keeps changing (crash
 * loops, rollouts), so its list is read again on every store change until one matches.
 */
function convergesTo(d: CockpitData, kubeconfigPath: string, timeoutMs = 15_000): Promise<void> {
  let expected: string[] = [];
  let reading: Promise<void> | undefined;
  const refresh = (): void => {
    // A read that fails (the server restarting) is retried on the next store change.
    reading ??= serverPodKeys(kubeconfigPath)
      .then((keys) => {
        expected = keys;
      })
      .catch(() => undefined)
      .finally(() => {
        reading = undefined;
      });
  };
  refresh();
  return until(
    d,
    (s) => {
      const same = JSON.stringify(storeKeys(s)) === JSON.stringify(expected);
      if (!same) refresh();
      return same && expected.length > 0;
    },
    timeoutMs,
  );
}

/** Every connection status the store goes through from now on. */
function statuses(d: CockpitData): ConnectionStatus[] {
  const seen: ConnectionStatus[] = [d.store.getState().connection.status];
  d.store.subscribe((s) => {
    if (s.connection.status !== seen.at(-1)) seen.push(s.connection.status);
  });
  return seen;
}

const newPod = (name: string) => ({
  metadata: { name },
  spec: { containers: [{ name: 'app', image: 'nginx:1.27' }] },
});

describe('the cockpit data layer against the simulator', () => {
  it('converges to exactly the server pods, and again after the server is killed and restarted', async () => {
    const kubeconfig = join(mkdtempSync(join(tmpdir(), 'cockpit-data-')), 'kubeconfig');
    let sim = await simulator({ scenario: 'todo', speed: 20, kubeconfigOut: kubeconfig });
    const port = sim.port;
    data = startCockpitData(loadConnection({ kubeconfig, allNamespaces: true }), 60_000);
    await until(data, (s) => s.synced.pods === true && s.pods.size === 4);
    await convergesTo(data, kubeconfig);
    const seen = statuses(data);

    await sim.close();
    await until(data, (s) => s.connection.status === 'reconnecting');
    expect(data.store.getState().connection.message).toMatch(/^connection lost: /);
    expect(data.store.getState().pods.size).toBeGreaterThan(0); // the last known state stays

    sim = await simulator({ scenario: 'todo', speed: 20, port, kubeconfigOut: kubeconfig });
    await until(data, (s) => s.connection.status === 'connected', 20_000);
    await convergesTo(data, kubeconfig, 20_000);
    expect(seen).toEqual(['connected', 'reconnecting', 'connected']);

    // Killed and restarted at once, as a supervisor would: converges all the same.
    await sim.close();
    await simulator({ scenario: 'todo', speed: 20, port, kubeconfigOut: kubeconfig });
    await convergesTo(data, kubeconfig, 20_000);
  });

  it('a silent watch resumed from a version the server no longer keeps (410 Gone) relists', async () => {
    // The simulator keeps one change for resumption, so any two changes expire a watch's version.
    const sim = await simulator({ scenario: 'todo', speed: 20, watchHistory: 1 });
    proxy = await startWatchProxy(sim.url);
    data = startCockpitData(
      loadConnection({ kubeconfig: proxy.kubeconfigPath, allNamespaces: true }),
      60_000,
      { watchTimeoutSeconds: 1, watchDeadStreamGraceMs: 300 },
    );
    await convergesTo(data, sim.kubeconfigPath);
    const seen = statuses(data);
    const podLists = (): number => proxy!.requests.filter((u) => /^\/api\/v1\/pods\?limit=/.test(u)).length;
    const listsBefore = podLists();

    await proxy.watching(WATCHED_KINDS.length);
    proxy.holdWatches();
    proxy.stallWatches(); // not ended on their 1 s timeout: taken for dead 300 ms later, resumed
    await api(sim.kubeconfigPath).createNamespacedPod({
      namespace: 'todo',
      body: { ...newPod('extra-1'), metadata: { name: 'extra-1', managedFields: [{ manager: 'kubectl' }] } },
    });
    await api(sim.kubeconfigPath).createNamespacedPod({ namespace: 'todo', body: newPod('extra-2') });
    proxy.release();

    await until(data, (s) => s.pods.has('todo/extra-1') && s.pods.has('todo/extra-2'));
    // Stored without managedFields, which no pane reads and real clusters attach to every object.
    expect(data.store.getState().pods.get('todo/extra-1')?.metadata).not.toHaveProperty('managedFields');
    await convergesTo(data, sim.kubeconfigPath);
    expect(podLists()).toBeGreaterThan(listsBefore);
    expect(seen).not.toContain('reconnecting'); // a 410 is not a lost connection
  });

  it('relists when a resumed watch brings older resourceVersions (a server with a fresh store)', async () => {
    const first = await simulator({ scenario: 'todo', speed: 20 });
    proxy = await startWatchProxy(first.url);
    data = startCockpitData(
      loadConnection({ kubeconfig: proxy.kubeconfigPath, allNamespaces: true }),
      60_000,
      { watchTimeoutSeconds: 1, watchDeadStreamGraceMs: 300 },
    );
    await convergesTo(data, first.kubeconfigPath);
    // Far enough ahead that the second server, whose controllers keep writing, does not reach the
    // first one's version while a stalled watch waits out its timeout and grace (1.3 s).
    for (let i = 0; i < 40; i++)
      await api(first.kubeconfigPath).createNamespacedPod({ namespace: 'todo', body: newPod(`old-${i}`) });
    await until(data, (s) => s.pods.has('todo/old-39'));

    const second = await simulator({ scenario: 'todo', speed: 20 });
    expect(second.ctx.store.resourceVersion).toBeLessThan(first.ctx.store.resourceVersion);
    await proxy.watching(WATCHED_KINDS.length);
    proxy.holdWatches();
    proxy.stallWatches();
    proxy.release(second.url); // the silent watches resume from versions the new server has not reached
    await api(second.kubeconfigPath).createNamespacedPod({ namespace: 'todo', body: newPod('new-0') });
    await convergesTo(data, second.kubeconfigPath);
    expect(data.store.getState().pods.has('todo/old-0')).toBe(false);
  });

  it('relists when the server closes a watch (it may have restarted with a fresh store)', async () => {
    const sim = await simulator({ scenario: 'todo', speed: 20 });
    proxy = await startWatchProxy(sim.url);
    data = startCockpitData(
      loadConnection({ kubeconfig: proxy.kubeconfigPath, allNamespaces: true }),
      60_000,
    );
    await convergesTo(data, sim.kubeconfigPath);
    const podLists = (): number => proxy!.requests.filter((u) => /^\/api\/v1\/pods\?limit=/.test(u)).length;
    const listsBefore = podLists();
    await proxy.watching(WATCHED_KINDS.length);
    proxy.endWatches();
    await until(data, () => podLists() > listsBefore);
  });

  it('switching namespace mid-list shows that namespace only, with nothing late from the old one', async () => {
    const sim = await simulator({ scenario: 'large:1000' });
    data = startCockpitData(loadConnection({ kubeconfig: sim.kubeconfigPath, allNamespaces: true }), 60_000);
    data.setNamespace('load-003'); // while the all-namespaces list is still in flight
    await until(data, (s) => s.synced.pods === true);
    await api(sim.kubeconfigPath).createNamespacedPod({ namespace: 'load-000', body: newPod('elsewhere') });
    await api(sim.kubeconfigPath).createNamespacedPod({ namespace: 'load-003', body: newPod('here') });
    await until(data, (s) => s.pods.has('load-003/here'));
    const keys = storeKeys(data.store.getState());
    expect(keys).toHaveLength(101);
    expect(keys.filter((k) => !k.startsWith('load-003/'))).toEqual([]);
    expect(data.store.getState().connection.namespace).toBe('load-003');
  });

  it('shows forbidden for the kind RBAC refuses and keeps the others', async () => {
    const sim = await simulator({ scenario: 'todo', speed: 20, deny: [{ resource: 'pods' }] });
    data = startCockpitData(loadConnection({ kubeconfig: sim.kubeconfigPath, namespace: 'todo' }), 60_000);
    await until(
      data,
      (s) =>
        s.forbidden.pods === 'forbidden: list pods in namespace todo' &&
        s.deployments.size === 2 &&
        s.connection.status === 'connected',
    );
    expect(data.store.getState().forbidden.deployments).toBeUndefined();
  });

  it('names all namespaces in the forbidden message under -A', async () => {
    const sim = await simulator({ scenario: 'todo', deny: [{ resource: 'events' }] });
    data = startCockpitData(loadConnection({ kubeconfig: sim.kubeconfigPath, allNamespaces: true }), 60_000);
    await until(data, (s) => s.forbidden.events === 'forbidden: list events in all namespaces');
  });

  it('fills a usage history from metrics.k8s.io', async () => {
    const sim = await simulator({ scenario: 'todo', speed: 50 });
    data = startCockpitData(loadConnection({ kubeconfig: sim.kubeconfigPath, namespace: 'todo' }), 1000);
    await until(
      data,
      (s) => s.metrics.available === true && [...s.metrics.containers.values()].some((h) => h.length >= 2),
      15_000,
    );
    const history = [...data.store.getState().metrics.containers.values()].find((h) => h.length >= 2)!;
    expect(history[1]!.at).toBeGreaterThan(history[0]!.at);
    expect(history[0]!.cpuMillis).toBeGreaterThan(0);
    expect(history[0]!.memoryBytes).toBeGreaterThan(0);
    expect(data.store.getState().metrics.nodes.size).toBeGreaterThan(0);
  });

  it('says how to get metrics when metrics.k8s.io is not served, and picks them up once it is', async () => {
    const sim = await simulator({ scenario: 'todo', speed: 50 });
    proxy = await startWatchProxy(sim.url);
    proxy.missing.add('/apis/metrics.k8s.io/');
    data = startCockpitData(loadConnection({ kubeconfig: proxy.kubeconfigPath, namespace: 'todo' }), 500);
    await until(data, (s) => s.metrics.available === false);
    expect(data.store.getState().metrics.message).toBe(
      'metrics API not available (metrics.k8s.io: 404) — on minikube: minikube addons enable metrics-server',
    );
    proxy.missing.clear(); // metrics-server installed: the next poll finds it
    await until(data, (s) => s.metrics.available === true && s.metrics.containers.size > 0);
    expect(data.store.getState().metrics.message).toBeUndefined();
  });

  it('a metrics API answering a plain-text 404 (no metrics-server) is unavailable, its usage unknown', async () => {
    const sim = await simulator({ scenario: 'todo', speed: 50, metrics: false });
    data = startCockpitData(loadConnection({ kubeconfig: sim.kubeconfigPath, namespace: 'todo' }), 500);
    await until(data, (s) => s.metrics.available === false);
    expect(data.store.getState().metrics.message).toBe(
      'metrics API not available (metrics.k8s.io: 404) — on minikube: minikube addons enable metrics-server',
    );
    expect(data.store.getState().metrics.containers.size).toBe(0);
  });

  it('each watch asks for bookmarks and a server-side timeout, and is resumed (not relisted) when it ends on it', async () => {
    const sim = await simulator({ scenario: 'todo', speed: 20 });
    proxy = await startWatchProxy(sim.url);
    data = startCockpitData(
      loadConnection({ kubeconfig: proxy.kubeconfigPath, allNamespaces: true }),
      60_000,
      { watchTimeoutSeconds: 1 },
    );
    await convergesTo(data, sim.kubeconfigPath);
    const seen = statuses(data);
    const podWatches = (): URLSearchParams[] =>
      proxy!.requests
        .filter((u) => u.startsWith('/api/v1/pods?') && u.includes('watch=true'))
        .map((u) => new URL(u, 'http://x').searchParams);
    const podLists = (): number => proxy!.requests.filter((u) => /^\/api\/v1\/pods\?limit=/.test(u)).length;
    const lists = podLists();
    const deadline = Date.now() + 10_000;
    while (podWatches().length < 4 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const watches = podWatches();
    expect(watches.length).toBeGreaterThanOrEqual(4);
    for (const q of watches) {
      expect(q.get('allowWatchBookmarks')).toBe('true');
      expect(q.get('timeoutSeconds')).toBe('1');
    }
    // Every stream after the first resumes from a version (the bookmark sent as it ended).
    for (const q of watches.slice(1)) expect(Number(q.get('resourceVersion'))).toBeGreaterThan(0);
    expect(podLists()).toBe(lists);
    expect(seen).not.toContain('reconnecting');
    await convergesTo(data, sim.kubeconfigPath);
  });

  it('by default a watch asks the server to keep it 5 to 10 minutes, as client-go does', async () => {
    const sim = await simulator({ scenario: 'todo', speed: 20 });
    proxy = await startWatchProxy(sim.url);
    data = startCockpitData(loadConnection({ kubeconfig: proxy.kubeconfigPath, namespace: 'todo' }), 60_000);
    await proxy.watching(WATCHED_KINDS.length);
    const timeouts = proxy.requests
      .filter((u) => u.includes('watch=true'))
      .map((u) => Number(new URL(u, 'http://x').searchParams.get('timeoutSeconds')));
    expect(timeouts).toHaveLength(WATCHED_KINDS.length);
    for (const t of timeouts) {
      expect(t).toBeGreaterThanOrEqual(300);
      expect(t).toBeLessThan(600);
    }
  });

  it('a hung backend behind a live API server (its /readyz failing) is not `connected`, and is again once it recovers', async () => {
    const sim = await simulator({ scenario: 'todo', speed: 20 });
    data = startCockpitData(loadConnection({ kubeconfig: sim.kubeconfigPath, namespace: 'todo' }), 60_000, {
      readyzIntervalMs: 200,
    });
    await until(data, (s) => s.connection.status === 'connected' && s.synced.pods === true);
    const pods = data.store.getState().pods.size;
    sim.pauseBackend();
    const paused = Date.now();
    await until(data, (s) => s.connection.status !== 'connected', 5_000);
    expect(Date.now() - paused).toBeLessThan(5_000);
    expect(data.store.getState().connection).toMatchObject({
      status: 'reconnecting',
      message: 'API server not ready (/readyz 500: etcd, etcd-readiness failed)',
    });
    expect(data.store.getState().pods.size).toBe(pods); // what we know stays
    sim.resumeBackend();
    await until(
      data,
      (s) => s.connection.status === 'connected' && s.connection.message === undefined,
      5_000,
    );
  });

  it('watches every optional kind (Secrets and ConfigMaps keys only), and the snapshot has each once synced', async () => {
    const sim = await simulator({ scenario: 'todo', speed: 20 });
    const kc = new KubeConfig();
    kc.loadFromFile(sim.kubeconfigPath);
    const fixtures = oneOfEachKind('todo');
    await createAll(
      kc,
      fixtures.map(([, o]) => o),
    );
    data = startCockpitData(loadConnection({ kubeconfig: sim.kubeconfigPath, namespace: 'todo' }), 60_000);
    await until(data, (s) => LATER_KINDS.every((k) => s.synced[k]));
    const snapshot = snapshotFromState(data.store.getState(), Date.now()) as unknown as Record<
      string,
      { metadata: { name: string }; data?: Record<string, string> }[]
    >;
    for (const [field, object] of fixtures)
      expect(
        snapshot[field]?.map((o) => o.metadata.name),
        field,
      ).toContain(object.metadata!.name);
    expect(snapshot.secrets!.find((o) => o.metadata.name === 'db-credentials')!.data).toEqual({
      password: '',
      token: '',
    });
    const stored = JSON.stringify([
      ...data.store.getState().secrets.values(),
      ...data.store.getState().configMaps.values(),
    ]);
    for (const value of SECRET_VALUES) {
      expect(stored).not.toContain(value);
      expect(stored).not.toContain(b64(value));
    }

    // A change arrives through the watch, not a relist.
    const core = api(sim.kubeconfigPath);
    const backend = await core.readNamespacedService({ name: 'backend', namespace: 'todo' });
    backend.metadata!.labels = { ...backend.metadata!.labels, tier: 'api' };
    await core.replaceNamespacedService({ name: 'backend', namespace: 'todo', body: backend });
    await until(data, (s) => s.services.get('todo/backend')?.metadata?.labels?.tier === 'api');
    const updated = snapshotFromState(data.store.getState(), Date.now()).services!;
    expect(updated.find((o) => o.metadata?.name === 'backend')?.metadata?.labels?.tier).toBe('api');

    // And the autoscaler the HPA analyzer needs.
    expect(snapshotFromState(data.store.getState(), Date.now()).hpas.map((h) => h.metadata?.name)).toEqual([
      'web',
    ]);
  });

  it("starts the optional kinds only after the pods list, and reads running containers' recent logs", async () => {
    const sim = await simulator({ scenario: 'todo', speed: 20 });
    proxy = await startWatchProxy(sim.url);
    // The backend holds every list: the pods' is asked and waits, and nothing else may be asked.
    sim.pauseBackend();
    data = startCockpitData(loadConnection({ kubeconfig: proxy.kubeconfigPath, namespace: 'todo' }), 60_000);
    const laterList = new RegExp(`/(${LATER_KINDS.join('|')})\\?limit=`);
    const deadline = Date.now() + 5_000;
    while (!proxy.requests.some((u) => /^\/api\/v1\/namespaces\/todo\/pods\?limit=/.test(u))) {
      if (Date.now() > deadline) throw new Error('the pods were not listed within 5 s');
      await new Promise((resolve) => setImmediate(resolve));
    }
    // A request of ours sent after the cockpit's first ones, answered: those have arrived too.
    const kc = new KubeConfig();
    kc.loadFromFile(proxy.kubeconfigPath);
    await getRaw(kc, '/version');
    const askedBeforePods = proxy.requests.filter((u) => laterList.test(u));
    sim.resumeBackend();
    await until(data, (s) => LATER_KINDS.every((k) => s.synced[k]));
    expect(askedBeforePods).toEqual([]);
    expect(
      new Set(proxy.requests.filter((u) => laterList.test(u)).map((u) => laterList.exec(u)![1])),
    ).toEqual(new Set(LATER_KINDS));
    await until(data, (s) => Object.values(s.recentLogs).some((lines) => lines.length > 0));
    const [key] = Object.entries(data.store.getState().recentLogs).find(([, lines]) => lines.length > 0)!;
    expect(
      proxy.requests.some((u) => u.startsWith(`/api/v1/namespaces/todo/pods/${key.split('/')[1]}/log?`)),
    ).toBe(true);
  });

  it('a forbidden or unserved optional kind is unknown to the analyzers, with no banner and no reconnecting', async () => {
    const sim = await simulator({ scenario: 'todo', speed: 20, deny: [{ resource: 'secrets' }] });
    proxy = await startWatchProxy(sim.url);
    proxy.missing.add('/apis/policy/');
    data = startCockpitData(loadConnection({ kubeconfig: proxy.kubeconfigPath, namespace: 'todo' }), 60_000);
    const seen = statuses(data);
    await until(
      data,
      (s) =>
        !!s.forbidden.secrets &&
        !!s.forbidden.poddisruptionbudgets &&
        LATER_KINDS.every((k) => s.synced[k] || s.forbidden[k]),
    );
    const state = data.store.getState();
    expect(state.forbidden).toEqual({
      secrets: 'forbidden: list secrets in namespace todo',
      poddisruptionbudgets: 'not served: list poddisruptionbudgets in namespace todo',
    });
    const snapshot = snapshotFromState(state, Date.now());
    expect(snapshot.secrets).toBeUndefined();
    expect(snapshot.podDisruptionBudgets).toBeUndefined();
    expect(snapshot.configMaps?.map((c) => c.metadata?.name)).toEqual(['todo-config']);
    expect(seen).not.toContain('reconnecting');
    expect(state.connection.status).toBe('connected');
  });
});
