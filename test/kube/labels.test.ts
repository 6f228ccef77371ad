// metav1.LabelSelector matching, one row per rule.
import type { V1LabelSelector } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { matchesLabelSelector } from '../../src/kube/labels.js';

const web = { app: 'web', tier: 'frontend' };

describe('matchesLabelSelector', () => {
  it.each<[string, V1LabelSelector | null | undefined, Record<string, string> | undefined, boolean]>([
    ['a null selector selects nothing', null, web, false],
    ['an empty selector selects everything', {}, web, true],
    ['matchLabels all present', { matchLabels: { app: 'web' } }, web, true],
    ['matchLabels another value', { matchLabels: { app: 'api' } }, web, false],
    ['matchLabels on an unlabelled pod', { matchLabels: { app: 'web' } }, undefined, false],
    ['In', { matchExpressions: [{ key: 'tier', operator: 'In', values: ['frontend', 'edge'] }] }, web, true],
    [
      'In, value not listed',
      { matchExpressions: [{ key: 'tier', operator: 'In', values: ['db'] }] },
      web,
      false,
    ],
    [
      'NotIn, label absent',
      { matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['prod'] }] },
      web,
      true,
    ],
    [
      'NotIn, value listed',
      { matchExpressions: [{ key: 'app', operator: 'NotIn', values: ['web'] }] },
      web,
      false,
    ],
    ['Exists', { matchExpressions: [{ key: 'tier', operator: 'Exists' }] }, web, true],
    ['DoesNotExist', { matchExpressions: [{ key: 'tier', operator: 'DoesNotExist' }] }, web, false],
    [
      'an unknown operator matches nothing',
      { matchExpressions: [{ key: 'tier', operator: 'Gt' }] },
      web,
      false,
    ],
    [
      'labels and expressions together',
      { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'Exists' }] },
      web,
      true,
    ],
  ])('%s', (_, selector, labels, expected) => {
    expect(matchesLabelSelector(selector, labels)).toBe(expected);
  });
});
