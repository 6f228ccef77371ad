// The PHR store. Every record is a sequence of events; each event's hash covers the event before it
// (across records, in the order they were written) and the Markdown section it closes, and each
// event a person causes is signed with their key. The front matter is derived from the events,
// never read back as truth. Writes happen under the per-directory lock, through a temp file,
// fsync and rename: a kill -9 at any instant leaves the old or the new file. Before appending,
// the writer replays the record through the table of legal transitions: an event the table
// refuses is never written, and a record whose bytes were changed is never written over.
import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  statSync,
  unlinkSync,
} from 'node:fs';
import { join } from 'node:path';
import {
  ARCHIVE_DIR,
  ARCHIVE_FILE,
  archiveDecision,
  archiveSection,
  manifestOf,
  packArchive,
  sha256Of,
  toRanges,
  unpackArchive,
  type ArchiveManifest,
} from './archive.js';
import { signCheckpoint, type Head } from './checkpoint.js';
import { removeStrayTemps, writeDurably } from './durable.js';
import { dearmorAll, sshVerify } from './sshsig.js';
import {
  NAMESPACE,
  parseAllowedSigners,
  principalsOf,
  type AllowedSigners,
  type Signer,
} from './identity.js';
import { operationHash, replay, SIGNED, type Replay, type Signature } from './lifecycle.js';
import { withLock } from './lock.js';
import { normalizePrincipal, principalKey } from './names.js';
import {
  eventHash,
  eventLine,
  type FormatError,
  hashOf,
  lastEventOf,
  GENESIS,
  parseRecordText,
  RECORD_FILE,
  seqOf,
  readableBody,
  renderFrontMatter,
  type StoredEvent,
  type TrailEvent,
} from './record-format.js';
import { redactValue } from './redact.js';
import { renderCreation, renderSection } from './render.js';
import { stripControls } from './sanitize.js';
import type { PhrEvent, PhrRecord, RecordInit, RecordMeta, Tier } from './types.js';

const HEAD_FILE = '.head';
/** The file name archive() gives its records. */
const ARCHIVE_RECORD = /^\d{5,}-archive-\d+-records\.md$/;
/** Beside prompts/: the checkpoint each git commit records. */
export const CHECKPOINT_FILE = 'checkpoint.json';

export class HistoryError extends Error {}

function slug(title: string): string {
  return (
    title
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '')
      .slice(0, 48) || 'record'
  );
}

/** Every string an event holds, stripped of control bytes and escape sequences, then redacted. */
export function cleanValue<T>(value: T): T {
  const strip = (v: unknown): unknown => {
    if (typeof v === 'string') return stripControls(v);
    if (Array.isArray(v)) return v.map(strip);
    if (v && typeof v === 'object')
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [stripControls(k), strip(x)]));
    return v;
  };
  return redactValue(strip(value)) as T;
}

/** git add + commit of the given files, with execa and argument arrays. */
export async function gitCommit(dir: string, files: string[], message: string): Promise<void> {
  const { execa } = await import('execa');
  try {
    await execa('git', ['-C', dir, 'add', '--', ...files]);
    await execa('git', ['-C', dir, 'commit', '--quiet', '-m', message, '--', ...files]);
  } catch (error) {
    throw new HistoryError(
      `recorded, but git commit failed: ${((error as { stderr?: string }).stderr || (error as Error).message).split('\n')[0]}`,
    );
  }
}

/**
 * Commits an archive: the files it added, and the records it moved out (removed from the index
 * where git tracks them), nothing else that happens to be staged. Paths relative to `dir`.
 */
async function gitCommitMove(
  dir: string,
  added: string[],
  removed: string[],
  message: string,
): Promise<void> {
  const { execa } = await import('execa');
  try {
    // From the top of the work tree: git 2.39 refuses --pathspec-from-file in a subdirectory.
    const top = (await execa('git', ['-C', dir, 'rev-parse', '--show-toplevel'])).stdout.trim();
    const prefix = (await execa('git', ['-C', dir, 'rev-parse', '--show-prefix'])).stdout.trim();
    const git = (args: string[], paths: string[]) =>
      // Many paths: through stdin, not argv.
      execa('git', ['-C', top, ...args, '--pathspec-from-file=-'], {
        input: paths.map((p) => `${prefix}${p}`).join('\n'),
      });
    await git(['add'], added);
    await git(['rm', '--cached', '--quiet', '--ignore-unmatch'], removed);
    const inHead = new Set(
      (
        await execa('git', ['-C', top, 'ls-tree', '-r', '--name-only', 'HEAD'], { reject: false })
      ).stdout.split('\n'),
    );
    await git(
      ['commit', '--quiet', '-m', message],
      [...added, ...removed.filter((p) => inHead.has(`${prefix}${p}`))],
    );
  } catch (error) {
    throw new HistoryError(
      `archived, but git commit failed: ${((error as { stderr?: string }).stderr || (error as Error).message).split('\n')[0]}`,
    );
  }
}

function syncDir(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

export type { Head };

/** The allowed signers in force from a point of the chain on: what the trail itself pinned. */
export interface TrustEpoch {
  from: number;
  allowed: AllowedSigners;
}

/**
 * Checks an event's signature against the allowed signers in force at its place in the chain.
 * `preverified`: verify checked the signature, and that its key is the event's, in bulk.
 */
export function checkSignature(
  event: TrailEvent,
  trust: readonly TrustEpoch[],
  preverified?: boolean,
): Signature | string {
  if (!event.sig || !event.key || !event.by) return 'not signed';
  const epoch = [...trust].reverse().find((t) => t.from <= event.n);
  if (!epoch) return 'signed before any allowed signers were pinned';
  let ok = preverified;
  if (ok === undefined) {
    const sig = sshVerify(event.sig, NAMESPACE, event.hash);
    ok = sig !== undefined && sig.publicKey.fingerprint === event.key;
  }
  if (!ok) return `the signature of ${event.by} does not verify`;
  const principals = principalsOf(epoch.allowed, event.key, Date.parse(event.at));
  const by = normalizePrincipal(event.by);
  if (!by.ok || !principals.includes(by.name))
    return `the key ${event.key} is not an allowed signer for ${event.by}`;
  return { principal: by.name, key: event.key };
}

/** The trust epochs a trust record pins: its creation, then each accepted change. */
export function trustEpochs(events: readonly TrailEvent[]): TrustEpoch[] {
  return events
    .filter((e) => (e.kind === 'created' && e.data.type === 'trust') || e.kind === 'trust')
    .map((e) => ({
      from: e.kind === 'created' ? e.n : e.n + 1,
      allowed: parseAllowedSigners(String(e.data.allowed_signers ?? ''), `trust pinned at event #${e.n}`),
    }));
}

/**
 * Signatures (armored, as `aiops-tui sign` writes them) of distinct principals with distinct keys
 * of `allowed` over `text`: who vouches for a file.
 */
export function coSigners(text: string, signatures: string, allowed: AllowedSigners, at: number): string[] {
  const principals: string[] = [];
  const keys = new Set<string>();
  for (const sig of dearmorAll(signatures)) {
    const parsed = sshVerify(sig, NAMESPACE, text);
    if (!parsed || keys.has(parsed.publicKey.fingerprint)) continue;
    const who = principalsOf(allowed, parsed.publicKey.fingerprint, at).find(
      (p) => !principals.some((q) => principalKey(q) === principalKey(p)),
    );
    if (!who) continue;
    keys.add(parsed.publicKey.fingerprint);
    principals.push(who);
  }
  return principals;
}

export interface History {
  readonly dir: string;
  create(init: RecordInit): Promise<RecordMeta>;
  /**
   * Appends one event. `precondition` sees the record as its events make it, under the lock, and
   * returns why the event may not be appended (then a HistoryError with that reason).
   */
  append(
    id: string,
    event: PhrEvent,
    precondition?: (meta: RecordMeta) => string | undefined,
  ): Promise<RecordMeta>;
  /** A record as its events make it; a record whose bytes were changed is refused. */
  get(id: string): PhrRecord;
  /** The record replayed with its signatures checked: what the executor decides on. */
  replay(id: string): Replay;
  /** A record's events as checked (its bytes against them): what a resumed validation reads. */
  events(id: string): TrailEvent[];
  /** Every readable record; `unreadable` names the others. */
  list(): RecordMeta[];
  unreadable(): { file: string; reason: string }[];
  head(): Head;
  /**
   * Moves finished records whose last event is before `cutoffMs` into a compressed archive under
   * the history directory, recorded as a signed `archive` record (the boundary checkpoint), all
   * under the lock; with gitCommit, the move is committed. Undefined when nothing is that old.
   */
  archive(cutoffMs: number): Promise<ArchiveResult | undefined>;
}

export interface ArchiveResult {
  manifest: ArchiveManifest;
  /** The record that holds the manifest. */
  record: RecordMeta;
  archived: string[];
}

export interface HistoryOptions {
  /** The wall clock: every event's `at`, and so every approval window and figure. */
  now?: () => Date;
  /** The cluster's clock, when it is not the wall's (the simulator at --speed): kept beside `at` as `cluster_at`. */
  clusterNow?: () => Date;
  /** Commit each finished record (and the checkpoint) to the git repository holding the directory. */
  gitCommit?: boolean;
  /** The key of the person this process acts for: every event they cause is signed with it. */
  signer?: Signer;
  /** The allowed signers this process was given: pinned in the trail on its first write. */
  allowedSigners?: AllowedSigners;
  /** Called after every append with the new head (the anchors). */
  onHead?(head: Head): void;
  /** The built-in floor of an operation's tier: a record below it is refused. */
  floorOf?(operation: unknown): Tier;
  /**
   * Told when a finished record could not be committed. The event is on disk either way, so a
   * failed commit never fails the append; without this, it is thrown (the CLI's one line).
   */
  onCommitError?(message: string): void;
}

/** Statuses after which a record is finished (and, with gitCommit, committed). */
const FINISHED = new Set(['validated', 'failed', 'rolled-back', 'rejected', 'expired', 'answered', 'pinned']);

interface Loaded {
  text: string;
  events: StoredEvent[];
  replay: Replay;
}

export function openHistory(historyDir: string, options: HistoryOptions | (() => Date) = {}): History {
  const opts: HistoryOptions = typeof options === 'function' ? { now: options } : options;
  const now = opts.now ?? (() => new Date());
  const clusterAt = (): { cluster_at?: string } =>
    opts.clusterNow ? { cluster_at: opts.clusterNow().toISOString() } : {};
  const dir = join(historyDir, 'prompts');
  mkdirSync(dir, { recursive: true });
  const lock = join(dir, '.lock');
  let trust: TrustEpoch[] | undefined;

  const files = (): string[] =>
    readdirSync(dir)
      .filter((f) => RECORD_FILE.test(f))
      .sort();
  const fileOf = (id: string): string => {
    const file = `${id}.md`;
    if (!RECORD_FILE.test(file)) throw new HistoryError(`"${id}" is not a record id`);
    return file;
  };
  const idOf = (file: string) => file.replace(/\.md$/, '');

  function readText(file: string): string {
    try {
      return readFileSync(join(dir, file), 'utf8');
    } catch {
      throw new HistoryError(`record ${idOf(file)} does not exist`);
    }
  }

  /** The trust epochs pinned by the trail's trust record (record 1), read once per change. */
  function trustOf(): TrustEpoch[] {
    if (trust) return trust;
    const first = files().find((f) => seqOf(f) === 1);
    if (!first) return [];
    try {
      const events = parseRecordText(readText(first)).events.map((s) => s.event);
      trust = events[0]?.data.type === 'trust' ? trustEpochs(events) : [];
    } catch {
      trust = [];
    }
    return trust;
  }

  /** Checked records by file, valid while the file's mtime and size stay (the queue re-reads often). */
  const checked = new Map<string, { stamp: string; loaded: Loaded }>();

  /** A record's bytes checked against its events: hashes, lines, signatures, transitions, front matter. */
  function load(file: string): Loaded {
    let stamp: string;
    try {
      const st = statSync(join(dir, file));
      stamp = `${st.mtimeMs}:${st.ctimeMs}:${st.size}:${st.ino}`;
    } catch {
      throw new HistoryError(`record ${idOf(file)} does not exist`);
    }
    const hit = checked.get(file);
    if (hit && hit.stamp === stamp) return hit.loaded;
    const loaded = check(file);
    checked.set(file, { stamp, loaded });
    return loaded;
  }

  function check(file: string): Loaded {
    const text = readText(file);
    const id = idOf(file);
    const changed = (why: string) =>
      new HistoryError(`record ${id} was changed outside aiops-tui (${why}); not using it`);
    let parsed;
    try {
      parsed = parseRecordText(text);
    } catch (error) {
      throw changed((error as FormatError).message);
    }
    for (const [i, { event, section, json }] of parsed.events.entries()) {
      if (hashOf(json!, section) !== event.hash) throw changed(`event ${i + 1} does not match its hash`);
    }
    if (parsed.trailing !== '') throw changed('text after the last event');
    const epochs =
      parsed.events[0]?.event.data.type === 'trust'
        ? trustEpochs(parsed.events.map((s) => s.event))
        : trustOf();
    const result = replay(
      id,
      seqOf(file),
      parsed.events.map((s) => s.event),
      { signerOf: (e) => checkSignature(e, epochs), ...(opts.floorOf ? { floorOf: opts.floorOf } : {}) },
    );
    if (result.problem) throw changed(result.problem);
    if (renderFrontMatter(result.meta) !== parsed.frontMatter)
      throw changed('the front matter does not match its events');
    return { text, events: parsed.events, replay: result };
  }

  /**
   * Written ahead of the record, durably, naming the head about to be and the head before it: a
   * crash before the record lands leaves `prev` true, one after leaves `next` true. (Written
   * after the record, a crash in between left a cache that named an older, still-intact event,
   * and the next writer forked the chain.)
   */
  function writeHead(next: Head, prev: Head): void {
    writeDurably(dir, HEAD_FILE, JSON.stringify({ next, prev }));
  }

  const lastEvent = (file: string): TrailEvent | undefined => lastEventOf(readText(file));

  /** The chain's head: the cached one when the record it names still ends with it, else a scan. */
  function head(): Head {
    const endsWith = (h: Head | undefined): boolean => {
      const last = h?.record ? lastEvent(fileOf(h.record)) : undefined;
      return last !== undefined && last.n === h!.events && last.hash === h!.hash;
    };
    try {
      const cached = JSON.parse(readFileSync(join(dir, HEAD_FILE), 'utf8')) as { next?: Head; prev?: Head };
      if (endsWith(cached.next)) return cached.next!;
      if (endsWith(cached.prev)) return cached.prev!;
    } catch {
      // no cache, or a stale one: scan
    }
    let best: Head = { events: 0, hash: GENESIS };
    for (const file of files()) {
      let last: TrailEvent | undefined;
      try {
        last = lastEvent(file);
      } catch {
        continue;
      }
      if (last && last.n > best.events) best = { events: last.n, hash: last.hash, record: idOf(file) };
    }
    return best;
  }

  /** Seals and signs one event after `prior` (this record's events so far) and writes the record. */
  async function write(
    file: string,
    prior: StoredEvent[],
    kind: string,
    data: Record<string, unknown>,
    at: string,
    section: string,
    signed: boolean,
  ): Promise<RecordMeta> {
    const id = idOf(file);
    const h = head();
    if (signed && !opts.signer)
      throw new HistoryError(`${kind} must be signed, and this process has no signing key`);
    const unsealed: Omit<TrailEvent, 'hash' | 'sig'> = {
      v: 2,
      n: h.events + 1,
      record: id,
      kind,
      at,
      data,
      prev: h.hash,
      ...(signed ? { by: opts.signer!.principal, key: opts.signer!.publicKey.fingerprint } : {}),
    };
    const hash = eventHash(unsealed, section);
    const event: TrailEvent = {
      ...unsealed,
      hash,
      ...(signed ? { sig: await opts.signer!.sign(hash) } : {}),
    };
    const events = [...prior, { event, section, line: eventLine(event) }];
    const all = events.map((s) => s.event);
    const epochs = all[0]?.data.type === 'trust' ? trustEpochs(all) : trustOf();
    const result = replay(id, seqOf(file), all, {
      signerOf: (e) => checkSignature(e, epochs),
      ...(opts.floorOf ? { floorOf: opts.floorOf } : {}),
    });
    if (result.problem) throw new HistoryError(result.problem.replace(/^event \d+ \(([^,]+), #\d+\): /, ''));
    const text = renderFrontMatter(result.meta) + events.map((s) => `${s.section}${s.line}\n`).join('');
    const newHead = { events: event.n, hash, record: id };
    writeHead(newHead, h);
    writeDurably(dir, file, text);
    if (all[0]?.data.type === 'trust') trust = undefined;
    opts.onHead?.(newHead);
    return result.meta;
  }

  /** The pinned allowed signers must be this process's, or a change its holders co-signed. */
  async function ensureTrust(): Promise<void> {
    const given = opts.allowedSigners;
    if (!given || !opts.signer) return;
    const epochs = trustOf();
    const pinned = epochs.at(-1)?.allowed;
    if (pinned && pinned.hash === given.hash) return;
    const at = now().toISOString();
    if (!pinned) {
      if (files().length > 0)
        throw new HistoryError(
          `${dir} holds records but no allowed-signers record 00001 (removed, or a trail from before signatures): run aiops-tui phr verify, or move the records aside to start a signed trail`,
        );
      const section = `# Allowed signers\n\nThe principals and keys whose signatures this trail accepts, pinned by **${opts.signer.principal}** at ${at}. A change needs the signatures of two of them.\n\n\`\`\`\n${given.text.trimEnd()}\n\`\`\`\n\n`;
      trustWritten = await write(
        '00001-allowed-signers.md',
        [],
        'created',
        { type: 'trust', title: 'Allowed signers', source: 'aiops-tui', allowed_signers: given.text },
        at,
        section,
        true,
      );
      return;
    }
    let signatures = '';
    try {
      signatures = readFileSync(`${given.file}.sig`, 'utf8');
    } catch {
      // no co-signatures
    }
    const cosigners = coSigners(given.text, signatures, pinned, Date.parse(at));
    if (cosigners.length < 2)
      throw new HistoryError(
        `${given.file} differs from the allowed signers pinned in this trail; a change needs the signatures of two pinned principals (aiops-tui sign ${given.file}; found ${cosigners.length ? cosigners.join(', ') : 'none'})`,
      );
    const file = files().find((f) => seqOf(f) === 1)!;
    const loaded = load(file);
    const section = `\n## ${at} — trust\n\nAllowed signers changed, co-signed by **${cosigners.join('** and **')}**:\n\n\`\`\`\n${given.text.trimEnd()}\n\`\`\`\n\n`;
    trustWritten = await write(
      file,
      loaded.events,
      'trust',
      { allowed_signers: given.text, cosigned_by: cosigners, signatures: dearmorAll(signatures) },
      at,
      section,
      true,
    );
  }

  /** A trust record this process wrote: committed with the record that caused it. */
  let trustWritten: RecordMeta | undefined;
  let cleaned = false;
  const underLock = <T>(work: () => Promise<T>): Promise<T> =>
    withLock(lock, async () => {
      if (!cleaned) {
        removeStrayTemps(dir);
        cleaned = true;
      }
      await ensureTrust();
      return work();
    });

  /**
   * Finishes what a `phr archive` killed half-way left: an archive file no record names (killed
   * before the record) is removed, and live copies of records an archive record holds (killed
   * before the removal) are removed when their bytes equal the archived ones.
   */
  function finishInterruptedArchives(archiveDir: string): void {
    // Archive records by their file name (then checked): loading every record would check them all.
    const manifests = files()
      .filter((f) => ARCHIVE_RECORD.test(f))
      .map((f) => {
        try {
          const first = load(f).events[0]?.event;
          return first ? manifestOf(first.data) : undefined;
        } catch {
          return undefined;
        }
      })
      .filter((m): m is ArchiveManifest => m !== undefined);
    const named = new Set(manifests.map((m) => m.file));
    if (existsSync(archiveDir))
      for (const name of readdirSync(archiveDir))
        if (ARCHIVE_FILE.test(name) && !named.has(`${ARCHIVE_DIR}/${name}`))
          unlinkSync(join(archiveDir, name));
    for (const m of manifests) {
      const inRange = (seq: number) => m.seqs.some(([a, b]) => seq >= a && seq <= b);
      const stale = files().filter((f) => inRange(seqOf(f)));
      if (!stale.length) continue;
      let archived: Map<string, string>;
      try {
        archived = new Map(
          unpackArchive(readFileSync(join(historyDir, m.file))).map((r) => [r.file, r.text]),
        );
      } catch {
        continue; // verify says what is wrong with it
      }
      for (const f of stale) if (archived.get(f) === readText(f)) unlinkSync(join(dir, f));
    }
  }

  async function archive(cutoffMs: number): Promise<ArchiveResult | undefined> {
    const archiveDir = join(historyDir, ARCHIVE_DIR);
    const result = await underLock(async () => {
      finishInterruptedArchives(archiveDir);
      const chosen = files().flatMap((f) => {
        // Only an old record is worth checking (signatures and all): its last event line says.
        try {
          const at = Date.parse(lastEvent(f)?.at ?? '');
          if (!(at < cutoffMs)) return [];
        } catch {
          return [];
        }
        let loaded: Loaded;
        try {
          loaded = load(f);
        } catch {
          return []; // a changed record is never moved: verify names it where it is
        }
        const last = loaded.events.at(-1)?.event;
        return last && archiveDecision(loaded.replay.meta, last.at, cutoffMs) === 'archive'
          ? [{ file: f, loaded }]
          : [];
      });
      if (!chosen.length) return undefined;
      mkdirSync(archiveDir, { recursive: true });
      const at = now().toISOString();
      const day = at.slice(0, 10);
      let name = `${day}.jsonl.gz`;
      for (let i = 2; existsSync(join(archiveDir, name)); i++) name = `${day}-${i}.jsonl.gz`;
      const bytes = packArchive(chosen.map((c) => ({ file: c.file, text: c.loaded.text })));
      writeDurably(archiveDir, name, bytes);
      const events = chosen.flatMap((c) => c.loaded.events.map((e) => e.event));
      const last = events.reduce((a, b) => (b.n > a.n ? b : a));
      const manifest: ArchiveManifest = {
        file: `${ARCHIVE_DIR}/${name}`,
        sha256: sha256Of(bytes),
        records: chosen.length,
        seqs: toRanges(chosen.map((c) => seqOf(c.file))),
        events: toRanges(events.map((e) => e.n)),
        boundary: { events: last.n, hash: last.hash },
        older_than: new Date(cutoffMs).toISOString(),
      };
      const ids = chosen.map((c) => idOf(c.file));
      const seq = seqOf(files().at(-1)!) + 1;
      const file = `${String(seq).padStart(5, '0')}-archive-${chosen.length}-records.md`; // ARCHIVE_RECORD
      const title = `Archived ${chosen.length} record${chosen.length === 1 ? '' : 's'}`;
      const record = await write(
        file,
        [],
        'created',
        { type: 'archive', title, source: 'aiops-tui', archive: manifest },
        at,
        archiveSection(manifest, at, opts.signer?.principal ?? 'nobody', ids[0]!, ids.at(-1)!),
        true,
      );
      // The archive and its record are durable: only now do the records leave prompts/.
      for (const c of chosen) unlinkSync(join(dir, c.file));
      syncDir(dir);
      return { manifest, record, archived: ids };
    });
    if (result && opts.gitCommit) {
      const checkpoint = opts.signer
        ? await withLock(lock, async () => signCheckpoint(head(), opts.signer!, now().toISOString()))
        : undefined;
      if (checkpoint) writeDurably(historyDir, CHECKPOINT_FILE, `${JSON.stringify(checkpoint, null, 2)}\n`);
      try {
        await gitCommitMove(
          historyDir,
          [result.manifest.file, `prompts/${result.record.id}.md`, ...(checkpoint ? [CHECKPOINT_FILE] : [])],
          result.archived.map((id) => `prompts/${id}.md`),
          `PHR archive: ${result.archived.length} records into ${result.manifest.file}`,
        );
      } catch (error) {
        if (!opts.onCommitError) throw error;
        opts.onCommitError((error as Error).message);
      }
    }
    return result;
  }

  return {
    dir,
    archive,
    async create(init) {
      const meta = await underLock(async () => {
        const existing = files();
        const last = existing.at(-1);
        const seq = last ? seqOf(last) + 1 : 1;
        const clean = cleanValue(init);
        const id = `${String(seq).padStart(5, '0')}-${slug(clean.title)}`;
        const at = now().toISOString();
        const by = opts.signer?.principal ?? 'nobody';
        const data: Record<string, unknown> = {
          type: clean.type,
          title: clean.title,
          source: clean.source,
          ...(clean.tier ? { tier: clean.tier } : {}),
          ...(clean.target ? { target: clean.target } : {}),
          ...(clean.runbook ? { runbook: clean.runbook } : {}),
          ...(clean.timestamps && Object.keys(clean.timestamps).length
            ? { timestamps: clean.timestamps }
            : {}),
          ...(clean.operation === undefined
            ? {}
            : {
                operation: clean.operation,
                op_hash: operationHash(clean.operation),
                required_approvers: clean.approval?.required ?? 1,
                expires: clean.approval?.expires,
                ...(clean.proposer ? { proposer: clean.proposer } : {}),
                ...(clean.policyHash ? { policy_hash: clean.policyHash } : {}),
                ...(clean.floorWaivedBy?.length ? { floor_waived_by: clean.floorWaivedBy } : {}),
                ...(clean.emergency ? { emergency: clean.emergency } : {}),
                ...(clean.severity ? { severity: clean.severity } : {}),
              }),
          ...(clean.recommendation ? { recommendation: clean.recommendation } : {}),
          ...clusterAt(),
          ...(clean.quality ?? {}),
          ...(clean.finding ? { finding: clean.finding } : {}),
        };
        const section = `${renderCreation(clean, at, by, data.cluster_at as string | undefined).trimEnd()}\n\n`;
        return write(`${id}.md`, [], 'created', data, at, section, true);
      });
      await commitIfFinished(meta);
      return meta;
    },
    async append(id, event, precondition) {
      const file = fileOf(id);
      const meta = await underLock(async () => {
        const loaded = load(file);
        const refused = precondition?.(loaded.replay.meta);
        if (refused) throw new HistoryError(refused);
        const at = event.at ?? now().toISOString();
        const { kind, at: _at, ...fields } = event;
        void _at;
        const signed = SIGNED.has(kind) || (kind === 'rollback-requested' && event.by === undefined);
        const person = signed ? opts.signer?.principal : undefined;
        const data = cleanValue({
          ...fields,
          ...(kind === 'approved' ? { op_hash: loaded.replay.meta.op_hash, approver: person } : {}),
          ...(kind === 'rejected' ? { approver: person } : {}),
          ...(kind === 'rollback-requested' ? { by: event.by ?? person } : {}),
          // An event given its own time keeps it alone: the cluster's clock read now would not match it.
          ...(event.at === undefined ? clusterAt() : {}),
        }) as Record<string, unknown>;
        const shown = { kind, ...data } as PhrEvent;
        const section = `\n${renderSection(shown, at).trimEnd()}\n\n`;
        return write(file, loaded.events, kind, data, at, section, signed);
      });
      await commitIfFinished(meta);
      return meta;
    },
    get(id) {
      const file = fileOf(id);
      const loaded = load(file);
      return { meta: loaded.replay.meta, body: readableBody(loaded.text), file };
    },
    replay(id) {
      return load(fileOf(id)).replay;
    },
    events(id) {
      return load(fileOf(id)).events.map((s) => s.event);
    },
    list() {
      return files().flatMap((f) => {
        try {
          return [load(f).replay.meta];
        } catch {
          return [];
        }
      });
    },
    unreadable() {
      return files().flatMap((f) => {
        try {
          load(f);
          return [];
        } catch (error) {
          return [{ file: f, reason: (error as Error).message }];
        }
      });
    },
    head,
  };

  /** A finished record is committed with a signed checkpoint of the head: the git anchor. */
  async function commitIfFinished(meta: RecordMeta): Promise<void> {
    const trustRecord = trustWritten;
    trustWritten = undefined;
    if (!opts.gitCommit || !FINISHED.has(meta.status)) {
      if (trustRecord) await commitIfFinished(trustRecord);
      return;
    }
    const committed = [
      `${meta.id}.md`,
      ...(trustRecord && trustRecord.id !== meta.id ? [`${trustRecord.id}.md`] : []),
    ];
    if (opts.signer) {
      const checkpoint = await withLock(lock, async () =>
        signCheckpoint(head(), opts.signer!, now().toISOString()),
      );
      writeDurably(historyDir, CHECKPOINT_FILE, `${JSON.stringify(checkpoint, null, 2)}\n`);
      committed.push(`../${CHECKPOINT_FILE}`);
    }
    try {
      await gitCommit(dir, committed, `PHR ${meta.id}: ${meta.status}`);
    } catch (error) {
      if (!opts.onCommitError) throw error;
      opts.onCommitError((error as Error).message);
    }
  }
}
