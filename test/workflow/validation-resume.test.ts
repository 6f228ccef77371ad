// A validation outlives the queue that started it. One queue executes a change and stops without
// finishing (its process is gone: a pid that has exited); the next queue to open resumes the
// window from the start the trail recorded and ends it at start + window, not a window after it
// resumed. A window that closed while nobody watched is judged on what the server shows now.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig, VersionApi, type V1Deployment } from '@kubernetes/client-node';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCommand } from '../../src/workflow/command-parser.js';
import type { ValidationStart } from '../../src/audit/types.js';
import { verifyTrail } from '../../src/audit/verify.js';
import { startSimulator, type RunningSim } from '../../src/sim/index.js';
import { ObjectClient } from '../../src/workflow/objects.js';
import type { Operation } from '../../src/model/operation.js';
import type { Queue } from '../../src/workflow/queue.js';
import { createWorkflow } from '../../src/workflow/setup.js';
import { loadTrust } from '../../src/workflow/trust.js';
import { makeTeam, type Team } from '../audit/identities.js';
import { until } from '../sim/until.js';

const WINDOW_S = 200; // simulated seconds: 10 s of real time at speed 20
let sim: RunningSim;
let kc: KubeConfig;
let team: Team;
let policyPath: string;
let deadPid: number;

beforeAll(async () => {
  sim = await startSimulator({ scenario: 'todo', speed: 20 });
  kc = new KubeConfig();
  kc.loadFromFile(sim.kubeconfigPath);
  team = makeTeam(['alice']);
  policyPath = join(mkdtempSync(join(tmpdir(), 'policy-')), 'policy.yaml');
  writeFileSync(
    policyPath,
    [
      'validation:',
      `  kinds: {scale: ${WINDOW_S}, patch: ${WINDOW_S}}`,
      'auto_rollback_tiers: [trivial, low, medium]',
      'rules:',
      '  - {kinds: [scale], tier: low, max_replica_delta: 2}',
      '  - {kinds: [patch], tier: medium}',
    ].join('\n'),
  );
  // The process that "crashed": a pid that has run and exited.
  const exited = execa(process.execPath, ['-e', '']);
  await exited;
  deadPid = exited.pid!;
});
afterAll(() => sim.close());

async function queue(dir: string, pid?: number): Promise<Queue> {
  const trust = await loadTrust({
    policyPath,
    signingKey: team.keyPath('alice'),
    allowedSignersPath: team.allowedSignersPath,
  });
  return createWorkflow({
    kubeConfig: kc,
    historyDir: dir,
    policy: trust.policy,
    signer: trust.signer,
    allowedSigners: trust.allowed,
    gitCommit: false,
    ...(pid === undefined ? {} : { process: { host: hostname(), pid } }),
  });
}

const op = (command: string): Operation => {
  const parsed = parseCommand(command);
  if (parsed.kind !== 'mutating') throw new Error(command);
  return parsed.operation;
};
const frontend = async () =>
  (await new ObjectClient(kc).read({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    namespace: 'todo',
    name: 'frontend',
  })) as V1Deployment;
const serverNow = async () =>
  Date.parse((await kc.makeApiClient(VersionApi).getCodeWithHttpInfo()).headers.date!);

/** Executes the change in a queue of a dead process and stops it mid-window; returns the window it opened. */
async function executeAndCrash(
  dir: string,
  command: string,
): Promise<{ id: string; opened: ValidationStart }> {
  const crashed = await queue(dir, deadPid);
  const meta = await crashed.propose({ operation: op(command), source: 'offline assistant', evidence: [] });
  const outcome = await crashed.approve(meta.id);
  expect(outcome, outcome.message).toMatchObject({ ok: true });
  expect(crashed.validating(), crashed.history.get(meta.id).body).toEqual([meta.id]);
  crashed.stop();
  await crashed.idle();
  const record = crashed.history.get(meta.id);
  expect(record.meta.status).toBe('executed');
  const executed = crashed.history.events(meta.id).find((e) => e.kind === 'executed')!;
  return { id: meta.id, opened: executed.data.validation as ValidationStart };
}

describe('a validation window whose process is gone', () => {
  it('is resumed by the next queue and ends at the recorded start + window, not restarted', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'resume-'));
    const { id, opened } = await executeAndCrash(
      dir,
      'kubectl scale deployment frontend --replicas=2 -n todo',
    );
    expect(opened).toMatchObject({
      window_seconds: WINDOW_S,
      workload: { namespace: 'todo', name: 'frontend' },
    });
    const started = Date.parse(opened.started);
    // Most of the window passes with nobody watching.
    await until(serverNow, (now) => now >= started + 0.6 * WINDOW_S * 1000, 30_000);

    const next = await queue(dir);
    expect(await next.reconcile()).toEqual([id]);
    expect(next.validating()).toEqual([id]);
    // A third queue opening meanwhile finds a live owner: one validation, not two.
    const third = await queue(dir);
    expect(await third.reconcile()).toEqual([]);
    expect(third.validating()).toEqual([]);
    await next.idle();

    const record = next.history.get(id);
    expect(record.meta.status).toBe('validated');
    expect(record.body).toMatch(/Validation resumed by \*\*alice\*\* \(\S+ pid \d+\): the window opened at /);
    const window = /stable from (\S+) to (\S+), server clock\)/.exec(record.body);
    expect(window, record.body).not.toBeNull();
    const [from, to] = [Date.parse(window![1]!), Date.parse(window![2]!)];
    expect(from).toBe(started);
    // Ends one window after the recorded start (one look late at most), well before a restarted one would.
    expect(to - started).toBeGreaterThanOrEqual(WINDOW_S * 1000);
    expect(to - started).toBeLessThan(1.3 * WINDOW_S * 1000);
    expect((await frontend()).spec?.replicas).toBe(2);
    const report = await verifyTrail(join(dir, 'prompts'));
    expect(report.problems).toEqual([]);
  }, 60_000);

  it('closed while nobody watched: judged on the pods the server shows now, failed and rolled back', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'resume-'));
    // New pods that run for a minute, then crash: after the first queue is gone.
    const { id, opened } = await executeAndCrash(
      dir,
      `kubectl patch deployment frontend -n todo -p '{"spec":{"template":{"metadata":{"annotations":{"sim.aiops.dev/crash-after":"60s"}}}}}'`,
    );
    const started = Date.parse(opened.started);
    await until(serverNow, (now) => now >= started + (WINDOW_S + 20) * 1000, 30_000);
    expect((await frontend()).spec?.template?.metadata?.annotations?.['sim.aiops.dev/crash-after']).toBe(
      '60s',
    );

    const next = await queue(dir);
    expect(await next.reconcile()).toEqual([id]);
    await next.idle();
    const record = next.history.get(id);
    expect(record.meta.status).toBe('rolled-back');
    expect(record.body).toMatch(/Failed: validation failed: frontend-\S+ (restarted|CrashLoopBackOff)/);
    expect(record.body).toMatch(/Rollback requested by \*\*policy \(automatic\)\*\*/);
    // The rollback is read back from the server: the template without the crashing annotation.
    expect(
      (await frontend()).spec?.template?.metadata?.annotations?.['sim.aiops.dev/crash-after'],
    ).toBeUndefined();
    const report = await verifyTrail(join(dir, 'prompts'));
    expect(report.problems).toEqual([]);
  }, 60_000);
});
