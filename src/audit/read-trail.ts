// The records as their events make them, for figures: every event's hash recomputed from its
// bytes and every record replayed through the table of legal transitions, but signatures taken
// as the events name them. Checking 20,000
// Ed25519 signatures is 2 s of CPU on two cores (bench/phr.ts); `report metrics` over 10,000
// records must take under one, and `phr verify` is the judge of signatures (and of the front
// matter, which nothing here reads). A record whose events were edited is skipped and named.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { replay } from './lifecycle.js';
import { normalizePrincipal } from './names.js';
import { hashOf, parseRecordText, RECORD_FILE, seqOf } from './record-format.js';
import type { RecordMeta } from './types.js';

export interface TrailRead {
  records: RecordMeta[];
  /** Records not counted, and why (`phr verify` says more). */
  skipped: { record: string; reason: string }[];
}

/** Reads `historyDir/prompts`; a missing directory is an empty trail. */
export function readTrail(historyDir: string): TrailRead {
  const dir = join(historyDir, 'prompts');
  let files: string[];
  try {
    files = readdirSync(dir)
      .filter((f) => RECORD_FILE.test(f))
      .sort();
  } catch {
    return { records: [], skipped: [] };
  }
  const records: RecordMeta[] = [];
  const skipped: TrailRead['skipped'] = [];
  for (const file of files) {
    const id = file.slice(0, -3);
    const problem = (reason: string) => void skipped.push({ record: id, reason });
    try {
      const parsed = parseRecordText(readFileSync(join(dir, file), 'utf8'));
      const edited = parsed.events.findIndex(
        ({ event, section, json }) => hashOf(json!, section) !== event.hash,
      );
      if (edited >= 0) {
        problem(`event ${edited + 1} does not match its hash`);
        continue;
      }
      const result = replay(
        id,
        seqOf(file),
        parsed.events.map((s) => s.event),
        {
          signerOf: (e) => {
            const by = e.by === undefined ? undefined : normalizePrincipal(e.by);
            return by?.ok && e.key ? { principal: by.name, key: e.key } : 'not signed';
          },
        },
      );
      // The front matter is not read (the figures come from the events), so not compared either.
      if (result.problem) problem(result.problem);
      else records.push(result.meta);
    } catch (error) {
      problem(`unreadable: ${(error as Error).message.split('\n')[0]}`);
    }
  }
  return { records, skipped };
}
