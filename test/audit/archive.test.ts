// Retention: `phr archive` moves finished records older than the cutoff into history/archive/,
// as a signed record of the chain; `phr verify` still covers the whole history across it, and
// says in one `broken:` line when the archive was altered, cut or removed. Open records stay,
// however old.
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { archiveDecision, toRanges, fromRanges } from '../../src/audit/archive.js';
import { archiveAge } from '../../src/app/archive-cli.js';
import { phrMain } from '../../src/app/phr-cli.js';
import { openHistory, type History } from '../../src/audit/history.js';
import type { RecordStatus, RecordType } from '../../src/audit/types.js';
import { verifyTrail } from '../../src/audit/verify.js';
import { floorOf } from '../../src/workflow/floors.js';
import { makeTeam } from './identities.js';

const CLI = join(import.meta.dirname, '..', '..', 'src', 'cli.tsx');
const team = makeTeam(['alice']);
const DAY = 86_400_000;
const NOW = Date.parse('2026-06-01T00:00:00Z');
const CUTOFF = NOW - 365 * DAY;

describe('archiveDecision: what moves', () => {
  const old = new Date(CUTOFF - DAY).toISOString();
  const young = new Date(CUTOFF + DAY).toISOString();
  it.each<[RecordType, RecordStatus, string, string]>([
    ['scaling', 'validated', old, 'archive'],
    ['rollback', 'rolled-back', old, 'archive'],
    ['diagnosis', 'rejected', old, 'archive'],
    ['diagnosis', 'expired', old, 'archive'],
    ['optimization', 'failed', old, 'archive'],
    ['scaling', 'validated', young, 'recent'],
    ['scaling', 'validated', new Date(CUTOFF).toISOString(), 'recent'],
    // Open records never move, however old (the adversary's "old but open").
    ['scaling', 'awaiting-approval', old, 'open'],
    ['scaling', 'approved', old, 'open'],
    ['scaling', 'executing', old, 'open'],
    ['scaling', 'executed', old, 'open'],
    ['scaling', 'interrupted', old, 'open'],
    ['scaling', 'rolling-back', old, 'open'],
    ['scaling', 'rollback-failed', old, 'open'],
    ['chat', 'answered', old, 'open'],
    // The trail's own records stay: its allowed signers, and earlier archives.
    ['trust', 'pinned', old, 'kept'],
    ['archive', 'recorded', old, 'kept'],
    ['scaling', 'validated', 'not a time', 'recent'],
  ])('%s %s, last event %s → %s', (type, status, at, decision) => {
    expect(archiveDecision({ type, status }, at, CUTOFF)).toBe(decision);
  });

  it.each([
    [[], []],
    [[3], [[3, 3]]],
    [
      [1, 2, 3, 7, 9, 8],
      [
        [1, 3],
        [7, 9],
      ],
    ],
    [[5, 5, 6], [[5, 6]]],
  ])('toRanges(%j) = %j, and back', (numbers, ranges) => {
    expect(toRanges(numbers)).toEqual(ranges);
    expect(fromRanges(ranges as [number, number][])).toEqual([...new Set(numbers)].sort((a, b) => a - b));
  });
});

describe('--older-than', () => {
  it.each([
    ['365d', 365],
    ['400d', 365],
    ['9000h', 365],
    [undefined, 365],
    ['12h', 0],
    ['90m', 0],
  ])('%s with retention %i days is accepted', (flag, days) => {
    expect(archiveAge(flag, days)).toBeGreaterThan(0);
  });
  it.each([
    ['soon', 365, /^--older-than takes a duration like 365d, 12h or 90m, not "soon"$/],
    ['-5d', 365, /^--older-than takes a duration/],
    ['0s', 365, /^--older-than takes a duration/],
    ['30d', 365, /^--older-than 30d is shorter than the policy's retention of 365 days \(retention_days\)/],
  ])('%s with retention %i days: one line', (flag, days, message) => {
    expect(() => archiveAge(flag, days)).toThrow(message);
  });
});

/** A trail with old finished records, an old open one, a recent finished one. */
async function trail(dir: string, options: { gitCommit?: boolean } = {}) {
  let clock = CUTOFF - 30 * DAY;
  const h: History = openHistory(dir, {
    now: () => new Date(clock),
    signer: team.signer('alice'),
    allowedSigners: team.allowed,
    floorOf,
    ...options,
  });
  const create = (name: string, required = 1) =>
    h.create({
      title: `scale ${name}`,
      type: 'scaling',
      tier: 'low',
      source: 'offline assistant',
      operation: { kind: 'scale', target: { kind: 'Deployment', namespace: 'todo', name }, replicas: 2 },
      approval: { required, expires: new Date(clock + 300_000).toISOString() },
    });
  const validated = async (name: string) => {
    const m = await create(name);
    await h.append(m.id, { kind: 'approved' });
    await h.append(m.id, { kind: 'executing', by: 'alice' });
    await h.append(m.id, { kind: 'executed', operation: 'scale', kubectl: 'kubectl scale' });
    await h.append(m.id, { kind: 'validated', detail: '2/2 ready' });
    return m.id;
  };
  const oldValidated = await validated('a');
  const oldOpen = (await create('open-but-old')).id;
  const oldRejected = (await create('b')).id;
  await h.append(oldRejected, { kind: 'rejected', reason: 'not now' });
  const oldValidated2 = await validated('c');
  clock = NOW - DAY;
  const recent = await validated('d');
  clock = NOW;
  return { h, oldValidated, oldOpen, oldRejected, oldValidated2, recent };
}

async function phr(...args: string[]): Promise<{ code: number; out: string }> {
  let out = '';
  const code = await phrMain(args, (t) => void (out += t));
  return { code, out };
}
const brokenLines = (out: string) => out.split('\n').filter((l) => l.startsWith('broken: '));
const live = (dir: string) => readdirSync(join(dir, 'prompts')).filter((f) => f.endsWith('.md'));
const archiveFile = (dir: string) => join(dir, 'archive', readdirSync(join(dir, 'archive'))[0]!);
/** Rewrites the archive's JSON lines (gunzip, edit, gzip) as someone holding the files would. */
function editArchive(dir: string, edit: (lines: string[]) => string[]): void {
  const file = archiveFile(dir);
  const lines = gunzipSync(readFileSync(file)).toString('utf8').split('\n').filter(Boolean);
  writeFileSync(file, gzipSync(edit(lines).join('\n') + '\n'));
}

describe('phr archive', () => {
  it('moves the old finished records, never the open one; the archived trail still verifies', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'archive-'));
    const t = await trail(dir);
    const before = await verifyTrail(join(dir, 'prompts'), { floorOf });
    expect(before.problems).toEqual([]);

    const result = await t.h.archive(CUTOFF);
    expect(result!.archived).toEqual([t.oldValidated, t.oldRejected, t.oldValidated2]);
    expect(live(dir)).toEqual(
      expect.arrayContaining([`${t.oldOpen}.md`, `${t.recent}.md`, `${result!.record.id}.md`]),
    );
    expect(live(dir)).not.toContain(`${t.oldValidated}.md`);
    expect(result!.manifest.file).toMatch(/^archive\/\d{4}-\d{2}-\d{2}\.jsonl\.gz$/);
    expect(result!.manifest.boundary.events).toBe(before.events - 5); // the recent record's 5 events follow it
    expect(t.h.get(result!.record.id).body).toContain(`Boundary: event #${result!.manifest.boundary.events}`);

    const after = await verifyTrail(join(dir, 'prompts'), { floorOf });
    expect(after.problems).toEqual([]);
    expect(after.records).toBe(before.records + 1);
    expect(after.events).toBe(before.events + 1);
    // And the trail goes on after it: new records chain from the archive record.
    const next = await t.h.create({ title: 'after the archive', type: 'diagnosis', source: 'test' });
    expect(next.seq).toBe(result!.record.seq + 1);
    expect((await phr('verify', '--history-dir', dir, '--no-cluster')).out).toMatch(/^ok: 8 records, /);
    // Nothing more is old enough: a second run archives nothing.
    expect(await t.h.archive(CUTOFF)).toBeUndefined();
  });

  it.each([
    [
      'a record altered inside the archive',
      (dir: string) =>
        editArchive(dir, (lines) => lines.map((l, i) => (i === 0 ? l.replace('2/2 ready', '3/3 ready') : l))),
      /: archive\/\S+: the archive's sha256 is \S+, its record says \S+ \(altered, or records removed from it\)$/,
    ],
    [
      'a record removed from the archive',
      (dir: string) => editArchive(dir, (lines) => lines.slice(1)),
      /\(altered, or records removed from it\)$/,
    ],
    [
      'the archive deleted',
      (dir: string) => unlinkSync(archiveFile(dir)),
      /: archive\/\S+: the archive is missing \(removed\)$/,
    ],
  ])('%s: verify fails with one broken: line', async (_, attack, line) => {
    const dir = mkdtempSync(join(tmpdir(), 'archive-'));
    const t = await trail(dir);
    const { record } = (await t.h.archive(CUTOFF))!;
    attack(dir);
    const r = await phr('verify', '--history-dir', dir, '--no-cluster');
    expect(r.code).toBe(1);
    expect(brokenLines(r.out)).toHaveLength(1);
    expect(brokenLines(r.out)[0]).toMatch(new RegExp(`^broken: ${record.id}: `));
    expect(brokenLines(r.out)[0]).toMatch(line);
  });

  it('the archive record removed: the archived records are missing and the archive is named by nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'archive-'));
    const t = await trail(dir);
    const { record } = (await t.h.archive(CUTOFF))!;
    unlinkSync(join(dir, 'prompts', `${record.id}.md`));
    const r = await verifyTrail(join(dir, 'prompts'), { floorOf });
    expect(r.problems.map((p) => p.reason)).toEqual(
      expect.arrayContaining([
        'record 00002 missing before it',
        expect.stringMatching(/an archive no archive record names/),
      ]),
    );
  });

  it('a record copied back from the archive is seen twice; a killed archive is finished by the next run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'archive-'));
    const t = await trail(dir);
    const { archived } = (await t.h.archive(CUTOFF))!;
    const lines = gunzipSync(readFileSync(archiveFile(dir)))
      .toString('utf8')
      .split('\n')
      .filter(Boolean);
    const first = JSON.parse(lines[0]!) as { file: string; text: string };
    // As a phr archive killed after its record and before removing the records would leave it.
    writeFileSync(join(dir, 'prompts', first.file), first.text);
    const twice = await verifyTrail(join(dir, 'prompts'), { floorOf });
    expect(twice.problems.map((p) => p.reason)).toContain('sequence 2 appears twice');
    expect(await t.h.archive(CUTOFF)).toBeUndefined();
    expect(existsSync(join(dir, 'prompts', `${archived[0]}.md`))).toBe(false);
    expect((await verifyTrail(join(dir, 'prompts'), { floorOf })).problems).toEqual([]);
  });

  it('an archive file no record names (killed before its record) is removed by the next run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'archive-'));
    const t = await trail(dir);
    await t.h.archive(CUTOFF);
    cpSync(archiveFile(dir), join(dir, 'archive', '2020-01-01.jsonl.gz'));
    const r = await verifyTrail(join(dir, 'prompts'), { floorOf });
    expect(r.problems).toEqual([
      {
        record: 'archive/2020-01-01.jsonl.gz',
        reason: expect.stringMatching(/an archive no archive record names/),
      },
    ]);
    expect(await t.h.archive(CUTOFF)).toBeUndefined();
    expect((await verifyTrail(join(dir, 'prompts'), { floorOf })).problems).toEqual([]);
  });

  it('with git commit on, the move is one commit: the archive and its record in, the records out', async () => {
    const repo = mkdtempSync(join(tmpdir(), 'archive-git-'));
    const git = (...args: string[]) => execa('git', ['-C', repo, ...args]);
    await git('init', '--quiet');
    await git('config', 'user.email', 'alice@example.com');
    await git('config', 'user.name', 'alice');
    const dir = join(repo, 'history');
    const t = await trail(dir, { gitCommit: true });
    const { manifest, record, archived } = (await t.h.archive(CUTOFF))!;
    expect((await git('log', '-1', '--format=%s')).stdout).toBe(
      `PHR archive: 3 records into ${manifest.file}`,
    );
    const tracked = (await git('ls-files')).stdout.split('\n');
    expect(tracked).toContain(`history/${manifest.file}`);
    expect(tracked).toContain(`history/prompts/${record.id}.md`);
    for (const id of archived) expect(tracked).not.toContain(`history/prompts/${id}.md`);
    // Nothing of the move is left uncommitted; the open record was never committed.
    expect(
      (await git('status', '--porcelain', '--', 'history/archive', 'history/checkpoint.json')).stdout,
    ).toBe('');
    expect(tracked).not.toContain(`history/prompts/${t.oldOpen}.md`);
    // The committed checkpoint (the git anchor) is the head after the archive record.
    const report = await phr('verify', '--history-dir', dir, '--no-cluster');
    expect(report.out).toMatch(/^anchored: git HEAD \(\d+ events\)$/m);
    expect(report.code).toBe(0);
  });
});

describe('aiops-tui phr archive', () => {
  const policy = join(mkdtempSync(join(tmpdir(), 'policy-')), 'policy.yaml');
  writeFileSync(policy, '');
  const flags = ['--policy', policy, ...team.flags('alice')];

  it('archives records older than the flag, says what and where in one line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'archive-'));
    await trail(dir);
    // Real time now is after 2026-06-01: the records written "a year and a month before" are older than 365d.
    const r = await phr('archive', '--older-than', '365d', '--history-dir', dir, '--no-git-commit', ...flags);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(
      /^archived \d+ records \(00002-\S+ … \S+\) into \S+\/archive\/\d{4}-\d{2}-\d{2}\.jsonl\.gz; boundary event #\d+; recorded as \d{5}-archive-\d+-records\n$/,
    );
    expect((await phr('verify', '--history-dir', dir, '--no-cluster')).code).toBe(0);
  });

  it.each([
    [
      ['--older-than', '3 weeks'],
      /^aiops-tui: --older-than takes a duration like 365d, 12h or 90m, not "3 weeks"$/,
    ],
    [
      ['--older-than', '30d'],
      /^aiops-tui: --older-than 30d is shorter than the policy's retention of 365 days/,
    ],
  ])('%j: one line, exit 2', async (args, message) => {
    const dir = mkdtempSync(join(tmpdir(), 'archive-'));
    const r = await execa(
      process.execPath,
      ['--import', 'tsx', CLI, 'phr', 'archive', ...args, '--history-dir', dir, ...flags],
      { reject: false },
    );
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.split('\n')).toHaveLength(1);
    expect(existsSync(join(dir, 'archive'))).toBe(false);
  });
});
