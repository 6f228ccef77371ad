// Emergency changes: the proposer's reason or a policy rule makes a change an emergency, which
// keeps its tier's approvers and gets the emergency window. The adversary's tests: marking a
// change an emergency never lowers its approvals, an unsigned policy cannot shorten the window
// below the floor, an emergency never lengthens a window, and a hand-edited claim is caught.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCommand } from '../../src/workflow/command-parser.js';
import { openHistory } from '../../src/audit/history.js';
import { armor } from '../../src/audit/sshsig.js';
import { verifyTrail } from '../../src/audit/verify.js';
import { startSimulator, type RunningSim } from '../../src/sim/index.js';
import { approvalWindowMs, emergencyOf, globMatches } from '../../src/workflow/emergency.js';
import { ObjectClient } from '../../src/workflow/objects.js';
import type { Operation } from '../../src/model/operation.js';
import { DEFAULT_POLICY, PolicyError, type Policy } from '../../src/workflow/policy.js';
import { parsePolicy } from '../../src/workflow/policy-file.js';
import { createWorkflow } from '../../src/workflow/setup.js';
import { loadTrust } from '../../src/workflow/trust.js';
import { workflowActions } from '../../src/app/cockpit-actions.js';
import { makeTeam, type Team } from '../audit/identities.js';
import { frameContaining, makePod, renderCockpit, storeWith } from '../ui/harness.js';

const op = (command: string): Operation => {
  const parsed = parseCommand(command);
  if (parsed.kind !== 'mutating') throw new Error(command);
  return parsed.operation;
};
const inNs = (ns: string) => ({
  kind: 'delete' as const,
  target: { kind: 'Deployment', namespace: ns, name: 'api' },
});
const rules = (emergency_rules: Policy['emergency_rules']) => ({ emergency_rules });

describe('emergencyOf', () => {
  it.each([
    [
      'the proposer’s reason',
      { operation: inNs('todo'), reason: 'checkout is down' },
      rules([]),
      { reason: 'checkout is down', by: 'proposer' },
    ],
    ['a blank reason is none', { operation: inNs('todo'), reason: '  ' }, rules([]), undefined],
    [
      'control bytes are stripped from the reason',
      { operation: inNs('todo'), reason: 'down\x1b]52;c;eA==\x07!' },
      rules([]),
      { reason: 'down!', by: 'proposer' },
    ],
    [
      'a critical finding in prod-eu matches severity critical, namespaces prod*',
      { operation: inNs('prod-eu'), severity: 'critical' },
      rules([{ severity: 'critical', namespaces: ['prod*'] }]),
      { reason: 'policy emergency_rules[0]: critical finding in namespace prod-eu', by: 'policy' },
    ],
    [
      'a warning in prod-eu does not',
      { operation: inNs('prod-eu'), severity: 'warning' },
      rules([{ severity: 'critical', namespaces: ['prod*'] }]),
      undefined,
    ],
    [
      'a critical finding in staging does not',
      { operation: inNs('staging'), severity: 'critical' },
      rules([{ severity: 'critical', namespaces: ['prod*'] }]),
      undefined,
    ],
    [
      'a cluster-scoped target does not match a namespace rule',
      { operation: { kind: 'drain' as const, target: { kind: 'Node', name: 'n1' } }, severity: 'critical' },
      rules([{ namespaces: ['*'] }]),
      undefined,
    ],
    [
      'a rule naming nothing matches nothing (not every change)',
      { operation: inNs('prod'), severity: 'critical' },
      rules([{}]),
      undefined,
    ],
    [
      'kinds narrow a rule',
      { operation: inNs('prod'), severity: 'critical' },
      rules([{ severity: 'critical', kinds: ['scale'] }]),
      undefined,
    ],
    [
      'the proposer’s reason wins over a rule',
      { operation: inNs('prod'), severity: 'critical', reason: 'pager says so' },
      rules([{ severity: 'critical' }]),
      { reason: 'pager says so', by: 'proposer' },
    ],
  ])('%s', (_name, input, policy, expected) => {
    expect(emergencyOf(input, policy)).toEqual(expected);
  });

  it.each([
    ['prod*', 'prod', true],
    ['prod*', 'prod-eu', true],
    ['prod*', 'preprod', false],
    ['prod.eu', 'prodxeu', false],
    ['*-prod', 'eu-prod', true],
  ])('glob %s against %s: %s', (glob, text, expected) => expect(globMatches(glob, text)).toBe(expected));
});

describe('approvalWindowMs', () => {
  const e = { reason: 'x', by: 'proposer' as const };
  it.each([
    ['routine: the tier’s window', 120 * 60_000, undefined, 5, 120 * 60_000],
    ['emergency: the emergency window', 120 * 60_000, e, 5, 5 * 60_000],
    ['an emergency never lengthens a window (low 5 min, emergency 30)', 5 * 60_000, e, 30, 5 * 60_000],
    ['a co-signed seconds-long emergency window', 60 * 60_000, e, 0.1, 6_000],
  ])('%s', (_name, tier, emergency, minutes, expected) => {
    expect(approvalWindowMs(tier, emergency, { emergency_window_minutes: minutes })).toBe(expected);
  });
});

describe('the policy’s emergency window', () => {
  it('defaults to 5 minutes with no rules', () => {
    expect(DEFAULT_POLICY.emergency_window_minutes).toBe(5);
    expect(parsePolicy('').emergency_rules).toEqual([]);
  });

  it('an unsigned policy cannot shorten it below the floor: one line naming file, line and rule', () => {
    expect(() => parsePolicy('hpa_max_replicas: 10\nemergency_window_minutes: 1\n', 'p.yaml')).toThrow(
      new PolicyError(
        'p.yaml:2: an emergency window of 1 min is below the built-in minimum 5 min; a weaker policy needs the signatures of two allowed signers (aiops-tui sign p.yaml)',
      ),
    );
  });

  it('two co-signers may shorten it; a longer one needs nobody', () => {
    expect(
      parsePolicy('emergency_window_minutes: 1\n', 'p.yaml', () => ['alice', 'bob']).emergency_window_minutes,
    ).toBe(1);
    expect(parsePolicy('emergency_window_minutes: 10\n').emergency_window_minutes).toBe(10);
  });

  it.each([
    ['a rule with an unknown field', 'emergency_rules: [{severity: critical, tier: trivial}]\n'],
    [
      'a webhook carrying its key in the file',
      'escalation: {webhooks: [{name: a, url: "http://x", format: slack, secret: k}]}\n',
    ],
    ['a webhook with neither url nor url_env', 'escalation: {webhooks: [{name: a, format: slack}]}\n'],
    ['a share of the window of 1', 'escalation: {at_window_share: 1}\n'],
  ])('refuses %s', (_name, text) => {
    expect(() => parsePolicy(text, 'p.yaml')).toThrow(/^p\.yaml:\d+: /);
  });
});

describe('emergency changes against the simulator', () => {
  let sim: RunningSim;
  let kc: KubeConfig;
  let team: Team;
  let policyPath: string;
  const cli = join(import.meta.dirname, '..', '..', 'src', 'cli.tsx');
  beforeAll(async () => {
    sim = await startSimulator({ scenario: 'todo', speed: 20 });
    kc = new KubeConfig();
    kc.loadFromFile(sim.kubeconfigPath);
    team = makeTeam();
    policyPath = join(mkdtempSync(join(tmpdir(), 'emergency-')), 'policy.yaml');
    // A 6-second emergency window, below the floor: co-signed by two allowed signers.
    const text =
      'emergency_window_minutes: 0.1\nemergency_rules:\n  - {severity: critical, namespaces: [prod*, todo]}\n';
    writeFileSync(policyPath, text);
    writeFileSync(
      `${policyPath}.sig`,
      armor(await team.signer('alice').sign(text)) + armor(await team.signer('bob').sign(text)),
    );
  });
  afterAll(() => sim.close());

  const workflow = async (
    dir: string,
    person: string,
    publish?: Parameters<typeof createWorkflow>[0]['publish'],
  ) => {
    const trust = await loadTrust({
      policyPath,
      signingKey: team.keyPath(person),
      allowedSignersPath: team.allowedSignersPath,
    });
    return createWorkflow({
      kubeConfig: kc,
      historyDir: dir,
      policy: trust.policy,
      signer: trust.signer,
      allowedSigners: trust.allowed,
      gitCommit: false,
      ...(publish ? { publish } : {}),
    });
  };
  const frontendExists = async () =>
    (await new ObjectClient(kc).read({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      namespace: 'todo',
      name: 'frontend',
    })) !== null;

  it('a critical finding’s fix is an emergency by policy: its window is the emergency window, its approvers still two; the pane and the PHR say so', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'emergency-'));
    const store = storeWith([makePod('todo', 'frontend-1')], 'todo');
    const q = await workflow(dir, 'alice', (recommendations) => store.setState({ recommendations }));
    const rendered = renderCockpit(
      store,
      { width: 120, height: 30 },
      { actions: { ...workflowActions(store, q) } },
    );
    try {
      const meta = await q.propose({
        operation: op('kubectl delete deployment frontend -n todo'),
        source: 'built-in',
        severity: 'critical',
        evidence: ['every frontend pod is crash-looping'],
      });
      expect(meta.tier).toBe('critical');
      expect(meta.required_approvers).toBe(2);
      // The window is set as the proposal is made, a few ms before the record is written.
      expect(Date.parse(meta.expires!) - Date.parse(meta.created)).toBeGreaterThan(5_000);
      expect(Date.parse(meta.expires!) - Date.parse(meta.created)).toBeLessThanOrEqual(6_000);
      expect(meta.emergency).toEqual({
        reason: 'policy emergency_rules[0]: critical finding in namespace todo',
        by: 'policy',
      });
      const file = readFileSync(join(dir, 'prompts', `${meta.id}.md`), 'utf8');
      expect(file).toContain(
        '\nemergency: {"by":"policy","reason":"policy emergency_rules[0]: critical finding in namespace todo"}\n',
      );
      expect(file).toContain(
        '**EMERGENCY** (by policy): policy emergency_rules[0]: critical finding in namespace todo',
      );
      expect(file).toContain('2 approvers within 0.1 min, an emergency');
      rendered.stdin.write('\t\t\t\t');
      expect(
        await frameContaining(rendered, /critical +EMERGENCY awaiting-approval 0\/2 · \ds left/),
      ).toBeTruthy();
      // Rushing it with the flag gains no approvals: one approver leaves it waiting, nothing deleted.
      const bob = await workflow(dir, 'bob');
      expect((await bob.approve(meta.id)).message).toBe(
        'approved by bob; needs 1 more approver (a different person)',
      );
      expect(await frontendExists()).toBe(true);
      expect((await verifyTrail(join(dir, 'prompts'))).problems).toEqual([]);
    } finally {
      rendered.unmount();
    }
  });

  it('propose --emergency REASON from the CLI: the proposer’s reason in the record and the queue; --emergency elsewhere is one line, exit 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'emergency-'));
    const run = (args: string[], person = 'alice') =>
      execa(
        process.execPath,
        [
          '--import',
          'tsx',
          cli,
          ...args,
          '--history-dir',
          dir,
          '--no-git-commit',
          '--kubeconfig',
          sim.kubeconfigPath,
          '--policy',
          policyPath,
          ...team.flags(person),
        ],
        { reject: false, stdin: 'ignore', env: { CI: 'true' } },
      );
    const proposed = await run([
      'propose',
      'kubectl scale deployment backend --replicas=3 -n todo',
      '--emergency',
      'checkout is down for every user',
    ]);
    expect(proposed.stderr).toBe('');
    expect(proposed.stdout).toMatch(/^\d{5}-\S+ low awaiting-approval EMERGENCY until \S+Z\n?$/);
    const [meta] = openHistory(dir)
      .list()
      .filter((m) => m.operation);
    expect(meta!.emergency).toEqual({ reason: 'checkout is down for every user', by: 'proposer' });
    expect(meta!.proposer).toBe('alice');
    // The tier's (low, 5 min) window is longer than the emergency's 6 s: the emergency's.
    expect(Date.parse(meta!.expires!) - Date.parse(meta!.created)).toBeGreaterThan(5_000);
    expect(Date.parse(meta!.expires!) - Date.parse(meta!.created)).toBeLessThanOrEqual(6_000);
    const misuse = await run(['approve', meta!.id, '--emergency', 'now'], 'bob');
    expect(misuse.exitCode).toBe(2);
    expect(misuse.stderr).toMatch(/^aiops-tui: --emergency applies to propose only \(usage: .*\)\n?$/);
    const blank = await run([
      'propose',
      'kubectl scale deployment backend --replicas=3 -n todo',
      '--emergency',
      ' ',
    ]);
    expect(blank.exitCode).toBe(2);
    expect(blank.stderr.trim()).toBe(
      'aiops-tui: --emergency needs a reason: --emergency "checkout is down for every user"',
    );
  });

  it('a hand-edited claim of emergency (front matter or creation event) is caught by the writer and by verify', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'emergency-'));
    const q = await workflow(dir, 'alice');
    const meta = await q.propose({
      operation: op('kubectl scale deployment frontend --replicas=2 -n todo'),
      source: 'built-in',
      evidence: [],
    });
    expect(meta.emergency).toBeUndefined();
    const path = join(dir, 'prompts', `${meta.id}.md`);
    const original = readFileSync(path, 'utf8');
    for (const edited of [
      original.replace('\nevents: ', '\nemergency: {"by":"proposer","reason":"rush"}\nevents: '),
      original.replace(
        '"required_approvers":1',
        '"emergency":{"by":"proposer","reason":"rush"},"required_approvers":1',
      ),
    ]) {
      expect(edited).not.toBe(original);
      writeFileSync(path, edited);
      expect(() => openHistory(dir).get(meta.id)).toThrow(/was changed outside aiops-tui/);
      expect((await verifyTrail(join(dir, 'prompts'))).problems.map((p) => p.record)).toContain(meta.id);
    }
  });
});
