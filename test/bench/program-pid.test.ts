// The benches read RSS and CPU of the program a tmux pane runs: below a shell or env wrapper, the
// program's own process, never the wrapper's (whose figures would be a few hundred kB and 0 %).
import { spawn, type ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { processName, programPid } from '../../bench/harness.js';

const started: ChildProcess[] = [];
afterEach(() => {
  for (const child of started.splice(0)) child.kill('SIGKILL');
});
function start(argv: string[]): number {
  const child = spawn(argv[0]!, argv.slice(1), { stdio: 'ignore' });
  started.push(child);
  return child.pid!;
}
/** programPid(pid) once it names `name` (a wrapper's child appears a moment after it), within 10 s. */
async function settled(pid: number, name: string): Promise<number> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const found = programPid(pid);
    if (processName(found) === name || Date.now() > deadline) return found;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe('programPid', () => {
  it('finds the program below a shell that does not exec it', async () => {
    const shell = start(['sh', '-c', 'sleep 30; true']);
    const found = await settled(shell, 'sleep');
    expect(processName(found)).toBe('sleep');
    expect(found).not.toBe(shell);
  });

  it('is the process itself when env has exec’d the program', async () => {
    const pid = start(['env', 'A=1', 'sleep', '30']);
    expect(processName(await settled(pid, 'sleep'))).toBe('sleep');
    expect(await settled(pid, 'sleep')).toBe(pid);
  });

  it('stays on a program that is no wrapper, children or not', () => {
    expect(programPid(process.pid)).toBe(process.pid);
    expect(processName(process.pid)).toMatch(/^node/);
  });
});
