// metav1.LabelSelector matching ({matchLabels, matchExpressions}), as Services' controllers,
// PDBs, HPAs and the analyzers read it. A missing selector selects nothing, an empty one all.
import { requirementMatches, type NodeSelectorRequirement } from './scheduling.js';

export interface LabelSelector {
  matchLabels?: Readonly<Record<string, string>>;
  matchExpressions?: readonly NodeSelectorRequirement[];
}

/** Label selectors know In, NotIn, Exists and DoesNotExist; any other operator matches nothing. */
const LABEL_OPERATORS = new Set(['In', 'NotIn', 'Exists', 'DoesNotExist']);

export function matchesLabelSelector(
  selector: LabelSelector | undefined | null,
  labels: Readonly<Record<string, string>> | undefined,
): boolean {
  if (!selector) return false;
  const have = labels ?? {};
  for (const [key, value] of Object.entries(selector.matchLabels ?? {}))
    if (have[key] !== value) return false;
  return (selector.matchExpressions ?? []).every(
    (r) => LABEL_OPERATORS.has(r.operator) && requirementMatches(r, have),
  );
}
