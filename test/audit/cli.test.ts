import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { phrMain } from '../../src/audit/cli.js';
import { openHistory } from '../../src/audit/history.js';
import { CliError } from '../../src/cli-errors.js';

async function run(args: string[]): Promise<{ code: number; out: string }> {
  let out = '';
  const code = await phrMain(args, (t) => void (out += t));
  return { code, out };
}

describe('aiops-tui phr', () => {
  it('lists, shows and verifies; a tampered record makes verify exit 1 naming it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'phr-cli-'));
    const history = openHistory(dir);
    const rec = await history.create({
      title: 'Scale frontend',
      type: 'scaling',
      tier: 'low',
      source: 'test',
      target: 'deployment/todo/frontend',
    });
    await history.append(rec.id, { kind: 'recommended', summary: 'scale to 2' });
    const list = await run(['list', '--history-dir', dir]);
    expect(list.out).toMatch(
      /^ID\s+TYPE\s+TIER\s+STATUS\s+TARGET\n00001-scale-frontend\s+scaling\s+low\s+awaiting-approval\s+deployment\/todo\/frontend\n$/,
    );
    expect((await run(['show', rec.id, '--history-dir', dir])).out).toContain('## ');
    expect(await run(['verify', '--history-dir', dir])).toEqual({
      code: 0,
      out: 'ok: 1 records, chain intact\n',
    });
    const file = join(
      history.dir,
      readdirSync(history.dir).find((f) => f.endsWith('.md'))!,
    );
    writeFileSync(file, readFileSync(file, 'utf8').replace('scale to 2', 'scale to 20'));
    expect(await run(['verify', '--history-dir', dir])).toEqual({
      code: 1,
      out: `broken: ${rec.id}: content does not match its hash\n`,
    });
  });

  it('bad usage is one line', async () => {
    await expect(run(['frobnicate'])).rejects.toThrow(
      new CliError(
        'unknown phr command "frobnicate" (usage: aiops-tui phr list|show ID|verify [--history-dir DIR] [--json])',
      ),
    );
    await expect(
      run(['show', '00042-missing', '--history-dir', mkdtempSync(join(tmpdir(), 'phr-cli-'))]),
    ).rejects.toThrow('record 00042-missing does not exist');
  });
});
