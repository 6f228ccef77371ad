// Labels as the analyzers compare them: Services' map selectors, how a selector reads, and how
// near a label value is to another (a typo). Structured selectors match by src/kube/labels.ts.
import type { V1LabelSelector } from '@kubernetes/client-node';

export type Labels = Readonly<Record<string, string>> | undefined;

/** A Service's map selector: every pair must be present (an empty map is "no selector"). */
export function matchesLabels(labels: Labels, selector: Readonly<Record<string, string>>): boolean {
  const have = labels ?? {};
  for (const [key, value] of Object.entries(selector)) if (have[key] !== value) return false;
  return true;
}

/** As kubectl prints selectors: `app=web,tier in (a,b),!legacy` (a Service's map: `{ matchLabels }`). */
export function describeSelector(selector: V1LabelSelector | undefined | null): string {
  if (!selector) return '<none>';
  const terms = Object.entries(selector.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const e of selector.matchExpressions ?? []) {
    const values = (e.values ?? []).join(',');
    if (e.operator === 'In') terms.push(`${e.key} in (${values})`);
    else if (e.operator === 'NotIn') terms.push(`${e.key} notin (${values})`);
    else if (e.operator === 'Exists') terms.push(e.key);
    else if (e.operator === 'DoesNotExist') terms.push(`!${e.key}`);
  }
  return terms.length ? terms.join(',') : '<everything>';
}

export function describeLabels(labels: Labels): string {
  const terms = Object.entries(labels ?? {}).map(([k, v]) => `${k}=${v}`);
  return terms.length ? terms.join(',') : '<no labels>';
}

/**
 * Levenshtein distance: how far a selector's value is from a label's, to tell a typo apart.
 * Stops counting past `limit` (returns limit + 1), since only "close or not" matters.
 */
export function editDistance(a: string, b: string, limit = Infinity): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(
        previous[j]! + 1,
        current[j - 1]! + 1,
        previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
      best = Math.min(best, current[j]!);
    }
    if (best > limit) return limit + 1;
    previous = current;
  }
  return previous[b.length]!;
}

/** Close enough to be a slip of the keyboard: one edit per four characters, at least one. */
export function isTypoOf(actual: string, wanted: string): boolean {
  const limit = Math.max(1, Math.floor(wanted.length / 4));
  return editDistance(actual, wanted, limit) <= limit;
}
