// kill -9 against the PHR store: writer processes are killed at random instants while they write,
// several rounds over one directory. Readiness is awaited (each writer's acknowledgements on
// stdout), never assumed after a fixed delay: on a loaded two-core machine tsx alone can take
// seconds to start.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { setTimeout as delay } from 'node:timers/promises';
import { execa, type ResultPromise } from 'execa';
import matter from 'gray-matter';
import { describe, expect, it } from 'vitest';
import { openHistory } from '../../src/audit/history.js';
import { verifyTrail } from '../../src/audit/verify.js';
import { makeTeam } from './identities.js';

const ROUNDS = 4;
const WRITERS = 3;
/** Each writer acknowledges at least this many writes before it may be killed. */
const MIN_ACKS = 5;
/** Generous: a writer that does not reach MIN_ACKS in this time is wedged, not slow. */
const READY_DEADLINE_MS = 60_000;
const RECORD_FILE = /^\d{5,}-[a-z0-9-]*\.md$/;
const team = makeTeam(['alice', 'bob', 'carol']);
const PEOPLE = ['alice', 'bob', 'carol'];
const src = (file: string) => pathToFileURL(join(import.meta.dirname, '..', '..', 'src', 'audit', file)).href;

/**
 * A signing writer: random creates (signed by the person it acts for) and unsigned notes on one
 * history directory, printing "ACK <id> <events>" once each write has returned (is durable).
 */
const WRITER = `
import { openHistory } from '${src('history.js')}';
import { loadAllowedSigners, loadSigner } from '${src('identity.js')}';
const [dir, seedText, keyPath, allowedPath] = process.argv.slice(2);
let seed = Number(seedText);
const random = () => (seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32;
const allowed = loadAllowedSigners(allowedPath);
const signer = await loadSigner({ allowed, keyPath });
const history = openHistory(dir, { signer, allowedSigners: allowed });
const mine = [];
for (let i = 0; i < 10_000; i++) {
  if (mine.length === 0 || random() < 0.3) {
    const meta = await history.create({
      title: \`writer \${process.pid} decision \${i}\`,
      type: 'diagnosis',
      source: 'test',
      target: 'deployment/todo/frontend',
    });
    mine.push(meta.id);
    process.stdout.write(\`ACK \${meta.id} \${meta.events}\\n\`);
  } else {
    const id = mine[Math.floor(random() * mine.length)];
    const meta = await history.append(id, { kind: 'note', text: \`step \${i} from \${process.pid}\` });
    process.stdout.write(\`ACK \${id} \${meta.events}\\n\`);
  }
}
`;
const writerScript = join(mkdtempSync(join(tmpdir(), 'phr-writer-')), 'writer.mts');
writeFileSync(writerScript, WRITER);

interface Writer {
  child: ResultPromise<{ reject: false; buffer: { stdout: false } }>;
  acks: number;
  ackTimes: number[];
  stderr: string;
  exited: boolean;
  /** Wakes whoever waits for more acknowledgements, or for the exit. */
  notify: () => void;
}

/** Starts a writer; every "ACK <id> <events>" it prints is a write that returned (is durable). */
function startWriter(dir: string, seed: number, acked: Map<string, number>): Writer {
  const person = PEOPLE[seed % PEOPLE.length]!;
  const args = [writerScript, dir, String(seed), team.keyPath(person), team.allowedSignersPath];
  const child = execa(process.execPath, ['--import', 'tsx', ...args], {
    reject: false,
    buffer: { stdout: false },
  });
  const writer: Writer = { child, acks: 0, ackTimes: [], stderr: '', exited: false, notify: () => {} };
  let pending = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    pending += chunk.toString();
    const lines = pending.split('\n');
    pending = lines.pop()!; // a line cut by the kill was never acknowledged
    for (const line of lines) {
      const [, id, events] = line.split(' ');
      acked.set(id!, Math.max(acked.get(id!) ?? 0, Number(events)));
      writer.acks += 1;
      writer.ackTimes.push(Date.now());
    }
    writer.notify();
  });
  child.stderr!.on('data', (chunk: Buffer) => (writer.stderr += chunk.toString()));
  void child.then(() => {
    writer.exited = true;
    writer.notify();
  });
  return writer;
}

/** Resolves once the writer has acknowledged `count` writes; rejects if it exits or stalls first. */
async function untilAcks(writer: Writer, count: number): Promise<void> {
  const deadline = Date.now() + READY_DEADLINE_MS;
  while (writer.acks < count) {
    if (writer.exited) throw new Error(`writer exited after ${writer.acks} acks: ${writer.stderr}`);
    const left = deadline - Date.now();
    if (left <= 0) throw new Error(`writer stalled at ${writer.acks} of ${count} acks: ${writer.stderr}`);
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, left);
      writer.notify = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}

/** Kills the writer at a random instant within its next write or two (from its recent pace). */
async function killMidWrite(writer: Writer, ready: number): Promise<void> {
  await untilAcks(writer, ready);
  const recent = writer.ackTimes.slice(-MIN_ACKS);
  const gap = (recent.at(-1)! - recent[0]!) / Math.max(1, recent.length - 1);
  await delay(Math.random() * 2 * gap);
  writer.child.kill('SIGKILL');
  await writer.child;
}

describe('kill -9 during writes', () => {
  it('writers killed with SIGKILL at random instants lose no acknowledged event and leave no torn record or wedged lock', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'phr-crash-'));
    const acked = new Map<string, number>();
    let totalAcks = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const writers = Array.from({ length: WRITERS }, (_, n) => startWriter(dir, round * 10 + n + 1, acked));
      await Promise.all(
        writers.map((writer) => killMidWrite(writer, MIN_ACKS + Math.floor(Math.random() * MIN_ACKS))),
      );
      for (const writer of writers) {
        expect(writer.stderr, 'a writer failed rather than being killed').toBe('');
        totalAcks += writer.acks;
      }
    }
    expect(totalAcks).toBeGreaterThanOrEqual(ROUNDS * WRITERS * MIN_ACKS);

    const history = openHistory(dir, { signer: team.signer('alice'), allowedSigners: team.allowed });
    // No torn file: every record on disk parses, front matter and all.
    const records = readdirSync(history.dir).filter((f) => RECORD_FILE.test(f));
    expect(records.length).toBeGreaterThanOrEqual(acked.size);
    for (const file of records) {
      const text = readFileSync(join(history.dir, file), 'utf8');
      expect(Object.keys(matter(text).data).length, file).toBeGreaterThan(0);
    }
    // No two writers got the same place in the chain, and none is missing.
    const seqs = records.map((f) => Number(/^\d+/.exec(f)![0]));
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    // Every event intact and in one chain: hashes, order, signatures, transitions.
    const verified = await verifyTrail(history.dir);
    expect(verified.problems).toEqual([]);
    expect(history.unreadable()).toEqual([]);
    // No acknowledged event lost.
    for (const [id, events] of acked) expect(history.get(id).meta.events, id).toBeGreaterThanOrEqual(events);
    // The last killed holder's lock does not wedge the next writer (the give-up would take 30 s).
    const created = await Promise.race([
      history.create({ title: 'after the crashes', type: 'diagnosis', source: 'test' }),
      delay(10_000).then(() => undefined),
    ]);
    expect(created, 'a fresh create after the kills').toBeDefined();
  }, 300_000);
});
