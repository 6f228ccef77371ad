// Secrets never reach the audit trail: every string and object snapshot passes through here
// before it is written, whatever produced it (kubectl-ai output, events, object snapshots).
// Redacting twice gives what redacting once gave: records are redacted again when read back and
// re-hashed, so a mask must never itself look like something to mask.
const MASK = '[REDACTED]';

/** A double quote, or one escaped inside a JSON string (`kubectl get -o json` of an annotation). */
const Q = String.raw`\\?"`;

/** Key names whose values are secrets: in text (key=value, key: value) and as object keys. */
const SECRET_NAME = String.raw`password|passwd|secret|token|api[_-]?key|apikey|client-key-data|client-certificate-data|private[_-]?key|credentials?`;

const PATTERNS: [RegExp, string][] = [
  // PEM private keys, first: the whole block, whatever key name or line breaks (real or `\n`)
  // surround it. A block cut off before its END line is masked to the end of the text.
  [
    /-----BEGIN ([A-Z0-9 ]*)PRIVATE KEY( BLOCK)?-----(?:[\s\S]*?-----END \1PRIVATE KEY\2-----|[\s\S]*$)/g,
    MASK,
  ],
  // Authorization headers and bearer tokens.
  [/\b(bearer)\s+[A-Za-z0-9\-._~+/]{8,}=*/gi, `$1 ${MASK}`],
  // OpenAI-style, Google API keys, AWS access keys, JWTs.
  [/\bsk-[A-Za-z0-9_-]{16,}/g, MASK],
  [/\bAIza[0-9A-Za-z_-]{30,}/g, MASK],
  [/\b(AKIA|ASIA)[0-9A-Z]{16}\b/g, MASK],
  [/\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g, MASK],
  // GitHub (classic and fine-grained), GitLab, Slack (bot, user, app-level), Stripe-style keys.
  [/\bgh[pousr]_[A-Za-z0-9]{30,}/g, MASK],
  [/\bgithub_pat_[A-Za-z0-9_]{22,}/g, MASK],
  [/\bglpat-[A-Za-z0-9_-]{20,}/g, MASK],
  [/\bxox[abprs]-[A-Za-z0-9-]{10,}/g, MASK],
  [/\bxapp-[A-Za-z0-9-]{10,}/g, MASK],
  [/\b(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{10,}/g, MASK],
  // key=value and key: value for secret-looking keys (env literals, kubeconfig fields, URLs),
  // and keys ending in PASS (DB_PASS, MYSQL_ROOT_PASS).
  [
    new RegExp(
      String.raw`\b([A-Za-z0-9_.-]*(?:${SECRET_NAME})[A-Za-z0-9_.-]*|[A-Za-z0-9_.-]*pass)(["']?\s*[:=]\s*["']?)(?!\[REDACTED\])[^\s"',}]+`,
      'gi',
    ),
    `$1$2${MASK}`,
  ],
  // A docker config's `auth` (base64 user:password), in .dockerconfigjson text, escaped or not.
  [new RegExp(String.raw`(${Q}auth${Q}\s*:\s*${Q})(?!\[REDACTED\])[^"\\]+`, 'g'), `$1${MASK}`],
  // user:password@ in URLs (database URLs in configmaps and env).
  [/(\b[a-z][a-z0-9+.-]*:\/\/[^:/\s@]+:)[^@\s/]+@/gi, `$1${MASK}@`],
];

/** JSON text of a Secret (a last-applied-configuration annotation, `kubectl get secret -o json`). */
const SECRET_JSON = new RegExp(String.raw`${Q}kind${Q}\s*:\s*${Q}Secret${Q}`);
const SECRET_DATA = new RegExp(String.raw`(${Q}(?:data|stringData)${Q}\s*:\s*\{)([^{}]*)\}`, 'g');
const DATA_ENTRY = new RegExp(String.raw`(${Q}[^"\\]*${Q}\s*:\s*)(${Q})(?:[^"\\]|\\[^"])*(${Q})`, 'g');

export function redactText(text: string): string {
  let out = text;
  if (SECRET_JSON.test(out))
    out = out.replace(
      SECRET_DATA,
      (_all, open: string, body: string) => `${open}${body.replace(DATA_ENTRY, `$1$2${MASK}$3`)}}`,
    );
  for (const [pattern, replacement] of PATTERNS) out = out.replace(pattern, replacement);
  return out;
}

const SECRET_KEY = new RegExp(`${SECRET_NAME}|pass$`, 'i');
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A deep copy with secret values masked: Secret data, secret-looking keys, and every string. */
export function redactValue<T>(value: T): T {
  return redact(value, undefined) as T;
}

function redact(value: unknown, parentKind: string | undefined): unknown {
  if (typeof value === 'string') return redactText(value);
  if (Array.isArray(value)) return value.map((v) => redact(v, parentKind));
  if (isObject(value)) {
    const kind = typeof value.kind === 'string' ? value.kind : parentKind;
    const out: Json = {};
    for (const [key, v] of Object.entries(value)) {
      if (kind === 'Secret' && (key === 'data' || key === 'stringData') && isObject(v)) {
        out[key] = Object.fromEntries(Object.keys(v).map((k) => [k, MASK]));
      } else if (SECRET_KEY.test(key) && (typeof v === 'string' || typeof v === 'number')) {
        out[key] = MASK;
      } else if (key === 'env' && Array.isArray(v)) {
        // Env literals named like secrets: keep the name, mask the value.
        out[key] = v.map((e: unknown) =>
          isObject(e) && typeof e.name === 'string' && SECRET_KEY.test(e.name) && 'value' in e
            ? { ...(redact(e, kind) as Json), value: MASK }
            : redact(e, kind),
        );
      } else if (key === 'auths' && isObject(v)) {
        out[key] = redactDockerAuths(v, kind);
      } else if (key === 'annotations' && isObject(v) && typeof v[LAST_APPLIED] === 'string') {
        out[key] = { ...(redact(v, kind) as Json), [LAST_APPLIED]: redactLastApplied(v[LAST_APPLIED]) };
      } else {
        out[key] = redact(v, kind);
      }
    }
    return out;
  }
  return value;
}

/** A docker config's registries: each one's `auth` is base64 of user:password. */
function redactDockerAuths(auths: Json, kind: string | undefined): Json {
  return Object.fromEntries(
    Object.entries(auths).map(([registry, entry]) => [
      registry,
      isObject(entry) && 'auth' in entry
        ? { ...(redact(entry, kind) as Json), auth: MASK }
        : redact(entry, kind),
    ]),
  );
}

/**
 * The object as last applied, a JSON string kubectl keeps in an annotation: a Secret's keeps
 * its data. Redacted as the object it is (its own `kind` says Secret), written back the way
 * kubectl writes it; if it is not JSON, it is masked whole rather than guessed at.
 */
function redactLastApplied(text: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return MASK;
  }
  if (!isObject(parsed)) return MASK;
  return JSON.stringify(redact(parsed, undefined)) + (text.endsWith('\n') ? '\n' : '');
}
