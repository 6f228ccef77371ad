import type { V1Taint, V1Toleration } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { nodes } from '../../src/analysis/analyzers/nodes.js';
import type { ClusterSnapshot } from '../../src/model/analysis.js';
import { node } from './fixtures-network.js';
import { event, MINUTE, NOW, pod, snapshot } from './fixtures.js';

const run = (parts: Partial<ClusterSnapshot>) => nodes(snapshot(parts));
const problems = (parts: Partial<ClusterSnapshot>) =>
  run(parts)
    .map((f) => `${f.severity} ${f.id.split(':').slice(2).join(':')}`)
    .sort();

const since = new Date(NOW - 12 * MINUTE);
const ready = { type: 'Ready', status: 'True', reason: 'KubeletReady' };
const gpu: V1Taint = { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' };

function pendingPod(name: string, message: string, tolerations?: V1Toleration[]) {
  const p = pod(name, { phase: 'Pending', statuses: [], conditions: [] });
  p.spec = { ...p.spec!, nodeName: undefined, tolerations };
  return { pod: p, event: event('FailedScheduling', message, { name }) };
}

describe('nodes', () => {
  const blocked = pendingPod(
    'web-1',
    '0/1 nodes are available: 1 node(s) had untolerated taint {dedicated: gpu}. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.',
  );
  it.each<[string, Partial<ClusterSnapshot>, string[]]>([
    ['a healthy node', { nodes: [node('n1')] }, []],
    [
      'NotReady',
      {
        nodes: [
          node('n1', {
            conditions: [
              {
                type: 'Ready',
                status: 'False',
                reason: 'KubeletNotReady',
                message: 'PLEG is not healthy',
                lastTransitionTime: since,
              },
            ],
          }),
        ],
      },
      ['critical not-ready'],
    ],
    [
      'unreachable: every condition Unknown is said once',
      {
        nodes: [
          node('n1', {
            conditions: [
              {
                type: 'Ready',
                status: 'Unknown',
                reason: 'NodeStatusUnknown',
                message: 'Kubelet stopped posting node status.',
              },
              { type: 'MemoryPressure', status: 'Unknown', reason: 'NodeStatusUnknown' },
            ],
          }),
        ],
      },
      ['critical not-ready'],
    ],
    [
      'memory pressure',
      {
        nodes: [
          node('n1', {
            conditions: [
              ready,
              { type: 'MemoryPressure', status: 'True', reason: 'KubeletHasInsufficientMemory' },
            ],
          }),
        ],
      },
      ['warning condition:MemoryPressure'],
    ],
    [
      'disk pressure',
      { nodes: [node('n1', { conditions: [ready, { type: 'DiskPressure', status: 'True' }] })] },
      ['warning condition:DiskPressure'],
    ],
    [
      'PID pressure',
      { nodes: [node('n1', { conditions: [ready, { type: 'PIDPressure', status: 'True' }] })] },
      ['warning condition:PIDPressure'],
    ],
    [
      'network unavailable',
      {
        nodes: [
          node('n1', {
            conditions: [ready, { type: 'NetworkUnavailable', status: 'True', reason: 'NoRouteCreated' }],
          }),
        ],
      },
      ['critical condition:NetworkUnavailable'],
    ],
    [
      'a problem-detector condition',
      { nodes: [node('n1', { conditions: [ready, { type: 'KernelDeadlock', status: 'True' }] })] },
      ['warning condition:KernelDeadlock'],
    ],
    [
      'cordoned',
      {
        nodes: [
          node('n1', {
            unschedulable: true,
            taints: [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }],
          }),
        ],
      },
      ['info cordoned'],
    ],
    [
      'cordoned with pods waiting for it',
      {
        nodes: [node('n1', { unschedulable: true })],
        ...(() => {
          const p = pendingPod('web-1', '0/1 nodes are available: 1 node(s) were unschedulable.');
          return { pods: [p.pod], events: [p.event] };
        })(),
      },
      ['warning cordoned'],
    ],
    [
      'a taint keeping a pending pod off',
      { nodes: [node('n1', { taints: [gpu] })], pods: [blocked.pod], events: [blocked.event] },
      ['warning taint:dedicated:NoSchedule'],
    ],
    [
      'a taint no pod tolerates, none waiting',
      { nodes: [node('n1', { taints: [gpu] })], pods: [pod('web-0')] },
      ['info taint:dedicated:NoSchedule'],
    ],
    [
      'a taint tolerated by the pods meant for it',
      {
        nodes: [node('n1', { taints: [gpu] })],
        pods: [pendingPod('train-1', 'x', [{ key: 'dedicated', operator: 'Exists' }]).pod],
      },
      [],
    ],
    [
      'the control-plane taint, nothing waiting (other namespaces tolerate it)',
      {
        nodes: [
          node('n1', { taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }] }),
        ],
        pods: [pod('web-0')],
      },
      [],
    ],
    [
      'PreferNoSchedule is a preference',
      { nodes: [node('n1', { taints: [{ ...gpu, effect: 'PreferNoSchedule' }] })] },
      [],
    ],
  ])('%s', (_, parts, expected) => {
    expect(problems(parts)).toEqual(expected);
  });

  it('says why and since when a node is NotReady, and which pods run on it', () => {
    const [finding] = run({
      nodes: [
        node('n1', {
          conditions: [
            {
              type: 'Ready',
              status: 'False',
              reason: 'KubeletNotReady',
              message: 'PLEG is not healthy',
              lastTransitionTime: since,
            },
          ],
        }),
      ],
      pods: [pod('web-0', { spec: { nodeName: 'n1' } })],
    });
    expect(finding).toMatchObject({
      id: 'nodes:Node/n1:not-ready',
      title: 'Node is NotReady: KubeletNotReady',
      firstSeen: since.getTime(),
      affected: [{ kind: 'Pod', namespace: 'todo', name: 'web-0' }],
      runbook: 'node-pressure',
    });
    expect(finding!.detail).toEqual([
      'Ready=False (KubeletNotReady: PLEG is not healthy) since 2026-03-01T11:48:00.000Z',
      '1 pod runs on it',
    ]);
  });

  it('links the pending pods whose scheduling failed on the taint', () => {
    const [finding] = run({
      nodes: [node('n1', { taints: [gpu] })],
      pods: [blocked.pod],
      events: [blocked.event],
    });
    expect(finding!.affected).toEqual([{ kind: 'Pod', namespace: 'todo', name: 'web-1' }]);
    expect(finding!.detail[1]).toMatch(
      /^pod todo\/web-1: event FailedScheduling: 0\/1 nodes are available: 1 node\(s\) had untolerated taint \{dedicated: gpu\}/,
    );
    expect(finding!.suggestedFix).toContain('kubectl taint nodes n1 dedicated:NoSchedule-');
  });
});
