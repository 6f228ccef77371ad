// Taints against tolerations, and node selector requirements, as the API defines them.
import { describe, expect, it } from 'vitest';
import {
  requirementMatches,
  tolerates,
  toleratesAll,
  type NodeSelectorRequirement,
  type Taint,
  type Toleration,
} from '../../src/kube/scheduling.js';

describe('tolerations', () => {
  const taint: Taint = { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' };
  it.each<[Toleration, boolean]>([
    [{ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }, true],
    [{ key: 'dedicated', value: 'gpu' }, true],
    [{ key: 'dedicated', value: 'cpu' }, false],
    [{ key: 'dedicated', operator: 'Exists' }, true],
    [{ key: 'dedicated', operator: 'Exists', effect: 'NoExecute' }, false],
    [{ operator: 'Exists' }, true],
    [{ key: 'other', operator: 'Exists' }, false],
    [{ key: 'dedicated', operator: 'Equal' }, false],
    [{ key: 'dedicated', operator: 'Lt', value: 'gpu' }, false],
    [{ effect: 'NoSchedule', operator: 'Exists' }, true],
    [{ key: 'dedicated', operator: 'Exists', effect: 'NoSchedule' }, true],
  ])('%j tolerates dedicated=gpu:NoSchedule: %s', (t, expected) => {
    expect(tolerates(t, taint)).toBe(expected);
  });

  it('a pod without tolerations tolerates nothing; one matching toleration is enough', () => {
    expect(toleratesAll(undefined, taint)).toBe(false);
    expect(
      toleratesAll(
        [
          { key: 'other', operator: 'Exists' },
          { key: 'dedicated', value: 'gpu' },
        ],
        taint,
      ),
    ).toBe(true);
  });
});

describe('requirementMatches', () => {
  const labels = { zone: 'a', size: '10' };
  it.each<[NodeSelectorRequirement, boolean]>([
    [{ key: 'zone', operator: 'In', values: ['a', 'b'] }, true],
    [{ key: 'zone', operator: 'NotIn', values: ['a'] }, false],
    [{ key: 'gpu', operator: 'NotIn', values: ['yes'] }, true],
    [{ key: 'zone', operator: 'Exists' }, true],
    [{ key: 'gpu', operator: 'DoesNotExist' }, true],
    [{ key: 'size', operator: 'Gt', values: ['9'] }, true],
    [{ key: 'size', operator: 'Lt', values: ['9'] }, false],
    [{ key: 'zone', operator: 'Gt', values: ['1'] }, false],
    [{ key: 'zone', operator: 'Near', values: ['a'] }, false],
  ])('%j on zone=a,size=10: %s', (r, expected) => {
    expect(requirementMatches(r, labels)).toBe(expected);
  });
});
