// The endpoints and endpointslice controllers keep each selecting Service's Endpoints and
// EndpointSlices in step with its pods' IPs, ports and readiness, as a real 1.34 cluster does.
import {
  AppsV1Api,
  CoreV1Api,
  DiscoveryV1Api,
  KubeConfig,
  PatchStrategy,
  setHeaderOptions,
  type V1EndpointSlice,
  type V1Endpoints,
  type V1Pod,
} from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endpointSubsets, resolvePorts } from '../../src/sim/controllers/endpoints.js';
import { startSimulator, type RunningSim } from '../../src/sim/index.js';
import type { KubeObject } from '../../src/sim/objects.js';
import { until } from './until.js';

const NS = 'net';
let sim: RunningSim;
let core: CoreV1Api;
let apps: AppsV1Api;
let discovery: DiscoveryV1Api;

beforeAll(async () => {
  sim = await startSimulator({ scenario: 'empty', speed: 50 });
  const kc = new KubeConfig();
  kc.loadFromFile(sim.kubeconfigPath);
  core = kc.makeApiClient(CoreV1Api);
  apps = kc.makeApiClient(AppsV1Api);
  discovery = kc.makeApiClient(DiscoveryV1Api);
  await core.createNamespace({ body: { metadata: { name: NS } } });
});
afterAll(() => sim.close());

const slicesOf = async (service: string): Promise<V1EndpointSlice[]> =>
  (
    await discovery.listNamespacedEndpointSlice({
      namespace: NS,
      labelSelector: `kubernetes.io/service-name=${service}`,
    })
  ).items;
const endpointsOf = (name: string): Promise<V1Endpoints | undefined> =>
  core.readNamespacedEndpoints({ namespace: NS, name }).catch(() => undefined);
const podsOf = async (app: string): Promise<V1Pod[]> =>
  (await core.listNamespacedPod({ namespace: NS, labelSelector: `app=${app}` })).items;
const isReady = (p: V1Pod) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');

async function deployment(name: string, replicas: number): Promise<void> {
  await apps.createNamespacedDeployment({
    namespace: NS,
    body: {
      metadata: { name },
      spec: {
        replicas,
        selector: { matchLabels: { app: name } },
        template: {
          metadata: { labels: { app: name } },
          spec: {
            containers: [{ name, image: `${name}:1`, ports: [{ name: 'http', containerPort: 8080 }] }],
          },
        },
      },
    },
  });
}

describe('a Service with a selector', () => {
  beforeAll(async () => {
    await deployment('web', 2);
    // Selected too, but its readiness probe asks a port the container does not serve.
    await core.createNamespacedPod({
      namespace: NS,
      body: {
        metadata: { name: 'web-unready', labels: { app: 'web' } },
        spec: {
          containers: [
            {
              name: 'web',
              image: 'web:1',
              ports: [{ name: 'http', containerPort: 8080 }],
              readinessProbe: { tcpSocket: { port: 9999 }, periodSeconds: 1 },
            },
          ],
        },
      },
    });
    await core.createNamespacedService({
      namespace: NS,
      body: {
        metadata: { name: 'web', labels: { tier: 'front' } },
        spec: {
          selector: { app: 'web' },
          ports: [
            { name: 'http', port: 80, targetPort: 'http' },
            { name: 'metrics', port: 9090, targetPort: 9090 },
          ],
        },
      },
    });
    await until(
      () => podsOf('web'),
      (pods) => pods.length === 3 && pods.filter(isReady).length === 2 && pods.every((p) => p.status?.podIP),
    );
  });

  it('gets one EndpointSlice owned by it, listing exactly its ready pods as ready, named ports resolved', async () => {
    const pods = await podsOf('web');
    const ready = pods.filter(isReady);
    const service = await core.readNamespacedService({ namespace: NS, name: 'web' });
    const [slice] = await until(
      () => slicesOf('web'),
      (s) => s.length === 1 && s[0]!.endpoints?.filter((e) => e.conditions?.ready).length === 2,
    );
    expect(slice!.metadata!.name).toMatch(/^web-[a-z0-9]{5}$/);
    expect(slice!.metadata!.generateName).toBe('web-');
    expect(slice!.metadata!.labels).toEqual({
      tier: 'front',
      'kubernetes.io/service-name': 'web',
      'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io',
    });
    expect(slice!.metadata!.ownerReferences).toEqual([
      {
        apiVersion: 'v1',
        kind: 'Service',
        name: 'web',
        uid: service.metadata!.uid,
        controller: true,
        blockOwnerDeletion: true,
      },
    ]);
    expect(slice!.addressType).toBe('IPv4');
    expect(slice!.ports).toEqual([
      { name: 'http', port: 8080, protocol: 'TCP' },
      { name: 'metrics', port: 9090, protocol: 'TCP' },
    ]);
    const readyIps = slice!.endpoints!.filter((e) => e.conditions!.ready).map((e) => e.addresses[0]);
    expect(readyIps.sort()).toEqual(ready.map((p) => p.status!.podIP!).sort());
    const unready = slice!.endpoints!.find((e) => e.targetRef!.name === 'web-unready');
    expect(unready).toMatchObject({
      conditions: { ready: false, serving: false, terminating: false },
      nodeName: 'minikube',
      targetRef: { kind: 'Pod', namespace: NS, name: 'web-unready' },
    });
  });

  it('gets an Endpoints object of the same name with the unready pod under notReadyAddresses', async () => {
    const pods = await podsOf('web');
    const ep = await until(
      () => endpointsOf('web'),
      (e) => e?.subsets?.[0]?.addresses?.length === 2,
    );
    expect(ep!.metadata!.labels).toEqual({
      tier: 'front',
      'endpoints.kubernetes.io/managed-by': 'endpoint-controller',
    });
    expect(ep!.metadata!.annotations?.['endpoints.kubernetes.io/last-change-trigger-time']).toMatch(/Z$/);
    expect(ep!.subsets).toHaveLength(1);
    const [subset] = ep!.subsets!;
    expect(subset!.addresses!.map((a) => a.targetRef!.name).sort()).toEqual(
      pods
        .filter(isReady)
        .map((p) => p.metadata!.name)
        .sort(),
    );
    expect(subset!.notReadyAddresses!.map((a) => a.targetRef!.name)).toEqual(['web-unready']);
    expect(subset!.ports).toEqual([
      { name: 'http', port: 8080, protocol: 'TCP' },
      { name: 'metrics', port: 9090, protocol: 'TCP' },
    ]);
  });

  it('moves a pod to not-ready when its readiness flips, and back', async () => {
    const pod = (await podsOf('web')).find((p) => isReady(p) && p.metadata!.name !== 'web-unready')!;
    const name = pod.metadata!.name!;
    const setReady = (status: 'True' | 'False') =>
      core.patchNamespacedPodStatus(
        {
          namespace: NS,
          name,
          body: {
            status: {
              conditions: pod.status!.conditions!.map((c) =>
                c.type === 'Ready' || c.type === 'ContainersReady' ? { ...c, status } : c,
              ),
            },
          },
        },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      );
    const conditionsOf = async () =>
      (await slicesOf('web'))[0]?.endpoints?.find((e) => e.targetRef?.name === name)?.conditions;
    await setReady('False');
    expect(await until(conditionsOf, (c) => c?.ready === false)).toEqual({
      ready: false,
      serving: false,
      terminating: false,
    });
    const ep = await until(
      () => endpointsOf('web'),
      (e) => Boolean(e?.subsets?.[0]?.notReadyAddresses?.some((a) => a.targetRef?.name === name)),
    );
    expect(ep!.subsets![0]!.addresses!.map((a) => a.targetRef!.name)).not.toContain(name);
    await setReady('True');
    expect(await until(conditionsOf, (c) => c?.ready === true)).toEqual({
      ready: true,
      serving: true,
      terminating: false,
    });
  });

  it('takes a pod out when its labels stop matching', async () => {
    await core.patchNamespacedPod(
      { namespace: NS, name: 'web-unready', body: { metadata: { labels: { app: 'elsewhere' } } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    const [slice] = await until(
      () => slicesOf('web'),
      (s) => !s[0]?.endpoints?.some((e) => e.targetRef?.name === 'web-unready'),
    );
    expect(slice!.endpoints).toHaveLength(2);
    const ep = await until(
      () => endpointsOf('web'),
      (e) => !e?.subsets?.[0]?.notReadyAddresses,
    );
    expect(ep!.subsets![0]!.addresses).toHaveLength(2);
  });
});

describe('edge cases the real controllers have', () => {
  it('a selector matching nothing gives one placeholder slice and an Endpoints without subsets', async () => {
    await core.createNamespacedService({
      namespace: NS,
      body: { metadata: { name: 'nothing' }, spec: { selector: { app: 'nothing' }, ports: [{ port: 80 }] } },
    });
    const [slice] = await until(
      () => slicesOf('nothing'),
      (s) => s.length === 1,
    );
    expect(slice!.endpoints ?? null).toBeNull();
    expect(slice!.ports ?? null).toBeNull();
    const ep = await until(
      () => endpointsOf('nothing'),
      (e) => e !== undefined,
    );
    expect(ep!.subsets).toBeUndefined();
  });

  it('a named targetPort no container has: the pods are in the slice without ports, Endpoints has none', async () => {
    await core.createNamespacedService({
      namespace: NS,
      body: {
        metadata: { name: 'missing-port' },
        spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 'nope' }] },
      },
    });
    const [slice] = await until(
      () => slicesOf('missing-port'),
      (s) => s[0]?.endpoints?.length === 2,
    );
    expect(slice!.ports ?? null).toBeNull();
    const ep = await until(
      () => endpointsOf('missing-port'),
      (e) => e !== undefined,
    );
    expect(ep!.subsets).toBeUndefined();
  });

  it('a Service without a selector is left alone, and a deleted Service takes its endpoints along', async () => {
    await core.createNamespacedService({
      namespace: NS,
      body: { metadata: { name: 'manual' }, spec: { ports: [{ port: 80 }] } },
    });
    const manual = {
      metadata: { name: 'manual' },
      subsets: [{ addresses: [{ ip: '192.0.2.10' }], ports: [{ port: 80, protocol: 'TCP' }] }],
    };
    await core.createNamespacedEndpoints({ namespace: NS, body: manual });
    // A Service made afterwards is reconciled after the selectorless one (one queue, in order).
    await core.createNamespacedService({
      namespace: NS,
      body: {
        metadata: { name: 'later' },
        spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] },
      },
    });
    await until(
      () => slicesOf('later'),
      (s) => s.length === 1,
    );
    expect(await slicesOf('manual')).toEqual([]);
    expect((await endpointsOf('manual'))!.subsets).toEqual(manual.subsets);

    await core.deleteNamespacedService({ namespace: NS, name: 'later' });
    await until(
      async () => [await slicesOf('later'), await endpointsOf('later')] as const,
      ([slices, ep]) => slices.length === 0 && ep === undefined,
    );
  });
});

const svc = (ports: unknown[]): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 's' },
  spec: { selector: { app: 'a' }, ports },
});
const pod = (name: string, ip: string, ports: unknown[], ready = true): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'n', uid: `uid-${name}` },
  spec: { nodeName: 'node', containers: [{ name: 'c', ports }] },
  status: { phase: 'Running', podIP: ip, conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
});

describe('resolvePorts (podutil.FindPort per service port)', () => {
  it.each([
    ['a number is taken as is', [{ port: 80, targetPort: 8080 }], [], [8080]],
    ['no targetPort is the port', [{ port: 80 }], [], [80]],
    [
      'a name is the container port of that name',
      [{ port: 80, targetPort: 'web' }],
      [{ name: 'web', containerPort: 3000 }],
      [3000],
    ],
    [
      'a name no container has gives no port',
      [{ port: 80, targetPort: 'web' }],
      [{ name: 'http', containerPort: 3000 }],
      [],
    ],
    [
      'a name on another protocol gives no port',
      [{ port: 53, targetPort: 'dns', protocol: 'UDP' }],
      [{ name: 'dns', containerPort: 5353, protocol: 'TCP' }],
      [],
    ],
  ])('%s', (_what, servicePorts, containerPorts, expected) => {
    expect(resolvePorts(svc(servicePorts), pod('p', '10.0.0.1', containerPorts)).map((p) => p.port)).toEqual(
      expected,
    );
  });
});

describe('endpointSubsets (RepackSubsets)', () => {
  it('puts pods serving different port sets in different subsets, unready ones apart', () => {
    const service = svc([
      { name: 'http', port: 80, targetPort: 'http' },
      { name: 'admin', port: 81, targetPort: 'admin' },
    ]);
    const both = [
      { name: 'http', containerPort: 8080 },
      { name: 'admin', containerPort: 9000 },
    ];
    const subsets = endpointSubsets(service, [
      pod('a', '10.0.0.2', both),
      pod('b', '10.0.0.1', both, false),
      pod('c', '10.0.0.3', [{ name: 'http', containerPort: 8080 }]),
    ]);
    const ips = (addresses: { ip: string }[] | undefined) => addresses?.map((a) => a.ip);
    expect(
      subsets.map((s) => [
        ips(s.addresses),
        ips(s.notReadyAddresses),
        s.ports.map((p: { port: number }) => p.port),
      ]),
    ).toEqual([
      [['10.0.0.2', '10.0.0.3'], ['10.0.0.1'], [8080]],
      [['10.0.0.2'], ['10.0.0.1'], [9000]],
    ]);
  });

  it('gives a pod whose subdomain is the Service its hostname (StatefulSet DNS)', () => {
    const member = pod('db-0', '10.0.0.7', []);
    member.spec.hostname = 'db-0';
    member.spec.subdomain = 's';
    const stranger = pod('x', '10.0.0.8', []);
    stranger.spec.hostname = 'x';
    stranger.spec.subdomain = 'other';
    const [subset] = endpointSubsets(svc([{ port: 5432 }]), [member, stranger]);
    expect(subset!.addresses.map((a: { hostname?: string }) => a.hostname)).toEqual(['db-0', undefined]);
  });
});
