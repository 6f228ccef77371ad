// pod-template-hash: a stable short name for a pod template, in the alphabet the real controller
// uses, so a template that comes back (rollout undo) finds its old ReplicaSet again.
const ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

function stable(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stable).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stable((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

export function templateHash(template: unknown): string {
  // FNV-1a over the canonical JSON, 64 bits in two halves.
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  for (const ch of stable(template)) {
    const c = ch.charCodeAt(0);
    h1 = Math.imul(h1 ^ c, 0x01000193) >>> 0;
    h2 = Math.imul(h2 ^ c, 0x811c9dc5) >>> 0;
  }
  let out = '';
  let n = BigInt(h1) * 0x100000000n + BigInt(h2);
  for (let i = 0; i < 10; i++) {
    out += ALPHABET[Number(n % BigInt(ALPHABET.length))];
    n /= BigInt(ALPHABET.length);
  }
  return out;
}

/** A template without the label the controller adds, for comparing templates (as kubectl does). */
export function withoutHashLabel<T extends { metadata?: { labels?: Record<string, string> } }>(
  template: T,
): T {
  const copy = structuredClone(template);
  if (copy.metadata?.labels) delete copy.metadata.labels['pod-template-hash'];
  return copy;
}
