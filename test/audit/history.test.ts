import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import matter from 'gray-matter';
import { describe, expect, it } from 'vitest';
import { HistoryError, openHistory } from '../../src/audit/history.js';

const tempHistory = () => mkdtempSync(join(tmpdir(), 'phr-'));

describe('a record grows one section per lifecycle event', () => {
  it('recommendation → two approvals → execution → validation, readable as Markdown with front matter', async () => {
    const history = openHistory(tempHistory());
    const rec = await history.create({
      title: 'Scale frontend to 2 replicas',
      type: 'scaling',
      tier: 'critical',
      source: 'offline-assistant',
      target: 'deployment/todo/frontend',
    });
    await history.append(rec.id, {
      kind: 'recommended',
      summary: 'scale deployment todo/frontend from 1 to 2',
      kubectl: 'kubectl scale deployment/frontend -n todo --replicas=2',
    });
    await history.append(rec.id, { kind: 'approved', approver: 'alice' });
    await history.append(rec.id, { kind: 'approved', approver: 'bob', reason: 'peak traffic' });
    await history.append(rec.id, {
      kind: 'executed',
      operation: 'scale',
      kubectl: 'kubectl scale deployment/frontend -n todo --replicas=2',
      preState: { spec: { replicas: 1 } },
    });
    const last = await history.append(rec.id, { kind: 'validated', postMetrics: { readyReplicas: 2 } });
    expect(last).toMatchObject({ status: 'validated', approvers: ['alice', 'bob'], events: 5 });

    const file = readFileSync(join(history.dir, `${rec.id}.md`), 'utf8');
    const doc = matter(file);
    expect(doc.data.timestamps.approved).toHaveLength(2);
    expect(doc.content).toMatch(/## \S+ — approved\n\nApproved by \*\*bob\*\*: peak traffic\./);
    expect(doc.content).toContain(
      'Equivalent command: `kubectl scale deployment/frontend -n todo --replicas=2`',
    );
    expect(history.verify()).toEqual({ ok: true, records: 1 });
  });

  it('a second process sees the first approval (approvals live on disk, not in memory)', async () => {
    const dir = tempHistory();
    const first = openHistory(dir);
    const rec = await first.create({
      title: 'Delete a namespace',
      type: 'diagnosis',
      tier: 'critical',
      source: 'kubectl-ai',
    });
    await first.append(rec.id, { kind: 'approved', approver: 'alice' });
    const second = openHistory(dir);
    expect(second.get(rec.id).meta.approvers).toEqual(['alice']);
  });
});

describe('tamper evidence', () => {
  it('one flipped byte anywhere in any record is detected and the record named', async () => {
    const history = openHistory(tempHistory());
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) {
      const rec = await history.create({ title: `decision ${i}`, type: 'diagnosis', source: 'test' });
      await history.append(rec.id, { kind: 'note', text: `evidence ${i}` });
      ids.push(rec.id);
    }
    expect(history.verify().ok).toBe(true);
    for (const id of ids) {
      const path = join(history.dir, `${id}.md`);
      const original = readFileSync(path);
      for (const offset of [0, 10, Math.floor(original.length / 2), original.length - 2]) {
        const flipped = Buffer.from(original);
        flipped[offset] = flipped[offset]! ^ 0x01;
        writeFileSync(path, flipped);
        const result = history.verify();
        expect(result.ok, `byte ${offset} of ${id}`).toBe(false);
        expect(result.broken?.id).toBe(id);
      }
      writeFileSync(path, original);
    }
    expect(history.verify().ok).toBe(true);
  });

  it('a hand-edited record is reported, never written over', async () => {
    const history = openHistory(tempHistory());
    const rec = await history.create({ title: 'edited later', type: 'diagnosis', source: 'test' });
    const path = join(history.dir, `${rec.id}.md`);
    writeFileSync(path, readFileSync(path, 'utf8').replace('edited later', 'edited by hand'));
    await expect(history.append(rec.id, { kind: 'note', text: 'x' })).rejects.toThrow(HistoryError);
    expect(readFileSync(path, 'utf8')).toContain('edited by hand');
  });

  it('a deleted record breaks the chain at the next one', async () => {
    const history = openHistory(tempHistory());
    const a = await history.create({ title: 'a', type: 'diagnosis', source: 'test' });
    await history.create({ title: 'b', type: 'diagnosis', source: 'test' });
    const c = await history.create({ title: 'c', type: 'diagnosis', source: 'test' });
    const { unlinkSync } = await import('node:fs');
    unlinkSync(
      join(
        history.dir,
        readdirSync(history.dir).find((f) => f.startsWith('00002'))!,
      ),
    );
    expect(history.verify().broken).toEqual({
      id: c.id,
      reason: 'sequence 3 where 2 was expected (a record is missing)',
    });
    expect(a.seq).toBe(1);
  });
});

describe('durability and concurrency', () => {
  it('three writer processes killed with SIGKILL at random instants lose no acknowledged event', async () => {
    const dir = tempHistory();
    const acked = new Map<string, number>();
    const writer = join(import.meta.dirname, 'fixtures', 'writer.ts');
    for (let round = 0; round < 4; round++) {
      const children = [1, 2, 3].map((n) => {
        const child = execa(process.execPath, ['--import', 'tsx', writer, dir, String(round * 10 + n)], {
          reject: false,
          buffer: false,
        });
        let pending = '';
        child.stdout!.on('data', (chunk: Buffer) => {
          pending += chunk.toString();
          const lines = pending.split('\n');
          pending = lines.pop()!;
          for (const line of lines) {
            const [, id, events] = line.split(' ');
            acked.set(id!, Math.max(acked.get(id!) ?? 0, Number(events)));
          }
        });
        return child;
      });
      await new Promise((resolve) => setTimeout(resolve, 700 + Math.random() * 600));
      for (const child of children) child.kill('SIGKILL');
      await Promise.all(children);
    }
    const history = openHistory(dir);
    const verified = history.verify();
    expect(verified.ok, JSON.stringify(verified.broken)).toBe(true);
    expect(acked.size).toBeGreaterThan(10);
    for (const [id, events] of acked) expect(history.get(id).meta.events, id).toBeGreaterThanOrEqual(events);
  }, 60_000);
});

describe('--git-commit', () => {
  it('commits a record to the repository holding the history once it is finished', async () => {
    const repo = tempHistory();
    await execa('git', ['init', '-q', repo]);
    await execa('git', ['-C', repo, 'config', 'user.email', 'ops@example.com']);
    await execa('git', ['-C', repo, 'config', 'user.name', 'ops']);
    const history = openHistory(repo, { gitCommit: true });
    const rec = await history.create({
      title: 'restart backend',
      type: 'diagnosis',
      tier: 'trivial',
      source: 'built-in',
    });
    await history.append(rec.id, {
      kind: 'executed',
      operation: 'restart',
      kubectl: 'kubectl rollout restart deployment/backend -n todo',
    });
    expect((await execa('git', ['-C', repo, 'log', '--oneline'], { reject: false })).stdout).toBe('');
    await history.append(rec.id, { kind: 'validated' });
    const log = (await execa('git', ['-C', repo, 'log', '--format=%s', '--name-only'])).stdout;
    expect(log).toContain(`PHR ${rec.id}: validated`);
    expect(log).toContain(`prompts/${rec.id}.md`);
  });
});
