import { KubeConfig, type V2HorizontalPodAutoscaler } from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import { analyze } from '../../src/analysis/analyze.js';
import { fetchSnapshot } from '../../src/analysis/fetch-snapshot.js';
import { snapshotFromState } from '../../src/analysis/snapshot.js';
import type { ClusterSnapshot } from '../../src/model/analysis.js';
import { podLogRequest, type LogRequest } from '../../src/cluster/recent-logs.js';
import { startSimulator, type RunningSim } from '../../src/sim/index.js';
import { initialState } from '../../src/state/store.js';
import { b64, createAll, oneOfEachKind, SECRET_VALUES } from '../cluster/kinds-fixtures.js';
import { startWatchProxy, type WatchProxy } from '../cluster/watch-proxy.js';
import { history, MI, NOW, workload } from './fixtures.js';

describe('snapshotFromState', () => {
  it("feeds the cockpit store's objects and usage history to the analyzers", () => {
    const w = workload('api', 2);
    const state = initialState({ context: 'c', server: 's', namespace: undefined });
    const key = `todo/${w.pods[0]!.metadata!.name}/app`;
    const usage = new Map([[key, history(60, () => ({ cpu: 100, memory: 200 * MI }))]]);
    const s = snapshotFromState(
      {
        ...state,
        pods: new Map(w.pods.map((p) => [`todo/${p.metadata!.name}`, p])),
        deployments: new Map([['todo/api', w.deployment]]),
        replicaSets: new Map([['todo/api-5d8f7', w.replicaSet]]),
        metrics: { ...state.metrics, containers: usage },
      },
      NOW,
    );
    expect(s).toMatchObject({ now: NOW, hpas: [], events: [], nodes: [] });
    expect(s.pods).toHaveLength(2);
    expect(s.usage).toBe(usage);
    expect(analyze(s, { only: ['right-sizing'] }).map((f) => f.id)).toEqual([
      'right-sizing:Deployment/todo/api:resources:app',
    ]);
  });
});

describe('snapshotFromState: an optional kind is known only once synced and while listable', () => {
  const service = { metadata: { name: 'web', namespace: 'todo' } };
  const hpa: V2HorizontalPodAutoscaler = {
    metadata: { name: 'web', namespace: 'todo' },
    spec: { scaleTargetRef: { kind: 'Deployment', name: 'web' }, maxReplicas: 3 },
  };
  it.each([
    ['not synced yet', {}, {}, undefined, []],
    ['synced', { services: true, horizontalpodautoscalers: true }, {}, [service], [hpa]],
    [
      'synced, then forbidden',
      { services: true, horizontalpodautoscalers: true },
      { services: 'forbidden: list services in namespace todo', horizontalpodautoscalers: 'forbidden: …' },
      undefined,
      [],
    ],
  ] as const)('%s', (_case, synced, forbidden, services, hpas) => {
    const state = initialState({ context: 'c', server: 's', namespace: 'todo' });
    const s = snapshotFromState(
      {
        ...state,
        services: new Map([['todo/web', service]]),
        hpas: new Map([['todo/web', hpa]]),
        synced,
        forbidden,
      },
      NOW,
    );
    expect(s.services).toEqual(services);
    expect(s.hpas).toEqual(hpas);
    expect(s.ingresses).toBeUndefined();
  });
});

describe('fetchSnapshot (aiops-tui analyze) against the simulator', () => {
  let sims: RunningSim[] = [];
  let proxy: WatchProxy | undefined;
  afterEach(async () => {
    await proxy?.close();
    await Promise.all(sims.map((s) => s.close()));
    sims = [];
    proxy = undefined;
  });
  const simulator = async (options: Parameters<typeof startSimulator>[0]) => {
    const sim = await startSimulator(options);
    sims.push(sim);
    const kc = new KubeConfig();
    kc.loadFromFile(sim.kubeconfigPath);
    return { sim, kc };
  };

  it('fills every optional kind, namespaced ones from the namespace and PVs, classes cluster-wide', async () => {
    const { kc } = await simulator({ scenario: 'todo' });
    const fixtures = oneOfEachKind('todo');
    await createAll(kc, [
      ...fixtures.map(([, o]) => o),
      ...oneOfEachKind('default')
        .filter(([f]) => f === 'jobs')
        .map(([, o]) => o),
    ]);
    const { snapshot, skipped } = await fetchSnapshot(kc, 'todo', { recentLogs: false });
    expect(skipped).toEqual([]);
    const names = (field: string) =>
      (
        (snapshot as unknown as Record<string, { metadata: { name: string; namespace?: string } }[]>)[
          field
        ] ?? []
      ).map((o) => `${o.metadata.namespace ?? ''}/${o.metadata.name}`);
    for (const [field, object] of fixtures)
      expect(names(field), field).toContain(`${object.metadata!.namespace ?? ''}/${object.metadata!.name}`);
    expect(names('services')).toEqual(expect.arrayContaining(['todo/backend', 'todo/frontend']));
    expect(names('jobs')).not.toContain('default/migrate'); // only the namespace asked for
  });

  it('carries Secrets and ConfigMaps with their keys only: no value anywhere in the snapshot', async () => {
    const { kc } = await simulator({ scenario: 'todo' });
    await createAll(
      kc,
      oneOfEachKind('todo')
        .filter(([f]) => f === 'secrets' || f === 'configMaps')
        .map(([, o]) => o),
    );
    const { snapshot } = await fetchSnapshot(kc, 'todo', { recentLogs: false });
    expect(snapshot.secrets?.find((s) => s.metadata?.name === 'db-credentials')?.data).toEqual({
      password: '',
      token: '',
    });
    expect(snapshot.secrets?.find((s) => s.metadata?.name === 'todo-backend')?.data).toEqual({
      DATABASE_URL: '',
    });
    const settings = snapshot.configMaps?.find((c) => c.metadata?.name === 'app-settings');
    expect(settings).toMatchObject({ data: { GREETING: '' }, binaryData: { 'blob.bin': '' } });
    const text = JSON.stringify(snapshot);
    const scenarioSecret = 'postgresql://todo:change-me@postgres:5432/todo';
    for (const value of [...SECRET_VALUES, scenarioSecret]) {
      expect(text).not.toContain(value);
      expect(text).not.toContain(b64(value));
    }
  });

  it('leaves a forbidden kind and one not served unknown, one line each in skipped, and lists the rest', async () => {
    const { sim } = await simulator({
      scenario: 'todo',
      deny: [{ resource: 'secrets' }, { resource: 'ingresses' }],
    });
    proxy = await startWatchProxy(sim.url);
    proxy.missing.add('/apis/policy/');
    const kc = new KubeConfig();
    kc.loadFromFile(proxy.kubeconfigPath);
    const { snapshot, skipped } = await fetchSnapshot(kc, 'todo', { recentLogs: false });
    expect(skipped.sort()).toEqual([
      'ingresses: HTTP 403',
      'poddisruptionbudgets: HTTP 404',
      'secrets: HTTP 403',
    ]);
    expect(snapshot.secrets).toBeUndefined();
    expect(snapshot.ingresses).toBeUndefined();
    expect(snapshot.podDisruptionBudgets).toBeUndefined();
    expect(snapshot.configMaps?.map((c) => c.metadata?.name)).toContain('todo-config');
    // Listed: the ingress addon's class, which the todo scenario installs as minikube does.
    expect(snapshot.ingressClasses?.map((c) => c.metadata?.name)).toEqual(['nginx']);
  });

  it("reads running containers' recent logs unless told not to", async () => {
    const { kc } = await simulator({ scenario: 'todo', speed: 20 });
    const reads: string[] = [];
    const request: LogRequest = (c, lines, bytes) => {
      reads.push(c.key);
      return podLogRequest(kc)(c, lines, bytes);
    };
    const deadline = Date.now() + 10_000;
    let snapshot: ClusterSnapshot;
    // The todo pods start and log within a few simulated seconds.
    do snapshot = (await fetchSnapshot(kc, 'todo', { logRequest: request })).snapshot;
    while (Object.values(snapshot.recentLogs ?? {}).every((l) => l.length === 0) && Date.now() < deadline);
    const [key, lines] = Object.entries(snapshot.recentLogs!).find(([, l]) => l.length > 0)!;
    expect(key).toMatch(/^todo\/[a-z0-9-]+\/[a-z0-9-]+$/);
    expect(lines.length).toBeGreaterThan(0);
    expect(reads).toContain(key);

    reads.length = 0;
    const off = (await fetchSnapshot(kc, 'todo', { logRequest: request, recentLogs: false })).snapshot;
    expect(off.recentLogs).toBeUndefined();
    expect(reads).toEqual([]);
  });
});
