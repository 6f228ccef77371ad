import { mkdtempSync, readdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import matter from 'gray-matter';
import { describe, expect, it } from 'vitest';
import { HistoryError, openHistory } from '../../src/audit/history.js';
import { verifyTrail } from '../../src/audit/verify.js';
import { makeTeam } from './identities.js';

const tempHistory = () => mkdtempSync(join(tmpdir(), 'phr-'));
const team = makeTeam(['alice', 'bob', 'carol']);
const as = (dir: string, name: string, extra: { gitCommit?: boolean } = {}) =>
  openHistory(dir, { signer: team.signer(name), allowedSigners: team.allowed, ...extra });
const inAnHour = () => new Date(Date.now() + 3600_000).toISOString();
const scale = {
  kind: 'scale',
  target: { kind: 'Deployment', namespace: 'todo', name: 'frontend' },
  replicas: 2,
  summary: 'scale deployment todo/frontend from 1 to 2',
  kubectl: 'kubectl scale deployment/frontend -n todo --replicas=2',
};

describe('a record grows one section per lifecycle event', () => {
  it('recommendation → two approvals → execution → validation, readable as Markdown with front matter', async () => {
    const dir = tempHistory();
    const history = as(dir, 'carol');
    const rec = await history.create({
      title: 'Scale frontend to 2 replicas',
      type: 'scaling',
      tier: 'critical',
      source: 'offline-assistant',
      target: 'deployment/todo/frontend',
      operation: scale,
      approval: { required: 2, expires: inAnHour() },
      recommendation: {
        summary: 'scale deployment todo/frontend from 1 to 2',
        kubectl: 'kubectl scale deployment/frontend -n todo --replicas=2',
        evidence: ['p95 latency 2.1 s'],
      },
    });
    expect(rec).toMatchObject({ status: 'awaiting-approval', recorded_by: 'carol', required_approvers: 2 });
    await as(dir, 'alice').append(rec.id, { kind: 'approved' });
    await as(dir, 'bob').append(rec.id, { kind: 'approved', reason: 'peak traffic' });
    await history.append(rec.id, { kind: 'executing', by: 'carol' });
    await history.append(rec.id, {
      kind: 'executed',
      operation: 'scale',
      kubectl: 'kubectl scale deployment/frontend -n todo --replicas=2',
      preState: { spec: { replicas: 1 } },
    });
    const last = await history.append(rec.id, { kind: 'validated', postMetrics: { readyReplicas: 2 } });
    expect(last).toMatchObject({ status: 'validated', approvers: ['alice', 'bob'], events: 6 });

    const file = readFileSync(join(history.dir, `${rec.id}.md`), 'utf8');
    const doc = matter(file);
    expect(doc.data.timestamps.approved).toHaveLength(2);
    expect(doc.data.approvers).toEqual(['alice', 'bob']);
    expect(doc.content).toMatch(/## \S+ — approved\n\nApproved by \*\*bob\*\*: peak traffic\./);
    expect(doc.content).toContain(
      'Equivalent command: `kubectl scale deployment/frontend -n todo --replicas=2`',
    );
    expect(doc.content).toContain('- p95 latency 2.1 s');
    const report = await verifyTrail(history.dir);
    expect(report).toMatchObject({ ok: true, records: 2, events: 7, problems: [] });
  });

  it('a second process sees the first approval (approvals live on disk, not in memory)', async () => {
    const dir = tempHistory();
    const first = as(dir, 'alice');
    const rec = await first.create({
      title: 'Delete a namespace',
      type: 'diagnosis',
      tier: 'critical',
      source: 'kubectl-ai',
      operation: { kind: 'delete', target: { kind: 'Namespace', name: 'old' } },
      approval: { required: 2, expires: inAnHour() },
      recommendation: { summary: 'delete the namespace old' },
    });
    await first.append(rec.id, { kind: 'approved' });
    const second = openHistory(dir);
    expect(second.get(rec.id).meta.approvers).toEqual(['alice']);
    expect(second.get(rec.id).meta.status).toBe('awaiting-approval');
  });

  it('the signer is the approver: a proposer, a second approval by the same person and an unsigned process are refused', async () => {
    const dir = tempHistory();
    const rec = await as(dir, 'alice').create({
      title: 'scale by hand',
      type: 'scaling',
      tier: 'critical',
      source: 'aiops-tui propose',
      operation: scale,
      proposer: 'alice',
      approval: { required: 2, expires: inAnHour() },
      recommendation: { summary: 'scale it' },
    });
    await expect(as(dir, 'alice').append(rec.id, { kind: 'approved' })).rejects.toThrow(
      'alice proposed it and cannot approve it',
    );
    await as(dir, 'bob').append(rec.id, { kind: 'approved', approver: 'carol' } as never);
    expect(openHistory(dir).get(rec.id).meta.approvers).toEqual(['bob']);
    await expect(as(dir, 'bob').append(rec.id, { kind: 'approved' })).rejects.toThrow(
      'bob already approved it',
    );
    await expect(openHistory(dir).append(rec.id, { kind: 'approved' })).rejects.toThrow(
      'approved must be signed',
    );
    await expect(openHistory(dir).create({ title: 'x', type: 'diagnosis', source: 'test' })).rejects.toThrow(
      HistoryError,
    );
    expect((await verifyTrail(join(dir, 'prompts'))).ok).toBe(true);
  });
});

describe('tamper evidence', () => {
  it('one flipped byte anywhere in any record is detected and the record named', async () => {
    const history = as(tempHistory(), 'alice');
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) {
      const rec = await history.create({ title: `decision ${i}`, type: 'diagnosis', source: 'test' });
      await history.append(rec.id, { kind: 'note', text: `evidence ${i}` });
      ids.push(rec.id);
    }
    expect((await verifyTrail(history.dir)).ok).toBe(true);
    for (const id of ids) {
      const path = join(history.dir, `${id}.md`);
      const original = readFileSync(path);
      for (const offset of [0, 10, Math.floor(original.length / 2), original.length - 2]) {
        const flipped = Buffer.from(original);
        flipped[offset] = flipped[offset]! ^ 0x01;
        writeFileSync(path, flipped);
        const result = await verifyTrail(history.dir);
        expect(result.ok, `byte ${offset} of ${id}`).toBe(false);
        expect(
          result.problems.map((p) => p.record),
          `byte ${offset} of ${id}`,
        ).toContain(id);
      }
      writeFileSync(path, original);
    }
    expect((await verifyTrail(history.dir)).ok).toBe(true);
  });

  it('a hand-edited record is reported, never written over', async () => {
    const history = as(tempHistory(), 'alice');
    const rec = await history.create({ title: 'edited later', type: 'diagnosis', source: 'test' });
    const path = join(history.dir, `${rec.id}.md`);
    writeFileSync(path, readFileSync(path, 'utf8').replace('edited later', 'edited by hand'));
    await expect(history.append(rec.id, { kind: 'note', text: 'x' })).rejects.toThrow(HistoryError);
    expect(() => openHistory(join(history.dir, '..')).get(rec.id)).toThrow('was changed outside aiops-tui');
    expect(readFileSync(path, 'utf8')).toContain('edited by hand');
  });

  it('a deleted record breaks the chain at the next one', async () => {
    const history = as(tempHistory(), 'alice');
    const a = await history.create({ title: 'a', type: 'diagnosis', source: 'test' });
    await history.create({ title: 'b', type: 'diagnosis', source: 'test' });
    const c = await history.create({ title: 'c', type: 'diagnosis', source: 'test' });
    unlinkSync(
      join(
        history.dir,
        readdirSync(history.dir).find((f) => f.startsWith('00003'))!,
      ),
    );
    const report = await verifyTrail(history.dir);
    expect(report.ok).toBe(false);
    expect(report.problems[0]).toEqual({ record: c.id, reason: 'record 00003 missing before it' });
    expect(report.problems).toContainEqual({
      record: c.id,
      reason: 'event #4 does not chain to the event before it (removed, reordered or inserted)',
    });
    expect(a.seq).toBe(2); // record 1 is the trail's allowed signers
  });
});

describe('the head cache', () => {
  // The head is written ahead of the record, durably, naming the head about to be and the one
  // before it. A writer killed between the two leaves a head whose record does not end with it:
  // the previous head is then the true one. (Written after the record, as it once was, a kill in
  // between left a head naming an older, still-intact event, and the next writer forked the chain.)
  it('a kill between the head write and the record rename does not fork the chain', async () => {
    const history = as(tempHistory(), 'alice');
    const a = await history.create({ title: 'a', type: 'diagnosis', source: 'test' });
    await history.create({ title: 'b', type: 'diagnosis', source: 'test' });
    const recordA = join(history.dir, `${a.id}.md`);
    const beforeLastWrite = readFileSync(recordA);
    await history.append(a.id, { kind: 'note', text: 'the write a kill -9 cut short' });
    writeFileSync(recordA, beforeLastWrite); // the record's rename never happened; .head was written
    await as(join(history.dir, '..'), 'bob').append(a.id, { kind: 'note', text: 'the next writer' });
    const report = await verifyTrail(history.dir);
    expect(report.problems).toEqual([]);
    expect(report.events).toBe(4);
  });
});

describe('--git-commit', () => {
  async function repoWithValidatedRecord() {
    const repo = tempHistory();
    await execa('git', ['init', '-q', repo]);
    await execa('git', ['-C', repo, 'config', 'user.email', 'ops@example.com']);
    await execa('git', ['-C', repo, 'config', 'user.name', 'ops']);
    const history = as(repo, 'alice', { gitCommit: true });
    const rec = await history.create({
      title: 'restart backend',
      type: 'diagnosis',
      tier: 'trivial',
      source: 'built-in',
      operation: {
        kind: 'rollout-restart',
        target: { kind: 'Deployment', namespace: 'todo', name: 'backend' },
      },
      approval: { required: 0, expires: inAnHour() },
      recommendation: { summary: 'restart the backend' },
    });
    await history.append(rec.id, { kind: 'executing', by: 'alice' });
    await history.append(rec.id, {
      kind: 'executed',
      operation: 'restart',
      kubectl: 'kubectl rollout restart deployment/backend -n todo',
    });
    const before = (await execa('git', ['-C', repo, 'log', '--oneline'], { reject: false })).stdout;
    await history.append(rec.id, { kind: 'validated' });
    return { repo, rec, before };
  }

  it('commits a record and the signed checkpoint once it is finished', async () => {
    const { repo, rec, before } = await repoWithValidatedRecord();
    expect(before).not.toContain(rec.id); // not before it is finished
    const log = (await execa('git', ['-C', repo, 'log', '--format=%s', '--name-only'])).stdout;
    expect(log).toContain(`PHR ${rec.id}: validated`);
    expect(log).toContain(`prompts/${rec.id}.md`);
    expect(log).toContain('checkpoint.json');
    const checkpoint = JSON.parse((await execa('git', ['-C', repo, 'show', 'HEAD:checkpoint.json'])).stdout);
    expect(checkpoint).toMatchObject({ events: 5, by: 'alice' });
  });

  // The trust record (00001-allowed-signers, status "pinned") is written by ensureTrust(), not by
  // create(): without it in the repository a clone cannot check a single signature.
  it('commits the trust record too (record 1 pins the allowed signers every signature is checked against)', async () => {
    const { repo } = await repoWithValidatedRecord();
    const files = (await execa('git', ['-C', repo, 'ls-files'])).stdout;
    expect(files).toContain('prompts/00001-allowed-signers.md');
  });
});
