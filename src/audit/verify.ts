// `phr verify`: the whole trail recomputed from its text, trusting no stored hash. Every event's
// hash and canonical line, the chain across records in order (nothing removed, reordered or
// inserted), every signature against the allowed signers the trail pinned at that point, every
// record replayed through the table of legal transitions and its front matter compared byte for
// byte, and the head compared with the checkpoints kept outside the directory.
import { availableParallelism } from 'node:os';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
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
  let expectedSeq = 1;
  for (const file of files) {
    const id = file.replace(/\.md$/, '');
    const seq = seqOf(file);
    if (seq !== expectedSeq)
      problems.push({
        record: id,
        reason:
          seq > expectedSeq
            ? `record ${String(expectedSeq).padStart(5, '0')}${seq > expectedSeq + 1 ? ` to ${String(seq - 1).padStart(5, '0')}` : ''} missing before it`
            : `sequence ${seq} appears twice`,
      });
    expectedSeq = seq + 1;
    try {
      const parsed = parseRecordText(readFileSync(join(promptsDir, file), 'utf8'));
      if (parsed.trailing !== '') problems.push({ record: id, reason: 'text after its last event' });
      records.push({ id, seq, frontMatter: parsed.frontMatter, events: parsed.events });
      for (const { event } of parsed.events) if (event.sig) signatures.add(event, signatureInput(event));
    } catch (error) {
      problems.push({ record: id, reason: `unreadable: ${(error as Error).message.split('\n')[0]}` });
    }
  }

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

  // The chain, in the order the events were written.
  const ordered = [...all].sort((a, b) => a.event.n - b.event.n);
  let prev = GENESIS;
  for (const [i, { event, record }] of ordered.entries()) {
    if (event.n !== i + 1) {
      problems.push({
        record,
        reason:
          event.n > i + 1
            ? `event #${i + 1}${event.n > i + 2 ? ` to #${event.n - 1}` : ''} missing before its event #${event.n} (removed)`
            : `event #${event.n} appears twice (inserted)`,
      });
    }
    if (event.prev !== prev)
      problems.push({
        record,
        reason: `event #${event.n} does not chain to the event before it (removed, reordered or inserted)`,
      });
    prev = event.hash;
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

  const last = ordered.at(-1)?.event;
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
    records: files.length,
    events: all.length,
    head,
    problems,
    unchecked,
    anchored,
  };
}
