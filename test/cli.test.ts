// What a user sees when they get the command line wrong: one line on stderr, the right exit code.
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { phrMain, reportMetricsMain } from '../src/app/phr-cli.js';
import { commands } from '../src/app/commands.js';
import { COCKPIT } from '../src/app/cockpit-flags.js';
import { makeTeam } from './audit/identities.js';
import { startSimulator } from '../src/sim/index.js';

const cli = join(import.meta.dirname, '..', 'src', 'cli.tsx');
const run = (args: string[], options: { stdin?: 'ignore' | 'pipe' } = {}) =>
  execa(process.execPath, ['--import', 'tsx', cli, ...args], {
    reject: false,
    stdin: options.stdin ?? 'ignore',
    env: { CI: 'true' },
  });

// A person with a key: what each command needs before it looks at anything else.
const alice = makeTeam(['alice']).flags('alice');

describe('the command line', () => {
  it('the cockpit refuses a stdin that is not a terminal with one line and exit 2', async () => {
    const result = await run([...alice]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr.trim()).toBe(
      'aiops-tui: stdin is not a terminal (the cockpit needs one; for scripts use aiops-tui analyze)',
    );
  });

  it('an unknown flag is one line with the usage, exit 2', async () => {
    const result = await run(['--bogus']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain("Unknown option '--bogus'");
  });

  it('an unknown subcommand is one line, exit 2', async () => {
    const result = await run(['frobnicate']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr.trim()).toBe('aiops-tui: unknown command "frobnicate" (see aiops-tui --help)');
  });

  it('analyze against an unreachable server is one line naming it, exit 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-test-'));
    const kubeconfig = join(dir, 'config');
    writeFileSync(
      kubeconfig,
      'apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "http://127.0.0.1:1", insecure-skip-tls-verify: true}}]\nusers: [{name: u, user: {}}]\ncontexts: [{name: dead, context: {cluster: c, user: u}}]\ncurrent-context: dead\n',
    );
    const result = await run(['analyze', '--kubeconfig', kubeconfig]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain('127.0.0.1:1');
  });

  it('sim rejects a bad scenario with one line, exit 2', async () => {
    const result = await run(['sim', '--scenario', 'huge']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr.trim()).toBe(
      'aiops-tui: unknown scenario "huge" (expected todo, empty or large:N with 0 < N ≤ 100000)',
    );
  });

  it('a reader that stops early (| head) ends it quietly with 141, as SIGPIPE ends kubectl', async () => {
    const sim = await startSimulator({ scenario: 'large:400' });
    try {
      const child = execa(
        process.execPath,
        ['--import', 'tsx', cli, 'analyze', '--kubeconfig', sim.kubeconfigPath, '-A', '--json'],
        { reject: false, stdin: 'ignore', buffer: { stdout: false } },
      );
      // The first bytes arrived: the reader goes away, as head does after its lines.
      await new Promise<void>((resolve) => child.stdout!.once('data', () => resolve()));
      child.stdout!.destroy();
      const result = await child;
      expect(result.stderr).toBe('');
      expect(result.exitCode).toBe(141);
    } finally {
      await sim.close();
    }
  });

  it('--version prints the version', async () => {
    const result = await run(['--version']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/^aiops-tui \d+\.\d+\.\d+$/);
  });
  it('a policy file with a bad value is one line naming the file and line, exit 2, before anything starts', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'policy-')), 'policy.yaml');
    writeFileSync(file, 'tiers:\n  critical:\n    approvers: 1\n    window_minutes: 90\n');
    const result = await run(['--policy', file, ...alice]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr.trim()).toBe(
      `aiops-tui: ${file}:3: tiers.critical.approvers must be at least 2 (two-person rule)`,
    );
  });

  it('the cockpit refuses a bad --ai-timeout and --no-ai with --kubectl-ai, one line each', async () => {
    const timeout = await run(['--ai-timeout', 'soon']);
    expect(timeout.exitCode).toBe(2);
    expect(timeout.stderr.trim()).toBe(
      'aiops-tui: --ai-timeout must be a duration like 60s or 1m30s (got "soon")',
    );
    const both = await run(['--no-ai', '--kubectl-ai', '/usr/bin/kubectl-ai']);
    expect(both.stderr.trim()).toBe('aiops-tui: --no-ai and --kubectl-ai exclude each other');
  });

  it('approve of a record that does not exist is one line, exit 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'phr-'));
    const kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(
      kubeconfig,
      'apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "http://127.0.0.1:9"}}]\nusers: [{name: u, user: {}}]\ncontexts: [{name: x, context: {cluster: c, user: u}}]\ncurrent-context: x\n',
    );
    const result = await run([
      'approve',
      '00042-nothing',
      '--history-dir',
      dir,
      '--kubeconfig',
      kubeconfig,
      ...alice,
    ]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr.trim()).toBe('aiops-tui: record 00042-nothing does not exist');
  });
});

describe('identities and the history directory on the command line', () => {
  const runWith = (args: string[], env: Record<string, string>) =>
    execa(process.execPath, ['--import', 'tsx', cli, ...args], {
      reject: false,
      stdin: 'ignore',
      env: { CI: 'true', ...env },
    });

  it('a --history-dir that is a file is one line, exit 2, before anything starts', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'cli-test-')), 'not-a-dir');
    writeFileSync(file, 'x');
    for (const args of [
      ['--history-dir', file],
      ['queue', '--history-dir', file, ...alice],
    ]) {
      const result = await run(args);
      expect(result.exitCode).toBe(2);
      expect(result.stderr.trim()).toBe(`aiops-tui: --history-dir ${file} is not a directory`);
    }
    const under = await run(['--history-dir', join(file, 'sub')]);
    expect(under.exitCode).toBe(2);
    expect(under.stderr.trim()).toBe(
      `aiops-tui: --history-dir ${join(file, 'sub')} cannot be used (ENOTDIR)`,
    );
  });

  it('a first run without a key says in one line how to get one, exit 2', async () => {
    const config = mkdtempSync(join(tmpdir(), 'cli-xdg-'));
    const result = await runWith(['queue'], { XDG_CONFIG_HOME: config, HOME: config });
    expect(result.exitCode).toBe(2);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^aiops-tui: no allowed signers at \S+allowed_signers; no signing key: create one with `ssh-keygen -t ed25519/,
    );
  });

  it('a key that the allowed signers do not list, or a principal spelled with a hidden character, is one line, exit 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-keys-'));
    const { makeTeam } = await import('./audit/identities.js');
    const team = makeTeam(['alice'], [{ name: 'mallory', listed: false }]);
    const unlisted = await run([
      'queue',
      '--history-dir',
      dir,
      '--signing-key',
      team.keyPath('mallory'),
      '--allowed-signers',
      team.allowedSignersPath,
    ]);
    expect(unlisted.exitCode).toBe(2);
    expect(unlisted.stderr.trim()).toMatch(
      /^aiops-tui: the signing key SHA256:\S+ is not in \S+allowed_signers: add a line `NAME ssh-ed25519 AAAA\S+`$/,
    );
    const hidden = await run([
      'queue',
      '--history-dir',
      dir,
      ...team.flags('alice'),
      '--approver',
      'ali\u200bce',
    ]);
    expect(hidden.exitCode).toBe(2);
    expect(hidden.stderr.trim()).toBe(
      'aiops-tui: --approver "ali\u200bce" contains an invisible or control character',
    );
  });
});

describe('what a proposer cannot weaken, and what a broken record cannot block', () => {
  it('a policy that maps delete to trivial is refused in one line naming the file and the rule, exit 2', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'policy-')), 'policy.yaml');
    writeFileSync(file, 'rules:\n  - {kinds: [delete, generic], tier: trivial}\n');
    const result = await run([
      'propose',
      'kubectl delete deployment frontend -n todo',
      '--policy',
      file,
      ...alice,
    ]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr.trim()).toBe(
      `aiops-tui: ${file}:2: rules[0] puts delete at trivial, below its built-in floor critical; a weaker policy needs the signatures of two allowed signers (aiops-tui sign ${file})`,
    );
  });

  it('an unreadable record is named by file and never blocks new records', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'phr-broken-'));
    const team = makeTeam(['alice']);
    const { openHistory } = await import('../src/audit/history.js');
    const history = openHistory(dir, { signer: team.signer('alice'), allowedSigners: team.allowed });
    await history.create({ title: 'first', type: 'report', source: 'test' });
    writeFileSync(join(history.dir, '00003-broken.md'), '---\ntitle: [unclosed\n---\n');
    const next = await history.create({ title: 'after the broken one', type: 'report', source: 'test' });
    expect(next.id).toBe('00004-after-the-broken-one');
    expect(history.list().map((m) => m.id)).toEqual([
      '00001-allowed-signers',
      '00002-first',
      '00004-after-the-broken-one',
    ]);
    const verified = await run(['phr', 'verify', '--history-dir', dir, '--no-cluster']);
    expect(verified.exitCode).toBe(1);
    expect(verified.stdout).toContain('broken: 00003-broken: the record has no events');
  });
});

describe('a command line that explains itself', () => {
  const CLUSTER = ['--namespace', '-n', '--all-namespaces', '-A', '--kubeconfig', '--context'];
  const OUTPUT = ['--output', '-o', 'json|yaml', '--json'];
  const TRAIL = ['--history-dir', '--policy', '--no-git-commit'];
  const IDENTITY = ['--signing-key', '--allowed-signers', '--approver'];
  const WORKFLOW = ['--kubeconfig', '--context', ...TRAIL, ...IDENTITY];
  // Each command of src/cli.tsx's table, what follows `aiops-tui` in its usage, and its flags.
  const HELP: [argv: string[], usage: string, flags: string[]][] = [
    [['sim'], 'aiops-tui sim', ['--port', '--scenario', '--speed', '--kubeconfig-out']],
    [['analyze'], 'aiops-tui analyze', [...CLUSTER, ...OUTPUT, '--no-recent-logs']],
    [
      ['ask'],
      'aiops-tui ask QUESTION',
      [
        ...CLUSTER,
        ...OUTPUT,
        '--propose',
        ...TRAIL,
        ...IDENTITY,
        '--kubectl-ai',
        '--no-ai',
        '--llm-provider',
        '--model',
        '--ai-timeout',
      ],
    ],
    [['report'], 'aiops-tui report health|utilization|security', [...CLUSTER, '--history-dir', ...OUTPUT]],
    [['report', 'metrics'], 'aiops-tui report metrics', ['--history-dir', '--since', ...OUTPUT]],
    [
      ['phr'],
      'aiops-tui phr list',
      [
        '--history-dir',
        ...OUTPUT,
        '--kubeconfig',
        '--context',
        '--anchor-namespace',
        '--no-cluster',
        '--older-than',
        '--policy',
        '--no-git-commit',
        ...IDENTITY,
      ],
    ],
    [['runbook'], 'aiops-tui runbook generate PATTERN', ['--history-dir', '--runbooks-dir']],
    [['queue'], 'aiops-tui queue', WORKFLOW],
    [['propose'], "aiops-tui propose 'kubectl …'", WORKFLOW],
    [['approve'], 'aiops-tui approve ID', WORKFLOW],
    [['reject'], 'aiops-tui reject ID --reason REASON', [...WORKFLOW, '--reason', '--text']],
    [['rollback'], 'aiops-tui rollback ID', WORKFLOW],
    [['sign'], 'aiops-tui sign FILE', WORKFLOW],
  ];

  afterEach(() => void vi.restoreAllMocks());

  /** What a command prints to stdout, as the process would, and its exit code. */
  async function runCommand(argv: string[]): Promise<{ code: number; stdout: string }> {
    const [name = '', ...rest] = argv;
    const main = await commands[name]!.load();
    let stdout = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      stdout += String(chunk);
      return true;
    });
    try {
      return { code: await main(rest), stdout };
    } finally {
      vi.restoreAllMocks();
    }
  }

  it('the table covers every command aiops-tui dispatches', () => {
    expect(new Set(HELP.map(([argv]) => argv[0]))).toEqual(new Set(Object.keys(commands)));
  });

  it.each(
    HELP.flatMap(([argv, usage, flags]) =>
      ['--help', '-h'].map((h) => [[...argv, h], usage, flags] as const),
    ),
  )('%j exits 0 with its usage and every flag', async (argv, usage, flags) => {
    const { code, stdout } = await runCommand([...argv]);
    expect(code).toBe(0);
    expect(stdout).toContain(`Usage:\n  ${usage}`);
    for (const flag of [...flags, '--help', '-h'])
      expect(stdout).toMatch(new RegExp(`(^|[ ,|])${flag}\\b`, 'm'));
  });

  it('--help and --version work wherever they stand among the cockpit flags, and the help lists every cockpit flag', async () => {
    const [late, version, versionFirst, help] = await Promise.all([
      run(['--no-color', '--version']),
      run(['--version', '--no-color']),
      run(['-v']),
      run(['--no-color', '-n', 'todo', '--help']),
    ]);
    for (const r of [late, version, versionFirst]) {
      expect(r.exitCode).toBe(0);
      expect(r.stdout).toMatch(/^aiops-tui \d+\.\d+\.\d+$/);
    }
    expect(help.exitCode).toBe(0);
    for (const name of Object.keys(COCKPIT.options)) expect(help.stdout).toContain(`--${name}`);
    for (const name of Object.keys(commands)) expect(help.stdout).toMatch(new RegExp(`^  ${name} `, 'm'));
    expect(help.stdout).toContain('--kagent-url URL');
    expect(help.stdout).toContain('--metrics-interval DURATION');
  });

  it('with no kubeconfig anywhere, analyze says so in one line, exit 2 (no localhost:8080 guess)', async () => {
    const home = mkdtempSync(join(tmpdir(), 'cli-home-'));
    const result = await execa(process.execPath, ['--import', 'tsx', cli, 'analyze'], {
      reject: false,
      stdin: 'ignore',
      env: { CI: 'true', HOME: home, KUBECONFIG: '', KUBERNETES_SERVICE_HOST: '' },
    });
    expect(result.exitCode).toBe(2);
    expect(result.stderr.trim()).toBe(
      `aiops-tui: cannot load kubeconfig: no kubeconfig: KUBECONFIG is unset, ${join(home, '.kube', 'config')} does not exist and this is not a pod (pass --kubeconfig FILE or set KUBECONFIG)`,
    );
  });

  it('Go-style compound durations (1m30s) are accepted by the cockpit, and a bare number is one line', async () => {
    const [compound, bare] = await Promise.all([
      run(['--metrics-interval', '1m30s', '--ai-timeout', '1m30s', ...alice]),
      run(['--metrics-interval', '90']),
    ]);
    // Past every flag check: what stops it is the missing terminal.
    expect(compound.stderr.trim()).toBe(
      'aiops-tui: stdin is not a terminal (the cockpit needs one; for scripts use aiops-tui analyze)',
    );
    expect(bare.exitCode).toBe(2);
    expect(bare.stderr.trim()).toBe(
      'aiops-tui: --metrics-interval must be a duration of at least 1s like 60s or 1m30s (got "90")',
    );
  });

  it('-o yaml prints the same data as --json; -o wide is one line naming the formats', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-output-'));
    const team = makeTeam(['alice']);
    const { openHistory } = await import('../src/audit/history.js');
    const history = openHistory(dir, { signer: team.signer('alice'), allowedSigners: team.allowed });
    const rec = await history.create({ title: 'a report', type: 'report', source: 'test' });
    const print = async (main: typeof phrMain, argv: string[]) => {
      let out = '';
      expect(await main(argv, (t) => void (out += t))).toBe(0);
      return out;
    };
    for (const [main, argv] of [
      [phrMain, ['list', '--history-dir', dir]],
      [phrMain, ['show', rec.id, '--history-dir', dir]],
      [reportMetricsMain, ['--history-dir', dir, '--since', '1h30m']],
    ] as const) {
      const json: unknown = JSON.parse(await print(main, [...argv, '--json']));
      const yaml = await print(main, [...argv, '-o', 'yaml']);
      expect(yaml).not.toMatch(/^\s*[{[]/);
      expect(parseYaml(yaml)).toEqual(json);
      expect(JSON.parse(await print(main, [...argv, '-o', 'json']))).toEqual(json);
    }
    const wide = await run(['phr', 'list', '--history-dir', dir, '-o', 'wide']);
    expect(wide.exitCode).toBe(2);
    expect(wide.stderr.trim()).toBe('aiops-tui: -o takes json or yaml (got "wide")');
  });
});
