// The scheduler's decision (a pure function, by table) and, through the API, what a user sees:
// pods placed by nodeSelector and taints, or left Pending with kube-scheduler 1.34's message.
import type { CoreV1Api } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/sim/objects.js';
import type { NodeSelectorTerm, Taint } from '../../src/kube/scheduling.js';
import { matchesNodeSelectorTerms, scheduleDecision } from '../../src/sim/scheduling.js';
import {
  addNode,
  startWithClients,
  eventsFor,
  podScheduledMessage,
  type SimClients,
} from './cluster-helpers.js';
import { until } from './until.js';

function node(
  name: string,
  extra: { labels?: Record<string, string>; taints?: Taint[]; unschedulable?: boolean; cpu?: string } = {},
): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name, ...extra.labels } },
    spec: { taints: extra.taints, unschedulable: extra.unschedulable },
    status: { allocatable: { cpu: extra.cpu ?? '4', memory: '8Gi', pods: '110' } },
  };
}

function pod(spec: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', namespace: 'default' },
    spec: { containers: [{ name: 'c', image: 'x' }], ...spec },
  };
}

const controlPlaneTaint: Taint = { key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' };
const none = { claims: [], volumes: [], classes: [] };
const FILTER_TAIL = (n: number) =>
  `no new claims to deallocate, preemption: 0/${n} nodes are available: ${n} Preemption is not helpful for scheduling.`;

describe('scheduleDecision', () => {
  const three = [
    node('cp', { taints: [controlPlaneTaint] }),
    node('a'),
    node('b', { labels: { disk: 'ssd' } }),
  ];
  it.each<[string, KubeObject, KubeObject[], string]>([
    [
      'no node matches the selector, one is tainted',
      pod({ nodeSelector: { disk: 'nvme' } }),
      three,
      `0/3 nodes are available: 1 node(s) had untolerated taint(s), 2 node(s) didn't match Pod's node affinity/selector. ${FILTER_TAIL(3)}`,
    ],
    [
      'a cordoned node is unschedulable before its taint counts',
      pod({ nodeSelector: { disk: 'nvme' } }),
      [
        node('c', {
          unschedulable: true,
          taints: [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }],
        }),
      ],
      `0/1 nodes are available: 1 node(s) were unschedulable. ${FILTER_TAIL(1)}`,
    ],
    [
      'requests above allocatable: preemption cannot help',
      pod({ containers: [{ name: 'c', resources: { requests: { cpu: '64' } } }] }),
      [node('a')],
      `0/1 nodes are available: 1 Insufficient cpu. ${FILTER_TAIL(1)}`,
    ],
    [
      'a DaemonSet pod pinned by matchFields to a tainted node',
      pod({
        affinity: {
          nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: {
              nodeSelectorTerms: [
                { matchFields: [{ key: 'metadata.name', operator: 'In', values: ['cp'] }] },
              ],
            },
          },
        },
      }),
      three,
      `0/3 nodes are available: 1 node(s) had untolerated taint(s), 2 node(s) didn't satisfy plugin(s) [NodeAffinity]. ${FILTER_TAIL(3)}`,
    ],
    [
      'a missing claim',
      pod({ volumes: [{ name: 'd', persistentVolumeClaim: { claimName: 'nothere' } }] }),
      three,
      '0/3 nodes are available: persistentvolumeclaim "nothere" not found. not found',
    ],
    ['no nodes at all', pod(), [], 'no nodes available to schedule pods'],
  ])('%s', (_name, p, nodes, message) => {
    expect(scheduleDecision(p, nodes, new Map(), none)).toEqual({ unschedulable: message });
  });

  it('requests that fit allocatable but not what is free: no victims to preempt', () => {
    const used = new Map([['a', { cpu: 3500, memory: 0, pods: 3 }]]);
    const p = pod({ containers: [{ name: 'c', resources: { requests: { cpu: '1' } } }] });
    expect(scheduleDecision(p, [node('a')], used, none)).toEqual({
      unschedulable:
        '0/1 nodes are available: 1 Insufficient cpu. no new claims to deallocate, preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.',
    });
  });

  it.each<[string, KubeObject, string]>([
    ['the untainted node with most free cpu', pod(), 'a'],
    ['the only node the selector matches', pod({ nodeSelector: { disk: 'ssd' } }), 'b'],
    [
      'a tainted node the pod tolerates',
      pod({ tolerations: [{ key: 'dedicated', operator: 'Exists' }] }),
      'big',
    ],
  ])('picks %s', (_name, p, expected) => {
    const nodes = [
      node('b', { labels: { disk: 'ssd' } }),
      node('big', { cpu: '16', taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] }),
      node('a', { cpu: '8' }),
    ];
    expect(scheduleDecision(p, nodes, new Map(), none)).toEqual({ node: expected, claimsToProvision: [] });
  });

  it('an unbound claim of an Immediate class keeps the pod Pending', () => {
    const claim: KubeObject = {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: 'data', namespace: 'default' },
      spec: { storageClassName: 'missing' },
      status: { phase: 'Pending' },
    };
    const p = pod({ volumes: [{ name: 'd', persistentVolumeClaim: { claimName: 'data' } }] });
    expect(scheduleDecision(p, [node('a')], new Map(), { ...none, claims: [claim] })).toEqual({
      unschedulable: '0/1 nodes are available: pod has unbound immediate PersistentVolumeClaims. not found',
    });
  });
});

describe('scheduleDecision with volumes', () => {
  const claim = (
    spec: Record<string, unknown>,
    status: Record<string, unknown> = { phase: 'Pending' },
  ): KubeObject => ({
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name: 'data', namespace: 'default' },
    spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, ...spec },
    status,
  });
  const user = pod({ volumes: [{ name: 'd', persistentVolumeClaim: { claimName: 'data' } }] });
  const pinnedTo = (nodeName: string): KubeObject => ({
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name: 'pv-1' },
    spec: {
      capacity: { storage: '1Gi' },
      accessModes: ['ReadWriteOnce'],
      storageClassName: 'local',
      nodeAffinity: {
        required: {
          nodeSelectorTerms: [
            { matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [nodeName] }] },
          ],
        },
      },
    },
    status: { phase: 'Available' },
  });
  const wffc = (provisioner: string): KubeObject => ({
    apiVersion: 'storage.k8s.io/v1',
    kind: 'StorageClass',
    metadata: { name: 'local' },
    provisioner,
    volumeBindingMode: 'WaitForFirstConsumer',
  });

  it('a bound claim whose volume lives on another node: volume node affinity conflict', () => {
    const bound = claim({ storageClassName: 'local', volumeName: 'pv-1' }, { phase: 'Bound' });
    expect(
      scheduleDecision(user, [node('a')], new Map(), {
        claims: [bound],
        volumes: [pinnedTo('b')],
        classes: [],
      }),
    ).toEqual({
      unschedulable: `0/1 nodes are available: 1 node(s) had volume node affinity conflict. ${FILTER_TAIL(1)}`,
    });
  });

  it('WaitForFirstConsumer with a provisioner: the pod gets a node and the claim is to be provisioned there', () => {
    const waiting = claim({ storageClassName: 'local' });
    expect(
      scheduleDecision(user, [node('a')], new Map(), {
        claims: [waiting],
        volumes: [],
        classes: [wffc('rancher.io/local-path')],
      }),
    ).toEqual({
      node: 'a',
      claimsToProvision: ['data'],
    });
  });

  it('WaitForFirstConsumer without a provisioner: only a node with a matching volume will do', () => {
    const waiting = claim({ storageClassName: 'local' });
    const volumes = {
      claims: [waiting],
      volumes: [pinnedTo('b')],
      classes: [wffc('kubernetes.io/no-provisioner')],
    };
    expect(scheduleDecision(user, [node('a')], new Map(), volumes)).toEqual({
      unschedulable: `0/1 nodes are available: 1 node(s) didn't find available persistent volumes to bind. ${FILTER_TAIL(1)}`,
    });
    expect(scheduleDecision(user, [node('a'), node('b')], new Map(), volumes)).toEqual({
      node: 'b',
      claimsToProvision: ['data'],
    });
  });
});

describe('node selector terms', () => {
  const n = node('n1', { labels: { zone: 'a', cores: '8' } });
  it.each<[NodeSelectorTerm[], boolean]>([
    [[{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a', 'b'] }] }], true],
    [[{ matchExpressions: [{ key: 'zone', operator: 'NotIn', values: ['a'] }] }], false],
    [[{ matchExpressions: [{ key: 'gpu', operator: 'NotIn', values: ['x'] }] }], true],
    [[{ matchExpressions: [{ key: 'zone', operator: 'Exists' }] }], true],
    [[{ matchExpressions: [{ key: 'zone', operator: 'DoesNotExist' }] }], false],
    [[{ matchExpressions: [{ key: 'cores', operator: 'Gt', values: ['4'] }] }], true],
    [[{ matchExpressions: [{ key: 'cores', operator: 'Lt', values: ['4'] }] }], false],
    [[{ matchExpressions: [{ key: 'zone', operator: 'Gt', values: ['4'] }] }], false],
    [[{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n1'] }] }], true],
    [[{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n2'] }] }], false],
    [
      [
        { matchExpressions: [{ key: 'zone', operator: 'In', values: ['b'] }] },
        { matchExpressions: [{ key: 'cores', operator: 'Exists' }] },
      ],
      true,
    ],
    [[{}], false],
  ])('%j → %s', (terms, expected) => {
    expect(matchesNodeSelectorTerms(terms, n)).toBe(expected);
  });
});

describe('the scheduler through the API', () => {
  let c: SimClients;
  let core: CoreV1Api;
  const ns = 'sched';
  beforeAll(async () => {
    c = await startWithClients();
    core = c.core;
    await core.createNamespace({ body: { metadata: { name: ns } } });
    // More free CPU than minikube, so the scheduler would prefer it but for its taint.
    await addNode(core, 'gpu-1', {
      cpu: '32',
      labels: { pool: 'gpu' },
      taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }],
    });
  });
  afterAll(() => c.sim.close());

  const read = (name: string) => () => core.readNamespacedPod({ namespace: ns, name });
  const create = (name: string, spec: Record<string, unknown> = {}) =>
    core.createNamespacedPod({
      namespace: ns,
      body: {
        metadata: { name },
        spec: { containers: [{ name: 'c', image: 'ghcr.io/example/app:1.0' }], ...spec },
      },
    });

  it('a nodeSelector no node matches stays Pending with the affinity/selector message', async () => {
    await create('nowhere', { nodeSelector: { disk: 'nvme' } });
    const p = await until(read('nowhere'), (x) => podScheduledMessage(x) !== undefined);
    expect(p.status?.phase).toBe('Pending');
    // Reasons sort as strings (Go's sort.Strings), so "didn't" comes before "had".
    const message = `0/2 nodes are available: 1 node(s) didn't match Pod's node affinity/selector, 1 node(s) had untolerated taint(s). ${FILTER_TAIL(2)}`;
    expect(podScheduledMessage(p)).toBe(message);
    expect(await eventsFor(core, ns, 'nowhere')).toContain(`FailedScheduling: ${message}`);
  });

  it('a pod without a toleration avoids the tainted node; one with it may go there', async () => {
    await create('plain');
    await create('tolerant', {
      tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }],
    });
    expect((await until(read('plain'), (x) => Boolean(x.spec?.nodeName))).spec?.nodeName).toBe('minikube');
    expect((await until(read('tolerant'), (x) => Boolean(x.spec?.nodeName))).spec?.nodeName).toBe('gpu-1');
  });

  it('a pod waiting for a label is scheduled once a node gets it', async () => {
    await create('later', { nodeSelector: { disk: 'ssd' } });
    await until(read('later'), (x) => podScheduledMessage(x) !== undefined);
    const minikube = await core.readNode({ name: 'minikube' });
    await core.replaceNode({
      name: 'minikube',
      body: {
        ...minikube,
        metadata: { ...minikube.metadata, labels: { ...minikube.metadata?.labels, disk: 'ssd' } },
      },
    });
    expect((await until(read('later'), (x) => Boolean(x.spec?.nodeName))).spec?.nodeName).toBe('minikube');
  });
});
