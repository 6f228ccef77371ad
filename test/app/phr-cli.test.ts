import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { phrMain } from '../../src/app/phr-cli.js';
import { openHistory } from '../../src/audit/history.js';
import { CliError } from '../../src/cli/errors.js';
import { makeTeam } from '../audit/identities.js';

async function run(args: string[]): Promise<{ code: number; out: string }> {
  let out = '';
  const code = await phrMain(args, (t) => void (out += t));
  return { code, out };
}

const NO_GIT =
  'not checked: git HEAD: the history directory is not in a git repository; truncation was not checked there\n';

describe('aiops-tui phr', () => {
  it('lists, shows and verifies; a tampered record makes verify exit 1 naming it', async () => {
    const team = makeTeam(['alice', 'bob']);
    const dir = mkdtempSync(join(tmpdir(), 'phr-cli-'));
    const history = openHistory(dir, { signer: team.signer('alice'), allowedSigners: team.allowed });
    const rec = await history.create({
      title: 'Scale frontend',
      type: 'scaling',
      tier: 'low',
      source: 'test',
      target: 'deployment/todo/frontend',
      operation: {
        kind: 'scale',
        target: { kind: 'Deployment', namespace: 'todo', name: 'frontend' },
        replicas: 2,
      },
      approval: { required: 1, expires: new Date(Date.now() + 3600_000).toISOString() },
      recommendation: { summary: 'scale to 2' },
    });
    const list = await run(['list', '--history-dir', dir]);
    expect(list.out).toMatch(
      /^ID\s+TYPE\s+TIER\s+STATUS\s+TARGET\n00001-allowed-signers\s+trust\s+-\s+pinned\s+-\n00002-scale-frontend\s+scaling\s+low\s+awaiting-approval\s+deployment\/todo\/frontend\n$/,
    );
    const shown = (await run(['show', rec.id, '--history-dir', dir])).out;
    expect(shown).toContain('# Scale frontend');
    expect(shown).toContain('scale to 2');
    expect(shown).not.toContain('phr-event');
    expect(await run(['verify', '--history-dir', dir, '--no-cluster'])).toEqual({
      code: 0,
      out: `ok: 2 records, 2 events: hashes, chain, signatures and transitions verified\n${NO_GIT}`,
    });
    const file = join(history.dir, `${rec.id}.md`);
    writeFileSync(file, readFileSync(file, 'utf8').replace('scale to 2', 'scale to 20'));
    expect(await run(['verify', '--history-dir', dir, '--no-cluster'])).toEqual({
      code: 1,
      out: `broken: ${rec.id}: event 1 (created) does not match its hash (edited)\n${NO_GIT}`,
    });
    await expect(run(['show', rec.id, '--history-dir', dir])).rejects.toThrow(
      `record ${rec.id} was changed outside aiops-tui (event 1 does not match its hash); not using it`,
    );
  });

  it('bad usage is one line', async () => {
    await expect(run(['frobnicate'])).rejects.toThrow(
      new CliError(
        'unknown phr command "frobnicate" (usage: aiops-tui phr list | phr show ID | phr verify | phr archive [--history-dir DIR] [-o|--output json|yaml] [--json] [--kubeconfig FILE] [--context NAME] [--anchor-namespace NS] [--no-cluster] [--older-than DURATION] [--policy FILE] [--no-git-commit] [--signing-key FILE] [--allowed-signers FILE] [--approver PRINCIPAL])',
      ),
    );
    await expect(
      run(['show', '00042-missing', '--history-dir', mkdtempSync(join(tmpdir(), 'phr-cli-'))]),
    ).rejects.toThrow('record 00042-missing does not exist');
  });
});
