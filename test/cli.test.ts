// What a user sees when they get the command line wrong: one line on stderr, the right exit code.
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';

const cli = join(import.meta.dirname, '..', 'src', 'cli.tsx');
const run = (args: string[], options: { stdin?: 'ignore' | 'pipe' } = {}) =>
  execa(process.execPath, ['--import', 'tsx', cli, ...args], {
    reject: false,
    stdin: options.stdin ?? 'ignore',
    env: { CI: 'true' },
  });

describe('the command line', () => {
  it('the cockpit refuses a stdin that is not a terminal with one line and exit 2', async () => {
    const result = await run([]);
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

  it('--version prints the version', async () => {
    const result = await run(['--version']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/^aiops-tui \d+\.\d+\.\d+$/);
  });
  it('a policy file with a bad value is one line naming the file and line, exit 2, before anything starts', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'policy-')), 'policy.yaml');
    writeFileSync(file, 'tiers:\n  critical:\n    approvers: 1\n    window_minutes: 90\n');
    const result = await run(['--policy', file]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr.trim()).toBe(
      `aiops-tui: ${file}:3: tiers.critical.approvers must be at least 2 (two-person rule)`,
    );
  });

  it('the cockpit refuses a bad --ai-timeout and --no-ai with --kubectl-ai, one line each', async () => {
    const timeout = await run(['--ai-timeout', 'soon']);
    expect(timeout.exitCode).toBe(2);
    expect(timeout.stderr.trim()).toBe('aiops-tui: --ai-timeout must be a duration like 60s (got "soon")');
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
    const result = await run(['approve', '00042-nothing', '--history-dir', dir, '--kubeconfig', kubeconfig]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr.trim()).toBe('aiops-tui: record 00042-nothing does not exist');
  });
});
