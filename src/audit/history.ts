// The PHR store. Every change is made under a per-directory lock (lock.ts) by writing a temp
// file, fsyncing it and renaming it over the record (then fsyncing the directory): a kill -9 at
// any instant leaves the old or the new file, never a torn one, and two cockpits never
// interleave. Records chain by their creation: each holds the genesis hash of the one before it,
// and its own hash covers all of its bytes, so one flipped byte anywhere is found by verify().
import { createHash } from 'node:crypto';
import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import matter from 'gray-matter';
import { stringify } from 'yaml';
import { withLock } from './lock.js';
import { redactText, redactValue } from './redact.js';
import type { PhrEvent, PhrRecord, RecordInit, RecordMeta } from './types.js';

const GENESIS = 'genesis';
const HASH_LINE = /^hash: .*$/m;
const RECORD_FILE = /^(\d{5,})-[a-z0-9-]*\.md$/;

export class HistoryError extends Error {}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

function slug(title: string): string {
  return (
    title
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '')
      .slice(0, 48) || 'record'
  );
}

/** The record's text with its own hash filled in (the hash covers the text with it blank). */
function seal(meta: RecordMeta, body: string): { text: string; hash: string } {
  const unsealed = matter.stringify(body, { ...meta, hash: '' }).replace(HASH_LINE, "hash: ''");
  const hash = sha256(unsealed);
  return { text: unsealed.replace(HASH_LINE, `hash: ${hash}`), hash };
}

function computedHash(text: string): string {
  return sha256(text.replace(HASH_LINE, "hash: ''"));
}

function writeDurably(dir: string, file: string, text: string): void {
  const tmp = join(dir, `.${file}.${process.pid}.tmp`);
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, join(dir, file));
  const dirFd = openSync(dir, 'r');
  try {
    fsyncSync(dirFd);
  } finally {
    closeSync(dirFd);
  }
}

/** git add + commit of one record file, with execa and argument arrays. */
async function commitRecord(dir: string, file: string, message: string): Promise<void> {
  const { execa } = await import('execa');
  try {
    await execa('git', ['-C', dir, 'add', '--', file]);
    await execa('git', ['-C', dir, 'commit', '--quiet', '-m', message, '--', file]);
  } catch (error) {
    throw new HistoryError(
      `recorded, but git commit failed: ${((error as { stderr?: string }).stderr || (error as Error).message).split('\n')[0]}`,
    );
  }
}

function renderEvent(event: PhrEvent, at: string): string {
  const lines = [`## ${at} — ${event.kind}`, ''];
  const yamlBlock = (label: string, value: unknown) => [
    `${label}:`,
    '',
    '```yaml',
    stringify(redactValue(value)).trimEnd(),
    '```',
    '',
  ];
  switch (event.kind) {
    case 'recommended':
      lines.push(event.summary, '');
      if (event.kubectl) lines.push(`Equivalent command: \`${event.kubectl}\``, '');
      if (event.evidence?.length) lines.push('Evidence:', '', ...event.evidence.map((e) => `- ${e}`), '');
      if (event.operation !== undefined) lines.push(...yamlBlock('Operation', event.operation));
      break;
    case 'approved':
      lines.push(`Approved by **${event.approver}**${event.reason ? `: ${event.reason}` : ''}.`, '');
      break;
    case 'rejected':
      lines.push(`Rejected by **${event.approver}**: ${event.reason}.`, '');
      break;
    case 'expired':
      lines.push('The approval window closed before enough approvals.', '');
      break;
    case 'executing':
      lines.push(`Execution started by **${event.by}**.`, '');
      break;
    case 'executed':
      lines.push(event.operation, '', `Equivalent command: \`${event.kubectl}\``, '');
      if (event.preState !== undefined) lines.push(...yamlBlock('Pre-state', event.preState));
      if (event.postState !== undefined) lines.push(...yamlBlock('Post-state', event.postState));
      if (event.preMetrics) lines.push(...yamlBlock('Pre-metrics', event.preMetrics));
      break;
    case 'validated':
      lines.push(event.detail ?? 'Stable for the validation window.', '');
      if (event.postMetrics) lines.push(...yamlBlock('Post-metrics', event.postMetrics));
      break;
    case 'failed':
      lines.push(`Failed: ${event.reason}`, '');
      break;
    case 'rollback-requested':
      lines.push(`Rollback requested by **${event.by}**.`, '');
      break;
    case 'rolled-back':
      lines.push(
        `${event.success ? 'Rolled back' : 'Rollback failed'}${event.detail ? `: ${event.detail}` : '.'}`,
        '',
      );
      break;
    case 'chat':
      lines.push(
        `**Question** (${event.backend}):`,
        '',
        event.question,
        '',
        '**Answer:**',
        '',
        event.answer,
        '',
      );
      if (event.proposals?.length)
        lines.push('Proposals:', '', ...event.proposals.map((p) => `- \`${p}\``), '');
      break;
    case 'note':
      lines.push(event.text, '');
      break;
  }
  return redactText(lines.join('\n'));
}

function applyEvent(meta: RecordMeta, event: PhrEvent, at: string): void {
  const t = meta.timestamps;
  switch (event.kind) {
    case 'recommended':
      t.recommended = at;
      // A recommendation needing no approval (the trivial tier, unless held) runs at once.
      meta.status =
        (meta.required_approvers ?? (meta.tier === 'trivial' ? 0 : 1)) === 0 ? 'auto' : 'awaiting-approval';
      break;
    case 'approved':
      t.approved = [...(t.approved ?? []), at];
      meta.approvers = [...meta.approvers, event.approver];
      // Critical needs two distinct approvers: one is not yet an approval.
      if (meta.approvers.length >= (meta.required_approvers ?? 1)) meta.status = 'approved';
      break;
    case 'rejected':
      t.rejected = at;
      meta.status = 'rejected';
      break;
    case 'expired':
      meta.status = 'expired';
      break;
    case 'executing':
      meta.status = 'executing';
      break;
    case 'executed':
      t.executed = at;
      meta.status = 'executed';
      if (event.preMetrics) meta.metrics = { ...meta.metrics, pre: event.preMetrics };
      break;
    case 'validated':
      t.validated = at;
      meta.status = 'validated';
      if (event.postMetrics) meta.metrics = { ...meta.metrics, post: event.postMetrics };
      break;
    case 'failed':
      t.failed = at;
      meta.status = 'failed';
      break;
    case 'rollback-requested':
      t.rollback_requested = at;
      break;
    case 'rolled-back':
      if (event.success) {
        t.rolled_back = at;
        meta.status = 'rolled-back';
      }
      break;
    case 'chat':
      meta.status = 'answered';
      break;
    case 'note':
      break;
  }
  meta.events += 1;
}

export interface VerifyResult {
  ok: boolean;
  records: number;
  /** The first record that breaks the chain, and how. */
  broken?: { id: string; reason: string };
}

export interface History {
  readonly dir: string;
  create(init: RecordInit): Promise<RecordMeta>;
  /**
   * Appends one event. `precondition` sees the record as stored, under the lock, and returns why
   * the event may not be appended (then a HistoryError with that reason): how two cockpits agree
   * on who approves and who executes.
   */
  append(
    id: string,
    event: PhrEvent,
    precondition?: (meta: RecordMeta) => string | undefined,
  ): Promise<RecordMeta>;
  get(id: string): PhrRecord;
  list(): RecordMeta[];
  verify(): VerifyResult;
}

/** Statuses after which a record is finished (and, with gitCommit, committed). */
const FINISHED = new Set(['validated', 'failed', 'rolled-back', 'rejected', 'expired', 'answered']);

export interface HistoryOptions {
  now?: () => Date;
  /** Commit each finished record to the git repository that holds the history directory. */
  gitCommit?: boolean;
}

export function openHistory(historyDir: string, options: HistoryOptions | (() => Date) = {}): History {
  const { now = () => new Date(), gitCommit = false } =
    typeof options === 'function' ? { now: options } : options;
  const dir = join(historyDir, 'prompts');
  mkdirSync(dir, { recursive: true });
  const lock = join(dir, '.lock');

  const files = (): string[] =>
    readdirSync(dir)
      .filter((f) => RECORD_FILE.test(f))
      .sort();
  const fileOf = (id: string): string => {
    const file = `${id}.md`;
    if (!RECORD_FILE.test(file)) throw new HistoryError(`"${id}" is not a record id`);
    return file;
  };

  function read(file: string): PhrRecord {
    let text: string;
    try {
      text = readFileSync(join(dir, file), 'utf8');
    } catch {
      throw new HistoryError(`record ${file.replace(/\.md$/, '')} does not exist`);
    }
    const parsed = matter(text);
    return { meta: parsed.data as RecordMeta, body: parsed.content, file };
  }

  /** A record as stored, refusing one whose bytes no longer match its hash. */
  function readIntact(file: string): { record: PhrRecord; text: string } {
    let text: string;
    try {
      text = readFileSync(join(dir, file), 'utf8');
    } catch {
      throw new HistoryError(`record ${file.replace(/\.md$/, '')} does not exist`);
    }
    const record = read(file);
    if (computedHash(text) !== record.meta.hash) {
      throw new HistoryError(
        `record ${file.replace(/\.md$/, '')} was changed outside aiops-tui (hash mismatch); not writing over it`,
      );
    }
    return { record, text };
  }

  return {
    dir,
    async create(init) {
      return withLock(lock, () => {
        const existing = files();
        const last = existing.at(-1);
        const seq = last ? Number(RECORD_FILE.exec(last)![1]) + 1 : 1;
        const prev = last ? readIntact(last).record.meta.genesis_hash : GENESIS;
        const id = `${String(seq).padStart(5, '0')}-${slug(init.title)}`;
        const at = now().toISOString();
        const meta: RecordMeta = {
          id,
          seq,
          title: redactText(init.title),
          type: init.type,
          tier: init.tier ?? null,
          status: init.type === 'chat' ? 'answered' : init.type === 'report' ? 'recorded' : 'proposed',
          source: init.source,
          target: init.target ?? null,
          runbook: init.runbook ?? null,
          timestamps: { ...init.timestamps },
          approvers: [],
          ...(init.operation === undefined
            ? {}
            : {
                operation: redactValue(init.operation),
                proposer: init.proposer ?? null,
                required_approvers: init.approval?.required ?? null,
                expires: init.approval?.expires ?? null,
              }),
          metrics: {},
          events: 0,
          created: at,
          prev_hash: prev,
          genesis_hash: '',
          hash: '',
        };
        const body = `# ${meta.title}\n\nSource: ${meta.source}${meta.target ? ` · target: \`${meta.target}\`` : ''} · created ${at}\n`;
        // The genesis hash fixes what the record was created as; successors chain to it.
        meta.genesis_hash = sha256(`${prev}\n${seal({ ...meta, genesis_hash: '' }, body).text}`);
        const sealed = seal(meta, body);
        writeDurably(dir, `${id}.md`, sealed.text);
        return { ...meta, hash: sealed.hash };
      });
    },
    async append(id, event, precondition) {
      const file = fileOf(id);
      return withLock(lock, () => {
        const { record } = readIntact(file);
        const refused = precondition?.(record.meta);
        if (refused) throw new HistoryError(refused);
        const at = event.at ?? now().toISOString();
        const meta = structuredClone(record.meta);
        applyEvent(meta, event, at);
        const body = `${record.body.trimEnd()}\n\n${renderEvent(event, at).trimEnd()}\n`;
        const sealed = seal(meta, body);
        writeDurably(dir, file, sealed.text);
        return { ...meta, hash: sealed.hash };
      }).then(async (meta) => {
        if (gitCommit && FINISHED.has(meta.status))
          await commitRecord(dir, file, `PHR ${meta.id}: ${meta.status}`);
        return meta;
      });
    },
    get(id) {
      return read(fileOf(id));
    },
    list() {
      return files().map((f) => read(f).meta);
    },
    verify() {
      const all = files();
      let prev = GENESIS;
      let expectedSeq = 1;
      for (const file of all) {
        const id = file.replace(/\.md$/, '');
        let text: string;
        let meta: RecordMeta;
        try {
          text = readFileSync(join(dir, file), 'utf8');
          meta = matter(text).data as RecordMeta;
        } catch (error) {
          return {
            ok: false,
            records: all.length,
            broken: { id, reason: `unreadable: ${(error as Error).message.split('\n')[0]}` },
          };
        }
        if (computedHash(text) !== meta.hash)
          return {
            ok: false,
            records: all.length,
            broken: { id, reason: 'content does not match its hash' },
          };
        if (meta.seq !== expectedSeq)
          return {
            ok: false,
            records: all.length,
            broken: {
              id,
              reason: `sequence ${meta.seq} where ${expectedSeq} was expected (a record is missing)`,
            },
          };
        if (meta.prev_hash !== prev)
          return {
            ok: false,
            records: all.length,
            broken: { id, reason: 'does not chain to the record before it' },
          };
        prev = meta.genesis_hash;
        expectedSeq++;
      }
      return { ok: true, records: all.length };
    },
  };
}
