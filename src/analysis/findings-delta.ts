// The findings' way back from the analysis worker, as deltas: the worker sends the findings that
// are new or changed since its last answer and the ids of those gone, and the findings service
// keeps the others it already holds. A structured clone makes new objects and new strings every
// time, so 50,000 findings of a 10,000-pod cluster sent whole on every change were a second copy
// of all of them (and their 20,000 copies of each suggested fix) in the cockpit's heap.
import { hash } from 'node:crypto';
import type { Finding } from '../model/analysis.js';

export interface FindingsDelta {
  /** The receiver drops what it holds first (the sender started over: a fresh or reset worker). */
  full: boolean;
  /** New or changed findings, in the analyzers' order. */
  set: Finding[];
  /** Ids of findings the last run no longer has. */
  delete: string[];
}

/** What one finding is, in a few bytes: the sender compares runs without keeping their findings. */
const digest = (finding: Finding): string => hash('sha1', JSON.stringify(finding), 'base64');

/** The worker's side: the digest of each finding it sent, to send only what changed. */
export class FindingsSender {
  private sent = new Map<string, string>();

  /** Forget what was sent: the next delta is full. */
  reset(): void {
    this.sent = new Map();
  }

  /** The delta from the last run sent to `findings`; undefined when nothing changed. */
  delta(findings: readonly Finding[]): FindingsDelta | undefined {
    const full = this.sent.size === 0;
    const next = new Map<string, string>();
    const set: Finding[] = [];
    for (const finding of findings) {
      const d = digest(finding);
      // A repeated id changes the sender's record like the receiver's map: the last one wins.
      if (this.sent.get(finding.id) !== d || next.has(finding.id)) set.push(finding);
      next.set(finding.id, d);
    }
    const gone = [...this.sent.keys()].filter((id) => !next.has(id));
    this.sent = next;
    if (!full && set.length === 0 && gone.length === 0) return undefined;
    return { full, set, delete: full ? [] : gone };
  }
}

/** Strings longer than this are not shared (a crash loop's quoted log lines are one-offs). */
const MAX_SHARED_LENGTH = 512;
/** The table starts over past this many strings, so findings long gone do not keep theirs. */
const MAX_SHARED_STRINGS = 100_000;

/** The service's side: the findings the worker holds, by id, in the order they first came. */
export class FindingsReceiver {
  private byId = new Map<string, Finding>();
  private strings = new Map<string, string>();

  /** Applies a delta; returns the findings as the sender's last run had them. */
  apply(delta: FindingsDelta): Finding[] {
    if (delta.full) this.byId = new Map();
    for (const id of delta.delete) this.byId.delete(id);
    if (this.strings.size > MAX_SHARED_STRINGS) this.strings = new Map();
    for (const finding of delta.set) {
      this.share(finding);
      // Map order is first insertion: a changed finding keeps its place, a new one comes last.
      this.byId.set(finding.id, finding);
    }
    return [...this.byId.values()];
  }

  /** Replaces each repeated string in `value` by the one copy the table holds, in place. */
  private share(value: unknown): void {
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        const item: unknown = value[i];
        if (typeof item === 'string') value[i] = this.shared(item);
        else if (item && typeof item === 'object') this.share(item);
      }
    } else if (value && typeof value === 'object') {
      const record = value as Record<string, unknown>;
      for (const key in record) {
        const item = record[key];
        // An id is its finding's own: nothing to share.
        if (typeof item === 'string') {
          if (key !== 'id') record[key] = this.shared(item);
        } else if (item && typeof item === 'object') this.share(item);
      }
    }
  }

  private shared(text: string): string {
    if (text.length > MAX_SHARED_LENGTH) return text;
    const known = this.strings.get(text);
    if (known !== undefined) return known;
    this.strings.set(text, text);
    return text;
  }
}
