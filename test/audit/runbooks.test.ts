import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runbookMain } from '../../src/app/phr-cli.js';
import { openHistory } from '../../src/audit/history.js';
import { RUNBOOK_PATTERNS } from '../../src/audit/runbooks.js';
import { CliError } from '../../src/cli/errors.js';
import { makeTeam } from './identities.js';

const shipped = join(import.meta.dirname, '..', '..', 'runbooks');

describe('runbooks', () => {
  it.each(RUNBOOK_PATTERNS)(
    '%s ships with symptoms, diagnosis, remediation, recovery time and prevention',
    (pattern) => {
      const text = readFileSync(join(shipped, `${pattern}.md`), 'utf8');
      for (const heading of [
        '## Symptoms',
        '## Diagnosis',
        '## Remediation',
        '## Expected recovery time',
        '## Prevention',
      ])
        expect(text).toContain(heading);
      expect(text).toContain('<!-- aiops-tui:generated:start -->');
    },
  );

  it('generate fills the generated section from resolved PHRs and leaves the hand-written text alone', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-'));
    copyFileSync(join(shipped, 'crashloopbackoff.md'), join(dir, 'crashloopbackoff.md'));
    const original = readFileSync(join(dir, 'crashloopbackoff.md'), 'utf8');
    const team = makeTeam(['alice', 'bob']);
    const history = openHistory(dir, { signer: team.signer('alice'), allowedSigners: team.allowed });
    // Trivial: no approval needed, so it runs straight away (status auto).
    const rec = await history.create({
      title: 'backend crash loop',
      type: 'diagnosis',
      tier: 'trivial',
      source: 'built-in',
      runbook: 'crashloopbackoff',
      timestamps: { failure_started: '2026-11-20T10:00:00.000Z', detected: '2026-11-20T10:00:30.000Z' },
      operation: {
        kind: 'rollout-restart',
        target: { kind: 'Deployment', namespace: 'todo', name: 'backend' },
      },
      approval: { required: 0, expires: '2026-11-20T11:00:00.000Z' },
      recommendation: { summary: 'restart the backend' },
    });
    await history.append(rec.id, { kind: 'executing', at: '2026-11-20T10:00:59.000Z', by: 'alice' });
    await history.append(rec.id, {
      kind: 'executed',
      at: '2026-11-20T10:01:00.000Z',
      operation: 'restart',
      kubectl: 'kubectl rollout restart deployment/backend -n todo',
    });
    await history.append(rec.id, { kind: 'validated', at: '2026-11-20T10:03:00.000Z' });
    await history.create({
      title: 'unresolved one',
      type: 'diagnosis',
      source: 'built-in',
      runbook: 'crashloopbackoff',
    });
    let out = '';
    expect(
      await runbookMain(
        ['generate', 'crashloopbackoff', '--history-dir', dir, '--runbooks-dir', dir],
        (t) => void (out += t),
      ),
    ).toBe(0);
    const text = readFileSync(join(dir, 'crashloopbackoff.md'), 'utf8');
    expect(text).toContain('1 resolved incident, the last detected 2026-11-20T10:00:30.000Z.');
    expect(text).toContain('- Recovery time (MTTR): median 180 s, p95 180 s');
    expect(text).toContain('- `kubectl rollout restart deployment/backend -n todo` (1×)');
    expect(text.slice(0, text.indexOf('<!-- aiops-tui:generated:start -->'))).toBe(
      original.slice(0, original.indexOf('<!-- aiops-tui:generated:start -->')),
    );
    expect(out).toBe(`updated ${join(dir, 'crashloopbackoff.md')}\n`);
  });

  it('an unknown pattern is one line', async () => {
    await expect(runbookMain(['generate', 'meltdown'])).rejects.toThrow(CliError);
  });
});
