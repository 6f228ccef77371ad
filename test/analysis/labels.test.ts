import type { V1LabelSelector } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { describeSelector, editDistance, isTypoOf, matchesLabels } from '../../src/analysis/labels.js';
import { selectorIndex } from '../../src/analysis/selector-index.js';
import { labelledPod } from './fixtures-network.js';
import { snapshot } from './fixtures.js';

const web = { app: 'web', tier: 'frontend' };

describe('label selectors', () => {
  it.each<[Record<string, string>, Record<string, string> | undefined, boolean]>([
    [{ app: 'web' }, web, true],
    [{ app: 'web', tier: 'backend' }, web, false],
    [{ app: 'web' }, undefined, false],
  ])('a Service selector %j against %j is %s', (selector, labels, expected) => {
    expect(matchesLabels(labels, selector)).toBe(expected);
  });

  it.each<[V1LabelSelector | undefined, string]>([
    [undefined, '<none>'],
    [{}, '<everything>'],
    [
      {
        matchLabels: { app: 'web' },
        matchExpressions: [
          { key: 'tier', operator: 'In', values: ['a', 'b'] },
          { key: 'env', operator: 'NotIn', values: ['dev'] },
          { key: 'canary', operator: 'Exists' },
          { key: 'legacy', operator: 'DoesNotExist' },
        ],
      },
      'app=web,tier in (a,b),env notin (dev),canary,!legacy',
    ],
  ])('describes %j as kubectl prints it', (selector, text) => {
    expect(describeSelector(selector)).toBe(text);
  });

  it.each<[string, string, number, boolean]>([
    ['backend', 'backend', 0, true],
    ['backnd', 'backend', 1, true],
    ['front-end', 'frontend', 1, true],
    ['todo-backend', 'todo-api', 6, false],
    ['v2', 'v1', 1, true],
    ['db', 'web', 2, false],
  ])('%s is %i edits from %s (a typo: %s)', (actual, wanted, distance, typo) => {
    expect(editDistance(actual, wanted)).toBe(distance);
    expect(isTypoOf(actual, wanted)).toBe(typo);
  });
});

describe('selector index', () => {
  const pods = [
    labelledPod('web-1', { app: 'web', tier: 'frontend' }),
    labelledPod('web-2', { app: 'web' }),
    labelledPod('api-1', { app: 'api', tier: 'frontend' }),
    labelledPod('other-ns', { app: 'web', tier: 'frontend' }, { namespace: 'elsewhere' }),
  ];
  const finished = labelledPod('job-1', { app: 'web', tier: 'frontend' }, { phase: 'Succeeded' });
  const index = selectorIndex(snapshot({ pods: [...pods, finished] }));
  const names = (list: { metadata?: { name?: string } }[]) => list.map((p) => p.metadata?.name).sort();

  it('matches within the namespace, leaving out finished pods', () => {
    expect(names(index.matchingLabels('todo', { app: 'web', tier: 'frontend' }))).toEqual(['web-1']);
    expect(names(index.matching('todo', { matchLabels: { tier: 'frontend' } }))).toEqual(['api-1', 'web-1']);
    expect(names(index.matching('todo', {}))).toEqual(['api-1', 'web-1', 'web-2']);
    expect(index.matching('todo', null)).toEqual([]);
  });

  it('finds the pods one label away: another value, or a label missing where the rest match', () => {
    const misses = index.nearMisses('todo', { app: 'web', tier: 'frontend' });
    expect(misses.map((m) => `${m.pod.metadata?.name}:${m.key}=${m.actual ?? '<missing>'}`).sort()).toEqual([
      'api-1:app=api',
      'web-2:tier=<missing>',
    ]);
    // A single-label selector does not call every unlabelled pod near.
    expect(
      index
        .nearMisses('todo', { tier: 'backend' })
        .map((m) => m.pod.metadata?.name)
        .sort(),
    ).toEqual(['api-1', 'web-1']);
  });
});
