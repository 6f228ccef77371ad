// Label and field selectors as the API server reads them from list and watch query strings.
import type { KubeObject } from './objects.js';
import { fail } from './status.js';

type LabelRequirement =
  | { op: 'eq' | 'neq'; key: string; value: string }
  | { op: 'in' | 'notin'; key: string; values: string[] }
  | { op: 'exists' | 'notexists'; key: string };

export type Matcher = (obj: KubeObject) => boolean;

const KEY = String.raw`[A-Za-z0-9][-A-Za-z0-9_./]*`;
const VALUE = String.raw`[-A-Za-z0-9_.]*`;
const SET_RE = new RegExp(String.raw`^(${KEY})\s+(in|notin)\s+\(\s*([^)]*)\)$`);
const EQ_RE = new RegExp(String.raw`^(${KEY})\s*(==|=|!=)\s*(${VALUE})$`);
const EXISTS_RE = new RegExp(String.raw`^(!?)\s*(${KEY})$`);

/** Splits on commas that are not inside a set's parentheses. */
function splitTerms(selector: string): string[] {
  const terms: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of selector) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      terms.push(current.trim());
      current = '';
    } else current += ch;
  }
  if (current.trim()) terms.push(current.trim());
  return terms;
}

export function parseLabelSelector(selector: string): LabelRequirement[] {
  const reqs: LabelRequirement[] = [];
  for (const term of splitTerms(selector)) {
    let m: RegExpExecArray | null;
    if ((m = SET_RE.exec(term))) {
      const values = m[3]!
        .split(',')
        .map((v) => v.trim())
        .filter(Boolean);
      reqs.push({ op: m[2] as 'in' | 'notin', key: m[1]!, values });
    } else if ((m = EQ_RE.exec(term))) {
      reqs.push({ op: m[2] === '!=' ? 'neq' : 'eq', key: m[1]!, value: m[3]! });
    } else if ((m = EXISTS_RE.exec(term))) {
      reqs.push({ op: m[1] ? 'notexists' : 'exists', key: m[2]! });
    } else {
      fail(400, 'BadRequest', `unable to parse requirement: found '${term}', expected a label selector`);
    }
  }
  return reqs;
}

export function labelMatcher(selector: string | null): Matcher {
  if (!selector) return () => true;
  const reqs = parseLabelSelector(selector);
  return (obj) => {
    const labels = obj.metadata.labels ?? {};
    return reqs.every((r) => {
      const has = Object.hasOwn(labels, r.key);
      const value = labels[r.key];
      switch (r.op) {
        case 'eq':
          return has && value === r.value;
        case 'neq':
          return !has || value !== r.value;
        case 'in':
          return has && r.values.includes(value!);
        case 'notin':
          return !has || !r.values.includes(value!);
        case 'exists':
          return has;
        case 'notexists':
          return !has;
      }
    });
  };
}

/** The field paths the simulator indexes, per kind; anything else is a 400 as on a real server. */
const FIELDS: Record<string, (obj: KubeObject) => string | undefined> = {
  'metadata.name': (o) => o.metadata.name,
  'metadata.namespace': (o) => o.metadata.namespace,
  'spec.nodeName': (o) => o.spec?.nodeName ?? '',
  'status.phase': (o) => o.status?.phase,
  'spec.unschedulable': (o) => String(Boolean(o.spec?.unschedulable)),
  'involvedObject.kind': (o) => o.involvedObject?.kind,
  'involvedObject.name': (o) => o.involvedObject?.name,
  'involvedObject.namespace': (o) => o.involvedObject?.namespace,
  'involvedObject.uid': (o) => o.involvedObject?.uid,
  'involvedObject.apiVersion': (o) => o.involvedObject?.apiVersion,
  'involvedObject.fieldPath': (o) => o.involvedObject?.fieldPath,
  reason: (o) => o.reason,
  type: (o) => o.type,
};

export function fieldMatcher(selector: string | null, kind: string): Matcher {
  if (!selector) return () => true;
  const reqs = splitTerms(selector).map((term) => {
    const m = /^([A-Za-z.]+)\s*(==|=|!=)\s*(.*)$/.exec(term);
    if (!m) fail(400, 'BadRequest', `invalid selector: '${selector}'; can't understand '${term}'`);
    const get = FIELDS[m[1]!];
    if (!get)
      fail(
        400,
        'BadRequest',
        `"${m[1]}" is not a known field selector: only "metadata.name", "metadata.namespace" (${kind})`,
      );
    return { get, negate: m[2] === '!=', value: m[3]! };
  });
  return (obj) => reqs.every((r) => (r.get(obj) === r.value) !== r.negate);
}
