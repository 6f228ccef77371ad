// Pods by namespace and label, built once per snapshot (memoized), so matching every Service,
// PDB and claim against the pods stays linear: a selector looks up its rarest pair's pods and
// filters those, instead of scanning the namespace once per object.
import type { V1LabelSelector, V1Pod } from '@kubernetes/client-node';
import { matchesLabelSelector } from '../kube/labels.js';
import { matchesLabels } from './labels.js';
import type { ClusterSnapshot } from '../model/analysis.js';

/** A pod that misses a map selector by one pair: another value for `key`, or no such label. */
export interface NearMiss {
  pod: V1Pod;
  key: string;
  wanted: string;
  /** The pod's value for `key`; undefined when the pod lacks the label. */
  actual: string | undefined;
}

export interface SelectorIndex {
  /** Pods that can serve or be disrupted: not Succeeded/Failed, not being deleted. */
  active(namespace: string): readonly V1Pod[];
  /** Active pods matching a Service's map selector (must be non-empty). */
  matchingLabels(namespace: string, selector: Readonly<Record<string, string>>): V1Pod[];
  /** Active pods matching a structured selector (null: none, empty: all). */
  matching(namespace: string, selector: V1LabelSelector | undefined | null): V1Pod[];
  /** Active pods one pair away from a map selector; a missing key counts only when other pairs match. */
  nearMisses(namespace: string, selector: Readonly<Record<string, string>>): NearMiss[];
}

interface NamespacePods {
  pods: V1Pod[];
  /** label key → label value → pods */
  byLabel: Map<string, Map<string, V1Pod[]>>;
}

const memo = new WeakMap<ClusterSnapshot, SelectorIndex>();

/** Appends to the list under `key` in place (copying the list on every add would be quadratic). */
export function addTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

export function selectorIndex(snapshot: ClusterSnapshot): SelectorIndex {
  let index = memo.get(snapshot);
  if (!index) memo.set(snapshot, (index = buildSelectorIndex(snapshot.pods)));
  return index;
}

const EMPTY: NamespacePods = { pods: [], byLabel: new Map() };

function buildSelectorIndex(pods: readonly V1Pod[]): SelectorIndex {
  const namespaces = new Map<string, NamespacePods>();
  for (const pod of pods) {
    const phase = pod.status?.phase;
    if (phase === 'Succeeded' || phase === 'Failed' || pod.metadata?.deletionTimestamp) continue;
    const namespace = pod.metadata?.namespace ?? '';
    let entry = namespaces.get(namespace);
    if (!entry) namespaces.set(namespace, (entry = { pods: [], byLabel: new Map() }));
    entry.pods.push(pod);
    for (const [key, value] of Object.entries(pod.metadata?.labels ?? {})) {
      let values = entry.byLabel.get(key);
      if (!values) entry.byLabel.set(key, (values = new Map()));
      addTo(values, value, pod);
    }
  }
  const of = (namespace: string) => namespaces.get(namespace) ?? EMPTY;

  const matchingLabels = (namespace: string, selector: Readonly<Record<string, string>>): V1Pod[] => {
    const entry = of(namespace);
    let smallest: V1Pod[] | undefined;
    for (const [key, value] of Object.entries(selector)) {
      const bucket = entry.byLabel.get(key)?.get(value) ?? [];
      if (!smallest || bucket.length < smallest.length) smallest = bucket;
      if (bucket.length === 0) return [];
    }
    return (smallest ?? []).filter((pod) => matchesLabels(pod.metadata?.labels, selector));
  };

  return {
    active: (namespace) => of(namespace).pods,
    matchingLabels,
    matching: (namespace, selector) => {
      if (!selector) return [];
      const labels = selector.matchLabels ?? {};
      const candidates = Object.keys(labels).length ? matchingLabels(namespace, labels) : of(namespace).pods;
      return candidates.filter((pod) => matchesLabelSelector(selector, pod.metadata?.labels));
    },
    nearMisses: (namespace, selector) => {
      const entry = of(namespace);
      const pairs = Object.entries(selector);
      const misses: NearMiss[] = [];
      for (const [key, wanted] of pairs) {
        const rest = Object.fromEntries(pairs.filter(([k]) => k !== key));
        const restMatches = (pod: V1Pod) => matchesLabels(pod.metadata?.labels, rest);
        for (const [actual, pods] of entry.byLabel.get(key) ?? []) {
          if (actual === wanted) continue;
          for (const pod of pods) if (restMatches(pod)) misses.push({ pod, key, wanted, actual });
        }
        // Without the other pairs to anchor it, "lacks the only label" would be every pod.
        if (pairs.length > 1) {
          for (const pod of matchingLabels(namespace, rest)) {
            if (!Object.hasOwn(pod.metadata?.labels ?? {}, key))
              misses.push({ pod, key, wanted, actual: undefined });
          }
        }
      }
      return misses;
    },
  };
}
