// The built cockpit in a tmux server of its own, driven by keys and read from the screen as a
// person would: shared by the daily-flow test and scripts/capture-screens.ts.
import { existsSync, mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';

export const root = join(import.meta.dirname, '..', '..');
export const cli = join(root, 'dist', 'cli.js');

export const hasTmux = await execa('tmux', ['-V']).then(
  () => true,
  () => false,
);

/** Builds dist/ when it is missing or older than any source file. */
export async function buildIfStale(): Promise<void> {
  const built = existsSync(cli) ? statSync(cli).mtimeMs : 0;
  const { stdout } = await execa('find', [
    join(root, 'src'),
    '-newermt',
    `@${Math.floor(built / 1000)}`,
    '-type',
    'f',
  ]);
  if (!built || stdout.trim()) await execa('npm', ['run', 'build', '--silent'], { cwd: root });
}

export interface TmuxCockpit {
  width: number;
  height: number;
  /** The scratch directory: history, the simulator's kubeconfig (its TMPDIR). */
  scratch: string;
  historyDir: string;
  screen(): Promise<string>;
  keys(...keys: string[]): Promise<void>;
  /** Types text literally (no key names). */
  type(text: string): Promise<void>;
  /** Polls the screen until `predicate` holds; throws with the last screen. */
  waitFor(predicate: (screen: string) => boolean, what: string, timeoutMs?: number): Promise<string>;
  /** The demo simulator's kubeconfig, written into the scratch TMPDIR. */
  kubeconfig(): string;
  close(): Promise<void>;
}

let sessions = 0;

/** Starts `aiops-tui --demo` at width×height; `env` adds NAME=value pairs, `args` cockpit flags. */
export async function startDemo(
  width: number,
  height: number,
  options: { env?: string[]; args?: string[]; speed?: number } = {},
): Promise<TmuxCockpit> {
  const socket = `aiops-flow-${process.pid}-${++sessions}`;
  const scratch = mkdtempSync(join(tmpdir(), 'aiops-flow-'));
  const historyDir = join(scratch, 'history');
  const tmux = (...args: string[]) => execa('tmux', ['-L', socket, ...args]);
  await execa('tmux', [
    ...['-L', socket, '-f', '/dev/null', 'new-session', '-d', '-s', 'cockpit'],
    ...['-x', String(width), '-y', String(height)],
    // Ink renders only the last frame when CI is set; the runner's CI must not reach it. The
    // simulator writes its kubeconfig under TMPDIR, where the CLI's approvals find it.
    ...['CI=false', `TMPDIR=${scratch}`, ...(options.env ?? [])].flatMap((pair) => ['-e', pair]),
    process.execPath,
    cli,
    '--demo',
    ...['--speed', String(options.speed ?? 20)],
    ...['--history-dir', historyDir],
    ...(options.args ?? []),
  ]);
  const screen = async () => (await tmux('capture-pane', '-p', '-t', 'cockpit')).stdout;
  return {
    width,
    height,
    scratch,
    historyDir,
    screen,
    keys: async (...keys) => void (await tmux('send-keys', '-t', 'cockpit', ...keys)),
    type: async (text) => void (await tmux('send-keys', '-t', 'cockpit', '-l', text)),
    async waitFor(predicate, what, timeoutMs = 30_000) {
      const started = Date.now();
      const deadline = started + timeoutMs;
      let last = '';
      while (Date.now() < deadline) {
        last = await screen().catch(() => last);
        if (predicate(last)) {
          if (process.env.FLOW_TRACE) console.log(`${((Date.now() - started) / 1000).toFixed(1)}s ${what}`);
          return last;
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      throw new Error(`at ${width}×${height} the screen never showed ${what}; last screen:\n${last}`);
    },
    kubeconfig() {
      const dir = readdirSync(scratch).find((name) => name.startsWith('aiops-sim-'));
      if (!dir) throw new Error(`no simulator kubeconfig under ${scratch}`);
      return join(scratch, dir, 'kubeconfig');
    },
    close: async () => void (await execa('tmux', ['-L', socket, 'kill-server'], { reject: false })),
  };
}

/** The screen's rows holding `mark`. */
export const rowsWith = (screen: string, mark: string | RegExp): string[] =>
  screen.split('\n').filter((line) => (typeof mark === 'string' ? line.includes(mark) : mark.test(line)));

/** The focused pane's title word (`▸ pods`, `▸ approvals` …), or undefined. */
export const focused = (screen: string): string | undefined => /▸ ([a-z]+)/.exec(screen)?.[1];
