// Retention: finished records older than the policy's retention period move out of prompts/ into
// a compressed archive under history/archive/, one JSON line per record holding its exact bytes.
// The move is itself a signed record in the chain (type `archive`): the archive file's sha256,
// the sequence numbers and event numbers it holds, and the boundary (the last archived event's
// number and hash). `phr verify` reads the archive back and checks it as part of the one trail;
// an archive that does not match its record is one problem, and its events still stand in the
// chain by number (and, at the boundary, by hash), so nothing after it is reported twice.
import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { RecordMeta } from './types.js';

/** Where archives live, beside prompts/. */
export const ARCHIVE_DIR = 'archive';
/** An archive's file name: the day it was made, and a counter when there are several that day. */
export const ARCHIVE_FILE = /^\d{4}-\d{2}-\d{2}(-\d+)?\.jsonl\.gz$/;

/** Statuses after which nothing more happens to a record: only these are ever archived. */
export const ARCHIVABLE: ReadonlySet<string> = new Set([
  'validated',
  'rolled-back',
  'rejected',
  'expired',
  'failed',
]);

export type ArchiveDecision = 'archive' | 'open' | 'recent' | 'kept';

/**
 * Whether a record moves to the archive: finished (never an open one, however old), and its last
 * event before the cutoff. The trail's own records (its allowed signers, earlier archives) stay.
 */
export function archiveDecision(
  record: Pick<RecordMeta, 'type' | 'status'>,
  lastEventAt: string,
  cutoffMs: number,
): ArchiveDecision {
  if (record.type === 'trust' || record.type === 'archive') return 'kept';
  if (!ARCHIVABLE.has(record.status)) return 'open';
  const at = Date.parse(lastEventAt);
  return Number.isFinite(at) && at < cutoffMs ? 'archive' : 'recent';
}

/** What the archive record says of its archive: what verify holds the file to. */
export interface ArchiveManifest {
  /** Relative to the history directory: `archive/2026-12-01.jsonl.gz`. */
  file: string;
  sha256: string;
  records: number;
  /** Sequence numbers of the archived records, as inclusive ranges. */
  seqs: [number, number][];
  /** Event numbers (positions in the chain) they hold, as inclusive ranges. */
  events: [number, number][];
  /** The last archived event: where the live chain takes over. */
  boundary: { events: number; hash: string };
  /** Records whose last event is before this were archived (ISO). */
  older_than: string;
}

export interface ArchivedRecord {
  file: string;
  text: string;
}

/** Sorted numbers as inclusive ranges: [1, 2, 3, 7] → [[1, 3], [7, 7]]. */
export function toRanges(numbers: readonly number[]): [number, number][] {
  const sorted = [...numbers].sort((a, b) => a - b);
  const ranges: [number, number][] = [];
  for (const n of sorted) {
    const last = ranges.at(-1);
    if (last && n === last[1] + 1) last[1] = n;
    else if (!last || n > last[1]) ranges.push([n, n]);
  }
  return ranges;
}

export function fromRanges(ranges: readonly (readonly [number, number])[]): number[] {
  return ranges.flatMap(([a, b]) => Array.from({ length: Math.max(0, b - a + 1) }, (_, i) => a + i));
}

export const sha256Of = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** One JSON line per record, its bytes exactly, gzipped. */
export function packArchive(records: readonly ArchivedRecord[]): Buffer {
  return gzipSync(records.map((r) => JSON.stringify({ file: r.file, text: r.text })).join('\n') + '\n');
}

export function unpackArchive(bytes: Uint8Array): ArchivedRecord[] {
  const text = gunzipSync(bytes).toString('utf8');
  return text
    .split('\n')
    .filter(Boolean)
    .map((line, i) => {
      const r = JSON.parse(line) as Partial<ArchivedRecord>;
      if (typeof r.file !== 'string' || typeof r.text !== 'string')
        throw new Error(`line ${i + 1} is not an archived record`);
      return { file: r.file, text: r.text };
    });
}

/** The manifest as the archive record holds it, or undefined when the record is not one. */
export function manifestOf(data: Record<string, unknown>): ArchiveManifest | undefined {
  const m = data.archive as Partial<ArchiveManifest> | undefined;
  return data.type === 'archive' &&
    m &&
    typeof m.file === 'string' &&
    typeof m.sha256 === 'string' &&
    Array.isArray(m.seqs) &&
    Array.isArray(m.events) &&
    typeof m.boundary?.events === 'number'
    ? (m as ArchiveManifest)
    : undefined;
}

/** The archive record's section: what moved where, for a person reading the trail. */
export function archiveSection(
  m: ArchiveManifest,
  at: string,
  by: string,
  first: string,
  last: string,
): string {
  return [
    `# Archived ${m.records} record${m.records === 1 ? '' : 's'}`,
    '',
    `Source: aiops-tui · recorded by **${by}** · created ${at}`,
    '',
    `Finished records whose last event is before ${m.older_than} (${first} … ${last}) moved to \`${m.file}\` (sha256 \`${m.sha256}\`).`,
    '',
    `Boundary: event #${m.boundary.events}, hash \`${m.boundary.hash}\`. \`phr verify\` reads the archive back as part of the trail.`,
    '',
    '',
  ].join('\n');
}
