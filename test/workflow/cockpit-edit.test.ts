// `e` on a row against the simulator, with $EDITOR a small node script (run as an argv, as vi
// would be): the edit becomes an apply proposal, the cluster changes only after its approvals,
// and what cannot be proposed says so in one line without losing the edit.
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { V1Deployment } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openHistory } from '../../src/audit/history.js';
import { objectActions } from '../../src/app/cockpit-actions.js';
import { ObjectClient } from '../../src/workflow/objects.js';
import type { Operation } from '../../src/model/operation.js';
import { historyDir, idOf, noticeOf, rowOf, startCockpitFixture, type Cockpit } from './cockpit-fixtures.js';

const script = join(import.meta.dirname, '..', 'fixtures', 'editor', 'edit.mjs');
const editor = (mode: string) => ({ EDITOR: `${process.execPath} ${script} ${mode}` });

let cockpit: Cockpit;
beforeAll(async () => {
  cockpit = await startCockpitFixture();
});
afterAll(() => cockpit.close());

const deployment = async (name: string) =>
  (await new ObjectClient(cockpit.kc).read({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    namespace: 'todo',
    name,
  })) as V1Deployment;
const proposals = (dir: string) =>
  openHistory(dir)
    .list()
    .filter((m) => m.operation);

async function editWith(mode: string, dir: string, name = 'frontend', env: NodeJS.ProcessEnv = editor(mode)) {
  const store = cockpit.store();
  const keys = objectActions(store, await cockpit.queueAs('alice', dir), { env });
  return noticeOf(store, () => keys.edit(rowOf('deployments', name)));
}

describe('e: edit as an apply proposal', () => {
  it('a key the edit removes is removed once approved, as kubectl edit does (not kept as an apply would)', async () => {
    const dir = historyDir();
    const id = idOf(await editWith('heal', dir, 'backend'));
    const bob = await cockpit.queueAs('bob', dir);
    const carol = await cockpit.queueAs('carol', dir);
    expect((await bob.preview(id)).some((l) => /^-\s+sim\.aiops\.dev\/crash-one-after/.test(l))).toBe(true);
    expect((await bob.approve(id)).ok).toBe(true);
    const done = await carol.approve(id);
    expect(done.ok, done.message).toBe(true);
    const healed = await deployment('backend');
    expect(healed.spec?.template?.metadata?.annotations?.['sim.aiops.dev/crash-one-after']).toBeUndefined();
    expect(healed.spec?.template?.metadata?.annotations?.['sim.aiops.dev/usage']).toBe('leak');
    await carol.idle();
  });

  it('a field someone changed between the edit and its approval keeps their change', async () => {
    const dir = historyDir();
    const id = idOf(await editWith('replicas', dir));
    // Someone labels the deployment between the edit and its approval.
    await new ObjectClient(cockpit.kc).patch(
      { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'todo', name: 'frontend' },
      { metadata: { labels: { 'example.com/owner': 'bob' } } },
      'merge',
    );
    const bob = await cockpit.queueAs('bob', dir);
    const carol = await cockpit.queueAs('carol', dir);
    await bob.approve(id);
    const done = await carol.approve(id);
    expect(done.ok, done.message).toBe(true);
    const after = await deployment('frontend');
    expect(after.spec?.replicas).toBe(4);
    expect(after.metadata?.labels?.['example.com/owner']).toBe('bob');
    expect((await carol.rollback(id)).ok).toBe(true);
    await carol.idle();
  });

  it('a changed object is a critical apply of a stored, digest-checked file; two approvals apply it; r restores it', async () => {
    const dir = historyDir();
    const notice = await editWith('replicas', dir);
    expect(notice).toMatch(
      /^queued \S+ \(critical\): patch deployment todo\/frontend with its edit \(\d+ lines changed\)$/,
    );
    const id = idOf(notice);
    const alice = await cockpit.queueAs('alice', dir);
    const record = alice.history.get(id);
    const op = record.meta.operation as Extract<Operation, { kind: 'apply' }>;
    expect(op.target).toEqual({ kind: 'Deployment', namespace: 'todo', name: 'frontend' });
    const file = op.files[0]!;
    expect(file.startsWith(join(dir, 'edits'))).toBe(true);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const stored = JSON.parse(readFileSync(file, 'utf8')) as V1Deployment & { status?: unknown };
    expect(stored.metadata?.annotations?.['example.com/edited']).toBe('yes');
    // The change alone, with the object's identity: what the edit did not touch is not sent.
    expect([stored.metadata?.managedFields, stored.metadata?.resourceVersion, stored.status]).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
    expect(stored.spec).toEqual({ replicas: 4 });
    // The record's evidence is the diff of the edit.
    expect(record.body).toContain('+    example.com/edited: yes');
    expect(record.body).toMatch(/-\s+replicas: \d+/);
    // Before approval nothing changed.
    const before = await deployment('frontend');
    expect(before.metadata?.annotations?.['example.com/edited']).toBeUndefined();

    const bob = await cockpit.queueAs('bob', dir);
    const carol = await cockpit.queueAs('carol', dir);
    // The approval's dry run shows the change the server would make.
    const preview = await bob.preview(id);
    expect(preview).toContain('+  replicas: 4');
    // Only what the edit changed: no reordered maps, no last-applied or revision bookkeeping.
    const changed = preview.filter((line) => /^[+-](?![+-])/.test(line));
    expect(changed.length).toBeGreaterThan(1);
    for (const line of changed) expect(line).toMatch(/replicas: \d|example\.com\/edited|annotations:/);
    expect((await bob.approve(id)).message).toMatch(/needs 1 more approver/);
    expect((await carol.approve(id)).ok).toBe(true);
    const after = await deployment('frontend');
    expect(after.spec?.replicas).toBe(4);
    expect(after.metadata?.annotations?.['example.com/edited']).toBe('yes');
    await carol.idle();

    expect((await carol.rollback(id)).ok).toBe(true);
    const restored = await deployment('frontend');
    expect(restored.spec?.replicas).toBe(before.spec?.replicas);
    expect(restored.metadata?.annotations?.['example.com/edited']).toBeUndefined();
    await carol.idle();
  });

  it('a stored edit changed after the proposal is not applied', async () => {
    const dir = historyDir();
    const id = idOf(await editWith('replicas', dir, 'backend'));
    const bob = await cockpit.queueAs('bob', dir);
    const op = bob.history.get(id).meta.operation as Extract<Operation, { kind: 'apply' }>;
    writeFileSync(op.files[0]!, readFileSync(op.files[0]!, 'utf8').replace('"replicas": 4', '"replicas": 9'));
    await bob.approve(id);
    const outcome = await (await cockpit.queueAs('carol', dir)).approve(id);
    expect(outcome.message).toMatch(/changed since it was proposed \(its sha256 differs\); not applying it$/);
    expect((await deployment('backend')).spec?.replicas).not.toBe(9);
    expect((await deployment('backend')).metadata?.annotations?.['example.com/edited']).toBeUndefined();
  });

  it.each([
    ['noop', /^edit cancelled, no changes$/],
    ['empty', /^edit cancelled, no changes$/],
    [
      'namespace',
      /^edit refused: the edit changes what the object is \(Deployment todo\/frontend → Deployment default\/frontend\); its kind, name and namespace must stay$/,
    ],
    ['fail', /^error: there was a problem with the editor ".*node" \(.*\); edit cancelled$/],
  ])('%s: one line, nothing proposed', async (mode, message) => {
    const dir = historyDir();
    expect(await editWith(mode, dir)).toMatch(message);
    expect(proposals(dir)).toEqual([]);
  });

  it('invalid YAML: the line, and the edit kept where the notice says', async () => {
    const dir = historyDir();
    const notice = await editWith('invalid', dir);
    const match = /^edit not proposed: invalid YAML at line (\d+): .* \(your edit is kept in (\S+)\)$/.exec(
      notice,
    );
    expect(match, notice).not.toBeNull();
    expect(readFileSync(match![2]!, 'utf8')).toContain('spec: [unclosed');
    expect(proposals(dir)).toEqual([]);
  });

  it('an EDITOR with shell syntax is refused, and nothing of it runs', async () => {
    const dir = historyDir();
    const marker = join(dir, 'pwned');
    const notice = await editWith('noop', dir, 'frontend', {
      EDITOR: `${process.execPath} ${script} noop; touch ${marker}`,
    });
    expect(notice).toMatch(/^EDITOR=".*" needs a shell; give the editor and its arguments only/);
    expect(existsSync(marker)).toBe(false);
    // $(…) in a word is refused the same way.
    expect(await editWith('noop', dir, 'frontend', { VISUAL: `vi "$(touch ${marker})"` })).toMatch(
      /^VISUAL=.* needs a shell/,
    );
    expect(existsSync(marker)).toBe(false);
    expect(proposals(dir)).toEqual([]);
  });

  it('a Secret is not edited here, and an editor that does not exist says so', async () => {
    const dir = historyDir();
    const store = cockpit.store();
    const keys = objectActions(store, await cockpit.queueAs('alice', dir), {
      env: { EDITOR: 'no-such-editor-here' },
    });
    expect(await noticeOf(store, () => keys.edit(rowOf('secrets', 'todo-backend')))).toMatch(
      /^secrets are not edited in the cockpit/,
    );
    expect(await noticeOf(store, () => keys.edit(rowOf('deployments', 'frontend')))).toBe(
      'edit cancelled: the editor "no-such-editor-here" was not found',
    );
    expect(proposals(dir)).toEqual([]);
  });
});
