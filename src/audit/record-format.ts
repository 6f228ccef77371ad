// The bytes of a record. Front matter: one `key: JSON` line a field (JSON is YAML, so gray-matter
// and every Markdown tool read it; one fixed spelling, so verify can compare bytes). Body: each
// event's Markdown section, closed by the event's canonical line in an HTML comment.
import { hash } from 'node:crypto';

export interface TrailEvent {
  v: 2;
  /** Position in the whole trail, from 1: the chain runs across records. */
  n: number;
  record: string;
  kind: string;
  at: string;
  data: Record<string, unknown>;
  /** The previous event's hash ('genesis' for the first). */
  prev: string;
  /** The signer's principal and key fingerprint, for the events a person causes. */
  by?: string;
  key?: string;
  hash: string;
  /** Base64 SSH signature (namespace aiops-tui) of `hash`. */
  sig?: string;
}

export interface StoredEvent {
  event: TrailEvent;
  /** The Markdown section the event closes: covered by its hash. */
  section: string;
  /** The event's line as stored. */
  line: string;
  /** The JSON of its fields, as stored: covered by its hash. */
  json?: string;
}

export const GENESIS = 'genesis';

/** A record's file name: its sequence number, then a slug of its title. */
export const RECORD_FILE = /^(\d{5,})-[a-z0-9-]*\.md$/;

/** The sequence number in a record's file name (which RECORD_FILE has matched). */
export const seqOf = (file: string): number => Number(RECORD_FILE.exec(file)![1]);
const LINE_PREFIX = '<!-- phr-event ';
const LINE_SUFFIX = ' -->';
const EVENT_LINE = /^<!-- phr-event (\S+) (\S+) (.*) -->$/gm;

// One-shot hash(): half the cost of a Hash object per event, which `phr verify` and `report metrics` pay 50,000 times.
export const sha256 = (text: string): string => hash('sha256', text);

/** JSON with sorted keys and no undefined, `<`, `>`, `&` and line separators escaped: one spelling per value, safe inside an HTML comment. */
export function canonical(value: unknown): string {
  return JSON.stringify(sortKeys(value)).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = sortKeys(v);
    }
    return out;
  }
  return value;
}

type Unsealed = Omit<TrailEvent, 'hash' | 'sig'>;

/** The event's fields as stored: canonical JSON, without its hash and signature. */
export function unsealedJson(event: Unsealed | TrailEvent): string {
  const { v, n, record, kind, at, data, prev, by, key } = event;
  return canonical({ v, n, record, kind, at, data, prev, by, key });
}

/**
 * What an event's hash covers: the exact bytes of its stored JSON (which hold the previous hash)
 * and of the section it closes. Verify hashes the bytes as they are, so no re-serialization can
 * hide an edit, and none is needed.
 */
export function hashOf(json: string, section: string): string {
  return sha256(`phr-event\n${json}\n${section}`);
}

export function eventHash(event: Unsealed, section: string): string {
  return hashOf(unsealedJson(event), section);
}

/** `<!-- phr-event HASH SIG|- {json} -->` */
export function eventLine(event: TrailEvent): string {
  return `${LINE_PREFIX}${event.hash} ${event.sig ?? '-'} ${unsealedJson(event)}${LINE_SUFFIX}`;
}

export function renderFrontMatter(meta: object): string {
  const lines = Object.entries(meta)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}: ${canonical(v)}`);
  return `---\n${lines.join('\n')}\n---\n`;
}

export class FormatError extends Error {}

/** Splits a record into its front matter text, its events and anything after the last event. */
export function parseRecordText(text: string): {
  frontMatter: string;
  events: StoredEvent[];
  trailing: string;
} {
  if (!text.startsWith('---\n')) throw new FormatError('no front matter');
  const end = text.indexOf('\n---\n', 3);
  if (end < 0) throw new FormatError('front matter not closed');
  const frontMatter = text.slice(0, end + 5);
  // Its values are checked by comparing the whole text with the one its events derive.
  for (const line of text.slice(4, end).split('\n'))
    if (!/^[a-z_]+: [[{"\dtfn-]/.test(line))
      throw new FormatError(`front matter line ${JSON.stringify(line.slice(0, 40))} is not ours`);
  const body = text.slice(end + 5);
  const events: StoredEvent[] = [];
  let from = 0;
  for (const m of body.matchAll(EVENT_LINE)) {
    const event = eventFrom(m[1]!, m[2]!, m[3]!);
    if (!event) throw new FormatError(`event ${events.length + 1} is not an event line`);
    events.push({ event, section: body.slice(from, m.index), line: m[0], json: m[3]! });
    from = m.index + m[0].length + 1;
  }
  return { frontMatter, events, trailing: body.slice(Math.min(from, body.length)) };
}

function eventFrom(hash: string, sig: string, json: string): TrailEvent | undefined {
  let fields: unknown;
  try {
    fields = JSON.parse(json);
  } catch {
    return undefined;
  }
  if (!fields || typeof fields !== 'object' || Array.isArray(fields) || 'hash' in fields || 'sig' in fields)
    return undefined;
  return { ...(fields as Omit<TrailEvent, 'hash' | 'sig'>), hash, ...(sig === '-' ? {} : { sig }) };
}

/** The last event line of a record's text: where the chain's head is looked for. */
export function lastEventOf(text: string): TrailEvent | undefined {
  const at = text.lastIndexOf(LINE_PREFIX);
  if (at < 0) return undefined;
  const m = /^<!-- phr-event (\S+) (\S+) (.*) -->$/m.exec(text.slice(at));
  return m ? eventFrom(m[1]!, m[2]!, m[3]!) : undefined;
}

/** The body a person reads: the sections without the event lines. */
export function readableBody(text: string): string {
  const end = text.indexOf('\n---\n', 3);
  return text.slice(end < 0 ? 0 : end + 5).replace(/^<!-- phr-event .* -->\n?/gm, '');
}
