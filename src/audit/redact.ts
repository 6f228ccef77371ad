// Secrets never reach the audit trail: every string and object snapshot passes through here
// before it is written, whatever produced it (kubectl-ai output, events, object snapshots).
const MASK = '[REDACTED]';

const PATTERNS: [RegExp, string][] = [
  // Authorization headers and bearer tokens.
  [/\b(bearer)\s+[A-Za-z0-9\-._~+/]{8,}=*/gi, `$1 ${MASK}`],
  // OpenAI-style, Google API keys, AWS access keys, GitHub tokens, JWTs.
  [/\bsk-[A-Za-z0-9_-]{16,}/g, MASK],
  [/\bAIza[0-9A-Za-z_-]{30,}/g, MASK],
  [/\b(AKIA|ASIA)[0-9A-Z]{16}\b/g, MASK],
  [/\bgh[pousr]_[A-Za-z0-9]{30,}/g, MASK],
  [/\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g, MASK],
  // key=value and key: value for secret-looking keys (env literals, kubeconfig fields, URLs).
  [
    /\b([A-Za-z0-9_.-]*(?:password|passwd|secret|token|api[_-]?key|apikey|client-key-data|client-certificate-data|private[_-]?key|credentials?)[A-Za-z0-9_.-]*)(["']?\s*[:=]\s*["']?)(?!\[REDACTED\])[^\s"',}]+/gi,
    `$1$2${MASK}`,
  ],
  // user:password@ in URLs (database URLs in configmaps and env).
  [/(\b[a-z][a-z0-9+.-]*:\/\/[^:/\s@]+:)[^@\s/]+@/gi, `$1${MASK}@`],
];

export function redactText(text: string): string {
  let out = text;
  for (const [pattern, replacement] of PATTERNS) out = out.replace(pattern, replacement);
  return out;
}

const SECRET_KEY =
  /password|passwd|secret|token|api[_-]?key|apikey|client-key-data|client-certificate-data|private[_-]?key|credential/i;

/** A deep copy with secret values masked: Secret data, secret-looking keys, and every string. */
export function redactValue<T>(value: T): T {
  return redact(value, undefined) as T;
}

function redact(value: unknown, parentKind: string | undefined): unknown {
  if (typeof value === 'string') return redactText(value);
  if (Array.isArray(value)) return value.map((v) => redact(v, parentKind));
  if (value && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    const kind = typeof obj.kind === 'string' ? obj.kind : parentKind;
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(obj)) {
      if (kind === 'Secret' && (key === 'data' || key === 'stringData') && v && typeof v === 'object') {
        out[key] = Object.fromEntries(Object.keys(v).map((k) => [k, MASK]));
      } else if (SECRET_KEY.test(key) && (typeof v === 'string' || typeof v === 'number')) {
        out[key] = MASK;
      } else if (key === 'env' && Array.isArray(v)) {
        // Env literals named like secrets: keep the name, mask the value.
        out[key] = v.map((e: Record<string, unknown>) =>
          e && typeof e.name === 'string' && SECRET_KEY.test(e.name) && 'value' in e
            ? { ...e, value: MASK }
            : redact(e, kind),
        );
      } else {
        out[key] = redact(v, kind);
      }
    }
    return out;
  }
  return value;
}
