import type { V1PodDisruptionBudgetSpec } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { computeBudget, disruptionBudgets } from '../../src/analysis/analyzers/disruption-budgets.js';
import type { ClusterSnapshot } from '../../src/model/analysis.js';
import { labelledPod, pdb } from './fixtures-network.js';
import { snapshot } from './fixtures.js';

const run = (parts: Partial<ClusterSnapshot>) => disruptionBudgets(snapshot(parts));
const problems = (parts: Partial<ClusterSnapshot>) =>
  run(parts)
    .map((f) => `${f.severity} ${f.id.split(':').slice(1).join(':')}`)
    .sort();

const web = (count: number, ready = true) =>
  Array.from({ length: count }, (_, i) => labelledPod(`web-${i}`, { app: 'web' }, { ready }));
const selector = { matchLabels: { app: 'web' } };

describe('the budget as the disruption controller computes it', () => {
  it.each<[V1PodDisruptionBudgetSpec, number, number, number, number]>([
    [{ minAvailable: 2 }, 2, 2, 2, 0],
    [{ minAvailable: 1 }, 3, 3, 1, 2],
    [{ minAvailable: '50%' }, 3, 3, 2, 1],
    [{ minAvailable: '100%' }, 3, 3, 3, 0],
    [{ maxUnavailable: 0 }, 3, 3, 3, 0],
    [{ maxUnavailable: 1 }, 3, 3, 2, 1],
    [{ maxUnavailable: '34%' }, 3, 3, 1, 2],
    [{ maxUnavailable: 1 }, 3, 2, 2, 0],
    [{}, 3, 3, 0, 3],
    [{ minAvailable: 1 }, 0, 0, 1, 0],
  ])('%j over %i pods, %i healthy: %i must stay, %i may go', (spec, expected, healthy, desired, allowed) => {
    expect(computeBudget(spec, expected, healthy)).toEqual({ expected, healthy, desired, allowed });
  });
});

describe('disruption budgets', () => {
  it.each<[string, Partial<ClusterSnapshot>, string[]]>([
    [
      'a budget that lets one pod go',
      { pods: web(3), podDisruptionBudgets: [pdb('web', selector, { maxUnavailable: 1 })] },
      [],
    ],
    ['budgets not listed', { pods: web(3) }, []],
    [
      'a selector that matches no pod',
      {
        pods: web(3),
        podDisruptionBudgets: [pdb('web', { matchLabels: { app: 'wbe' } }, { minAvailable: 1 })],
      },
      ['warning PodDisruptionBudget/todo/web:no-pods'],
    ],
    [
      'a null selector matches nothing',
      { pods: web(3), podDisruptionBudgets: [pdb('web', undefined, { minAvailable: 1 })] },
      ['warning PodDisruptionBudget/todo/web:no-pods'],
    ],
    [
      'minAvailable equal to the replicas',
      { pods: web(2), podDisruptionBudgets: [pdb('web', selector, { minAvailable: 2 })] },
      ['warning PodDisruptionBudget/todo/web:blocks-eviction'],
    ],
    [
      'maxUnavailable 0',
      { pods: web(3), podDisruptionBudgets: [pdb('web', selector, { maxUnavailable: 0 })] },
      ['warning PodDisruptionBudget/todo/web:blocks-eviction'],
    ],
    [
      'no disruption allowed because pods are unhealthy: the pods are the problem',
      { pods: web(2, false), podDisruptionBudgets: [pdb('web', selector, { minAvailable: 2 })] },
      [],
    ],
    [
      "the controller's status wins over the spec",
      {
        pods: web(3),
        podDisruptionBudgets: [
          pdb(
            'web',
            selector,
            { maxUnavailable: 1 },
            {
              observedGeneration: 1,
              expectedPods: 3,
              currentHealthy: 3,
              desiredHealthy: 3,
              disruptionsAllowed: 0,
            },
          ),
        ],
      },
      ['warning PodDisruptionBudget/todo/web:blocks-eviction'],
    ],
    [
      'two budgets over the same pods',
      {
        pods: web(3),
        podDisruptionBudgets: [
          pdb('web', selector, { maxUnavailable: 1 }),
          pdb('web-all', {}, { maxUnavailable: 1 }),
        ],
      },
      [
        'warning PodDisruptionBudget/todo/web-all:overlapping',
        'warning PodDisruptionBudget/todo/web:overlapping',
      ],
    ],
  ])('%s', (_, parts, expected) => {
    expect(problems(parts)).toEqual(expected);
  });

  it('says how many must stay and that a drain will hang', () => {
    const [finding] = run({
      pods: web(2),
      podDisruptionBudgets: [pdb('web', selector, { minAvailable: 2 })],
    });
    expect(finding).toMatchObject({
      title: 'PodDisruptionBudget allows no disruption with all 2 pods healthy: a drain will hang',
      runbook: 'disruption-budget',
      affected: [
        { kind: 'Pod', name: 'web-0' },
        { kind: 'Pod', name: 'web-1' },
      ],
    });
    expect(finding!.detail).toEqual([
      'selector: app=web',
      'minAvailable: 2',
      'pods: 2 expected, 2 healthy, 2 must stay healthy, 0 disruptions allowed',
    ]);
    expect(finding!.suggestedFix).toContain('maxUnavailable: 1 (or minAvailable: 1)');
  });
});
