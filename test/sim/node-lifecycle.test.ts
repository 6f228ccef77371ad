// The node controller's taints follow a node's conditions and cordon, and the taint-eviction
// controller deletes the pods that do not tolerate a NoExecute taint, after their tolerationSeconds.
import {
  KubeConfig,
  Watch,
  type CoreV1Api,
  type V1Node,
  type V1NodeCondition,
  type V1Pod,
} from '@kubernetes/client-node';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conditionTaints, evictionTime } from '../../src/sim/controllers/node-lifecycle.js';
import type { KubeObject } from '../../src/sim/objects.js';
import type { Taint, Toleration } from '../../src/kube/scheduling.js';
import {
  addNode,
  eventsFor,
  podScheduledMessage,
  startWithClients,
  type SimClients,
} from './cluster-helpers.js';
import { until } from './until.js';

const kubectl = '.tools/bin/kubectl';

describe('conditionTaints', () => {
  const node = (conditions: Record<string, string>, unschedulable = false): KubeObject => ({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: 'n' },
    spec: { unschedulable },
    status: { conditions: Object.entries(conditions).map(([type, status]) => ({ type, status })) },
  });
  it.each<[Record<string, string>, boolean, string[]]>([
    [{ Ready: 'True', MemoryPressure: 'False' }, false, []],
    [
      { Ready: 'False' },
      false,
      ['node.kubernetes.io/not-ready:NoSchedule', 'node.kubernetes.io/not-ready:NoExecute'],
    ],
    [
      { Ready: 'Unknown' },
      false,
      ['node.kubernetes.io/unreachable:NoSchedule', 'node.kubernetes.io/unreachable:NoExecute'],
    ],
    [
      { Ready: 'True', MemoryPressure: 'True', DiskPressure: 'True', PIDPressure: 'True' },
      false,
      [
        'node.kubernetes.io/memory-pressure:NoSchedule',
        'node.kubernetes.io/disk-pressure:NoSchedule',
        'node.kubernetes.io/pid-pressure:NoSchedule',
      ],
    ],
    [
      { Ready: 'True', NetworkUnavailable: 'True' },
      false,
      ['node.kubernetes.io/network-unavailable:NoSchedule'],
    ],
    [{ Ready: 'True' }, true, ['node.kubernetes.io/unschedulable:NoSchedule']],
  ])('%j unschedulable=%s → %j', (conditions, unschedulable, expected) => {
    expect(conditionTaints(node(conditions, unschedulable)).map((t) => `${t.key}:${t.effect}`)).toEqual(
      expected,
    );
  });
});

describe('evictionTime', () => {
  const now = Date.parse('2026-01-01T00:10:00Z');
  const notReady: Taint = {
    key: 'node.kubernetes.io/not-ready',
    effect: 'NoExecute',
    timeAdded: '2026-01-01T00:09:00Z',
  };
  const defaults: Toleration[] = [
    { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
    {
      key: 'node.kubernetes.io/unreachable',
      operator: 'Exists',
      effect: 'NoExecute',
      tolerationSeconds: 300,
    },
  ];
  it.each<[string, Toleration[] | undefined, Taint[], number | undefined]>([
    ['no NoExecute taint: never', undefined, [{ key: 'x', effect: 'NoSchedule' }], undefined],
    ['an untolerated NoExecute taint: now', undefined, [notReady], now],
    ['the default 300 s counts from the taint', defaults, [notReady], Date.parse('2026-01-01T00:14:00Z')],
    ['tolerated for ever: never', [{ operator: 'Exists' }], [notReady], undefined],
    [
      'the smallest of the matching seconds',
      [...defaults, { key: 'node.kubernetes.io/not-ready', operator: 'Exists', tolerationSeconds: 30 }],
      [notReady],
      Date.parse('2026-01-01T00:09:30Z'),
    ],
    [
      'one untolerated taint among tolerated ones: now',
      defaults,
      [notReady, { key: 'dedicated', effect: 'NoExecute' }],
      now,
    ],
  ])('%s', (_name, tolerations, taints, expected) => {
    expect(evictionTime(tolerations, taints, now)).toBe(expected);
  });
});

describe('through the API', () => {
  let c: SimClients;
  let core: CoreV1Api;
  const kc = new KubeConfig();
  const ns = 'nodes';
  beforeAll(async () => {
    // 20 simulated seconds per second: a 5 s toleration is 0.25 s, the default 300 s is 15 s.
    c = await startWithClients(20);
    core = c.core;
    kc.loadFromFile(c.sim.kubeconfigPath);
    await core.createNamespace({ body: { metadata: { name: ns } } });
    await addNode(core, 'worker-1');
  });
  afterAll(() => c.sim.close());

  const readNode = () => core.readNode({ name: 'worker-1' });
  const taints = (n: V1Node) => (n.spec?.taints ?? []).map((t) => `${t.key}:${t.effect}`);
  /** Writes the node's conditions as its kubelet (or the real-cluster test) would. */
  async function setConditions(changes: Partial<Record<string, string>>): Promise<void> {
    const n = await readNode();
    const conditions: V1NodeCondition[] = Object.entries({
      Ready: 'True',
      MemoryPressure: 'False',
      ...changes,
    }).map(([type, status]) => ({ type, status: status! }));
    await core.replaceNodeStatus({ name: 'worker-1', body: { ...n, status: { ...n.status, conditions } } });
  }

  it('a node set NotReady gets the not-ready taints, and loses them when Ready again', async () => {
    await setConditions({ Ready: 'False' });
    const tainted = await until(readNode, (n) => taints(n).length === 2);
    expect(taints(tainted)).toEqual([
      'node.kubernetes.io/not-ready:NoSchedule',
      'node.kubernetes.io/not-ready:NoExecute',
    ]);
    expect(tainted.spec?.taints?.every((t) => t.timeAdded)).toBe(true);
    // Nodes are cluster-scoped; their events go to `default`, as on a real cluster.
    expect(await eventsFor(core, 'default', 'worker-1')).toContain(
      'NodeNotReady: Node worker-1 status is now: NodeNotReady',
    );
    await setConditions({ Ready: 'True' });
    await until(readNode, (n) => taints(n).length === 0);
  });

  it('memory pressure gives the memory-pressure taint', async () => {
    await setConditions({ MemoryPressure: 'True' });
    await until(readNode, (n) => taints(n).includes('node.kubernetes.io/memory-pressure:NoSchedule'));
    await setConditions({});
    await until(readNode, (n) => taints(n).length === 0);
  });

  it('a cordoned node gets the unschedulable taint and its pods-to-be are told it was unschedulable', async () => {
    const r = await execa(kubectl, ['--kubeconfig', c.sim.kubeconfigPath, 'cordon', 'worker-1'], {
      reject: false,
    });
    expect(r.exitCode, r.stderr).toBe(0);
    await until(readNode, (n) => taints(n).includes('node.kubernetes.io/unschedulable:NoSchedule'));
    await core.createNamespacedPod({
      namespace: ns,
      body: {
        metadata: { name: 'pinned' },
        spec: {
          nodeSelector: { 'kubernetes.io/hostname': 'worker-1' },
          containers: [{ name: 'c', image: 'ghcr.io/example/app:1.0' }],
        },
      },
    });
    const p = await until(
      () => core.readNamespacedPod({ namespace: ns, name: 'pinned' }),
      (x) => podScheduledMessage(x) !== undefined,
    );
    expect(podScheduledMessage(p)).toBe(
      "0/2 nodes are available: 1 node(s) didn't match Pod's node affinity/selector, 1 node(s) were unschedulable. no new claims to deallocate, preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.",
    );
    await execa(kubectl, ['--kubeconfig', c.sim.kubeconfigPath, 'uncordon', 'worker-1']);
    await until(readNode, (n) => taints(n).length === 0);
    await until(
      () => core.readNamespacedPod({ namespace: ns, name: 'pinned' }),
      (x) => x.spec?.nodeName === 'worker-1',
    );
  });

  it('NoExecute evicts a pod after its tolerationSeconds; the default 300 s keeps another for now', async () => {
    const run = (name: string, tolerations?: Toleration[]) =>
      core.createNamespacedPod({
        namespace: ns,
        body: {
          metadata: { name },
          // A long grace period keeps the evicted pod Terminating, to be read back.
          spec: {
            nodeName: 'worker-1',
            terminationGracePeriodSeconds: 3600,
            tolerations,
            containers: [{ name: 'c', image: 'ghcr.io/example/app:1.0' }],
          },
        },
      });
    await run('short', [
      { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 5 },
    ]);
    const patient = await run('patient');
    // DefaultTolerationSeconds admission added these.
    expect(patient.spec?.tolerations).toEqual(
      expect.arrayContaining([
        {
          key: 'node.kubernetes.io/not-ready',
          operator: 'Exists',
          effect: 'NoExecute',
          tolerationSeconds: 300,
        },
        {
          key: 'node.kubernetes.io/unreachable',
          operator: 'Exists',
          effect: 'NoExecute',
          tolerationSeconds: 300,
        },
      ]),
    );
    // The evicted pod is Terminating only briefly, so its last versions are read from a watch.
    const seen: V1Pod[] = [];
    const watch = await new Watch(kc).watch(
      `/api/v1/namespaces/${ns}/pods`,
      { fieldSelector: 'metadata.name=short' },
      (_type: string, pod: V1Pod) => void seen.push(pod),
      () => {},
    );
    try {
      await setConditions({ Ready: 'False' });
      await until(
        () => eventsFor(core, ns, 'short'),
        (e) => e.includes(`TaintManagerEviction: Marking for deletion Pod ${ns}/short`),
      );
      const evicted = await until(
        () => Promise.resolve(seen.find((p) => p.metadata?.deletionTimestamp)),
        (p) => p !== undefined,
      );
      expect(evicted!.status?.conditions?.find((x) => x.type === 'DisruptionTarget')).toMatchObject({
        status: 'True',
        reason: 'DeletionByTaintManager',
        message: 'Taint manager: deleting due to NoExecute taint',
      });
    } finally {
      watch.abort();
    }
    const stillThere = await core.readNamespacedPod({ namespace: ns, name: 'patient' });
    expect(stillThere.metadata?.deletionTimestamp).toBeUndefined();
    await setConditions({ Ready: 'True' });
  });
});
