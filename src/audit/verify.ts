// `phr verify`: the whole trail recomputed from its text, trusting no stored hash. Every event's
// hash and canonical line, the chain across records in order (nothing removed, reordered or
// inserted), every signature against the allowed signers the trail pinned at that point, every
// record replayed through the table of legal transitions and its front matter compared byte for
// byte, and the head compared with the checkpoints kept outside the directory.
import { availableParallelism } from 'node:os';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  ARCHIVE_DIR,
  ARCHIVE_FILE,
  fromRanges,
  manifestOf,
  sha256Of,
  unpackArchive,
  type ArchiveManifest,
} from './archive.js';
import { Worker } from 'node:worker_threads';
import { checkpointMessage, type AnchorReading, type Head } from './checkpoint.js';
import { checkSignature, trustEpochs, type TrustEpoch } from './history.js';
import { NAMESPACE } from './identity.js';
import { replay } from './lifecycle.js';
import {
  hashOf,
  GENESIS,
  parseRecordText,
  RECORD_FILE,
  seqOf,
  renderFrontMatter,
  type StoredEvent,
  type TrailEvent,
} from './record-format.js';
import { parseSignature, verificationInput, verifyInput } from './sshsig.js';
import type { Tier } from './types.js';

export interface Problem {
  record: string;
  reason: string;
}

export interface VerifyReport {
  ok: boolean;
  records: number;
  events: number;
  head: Head;
  problems: Problem[];
  /** What could not be checked (no anchor reachable …): said, not failed. */
  unchecked: string[];
  /** Anchors the head was checked against. */
  anchored: string[];
}

export interface VerifyOptions {
  floorOf?(operation: unknown): Tier;
  anchors?: AnchorReading[];
}

// Ed25519 verification is the cost of a large trail: spread it over the cores.
const WORKER = `
const { parentPort } = require('node:worker_threads');
const { createPublicKey, verify } = require('node:crypto');
const keys = new Map();
parentPort.on('message', ({ id, inputs }) => parentPort.postMessage({ id, results: inputs.map(({ data, key, signature }) => {
  const kid = Buffer.from(key).toString('base64');
  let k = keys.get(kid);
  if (!k) keys.set(kid, (k = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(key).toString('base64url') }, format: 'jwk' })));
  try { return verify(null, data, k, signature); } catch { return false; }
}) }));`;

type Input = { data: Buffer; key: Buffer; signature: Buffer };

/**
 * Signature checks on worker threads, one per core, fed in batches as the records are read: the
 * workers verify while this thread reads, parses and hashes. A trail with few signatures is
 * checked here, without starting a thread.
 */
function signaturePool(): {
  add(event: TrailEvent, input: Input | undefined): void;
  finish(): Promise<Map<TrailEvent, boolean>>;
} {
  const BATCH = 1000;
  const verdict = new Map<TrailEvent, boolean>();
  const cores = Math.min(availableParallelism(), 4);
  let batch: { event: TrailEvent; input: Input }[] = [];
  let workers: Worker[] | undefined;
  const sent: Promise<void>[] = [];
  let next = 0;
  const send = (items: typeof batch): void => {
    workers ??= Array.from({ length: cores }, () => new Worker(WORKER, { eval: true }));
    const worker = workers[next++ % workers.length]!;
    const id = next;
    sent.push(
      new Promise<void>((resolve, reject) => {
        const onMessage = (reply: { id: number; results: boolean[] }) => {
          if (reply.id !== id) return;
          worker.off('message', onMessage);
          reply.results.forEach((ok, i) => verdict.set(items[i]!.event, ok));
          resolve();
        };
        worker.on('message', onMessage);
        worker.once('error', reject);
      }),
    );
    worker.postMessage({ id, inputs: items.map((b) => b.input) });
  };
  return {
    add(event, input) {
      if (!input) return void verdict.set(event, false);
      batch.push({ event, input });
      // Threads are worth starting only for a large trail: the first two batches show it is one.
      if (cores >= 2 && batch.length >= (workers ? BATCH : 2 * BATCH)) {
        send(batch);
        batch = [];
      }
    },
    async finish() {
      if (workers && batch.length) send(batch);
      else for (const { event, input } of batch) verdict.set(event, verifyInput(input));
      try {
        await Promise.all(sent);
      } finally {
        for (const w of workers ?? []) void w.terminate();
      }
      return verdict;
    },
  };
}

/**
 * What a worker needs to check an event's signature, or undefined when it cannot be one: another
 * namespace, or a key other than the one the event names (checked here, where it is parsed).
 */
function signatureInput(event: TrailEvent): Input | undefined {
  try {
    const sig = parseSignature(event.sig!);
    return sig.namespace === NAMESPACE && sig.publicKey.fingerprint === event.key
      ? verificationInput(sig, event.hash)
      : undefined;
  } catch {
    return undefined;
  }
}

export async function verifyTrail(promptsDir: string, options: VerifyOptions = {}): Promise<VerifyReport> {
  const problems: Problem[] = [];
  // Checked on worker threads while the records are read.
  const signatures = signaturePool();
  const unchecked: string[] = [];
  const anchored: string[] = [];
  const files = readdirSync(promptsDir)
    .filter((f) => RECORD_FILE.test(f))
    .sort();
  const records: { id: string; seq: number; frontMatter: string; events: StoredEvent[] }[] = [];
  const read = (file: string, text: () => string): void => {
    const id = file.replace(/\.md$/, '');
    const seq = seqOf(file);
    try {
      const parsed = parseRecordText(text());
      if (parsed.trailing !== '') problems.push({ record: id, reason: 'text after its last event' });
      records.push({ id, seq, frontMatter: parsed.frontMatter, events: parsed.events });
      for (const { event } of parsed.events) if (event.sig) signatures.add(event, signatureInput(event));
    } catch (error) {
      problems.push({ record: id, reason: `unreadable: ${(error as Error).message.split('\n')[0]}` });
    }
  };
  for (const file of files) read(file, () => readFileSync(join(promptsDir, file), 'utf8'));
  // Archived records are part of the trail: read back from the archives the live archive records
  // name, or, where one does not match its record, stood in for by the numbers that record holds.
  const stand = readArchives(dirname(promptsDir), records, problems, read);
  const seqs = [
    ...records.map((r) => ({ id: r.id, seq: r.seq })),
    ...stand.seqs.map((seq) => ({ id: String(seq).padStart(5, '0'), seq })),
  ].sort((a, b) => a.seq - b.seq);
  let expectedSeq = 1;
  for (const { id, seq } of seqs) {
    if (seq !== expectedSeq)
      problems.push({
        record: id,
        reason:
          seq > expectedSeq
            ? `record ${String(expectedSeq).padStart(5, '0')}${seq > expectedSeq + 1 ? ` to ${String(seq - 1).padStart(5, '0')}` : ''} missing before it`
            : `sequence ${seq} appears twice`,
      });
    expectedSeq = seq + 1;
  }
  records.sort((a, b) => a.seq - b.seq);

  // Each event against its own bytes.
  const all: { event: TrailEvent; record: string; intact: boolean }[] = [];
  for (const r of records)
    for (const [i, { event, section, json }] of r.events.entries()) {
      const intact = hashOf(json!, section) === event.hash;
      if (!intact)
        problems.push({
          record: r.id,
          reason: `event ${i + 1} (${event.kind}) does not match its hash (edited)`,
        });
      if (event.record !== r.id)
        problems.push({ record: r.id, reason: `event ${i + 1} belongs to ${event.record} (moved)` });
      all.push({ event, record: r.id, intact });
    }

  // The chain, in the order the events were written; an unreadable archive's events stand in by number.
  const standIns = stand.events.map((n) => ({
    event: { n, hash: stand.hashes.get(n) ?? '', prev: '' } as TrailEvent,
    record: stand.record.get(n) ?? '-',
    standIn: true,
  }));
  const ordered: { event: TrailEvent; record: string; standIn?: boolean }[] = [...all, ...standIns].sort(
    (a, b) => a.event.n - b.event.n,
  );
  let prev: string | undefined = GENESIS;
  for (const [i, { event, record, standIn }] of ordered.entries()) {
    if (event.n !== i + 1) {
      problems.push({
        record,
        reason:
          event.n > i + 1
            ? `event #${i + 1}${event.n > i + 2 ? ` to #${event.n - 1}` : ''} missing before its event #${event.n} (removed)`
            : `event #${event.n} appears twice (inserted)`,
      });
    }
    // Where the event before is a stand-in without its hash, the link is not known: not judged.
    if (!standIn && prev !== undefined && event.prev !== prev)
      problems.push({
        record,
        reason: `event #${event.n} does not chain to the event before it (removed, reordered or inserted)`,
      });
    prev = event.hash || undefined;
  }
  for (const r of records) {
    const ns = r.events.map((e) => e.event.n);
    if (ns.some((n, i) => i > 0 && n <= ns[i - 1]!))
      problems.push({ record: r.id, reason: 'its events are out of order' });
  }
  const firsts = records.filter((r) => r.events.length).map((r) => ({ id: r.id, n: r.events[0]!.event.n }));
  for (let i = 1; i < firsts.length; i++)
    if (firsts[i]!.n < firsts[i - 1]!.n)
      problems.push({ record: firsts[i]!.id, reason: `created before ${firsts[i - 1]!.id} (renumbered)` });

  // Signatures against the allowed signers pinned at each event.
  const trustRecord = records.find((r) => r.seq === 1);
  let epochs: TrustEpoch[] = [];
  if (!trustRecord || trustRecord.events[0]?.event.data.type !== 'trust')
    problems.push({
      record: trustRecord?.id ?? '00001',
      reason: 'the trail does not start with its allowed signers (record 1 replaced or removed)',
    });
  else {
    try {
      epochs = trustEpochs(trustRecord.events.map((e) => e.event));
    } catch (error) {
      problems.push({ record: trustRecord.id, reason: (error as Error).message });
    }
  }
  const verdict = await signatures.finish();

  const broken = new Set(all.filter((a) => !a.intact).map((a) => a.event));
  for (const r of records) {
    if (r.events.some((e) => broken.has(e.event))) continue;
    const result = replay(
      r.id,
      r.seq,
      r.events.map((e) => e.event),
      {
        signerOf: (e) => checkSignature(e, epochs, verdict.get(e) ?? false),
        ...(options.floorOf ? { floorOf: options.floorOf } : {}),
      },
    );
    if (result.problem) problems.push({ record: r.id, reason: result.problem });
    else if (renderFrontMatter(result.meta) !== r.frontMatter)
      problems.push({ record: r.id, reason: 'its front matter does not match its events (edited)' });
  }

  const last = ordered.filter((o) => !o.standIn).at(-1)?.event;
  const head: Head = last
    ? { events: last.n, hash: last.hash, record: last.record }
    : { events: 0, hash: GENESIS };
  const byN = new Map(ordered.map((o) => [o.event.n, o]));
  for (const anchor of options.anchors ?? []) {
    const cp = anchor.checkpoint;
    if (!cp) {
      unchecked.push(
        `${anchor.source}: ${anchor.unavailable ?? 'no checkpoint'}; truncation was not checked there`,
      );
      continue;
    }
    const signer = checkSignature(
      {
        v: 2,
        n: cp.events,
        record: '',
        kind: 'checkpoint',
        at: cp.at,
        data: {},
        prev: '',
        hash: checkpointMessage(cp),
        by: cp.by,
        key: cp.key,
        sig: cp.sig,
      },
      epochs,
    );
    const at = byN.get(cp.events);
    if (typeof signer === 'string')
      problems.push({ record: '-', reason: `${anchor.source}: the checkpoint's ${signer}` });
    else if (head.events < cp.events)
      problems.push({
        record: head.record ?? '-',
        reason: `${anchor.source} saw ${cp.events} events, the trail has ${head.events} (records or events removed at the end)`,
      });
    else if (!at || at.event.hash !== cp.head)
      problems.push({
        record: at?.record ?? '-',
        reason: `event #${cp.events} differs from the one ${anchor.source} saw (the trail was rewritten)`,
      });
    else anchored.push(`${anchor.source} (${cp.events} events)`);
  }
  return {
    ok: problems.length === 0,
    records: records.length + stand.seqs.length,
    events: all.length,
    head,
    problems,
    unchecked,
    anchored,
  };
}

interface StandIns {
  /** Sequence and event numbers of archives that could not be read as their records say. */
  seqs: number[];
  events: number[];
  /** The boundary's hash, where known: the live chain's link to it is still checked. */
  hashes: Map<number, string>;
  record: Map<number, string>;
}

/**
 * Reads each archive an archive record names: its bytes must hash to the record's sha256 and
 * hold exactly the records and events the record lists, its last event the boundary. One that
 * does not is one problem, and its numbers stand in, so the records after it are not reported
 * again. An archive file that no record names is a problem too.
 */
function readArchives(
  historyDir: string,
  live: readonly { id: string; events: StoredEvent[] }[],
  problems: Problem[],
  read: (file: string, text: () => string) => void,
): StandIns {
  const stand: StandIns = { seqs: [], events: [], hashes: new Map(), record: new Map() };
  const manifests = live.flatMap((r) => {
    const m = r.events[0] ? manifestOf(r.events[0].event.data) : undefined;
    return m ? [{ id: r.id, m }] : [];
  });
  const named = new Set(manifests.map(({ m }) => m.file));
  const dir = join(historyDir, ARCHIVE_DIR);
  if (existsSync(dir))
    for (const name of readdirSync(dir).filter((f) => ARCHIVE_FILE.test(f)))
      if (!named.has(`${ARCHIVE_DIR}/${name}`))
        problems.push({
          record: `${ARCHIVE_DIR}/${name}`,
          reason: 'an archive no archive record names (an interrupted phr archive: run it again)',
        });
  for (const { id, m } of manifests) {
    const why = checkArchive(historyDir, m, read);
    if (!why) continue;
    problems.push({ record: id, reason: `${m.file}: ${why}` });
    stand.seqs.push(...fromRanges(m.seqs));
    for (const n of fromRanges(m.events)) {
      stand.events.push(n);
      stand.record.set(n, id);
    }
    stand.hashes.set(m.boundary.events, m.boundary.hash);
  }
  return stand;
}

/** Why an archive is not what its record says, or undefined (then its records were read into the trail). */
function checkArchive(
  historyDir: string,
  m: ArchiveManifest,
  read: (file: string, text: () => string) => void,
): string | undefined {
  let bytes: Buffer;
  try {
    bytes = readFileSync(join(historyDir, m.file));
  } catch {
    return 'the archive is missing (removed)';
  }
  if (sha256Of(bytes) !== m.sha256)
    return `the archive's sha256 is ${sha256Of(bytes).slice(0, 12)}…, its record says ${m.sha256.slice(0, 12)}… (altered, or records removed from it)`;
  let archived;
  try {
    archived = unpackArchive(bytes);
  } catch (error) {
    return `unreadable: ${(error as Error).message.split('\n')[0]}`;
  }
  const seqs = archived.map((r) => (RECORD_FILE.test(r.file) ? seqOf(r.file) : NaN));
  const want = fromRanges(m.seqs);
  if (seqs.length !== want.length || seqs.some((s, i) => s !== want[i]))
    return 'it does not hold the records its record lists';
  const events = archived.flatMap((r) => {
    try {
      return parseRecordText(r.text).events.map((e) => e.event);
    } catch {
      return [];
    }
  });
  const boundary = events.find((e) => e.n === m.boundary.events);
  if (!boundary || boundary.hash !== m.boundary.hash || events.some((e) => e.n > m.boundary.events))
    return `its last event is not the boundary its record names (event #${m.boundary.events})`;
  for (const r of archived) read(r.file, () => r.text);
  return undefined;
}
