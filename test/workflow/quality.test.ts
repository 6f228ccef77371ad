// Issue 17's "done when": rejected and approved recommendations give the actionable share per
// source in `report metrics --json`. Findings queued with the cockpit's key (their rule's
// confidence in the signed creation), approved and rejected through the real CLI (a second
// person's key) and the cockpit's reject action, then the figures read back from the trail.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scaleOp, setResourcesOp } from '../../src/workflow/proposed-operations.js';
import type { Finding } from '../../src/model/analysis.js';
import { reportMetricsMain } from '../../src/app/phr-cli.js';
import { openHistory } from '../../src/audit/history.js';
import type { QualityFigures } from '../../src/audit/quality.js';
import { CliError } from '../../src/cli/errors.js';
import { startSimulator, type RunningSim } from '../../src/sim/index.js';
import { createCockpitStore, initialState, type CockpitStore } from '../../src/state/store.js';
import { workflowActions } from '../../src/app/cockpit-actions.js';
import { workflowMain } from '../../src/app/queue-cli.js';
import type { Queue } from '../../src/workflow/queue.js';
import { createWorkflow } from '../../src/workflow/setup.js';
import { loadTrust } from '../../src/workflow/trust.js';
import { makeTeam, type Team } from '../audit/identities.js';
import { until } from '../sim/until.js';

let sim: RunningSim;
let kc: KubeConfig;
let policyPath: string;
let team: Team;

beforeAll(async () => {
  sim = await startSimulator({ scenario: 'todo', speed: 20 });
  kc = new KubeConfig();
  kc.loadFromFile(sim.kubeconfigPath);
  policyPath = join(mkdtempSync(join(tmpdir(), 'policy-')), 'policy.yaml');
  writeFileSync(policyPath, 'validation_window_seconds: 10\n');
  team = makeTeam(['alice', 'bob']);
});
afterAll(() => sim.close());

const todo = (kind: string, name: string) => ({ kind, namespace: 'todo', name });

function finding(
  analyzer: string,
  problem: string,
  name: string,
  recommendation: Finding['recommendation'],
): Finding {
  const now = Date.now();
  return {
    id: `${analyzer}:Deployment/todo/${name}:${problem}`,
    severity: 'warning',
    analyzer,
    source: 'built-in',
    resource: todo('Deployment', name),
    title: `${analyzer} on ${name}`,
    detail: ['evidence'],
    affected: [],
    recommendation,
    firstSeen: now,
    lastSeen: now,
    count: 1,
  };
}

const FINDINGS = [
  finding('scaling', 'scale', 'frontend', scaleOp(todo('Deployment', 'frontend'), 3)),
  finding('scaling', 'scale', 'backend', scaleOp(todo('Deployment', 'backend'), 3)),
  finding(
    'right-sizing',
    'resources:frontend',
    'frontend',
    setResourcesOp(todo('Deployment', 'frontend'), 'frontend', { cpu: '50m', memory: '64Mi' }, {}),
  ),
];

async function cockpit(historyDir: string): Promise<{ store: CockpitStore; queue: Queue }> {
  const trust = await loadTrust({
    policyPath,
    signingKey: team.keyPath('alice'),
    allowedSignersPath: team.allowedSignersPath,
  });
  const queue = createWorkflow({
    kubeConfig: kc,
    historyDir,
    policy: trust.policy,
    signer: trust.signer,
    allowedSigners: trust.allowed,
    gitCommit: false,
  });
  const store = createCockpitStore(initialState({ context: 'sim', server: sim.url, namespace: 'todo' }));
  store.setState({ findings: FINDINGS });
  return { store, queue };
}

/** The real CLI in this process: exit code, stdout, and the one-line error of a refusal. */
async function cli(verb: string, args: string[]): Promise<{ code: number; out: string }> {
  let out = '';
  try {
    return { code: await workflowMain(verb, args, (t) => void (out += t)), out };
  } catch (error) {
    if (error instanceof CliError) return { code: error.exitCode, out: error.message };
    throw error;
  }
}

describe('recommendation quality in report metrics', () => {
  it('gives the acted-upon share per source and confidence, with rejection reasons, from the trail', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'quality-'));
    const { store, queue } = await cockpit(dir);
    const actions = workflowActions(store, queue);
    const ids: string[] = [];
    for (const f of FINDINGS) {
      actions.proposeFinding(f.id);
      const notice = await until(
        async () => store.getState().ui.notice ?? '',
        (n) => /^queued \d{5}/.test(n) && !ids.some((id) => n.startsWith(`queued ${id}`)),
      );
      ids.push(/^queued (\S+)/.exec(notice)![1]!);
    }
    const [frontend, backend, resources] = ids as [string, string, string];
    const record = readFileSync(join(dir, 'prompts', `${frontend}.md`), 'utf8');
    expect(record).toMatch(/^confidence: "medium"$/m);
    expect(record).toMatch(/^rule: "scaling\/scale"$/m);
    expect(record).toContain('Confidence: **medium** (scaling/scale): Sustained (median) CPU utilization');

    const flags = (name: string) => [
      '--history-dir',
      dir,
      '--policy',
      policyPath,
      '--kubeconfig',
      sim.kubeconfigPath,
      '--no-git-commit',
      ...team.flags(name),
    ];
    // bob approves one through the CLI: it executes and validates before the command returns.
    expect((await cli('approve', [frontend, ...flags('bob')])).code).toBe(0);
    // An unknown reason is one line, exit 2, and nothing is written.
    expect(await cli('reject', [backend, '--reason', 'meh', ...flags('bob')])).toEqual({
      code: 2,
      out: 'unknown reason "meh": one of wrong-diagnosis, wrong-fix, not-now, duplicate',
    });
    expect(
      await cli('queue', [
        'reject',
        backend,
        '--reason',
        'wrong-fix',
        '--text',
        'scale the db',
        ...flags('bob'),
      ]),
    ).toEqual({ code: 0, out: 'rejected\n' });
    // The cockpit's x: a reason and the typed text, as two fields.
    actions.reject(resources, 'not-now', 'after the release');
    await until(
      async () =>
        openHistory(dir)
          .list()
          .find((m) => m.id === resources)?.status,
      (s) => s === 'rejected',
    );
    const rejected = openHistory(dir).get(resources);
    expect(rejected.meta.rejection).toEqual({ reason: 'not-now', text: 'after the release' });
    expect(rejected.body).toContain('Rejected by **alice**: not now — after the release.');

    let json = '';
    expect(await reportMetricsMain(['--history-dir', dir, '--json'], (t) => void (json += t))).toBe(0);
    const quality = (JSON.parse(json) as { quality: QualityFigures }).quality;
    expect(quality.actionable_goal).toBe(0.8);
    expect(quality.by_source).toEqual({
      'right-sizing': {
        decided: 1,
        acted_upon: 0,
        rejected: 1,
        expired: 0,
        open: 0,
        actionable: 0,
        reasons: { 'not-now': 1 },
      },
      scaling: {
        decided: 2,
        acted_upon: 1,
        rejected: 1,
        expired: 0,
        open: 0,
        actionable: 0.5,
        reasons: { 'wrong-fix': 1 },
      },
    });
    expect(quality.by_confidence.medium).toMatchObject({ decided: 3, acted_upon: 1, actionable: 1 / 3 });
    expect(quality.rejection_reasons).toEqual({ 'wrong-fix': 1, 'not-now': 1 });
    let text = '';
    await reportMetricsMain(['--history-dir', dir], (t) => void (text += t));
    expect(text).toMatch(
      /^ {2}from scaling\s+50 % of 2 decided \(1 acted upon, 1 rejected: wrong-fix 1, 0 expired; 0 open\)$/m,
    );
    await queue.idle();
  });
});
