// What the store keeps of an object (trimObject) loses nothing any reader of the store reads: every
// analyzer, the pods pane's rows and kubectl's printers of the views give the same answers on the
// trimmed objects as on the objects the API server served, over the simulator's scenarios with
// their faults (the todo platform's crash loop, the fault model's pods, a large cluster) and one
// object of every kind. Describe and YAML read the object fresh from the API (not the store).
import { KubeConfig, KubernetesObjectApi, type V1Pod } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyze } from '../../src/analysis/analyze.js';
import type { ClusterSnapshot } from '../../src/model/analysis.js';
import { getJson } from '../../src/cluster/http.js';
import { KIND_SPECS, listPath, trimObject, type KubeItem } from '../../src/cluster/kinds.js';
import { readPodMetrics, usageOfScrape } from '../../src/cluster/metrics.js';
import { printerFor } from '../../src/kube/printers.js';
import { startSimulator, type RunningSim } from '../../src/sim/index.js';
import { K } from '../../src/sim/resources.js';
import { podRows } from '../../src/state/selectors.js';
import { KIND_FIELD } from '../../src/state/store.js';
import type { WatchedKind } from '../../src/state/types.js';
import { kubeconfigFor } from '../analysis/kubeconfig.js';
import { until } from '../sim/until.js';
import { oneOfEachKind } from './kinds-fixtures.js';

const FAULTS = 'faults';
const faultPods = [
  ['crash', { command: ['sh', '-c', 'exit 3'] }],
  ['no-image', { image: 'registry.example/does-not-exist:0.0.0' }],
  ['too-big', { resources: { requests: { cpu: '1000', memory: '4Ti' } } }],
  ['unready', { readinessProbe: { httpGet: { path: '/ready', port: 9999 }, periodSeconds: 1 } }],
] as const;

type Served = Record<WatchedKind, KubeItem[]>;

let sim: RunningSim;
let kc: KubeConfig;
let served: Served;
let usage: ClusterSnapshot['usage'];
let now: number;

beforeAll(async () => {
  sim = await startSimulator({ scenario: 'todo', speed: 60 });
  kc = new KubeConfig();
  kc.loadFromFile(kubeconfigFor(sim.url, 'sim'));
  const objects = KubernetesObjectApi.makeApiClient(kc);
  await objects.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: FAULTS } });
  for (const [name, container] of faultPods)
    await objects.create({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace: FAULTS },
      spec: { containers: [{ name: 'app', image: 'registry.example/app:1.0', ...container }] },
    });
  for (const [, object] of oneOfEachKind(FAULTS)) await objects.create(object);
  // The todo backend's crash loop and the fault pods' states are what the analyzers must see.
  await until(
    async () => sim.ctx.store.list(K.pods),
    (pods) =>
      ['CrashLoopBackOff', 'ImagePullBackOff'].every((reason) =>
        pods.some((p) =>
          (p as unknown as V1Pod).status?.containerStatuses?.some((c) => c.state?.waiting?.reason === reason),
        ),
      ),
    30_000,
  );
  served = Object.fromEntries(
    await Promise.all(
      (Object.keys(KIND_SPECS) as WatchedKind[]).map(async (kind) => [
        kind,
        (await getJson<{ items: KubeItem[] }>(kc, listPath(kind, undefined))).items,
      ]),
    ),
  ) as Served;
  now = sim.ctx.clock.now();
  usage = usageOfScrape(await readPodMetrics(kc, undefined), now);
}, 60_000);
afterAll(() => sim?.close());

const trimmed = (kind: WatchedKind, items: KubeItem[]): KubeItem[] =>
  items.map((item) => trimObject(kind, structuredClone(item)));

function snapshot(objects: Served): ClusterSnapshot {
  const field = (kind: WatchedKind) => objects[kind] as never;
  return {
    now,
    usage,
    ...(Object.fromEntries(
      (Object.keys(KIND_FIELD) as WatchedKind[]).map((kind) => [KIND_FIELD[kind], field(kind)]),
    ) as unknown as Omit<ClusterSnapshot, 'now' | 'usage'>),
  };
}

const trimAll = (objects: Served, trim = trimmed): Served =>
  Object.fromEntries(
    Object.entries(objects).map(([kind, items]) => [kind, trim(kind as WatchedKind, items)]),
  ) as Served;

describe('trimObject keeps what every reader of the store reads', () => {
  it('drops something from every pod (the comparison below is not of equal inputs)', () => {
    expect(served.pods.length).toBeGreaterThan(5);
    for (const [pod, kept] of served.pods.map((p) => [p, trimObject('pods', structuredClone(p))]))
      expect(JSON.stringify(kept).length).toBeLessThan(JSON.stringify(pod).length);
  });

  it('gives every analyzer the same findings', () => {
    const before = analyze(snapshot(served));
    expect(before.some((f) => f.id.includes(':crashloop:'))).toBe(true);
    expect(analyze(snapshot(trimAll(served)))).toEqual(before);
  });

  it('would be caught dropping a field an analyzer reads', () => {
    const careless = (kind: WatchedKind, items: KubeItem[]) =>
      trimmed(kind, items).map((item) => {
        if (kind === 'pods')
          delete (item as { status?: { containerStatuses?: unknown } }).status?.containerStatuses;
        return item;
      });
    expect(analyze(snapshot(trimAll(served, careless)))).not.toEqual(analyze(snapshot(served)));
  });

  it('gives the pods pane the same rows', () => {
    const state = (objects: Served) => ({
      pods: new Map(objects.pods.map((p) => [`${p.metadata.namespace}/${p.metadata.name}`, p])),
      metrics: { available: true, containers: usage, nodes: new Map() },
    });
    const rows = (objects: Served) =>
      podRows(state(objects) as unknown as Parameters<typeof podRows>[0], now, '', 'name');
    expect(rows(trimAll(served))).toEqual(rows(served));
  });

  it("prints every kind's columns the same", () => {
    const trimmedAll = trimAll(served);
    // A Secret keeps its keys only, stringData's among data's (kinds.test.ts): its DATA count is
    // what a real server shows, which merges stringData into data on write (the simulator does not).
    for (const kind of (Object.keys(KIND_SPECS) as WatchedKind[]).filter((k) => k !== 'secrets')) {
      const cells = (items: KubeItem[]) =>
        items.map((item) => printerFor((item as { kind?: string }).kind ?? '').cells(item as never, now));
      expect(cells(trimmedAll[kind]), kind).toEqual(cells(served[kind]));
    }
  });
});
