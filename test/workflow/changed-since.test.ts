// "Changed by someone else since our change" compares what the change wrote (spec, data, labels,
// annotations), never the resourceVersion or the status: a Node has no metadata.generation and
// every heartbeat moves its resourceVersion (issue 12). A table of cases for the pure function,
// then a cordon rolled back after a heartbeat on the simulator through the queue's executor.
import { KubeConfig, type KubernetesObject, type V1Node } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCommand } from '../../src/workflow/command-parser.js';
import { startSimulator, type RunningSim } from '../../src/sim/index.js';
import { changedSince, Executor, RollbackConflict } from '../../src/workflow/executor.js';
import type { Operation } from '../../src/model/operation.js';

const node = (over: Record<string, unknown> = {}): KubernetesObject =>
  ({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: 'n1',
      resourceVersion: '951',
      labels: { 'kubernetes.io/hostname': 'n1' },
      annotations: { 'node.alpha.kubernetes.io/ttl': '0' },
      ...(over.metadata as object),
    },
    spec: { unschedulable: true, ...(over.spec as object) },
    status: {
      conditions: [{ type: 'Ready', status: 'True', lastHeartbeatTime: 't0' }],
      ...(over.status as object),
    },
  }) as KubernetesObject;

const deployment = (over: Record<string, unknown> = {}): KubernetesObject =>
  ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: 'web',
      namespace: 'todo',
      generation: 2,
      resourceVersion: '10',
      annotations: { 'deployment.kubernetes.io/revision': '2' },
      ...(over.metadata as object),
    },
    spec: { replicas: 2, ...(over.spec as object) },
    status: { readyReplicas: 1, ...(over.status as object) },
  }) as KubernetesObject;

describe('changedSince: what the change wrote, not the resourceVersion', () => {
  const cases: [string, KubernetesObject | null, KubernetesObject | null, string | undefined][] = [
    ['both absent', null, null, undefined],
    ['deleted since', node(), null, 'deleted'],
    ['created since', null, node(), 'created'],
    ['identical', node(), node(), undefined],
    [
      'a node heartbeat: status and resourceVersion move',
      node(),
      node({
        metadata: { resourceVersion: '952' },
        status: { conditions: [{ type: 'Ready', status: 'True', lastHeartbeatTime: 't1' }] },
      }),
      undefined,
    ],
    [
      "the node controller's unschedulable taint after a cordon",
      node(),
      node({
        metadata: { resourceVersion: '953' },
        spec: { taints: [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }] },
      }),
      undefined,
    ],
    ['someone uncordoned it', node(), node({ spec: { unschedulable: false } }), 'spec.unschedulable'],
    [
      "someone's own taint",
      node(),
      node({ spec: { taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] } }),
      'spec.taints',
    ],
    [
      'a label changed',
      node(),
      node({ metadata: { labels: { 'kubernetes.io/hostname': 'n1', zone: 'b' } } }),
      'labels.zone',
    ],
    [
      'an annotation changed',
      node(),
      node({ metadata: { annotations: { 'node.alpha.kubernetes.io/ttl': '15' } } }),
      'annotations["node.alpha.kubernetes.io/ttl"]',
    ],
    [
      'a Deployment status write (its controller)',
      deployment(),
      deployment({ metadata: { resourceVersion: '11' }, status: { readyReplicas: 2 } }),
      undefined,
    ],
    [
      "the Deployment controller's revision annotation",
      deployment(),
      deployment({ metadata: { annotations: { 'deployment.kubernetes.io/revision': '3' } } }),
      undefined,
    ],
    [
      'an HPA (or a person) scaled it',
      deployment(),
      deployment({ metadata: { generation: 3 }, spec: { replicas: 5 } }),
      'spec.replicas',
    ],
    [
      'a ConfigMap whose data changed',
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: '1' } } as KubernetesObject,
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: '2' } } as KubernetesObject,
      'data.a',
    ],
  ];
  it.each(cases)('%s', (_, post, current, expected) => {
    expect(changedSince(post, current)).toBe(expected);
  });
});

describe('rolling back a cordon on the simulator', () => {
  let sim: RunningSim;
  let executor: Executor;
  beforeAll(async () => {
    sim = await startSimulator({ scenario: 'todo', speed: 20 });
    const kc = new KubeConfig();
    kc.loadFromFile(sim.kubeconfigPath);
    executor = new Executor(kc, { kubectl: 'kubectl', helm: 'helm', kubeconfigPath: sim.kubeconfigPath });
  });
  afterAll(() => sim.close());

  const op = (command: string): Operation => {
    const parsed = parseCommand(command);
    if (parsed.kind !== 'mutating') throw new Error(command);
    return parsed.operation;
  };
  const read = async () =>
    (await executor.objects.read({ apiVersion: 'v1', kind: 'Node', name: 'minikube' })) as V1Node;
  /** A heartbeat as a kubelet writes it: the status subresource, nothing else. */
  async function heartbeat() {
    const current = await read();
    const conditions = (current.status?.conditions ?? []).map((c) =>
      c.type === 'Ready' ? { ...c, lastHeartbeatTime: new Date().toISOString() as never } : c,
    );
    await executor.objects.core.replaceNodeStatus({
      name: 'minikube',
      body: { ...current, status: { ...current.status, conditions } },
    });
  }

  it('succeeds after a heartbeat moved the resourceVersion', async () => {
    const cordon = op('kubectl cordon minikube');
    const pre = await executor.capture(cordon);
    await executor.execute(cordon);
    const post = await executor.capture(cordon);
    const rv = (await read()).metadata?.resourceVersion;
    await heartbeat();
    expect((await read()).metadata?.resourceVersion).not.toBe(rv);
    expect(await executor.rollback(pre, post)).toBe('restored node minikube');
    expect((await read()).spec?.unschedulable).toBeFalsy();
  });

  it('is refused when someone else uncordoned and cordoned it with a taint of their own', async () => {
    const cordon = op('kubectl cordon minikube');
    const pre = await executor.capture(cordon);
    await executor.execute(cordon);
    const post = await executor.capture(cordon);
    await executor.objects.patch(
      { apiVersion: 'v1', kind: 'Node', name: 'minikube' },
      { spec: { taints: [{ key: 'dedicated', value: 'ops', effect: 'NoSchedule' }] } },
      'merge',
    );
    await expect(executor.rollback(pre, post)).rejects.toThrow(RollbackConflict);
    await expect(executor.rollback(pre, post)).rejects.toThrow(
      /changed by someone else since the change \(spec\.taints\)/,
    );
    expect((await read()).spec?.unschedulable).toBe(true);
  });
});
