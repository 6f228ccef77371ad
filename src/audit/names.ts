// Principal names as people see them. Two spellings of one person must compare equal (case,
// compatibility forms, surrounding space, a Cyrillic letter that looks Latin), and a name that
// hides characters is refused outright: the two-person rule is only as good as this comparison.

export type NameVerdict = { ok: true; name: string; key: string } | { ok: false; reason: string };

/** Invisible or control: C0/C1 controls, format characters (ZWSP, ZWJ, bidi marks, BOM, soft hyphen, tags), separators other than the space, variation selectors. */
const HIDDEN =
  /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000\u3164\uffa0\u115f\u1160]/u;
/** Invisible marks (grapheme joiner, variation selectors): by code point, as a regex class would combine them. */
const isInvisibleMark = (c: number): boolean =>
  c === 0x034f ||
  (c >= 0x180b && c <= 0x180f) ||
  (c >= 0xfe00 && c <= 0xfe0f) ||
  (c >= 0xe0100 && c <= 0xe01ef);
const hidden = (text: string): boolean =>
  HIDDEN.test(text) || [...text].some((ch) => isInvisibleMark(ch.codePointAt(0)!));

/** Letters that look like Latin ones, by script: the skeleton maps them so look-alikes collide. */
const CONFUSABLE: Record<string, string> = {
  а: 'a',
  в: 'b',
  е: 'e',
  ё: 'e',
  к: 'k',
  м: 'm',
  н: 'h',
  о: 'o',
  р: 'p',
  с: 'c',
  т: 't',
  у: 'y',
  х: 'x',
  ѕ: 's',
  і: 'i',
  ї: 'i',
  ј: 'j',
  һ: 'h',
  ԁ: 'd',
  ԛ: 'q',
  ԝ: 'w',
  ь: 'b',
  г: 'r',
  п: 'n',
  л: 'n',
  α: 'a',
  β: 'b',
  ε: 'e',
  η: 'n',
  ι: 'i',
  κ: 'k',
  ν: 'v',
  ο: 'o',
  ρ: 'p',
  τ: 't',
  υ: 'u',
  χ: 'x',
  ω: 'w',
  γ: 'y',
  μ: 'u',
  ς: 'c',
  σ: 'o',
  ı: 'i',
  ȷ: 'j',
  ℓ: 'l',
  '0': 'o',
  '1': 'l',
};

const SCRIPTS: [string, RegExp][] = [
  ['Latin', /\p{Script=Latin}/u],
  ['Cyrillic', /\p{Script=Cyrillic}/u],
  ['Greek', /\p{Script=Greek}/u],
];

/**
 * NFKC, case-folded, trimmed; refused when empty, longer than 64, carrying an invisible or control
 * character, or mixing Latin, Cyrillic and Greek letters (the classic look-alike). `key` is the
 * skeleton two names are compared by.
 */
const verdicts = new Map<string, NameVerdict>();

/** Memoized: a trail names few people, and verify asks about each of its signed events. */
export function normalizePrincipal(raw: string): NameVerdict {
  let verdict = verdicts.get(raw);
  if (!verdict) {
    verdict = judge(raw);
    if (verdicts.size < 10_000) verdicts.set(raw, verdict);
  }
  return verdict;
}

function judge(raw: string): NameVerdict {
  const trimmed = raw.normalize('NFKC').trim();
  if (hidden(trimmed)) return { ok: false, reason: 'contains an invisible or control character' };
  const name = trimmed.toLowerCase().normalize('NFKC');
  if (name === '') return { ok: false, reason: 'is empty' };
  if ([...name].length > 64) return { ok: false, reason: 'is longer than 64 characters' };
  if (/\s/u.test(name)) return { ok: false, reason: 'contains white space' };
  if (!/^[\p{L}\p{M}\p{N}._@+-]+$/u.test(name))
    return { ok: false, reason: 'may hold only letters, digits and . _ @ + -' };
  const scripts = SCRIPTS.filter(([, re]) => re.test(name)).map(([s]) => s);
  if (scripts.length > 1) return { ok: false, reason: `mixes ${scripts.join(' and ')} letters` };
  return { ok: true, name, key: skeleton(name) };
}

function skeleton(name: string): string {
  return [...name.normalize('NFD').replace(/\p{M}/gu, '')].map((c) => CONFUSABLE[c] ?? c).join('');
}

/** The comparison key of a name, or the reason it is refused (as an Error). */
export function principalKey(raw: string): string {
  const verdict = normalizePrincipal(raw);
  if (!verdict.ok) throw new Error(`principal ${JSON.stringify(raw)} ${verdict.reason}`);
  return verdict.key;
}
