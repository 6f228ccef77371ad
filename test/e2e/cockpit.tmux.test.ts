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

let sessions = 0;

/** Starts `aiops-tui --demo` in a fresh tmux server; `env` adds NAME=value pairs to its environment. */
async function startCockpit(
  width: number,
  height: number,
  env: string[] = [],
  args: string[] = [],
): Promise<void> {
  socket = `aiops-e2e-${process.pid}-${++sessions}`;
  statusFile = join(mkdtempSync(join(tmpdir(), 'aiops-e2e-')), 'status');
  await execa('tmux', [
    ...['-L', socket, '-f', '/dev/null', 'new-session', '-d', '-s', 'cockpit'],
    ...['-x', String(width), '-y', String(height)],
    // Ink renders only the last frame when CI is set; the test runner's CI must not reach it.
    ...['CI=false', ...env].flatMap((pair) => ['-e', pair]),
    ...[
      process.execPath,
      recorder,
      statusFile,
      process.execPath,
      cli,
      '--demo',
      '--speed',
      '20',
      '--history-dir',
      join(tmpdir(), `aiops-e2e-history-${process.pid}`),
      ...args,
    ],
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
  it('at 80×24: shows the todo pods, the crash loop, moves, help, filter, :ns, and q restores the terminal', async () => {
    await startCockpit(80, 24);
    const first = await waitForScreen(
      (s) => s.includes('frontend-') && s.includes('backend-') && s.includes('›'),
      'the todo pods',
    );
    expect(first.split('\n')[0]).toContain('all namespaces');
    expect(first).toContain('pods (4)');
    await waitForScreen((s) => s.includes('CrashLoopBackOff'), 'the backend crash loop', 30_000);
    for (const line of (await screen()).split('\n')) expect([...line].length).toBeLessThanOrEqual(80);

    // The first row is selected; j selects the second, and the metrics pane follows.
    const rowOf = (s: string, mark: string) => s.split('\n').find((l) => l.includes(mark)) ?? '';
    const podOf = (line: string) => /(\w+-\w+-\w+)/.exec(line)?.[1];
    const before = podOf(rowOf(await screen(), '›'));
    await tmux('send-keys', '-t', 'cockpit', 'j');
    // The metrics pane follows the selection, possibly a frame later: wait for both.
    const moved = await waitForScreen(
      (s) => podOf(rowOf(s, '›')) !== before && rowOf(s, '│ pod ').includes(podOf(rowOf(s, '›')) ?? '-'),
      'the selection moving down, the metrics pane following',
    );
    expect(podOf(rowOf(moved, '›'))).not.toBe(before);

    await tmux('send-keys', '-t', 'cockpit', '?');
    await waitForScreen((s) => s.includes('keys (esc or ? closes)'), 'the help overlay');
    await tmux('send-keys', '-t', 'cockpit', 'Escape');
    await waitForScreen((s) => !s.includes('keys (esc or ? closes)'), 'the help overlay closed');

    await tmux('send-keys', '-t', 'cockpit', '/');
    await tmux('send-keys', '-t', 'cockpit', 'frontend', 'Enter');
    // The selection moves onto the visible row one frame after the filter applies: wait for the
    // settled screen, where no backend pod is left (the metrics pane follows the selection).
    const filtered = await waitForScreen(
      (s) => s.includes('(1 of 4)') && !/backend-\w+-\w+ /.test(s),
      'the filtered list with no backend pod left on screen',
    );
    expect(filtered).toMatch(/pod todo\/frontend-/);
    await tmux('send-keys', '-t', 'cockpit', 'Escape');
    await waitForScreen((s) => s.includes('pods (4)'), 'the filter cleared');

    await tmux('send-keys', '-t', 'cockpit', ':ns todo', 'Enter');
    await waitForScreen(
      (s) => s.split('\n')[0]!.includes('ns todo') && s.includes('pods (4)'),
      'namespace todo',
    );

    await tmux('send-keys', '-t', 'cockpit', 'q');
    expect(await exitStatus()).toEqual({ exit: 'exit 0', alternate: '0' });
  }, 60_000);

  it('SIGTERM restores the terminal and exits 143', async () => {
    await startCockpit(80, 24);
    await waitForScreen((s) => s.includes('frontend-'), 'the todo pods');
    expect((await tmux('display-message', '-p', '-t', 'cockpit', '#{alternate_on}')).stdout).toBe('1');
    // The pane runs the exit recorder; the cockpit is its only child.
    const recorderPid = (await tmux('display-message', '-p', '-t', 'cockpit', '#{pane_pid}')).stdout.trim();
    const cockpitPid = (await execa('pgrep', ['-P', recorderPid])).stdout.trim();
    process.kill(Number(cockpitPid), 'SIGTERM');
    expect(await exitStatus()).toEqual({ exit: 'exit 143', alternate: '0' });
  }, 60_000);

  it('NO_COLOR and --no-color turn colour off, even against FORCE_COLOR; the selection still shows', async () => {
    // SGR foreground colours (30–37, 90–97, 38;…) in the captured screen.
    // eslint-disable-next-line no-control-regex
    const colours = /\x1b\[(?:[0-9;]*;)?(?:3[0-8]|9[0-7])[;m]/;
    const coloured = async () => (await tmux('capture-pane', '-e', '-p', '-t', 'cockpit')).stdout;
    await startCockpit(80, 24, ['FORCE_COLOR=1']);
    await waitForScreen((s) => s.includes('frontend-'), 'the todo pods');
    expect(await coloured()).toMatch(colours);
    const runs: [env: string[], args: string[]][] = [
      [['FORCE_COLOR=1', 'NO_COLOR=1'], []],
      [['FORCE_COLOR=1'], ['--no-color']],
    ];
    for (const [env, args] of runs) {
      await tmux('kill-server');
      await startCockpit(80, 24, env, args);
      await waitForScreen((s) => s.includes('frontend-') && s.includes('›'), 'the todo pods, one selected');
      expect(await coloured(), `${env.join(' ')} ${args.join(' ')}`).not.toMatch(colours);
    }
  }, 60_000);

  it('at 200×60: lays the side column beside the pods and shows usage against requests', async () => {
    await startCockpit(200, 60);
    const frame = await waitForScreen(
      (s) => /%CPU\/R/.test(s) && /\d+%/.test(s) && s.includes('approvals'),
      'the wide layout with usage',
    );
    expect(frame).toMatch(/NODE/);
    // The demo's crash loop reaches the findings pane by itself.
    await waitForScreen((s) => /✖ backend is crash-looping/.test(s), 'the crash-loop finding', 30_000);
    await tmux('send-keys', '-t', 'cockpit', 'C-c');
    expect((await exitStatus()).exit).toBe('exit 0');
  }, 60_000);
  /** Types a question into the chat pane (focused with tab) and waits for the answer to settle. */
  async function ask(question: string, panesToChat = 2): Promise<string> {
    for (let i = 0; i < panesToChat; i++) await tmux('send-keys', '-t', 'cockpit', 'Tab');
    await waitForScreen((s) => s.includes('▸ chat'), 'the chat focused');
    await tmux('send-keys', '-t', 'cockpit', '-l', question);
    await waitForScreen((s) => s.includes(`› ${question}█`), `"${question}" typed`);
    await tmux('send-keys', '-t', 'cockpit', 'Enter');
    // Asked (the input is empty again) and answered (not still running).
    return waitForScreen(
      (s) => !s.includes(`${question}█`) && /› █/.test(s) && !s.includes('… answering'),
      `the answer to "${question}"`,
    );
  }

  const freshHistory = () => ['--history-dir', mkdtempSync(join(tmpdir(), 'aiops-e2e-phr-'))];
  const frontendRows = (s: string) =>
    s.split('\n').filter((l) => /frontend-\w+-\w+ +1\/1 +Running/.test(l)).length;

  it('asks the offline assistant "check for pod failures": it names the crash-looping backend pod and why', async () => {
    await startCockpit(120, 40, [], ['--no-ai', ...freshHistory()]);
    const crashing = await waitForScreen(
      (s) => s.includes('CrashLoopBackOff'),
      'the backend crash loop',
      30_000,
    );
    const pod = /(backend-\w+-\w+) +0\/1 +CrashLoopBackOff/.exec(crashing)![1]!;
    expect((await screen()).split('\n')[0]).toContain('chat: offline assistant');
    let answer = await ask('check for pod failures');
    // The answer ends with the proposal; its head (pod and reason) may be a page up.
    for (let page = 0; page < 3 && !answer.includes('is crash-looping'); page++) {
      await tmux('send-keys', '-t', 'cockpit', 'PPage');
      answer = await waitForScreen((s) => s.includes('↑'), 'the chat scrolled up');
    }
    expect(answer).toMatch(/backend is crash-looping \(exit code \d+/);
    expect(answer.replace(/[│\s]+/g, '')).toContain(pod.replace(/\s/g, ''));
  }, 90_000);

  it('"scale frontend to 2" from the chat: a approves it, 2 frontend pods get ready; r rolls back to 1', async () => {
    await startCockpit(120, 40, [], ['--no-ai', ...freshHistory()]);
    await waitForScreen((s) => frontendRows(s) === 1, 'one ready frontend pod');
    const answer = await ask('scale frontend to 2');
    expect(answer).toMatch(/low · awaiting-approval/);
    await tmux('send-keys', '-t', 'cockpit', 'Tab', 'Tab');
    await waitForScreen(
      (s) => /▸ approvals \(1 waiting\)/.test(s),
      'the approvals pane with the recommendation',
    );
    await tmux('send-keys', '-t', 'cockpit', 'a');
    await waitForScreen((s) => frontendRows(s) === 2, 'two ready frontend pods');
    await tmux('send-keys', '-t', 'cockpit', 'r');
    await waitForScreen((s) => /roll back \S+ from its snapshot\?/.test(s), 'the rollback question');
    await tmux('send-keys', '-t', 'cockpit', 'y');
    const after = await waitForScreen((s) => /rolled back in \d+ ms/.test(s), 'the rollback confirmed');
    expect(after).toMatch(/rolled-back/);
    await waitForScreen(
      (s) => frontendRows(s) === 1 && !/frontend-\S+ .*Terminating/.test(s),
      'one frontend pod again',
      30_000,
    );
  }, 90_000);
});
