import type { V1Node, V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { describePlacement, unmatchedPlacement } from '../../src/analysis/placement.js';

const node = (name: string, labels: Record<string, string>): V1Node => ({ metadata: { name, labels } });
const NODES = [
  node('n1', { zone: 'a', disktype: 'hdd', gpu: 'false' }),
  node('n2', { zone: 'b', disktype: 'ssd' }),
  node('n3', { zone: 'c' }),
];
const pod = (spec: Partial<NonNullable<V1Pod['spec']>>): V1Pod => ({
  metadata: { name: 'p' },
  spec: { containers: [], ...spec },
});
const affinity = (...matchExpressions: { key: string; operator: string; values?: string[] }[]) => ({
  nodeAffinity: {
    requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions }] },
  },
});

describe('unmatchedPlacement', () => {
  it.each<[string, V1Pod, { unmet: string[]; nearest: string[] } | undefined]>([
    ['no requirements', pod({}), undefined],
    ['a selector some node meets', pod({ nodeSelector: { disktype: 'ssd' } }), undefined],
    [
      // Each requirement is met by some node, never by one node together: the scheduler's
      // verdict, not a missing label; this check says nothing.
      'requirements met separately but by no single node',
      pod({ nodeSelector: { zone: 'a', disktype: 'ssd' } }),
      undefined,
    ],
    [
      'a label value no node has',
      pod({ nodeSelector: { zone: 'a', disktype: 'nvme' } }),
      { unmet: ['nodeSelector disktype=nvme'], nearest: ['n1'] },
    ],
    [
      'a key no node has: all nodes equally near, the first three by name',
      pod({ nodeSelector: { tier: 'db' } }),
      { unmet: ['nodeSelector tier=db'], nearest: ['n1', 'n2', 'n3'] },
    ],
    [
      'required affinity In with values no node has',
      pod({ affinity: affinity({ key: 'zone', operator: 'In', values: ['d', 'e'] }) }),
      { unmet: ['node affinity zone In (d, e)'], nearest: ['n1', 'n2', 'n3'] },
    ],
    [
      'required affinity Exists on a key no node has, next to a selector one node meets',
      pod({
        nodeSelector: { disktype: 'ssd' },
        affinity: affinity({ key: 'gpu.vendor', operator: 'Exists' }),
      }),
      { unmet: ['node affinity gpu.vendor Exists'], nearest: ['n2'] },
    ],
    [
      'NotIn that every node fails',
      pod({ affinity: affinity({ key: 'zone', operator: 'NotIn', values: ['a', 'b', 'c'] }) }),
      { unmet: ['node affinity zone NotIn (a, b, c)'], nearest: ['n1', 'n2', 'n3'] },
    ],
  ])('%s', (_case, p, expected) => {
    const placement = unmatchedPlacement(p, NODES);
    expect(
      placement && {
        unmet: placement.unmet.map((r) => r.source),
        nearest: placement.nearest.map((n) => n.node),
      },
    ).toEqual(expected);
  });

  it('gives the nearest nodes their value for the missing key', () => {
    const placement = unmatchedPlacement(pod({ nodeSelector: { zone: 'a', disktype: 'nvme' } }), NODES)!;
    expect(placement.nearest).toEqual([{ node: 'n1', met: 1, of: 2, values: { disktype: 'hdd' } }]);
  });

  it('says which label no node has, and which requirement no node meets', () => {
    const placement = unmatchedPlacement(
      pod({
        nodeSelector: { tier: 'db' },
        affinity: affinity({ key: 'zone', operator: 'NotIn', values: ['a', 'b', 'c'] }),
      }),
      NODES,
    )!;
    expect(describePlacement(placement).slice(0, 2)).toEqual([
      'nodeSelector tier=db: no node has it',
      'node affinity zone NotIn (a, b, c): no node meets it',
    ]);
  });

  it('says nothing without nodes to compare (not listed)', () => {
    expect(unmatchedPlacement(pod({ nodeSelector: { tier: 'db' } }), [])).toBeUndefined();
  });
});
