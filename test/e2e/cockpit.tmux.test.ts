// The real `aiops-tui --demo` in a real terminal (tmux): what a person sees, keys they press,
// and the terminal they get back. Skipped with a reason when tmux is not installed.
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const cli = join(root, 'dist', 'cli.js');
const recorder = join(import.meta.dirname, 'fixtures', 'record-exit.mjs');
const hasTmux = await execa('tmux', ['-V']).then(
  () => true,
  () => false,
);

let socket: string | undefined;
const tmux = (...args: string[]) => execa('tmux', ['-L', socket!, ...args]);

async function screen(): Promise<string> {
  return (await tmux('capture-pane', '-p', '-t', 'cockpit')).stdout;
}

/** Polls the screen until `predicate` holds; the cockpit is a live program, not a script. */
async function waitForScreen(
  predicate: (text: string) => boolean,
  what: string,
  timeoutMs = 20_000,
): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    last = await screen();
    if (predicate(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`screen never showed ${what}; last screen:\n${last}`);
}

let statusFile = '';

async function startCockpit(width: number, height: number): Promise<void> {
  socket = `aiops-e2e-${process.pid}-${width}`;
  statusFile = join(mkdtempSync(join(tmpdir(), 'aiops-e2e-')), 'status');
  await execa('tmux', [
    ...[
      '-L',
      socket,
      '-f',
      '/dev/null',
      'new-session',
      '-d',
      '-s',
      'cockpit',
      '-x',
      String(width),
      '-y',
      String(height),
      '-e',
      'CI=false',
    ],
    ...[process.execPath, recorder, statusFile, process.execPath, cli, '--demo', '--speed', '20'],
  ]);
}

/** The cockpit's exit ("exit 0", "signal SIGTERM") and whether the terminal left the alternate screen. */
async function exitStatus(): Promise<{ exit: string; alternate: string }> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (existsSync(statusFile)) {
      const alternate = (
        await tmux('display-message', '-p', '-t', 'cockpit', '#{alternate_on}').catch(() => ({ stdout: '0' }))
      ).stdout;
      return { exit: readFileSync(statusFile, 'utf8'), alternate: alternate || '0' };
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the cockpit did not exit; screen:\n${await screen()}`);
}

beforeAll(async () => {
  // The e2e test runs the built CLI: build when dist is missing or older than the sources.
  const built = existsSync(cli) ? statSync(cli).mtimeMs : 0;
  const { stdout } = await execa('find', [
    join(root, 'src'),
    '-newermt',
    `@${Math.floor(built / 1000)}`,
    '-type',
    'f',
  ]);
  if (!built || stdout.trim()) await execa('npm', ['run', 'build', '--silent'], { cwd: root });
}, 120_000);

afterEach(async () => {
  if (socket) await execa('tmux', ['-L', socket, 'kill-server'], { reject: false });
  socket = undefined;
});

describe.skipIf(!hasTmux)('aiops-tui --demo in a terminal', () => {
  it('at 80×24: shows the todo pods, the crash loop, help, filter, and quits restoring the terminal', async () => {
    await startCockpit(80, 24);
    const first = await waitForScreen(
      (s) => s.includes('frontend-') && s.includes('backend-'),
      'the todo pods',
    );
    expect(first).toContain('ns all');
    await waitForScreen((s) => s.includes('CrashLoopBackOff'), 'the backend crash loop', 30_000);
    for (const line of (await screen()).split('\n')) expect([...line].length).toBeLessThanOrEqual(80);

    await tmux('send-keys', '-t', 'cockpit', '?');
    await waitForScreen((s) => s.includes('keys (esc or ? closes)'), 'the help overlay');
    await tmux('send-keys', '-t', 'cockpit', 'Escape');
    await waitForScreen((s) => !s.includes('keys (esc or ? closes)'), 'the help overlay closed');

    await tmux('send-keys', '-t', 'cockpit', '/');
    await tmux('send-keys', '-t', 'cockpit', 'frontend', 'Enter');
    const filtered = await waitForScreen((s) => s.includes('(1 of 3)'), 'the filtered list');
    expect(filtered).not.toMatch(/backend-\w+-\w+ /);

    await tmux('send-keys', '-t', 'cockpit', 'q');
    expect(await exitStatus()).toEqual({ exit: 'exit 0', alternate: '0' });
  }, 60_000);

  it('at 200×60: lays the side column beside the pods and shows usage against requests', async () => {
    await startCockpit(200, 60);
    const frame = await waitForScreen(
      (s) => /%CPU\/R/.test(s) && /\d+%/.test(s) && s.includes('approvals'),
      'the wide layout with usage',
    );
    expect(frame).toMatch(/NODE/);
    await tmux('send-keys', '-t', 'cockpit', 'C-c');
    expect((await exitStatus()).exit).toBe('exit 0');
  }, 60_000);
});
