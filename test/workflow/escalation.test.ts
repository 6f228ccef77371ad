// Escalation end to end, against the simulator and a loopback webhook receiver, with a policy
// whose windows are seconds long: a low recommendation left alone escalates at half its window
// (the receiver checks the HMAC), then expires with a final escalation; a 500 is retried; a
// receiver that hangs times out into a `notification-failed` event; two queues and a restart
// never send a threshold twice; `phr verify` passes on these trails and fails on a hand edit.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { execa } from 'execa';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseCommand } from '../../src/workflow/command-parser.js';
import { openHistory } from '../../src/audit/history.js';
import { armor } from '../../src/audit/sshsig.js';
import { verifyTrail } from '../../src/audit/verify.js';
import { startSimulator, type RunningSim } from '../../src/sim/index.js';
import type { Operation } from '../../src/model/operation.js';
import type { Queue } from '../../src/workflow/queue.js';
import { createWorkflow } from '../../src/workflow/setup.js';
import { loadTrust } from '../../src/workflow/trust.js';
import { makeTeam, type Team } from '../audit/identities.js';
import { until } from '../sim/until.js';
import { signatureValid, startReceiver, type Receiver } from './webhook-receiver.js';

const KEY_ENV = 'AIOPS_TEST_HOOK_KEY';
const KEY = 'shared-secret-of-the-ops-channel';
const cli = join(import.meta.dirname, '..', '..', 'src', 'cli.tsx');
let sim: RunningSim;
let kc: KubeConfig;
let team: Team;
const receivers: Receiver[] = [];
const queues: Queue[] = [];

beforeAll(async () => {
  sim = await startSimulator({ scenario: 'todo', speed: 20 });
  kc = new KubeConfig();
  kc.loadFromFile(sim.kubeconfigPath);
  team = makeTeam();
  process.env[KEY_ENV] = KEY;
});
afterAll(() => sim.close());
afterEach(async () => {
  for (const q of queues.splice(0)) q.stop();
  for (const r of receivers.splice(0)) await r.close();
});

/** A co-signed policy: low windows of 4 s, escalation at half, a webhook at `url`. */
async function policyFor(url: string, hook: string): Promise<string> {
  const file = join(mkdtempSync(join(tmpdir(), 'esc-policy-')), 'policy.yaml');
  const text = [
    'tiers:',
    '  low: {approvers: 1, window_minutes: 0.0667}',
    'escalation:',
    '  at_window_share: 0.5',
    '  terminal: false',
    '  webhooks:',
    `    - {name: ops, url: "${url}", format: slack, secret_env: ${KEY_ENV}, ${hook}}`,
    '',
  ].join('\n');
  writeFileSync(file, text);
  writeFileSync(
    `${file}.sig`,
    armor(await team.signer('alice').sign(text)) + armor(await team.signer('bob').sign(text)),
  );
  return file;
}

async function workflow(dir: string, policyPath: string, person = 'alice'): Promise<Queue> {
  const trust = await loadTrust({
    policyPath,
    signingKey: team.keyPath(person),
    allowedSignersPath: team.allowedSignersPath,
  });
  const q = createWorkflow({
    kubeConfig: kc,
    historyDir: dir,
    policy: trust.policy,
    signer: trust.signer,
    allowedSigners: trust.allowed,
    gitCommit: false,
  });
  queues.push(q);
  return q;
}

async function setup(hook = 'timeout_ms: 300, retries: 2, backoff_ms: 20', fallback: number | 'hang' = 200) {
  const receiver = await startReceiver(fallback);
  receivers.push(receiver);
  const policyPath = await policyFor(receiver.url, hook);
  const dir = mkdtempSync(join(tmpdir(), 'esc-'));
  return { receiver, policyPath, dir, q: await workflow(dir, policyPath) };
}

const op = (command: string): Operation => {
  const parsed = parseCommand(command);
  if (parsed.kind !== 'mutating') throw new Error(command);
  return parsed.operation;
};
const scale = () => op('kubectl scale deployment frontend --replicas=2 -n todo');
const history = (dir: string) =>
  openHistory(dir, { signer: team.signer('alice'), allowedSigners: team.allowed });
const eventsOf = (dir: string, id: string) =>
  [
    ...readFileSync(join(dir, 'prompts', `${id}.md`), 'utf8').matchAll(/<!-- phr-event \S+ \S+ (.*) -->/g),
  ].map((m) => JSON.parse(m[1]!) as { kind: string; data: Record<string, unknown> });
/** What the queue does each second in the cockpit, until `done`. */
const refreshUntil = (qs: Queue[], done: () => boolean, timeoutMs = 15_000) =>
  until(async () => (await Promise.all(qs.map((q) => q.refresh())), done()), Boolean, timeoutMs);

describe('escalation to a webhook', () => {
  it('a low recommendation left alone escalates at half its window (HMAC verified), then expires with a final escalation', async () => {
    const { receiver, q, dir } = await setup();
    const meta = await q.propose({ operation: scale(), source: 'built-in', evidence: [] });
    expect(meta.tier).toBe('low');
    await refreshUntil([q], () => receiver.received.length >= 1);
    const first = receiver.received[0]!;
    expect(signatureValid(first.body, first.headers['x-aiops-signature-256'], KEY)).toBe(true);
    const text = (JSON.parse(first.body) as { text: string }).text;
    expect(text).toContain(
      `aiops-tui ${meta.id} (low): 50 % of the approval window passed with 0/1 approvals`,
    );
    // Half the window: delivered after created + 2 s and well before the close.
    expect(first.at).toBeGreaterThanOrEqual(Date.parse(meta.created) + 2000 - 5);
    await refreshUntil([q], () => receiver.received.length >= 2);
    await q.idle();
    const last = JSON.parse(receiver.received[1]!.body) as { text: string };
    expect(last.text).toContain('the approval window closed with 0/1 approvals: nothing was done');
    expect(
      signatureValid(receiver.received[1]!.body, receiver.received[1]!.headers['x-aiops-signature-256'], KEY),
    ).toBe(true);
    const record = history(dir).get(meta.id);
    expect(record.meta.status).toBe('expired');
    expect(record.meta.escalated).toEqual(['window-share:0.5', 'expired']);
    expect(eventsOf(dir, meta.id).map((e) => e.kind)).toEqual([
      'created',
      'escalated',
      'expired',
      'escalated',
    ]);
    expect(record.body).toMatch(
      /— escalated\n\nEscalated \(window-share:0\.5\): 50 % of the approval window passed .*\. Notified: ops\./,
    );
    // The trail names the webhook, never its URL or key.
    const file = readFileSync(join(dir, 'prompts', `${meta.id}.md`), 'utf8');
    expect(file).not.toContain(receiver.url);
    expect(file).not.toContain(KEY);
    // More refreshes send nothing more.
    await q.refresh();
    await q.idle();
    expect(receiver.received).toHaveLength(2);
    const report = await verifyTrail(join(dir, 'prompts'));
    expect(report.problems).toEqual([]);

    // A hand-edited escalation (who was told) breaks the record's hash: verify names it.
    writeFileSync(join(dir, 'prompts', `${meta.id}.md`), file.replace('Notified: ops.', 'Notified: nobody.'));
    const broken = await verifyTrail(join(dir, 'prompts'));
    expect(broken.problems.map((p) => p.record)).toContain(meta.id);
  });

  it('a receiver answering 500 then 200 is retried: one escalation, delivered, no failure recorded', async () => {
    const { receiver, q, dir } = await setup();
    receiver.script.push(500);
    const meta = await q.propose({ operation: scale(), source: 'built-in', evidence: [] });
    await refreshUntil([q], () => receiver.received.length >= 2);
    await q.idle();
    expect(receiver.received[0]!.body).toBe(receiver.received[1]!.body);
    const kinds = eventsOf(dir, meta.id).map((e) => e.kind);
    expect(kinds.filter((k) => k === 'escalated')).toHaveLength(1);
    expect(kinds).not.toContain('notification-failed');
    expect((await verifyTrail(join(dir, 'prompts'))).problems).toEqual([]);
  });

  it('a receiver that hangs times out: a notification-failed event is in the record', async () => {
    const { receiver, q, dir } = await setup('timeout_ms: 200, retries: 1, backoff_ms: 10', 'hang');
    const meta = await q.propose({ operation: scale(), source: 'built-in', evidence: [] });
    await refreshUntil([q], () => receiver.received.length >= 1);
    await q.idle();
    expect(receiver.received).toHaveLength(2);
    const failed = eventsOf(dir, meta.id).filter((e) => e.kind === 'notification-failed');
    expect(failed.map((e) => e.data)).toEqual([
      { threshold: 'window-share:0.5', channel: 'ops', attempts: 2, error: 'no answer within 200 ms' },
    ]);
    expect(history(dir).get(meta.id).body).toContain(
      'Notification of window-share:0.5 to ops failed after 2 attempts: no answer within 200 ms',
    );
    expect((await verifyTrail(join(dir, 'prompts'))).problems).toEqual([]);
  });

  it('two queues on one trail, then a restart and another process: each threshold is sent once', async () => {
    const { receiver, q, dir, policyPath } = await setup();
    const other = await workflow(dir, policyPath, 'bob');
    const meta = await q.propose({ operation: scale(), source: 'built-in', evidence: [] });
    await refreshUntil([q, other], () => receiver.received.length >= 1);
    await Promise.all([q.idle(), other.idle(), q.refresh(), other.refresh()]);
    expect(receiver.received).toHaveLength(1);
    // A restarted cockpit reads what was escalated from the trail.
    const restarted = await workflow(dir, policyPath);
    await restarted.refresh();
    await restarted.idle();
    expect(receiver.received).toHaveLength(1);
    // So does another process: `aiops-tui queue` on the same trail.
    const listed = await execa(
      process.execPath,
      [
        '--import',
        'tsx',
        cli,
        'queue',
        '--history-dir',
        dir,
        '--no-git-commit',
        '--kubeconfig',
        sim.kubeconfigPath,
        '--policy',
        policyPath,
        ...team.flags('carol'),
      ],
      { reject: false, stdin: 'ignore', env: { CI: 'true' } },
    );
    expect(listed.stderr).toBe('');
    expect(listed.stdout).toContain(meta.id);
    expect(receiver.received.filter((r) => r.body.includes('50 % of the approval window'))).toHaveLength(1);
    const escalated = eventsOf(dir, meta.id).filter((e) => e.kind === 'escalated');
    expect(new Set(escalated.map((e) => e.data.threshold)).size).toBe(escalated.length);
    expect((await verifyTrail(join(dir, 'prompts'))).problems).toEqual([]);
  });
});
