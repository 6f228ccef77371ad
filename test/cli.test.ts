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
});
