// The DaemonSet controller through the API: one pod per eligible node (nodeSelector, taints
// against tolerations and the daemon defaults), pinned by node affinity, eviction by NoExecute
// taints, rolling updates, and the status counts.
import type { V1DaemonSet, V1Node, V1Pod, V1Taint } from '@kubernetes/client-node';
import type { TaintMatch } from '../../src/kube/scheduling.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_DAEMON_TOLERATIONS, placement } from '../../src/sim/controllers/daemonset.js';
import { startSimulator, type RunningSim } from '../../src/sim/index.js';
import { clients, eventsFor, kubectl, type Clients } from './fixtures/workloads.js';
import { until } from './until.js';

const NS = 'ds';
let sim: RunningSim;
let api: Clients;

function node(name: string, labels: Record<string, string>, taints: V1Taint[] = []): V1Node {
  const resources = { cpu: '4', memory: '8Gi', pods: '110' };
  return {
    metadata: { name, labels: { 'kubernetes.io/hostname': name, ...labels } },
    spec: { taints },
    status: {
      capacity: resources,
      allocatable: resources,
      conditions: [
        { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' },
      ],
    },
  };
}

beforeAll(async () => {
  sim = await startSimulator({ scenario: 'empty', speed: 100 });
  api = clients(sim);
  await api.core.createNamespace({ body: { metadata: { name: NS } } });
  await api.core.createNode({ body: node('worker-1', { disk: 'ssd' }) });
  await api.core.createNode({
    body: node('worker-2', {}, [{ key: 'dedicated', value: 'infra', effect: 'NoSchedule' }]),
  });
  // Cordoned: the default daemon tolerations let daemon pods onto it.
  await api.core.createNode({
    body: node('worker-3', {}, [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }]),
  });
});
afterAll(() => sim.close());

function createDaemonSet(name: string, podSpec: Record<string, unknown> = {}): Promise<V1DaemonSet> {
  return api.apps.createNamespacedDaemonSet({
    namespace: NS,
    body: {
      metadata: { name },
      spec: {
        selector: { matchLabels: { app: name } },
        template: {
          metadata: { labels: { app: name } },
          spec: { containers: [{ name: 'agent', image: 'fluent/fluent-bit:3.1' }], ...podSpec },
        },
      },
    },
  });
}

const podsOf = (name: string) => async (): Promise<V1Pod[]> =>
  (await api.core.listNamespacedPod({ namespace: NS, labelSelector: `app=${name}` })).items.filter(
    (p) => !p.metadata!.deletionTimestamp,
  );
const readSet = (name: string) => () => api.apps.readNamespacedDaemonSet({ namespace: NS, name });
const pinnedNode = (pod: V1Pod): string =>
  pod.spec!.affinity!.nodeAffinity!.requiredDuringSchedulingIgnoredDuringExecution!.nodeSelectorTerms[0]!
    .matchFields![0]!.values![0]!;

describe('daemonset controller', () => {
  it('runs one pod on each node it may run on, pinned there by node affinity', async () => {
    await createDaemonSet('agent');
    const pods = await until(podsOf('agent'), (ps) => ps.length === 3);
    expect(pods.map(pinnedNode).sort()).toEqual(['minikube', 'worker-1', 'worker-3']);
    const pod = pods[0]!;
    expect(pod.metadata!.name).toMatch(/^agent-[a-z0-9]{5}$/);
    expect(pod.spec!.affinity!.nodeAffinity!.requiredDuringSchedulingIgnoredDuringExecution).toEqual({
      nodeSelectorTerms: [
        { matchFields: [{ key: 'metadata.name', operator: 'In', values: [pinnedNode(pod)] }] },
      ],
    });
    expect(pod.spec!.tolerations).toEqual(expect.arrayContaining(DEFAULT_DAEMON_TOLERATIONS));
    expect(pod.metadata!.labels).toMatchObject({ 'pod-template-generation': '1' });
    expect(pod.metadata!.labels!['controller-revision-hash']).toBeTruthy();
    const ds = await until(readSet('agent'), (d) => d.status?.numberReady === 3);
    expect(ds.status).toMatchObject({
      desiredNumberScheduled: 3,
      currentNumberScheduled: 3,
      numberMisscheduled: 0,
      numberReady: 3,
      numberAvailable: 3,
      updatedNumberScheduled: 3,
      observedGeneration: 1,
    });
    expect(ds.status!.numberUnavailable).toBeUndefined();
    // kubectl reads the defaulted RollingUpdate strategy and these counts.
    const rollout = await kubectl(sim, 'rollout', 'status', 'daemonset/agent', '-n', NS, '--timeout=10s');
    expect(rollout.stdout).toBe('daemon set "agent" successfully rolled out');
    const events = await eventsFor(api.core, NS, 'agent');
    expect(events.filter((e) => e.reason === 'SuccessfulCreate').map((e) => e.message)).toHaveLength(3);
  });

  it('a nodeSelector narrows the nodes; a toleration widens them', async () => {
    await createDaemonSet('ssd', { nodeSelector: { disk: 'ssd' } });
    await createDaemonSet('infra', {
      tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'infra', effect: 'NoSchedule' }],
    });
    expect((await until(podsOf('ssd'), (ps) => ps.length === 1)).map(pinnedNode)).toEqual(['worker-1']);
    const infra = await until(podsOf('infra'), (ps) => ps.length === 4);
    expect(infra.map(pinnedNode).sort()).toEqual(['minikube', 'worker-1', 'worker-2', 'worker-3']);
    await until(readSet('ssd'), (d) => d.status?.desiredNumberScheduled === 1);
  });

  it('a NoExecute taint on a node evicts its daemon pod', async () => {
    const worker = await api.core.readNode({ name: 'worker-1' });
    worker.spec!.taints = [{ key: 'maintenance', value: 'true', effect: 'NoExecute' }];
    await api.core.replaceNode({ name: 'worker-1', body: worker });
    const pods = await until(podsOf('agent'), (ps) => ps.length === 2);
    expect(pods.map(pinnedNode).sort()).toEqual(['minikube', 'worker-3']);
    await until(readSet('agent'), (d) => d.status?.desiredNumberScheduled === 2);
    const events = await eventsFor(api.core, NS, 'agent');
    expect(
      events.some((e) => e.reason === 'SuccessfulDelete' && /^Deleted pod: agent-/.test(e.message!)),
    ).toBe(true);
  });

  it('rolls a template change out to every node', async () => {
    const ds = await readSet('agent')();
    ds.spec!.template.spec!.containers[0]!.image = 'fluent/fluent-bit:3.2';
    await api.apps.replaceNamespacedDaemonSet({ namespace: NS, name: 'agent', body: ds });
    await until(
      podsOf('agent'),
      (ps) => ps.length === 2 && ps.every((p) => p.spec!.containers[0]!.image === 'fluent/fluent-bit:3.2'),
      20_000,
    );
    const after = await until(
      readSet('agent'),
      (d) => d.status?.updatedNumberScheduled === 2 && d.status.numberReady === 2,
    );
    expect(after.status!.observedGeneration).toBe(2);
  });

  it('a NoSchedule taint added later leaves the pod running, counted as misscheduled', async () => {
    const worker = await api.core.readNode({ name: 'worker-3' });
    worker.spec!.taints = [
      ...(worker.spec!.taints ?? []),
      { key: 'dedicated', value: 'db', effect: 'NoSchedule' },
    ];
    await api.core.replaceNode({ name: 'worker-3', body: worker });
    const ds = await until(readSet('agent'), (d) => d.status?.numberMisscheduled === 1);
    expect(ds.status).toMatchObject({ desiredNumberScheduled: 1, currentNumberScheduled: 1 });
    expect((await podsOf('agent')()).map(pinnedNode).sort()).toEqual(['minikube', 'worker-3']);
  });

  it('deleting the DaemonSet deletes its pods', async () => {
    await api.apps.deleteNamespacedDaemonSet({ namespace: NS, name: 'infra' });
    await until(podsOf('infra'), (ps) => ps.length === 0);
  });
});

describe('placement', () => {
  const n = (labels: Record<string, string>, taints: TaintMatch[] = []) => ({
    metadata: { labels },
    spec: { taints },
  });
  it.each<[string, ReturnType<typeof n>, Record<string, unknown>, boolean, boolean]>([
    ['an untainted node', n({}), {}, true, true],
    [
      'a node the nodeSelector does not match',
      n({ disk: 'hdd' }),
      { nodeSelector: { disk: 'ssd' } },
      false,
      false,
    ],
    ['an untolerated NoSchedule taint', n({}, [{ key: 'gpu', effect: 'NoSchedule' }]), {}, false, true],
    ['an untolerated NoExecute taint', n({}, [{ key: 'gpu', effect: 'NoExecute' }]), {}, false, false],
    ['a PreferNoSchedule taint', n({}, [{ key: 'gpu', effect: 'PreferNoSchedule' }]), {}, true, true],
    [
      'a not-ready node (default toleration)',
      n({}, [{ key: 'node.kubernetes.io/not-ready', effect: 'NoExecute' }]),
      {},
      true,
      true,
    ],
    [
      'a memory-pressure node (default toleration)',
      n({}, [{ key: 'node.kubernetes.io/memory-pressure', effect: 'NoSchedule' }]),
      {},
      true,
      true,
    ],
    [
      'network-unavailable only with hostNetwork',
      n({}, [{ key: 'node.kubernetes.io/network-unavailable', effect: 'NoSchedule' }]),
      {},
      false,
      true,
    ],
    [
      'network-unavailable with hostNetwork',
      n({}, [{ key: 'node.kubernetes.io/network-unavailable', effect: 'NoSchedule' }]),
      { hostNetwork: true },
      true,
      true,
    ],
  ])('%s', (_, node, podSpec, shouldRun, shouldContinueRunning) => {
    expect(placement(node, podSpec)).toEqual({ shouldRun, shouldContinueRunning });
  });
});
