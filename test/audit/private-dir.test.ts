// The private directory for credential copies: 0700 with 0600 files, gone when the process
// exits, and — when a kill -9 left it behind — removed by the next start, never anyone else's.
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { isStalePrivateDir, removeStalePrivateDirs } from '../../src/audit/private-dir.js';

const module = resolve(import.meta.dirname, '..', '..', 'src', 'audit', 'private-dir.ts');

const scratchDirs: string[] = [];
function scratch(): string {
  const dir = mkdtempSync(join(tmpdir(), 'private-dir-test-'));
  scratchDirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of scratchDirs) rmSync(dir, { recursive: true, force: true });
});

/**
 * A process (through tsx, as the CLI runs) with its temp directory in `root` that writes two
 * private files, reports them as one JSON line, then exits or waits to be killed.
 */
function child(root: string, then: 'exit' | 'wait') {
  const script = join(root, '..', `child-${Math.random().toString(36).slice(2)}.mjs`);
  writeFileSync(
    script,
    `import { statSync } from 'node:fs';
import { dirname } from 'node:path';
import { privateFile } from ${JSON.stringify(module)};
const kubeconfig = privateFile('kubeconfig', 'apiVersion: v1\\nusers: [{name: u, user: {token: t}}]\\n');
const second = privateFile('kubeconfig', 'another cluster');
const mode = (p) => statSync(p).mode & 0o777;
const dir = dirname(dirname(kubeconfig));
console.log(JSON.stringify({ kubeconfig, second, dir, fileMode: mode(kubeconfig), dirMode: mode(dir) }));
if (${JSON.stringify(then)} === 'wait') setInterval(() => {}, 1 << 30);
`,
  );
  const run = execa(process.execPath, ['--import', 'tsx', script], {
    env: { TMPDIR: root },
    reject: false,
    buffer: false,
  });
  const reported = new Promise<{
    kubeconfig: string;
    second: string;
    dir: string;
    fileMode: number;
    dirMode: number;
  }>((done, fail) => {
    let text = '';
    run.stdout!.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      if (text.includes('\n')) done(JSON.parse(text.split('\n')[0]!));
    });
    void run.then((r) => fail(new Error(`child ended without a report: ${String(r.stderr)}`)));
  });
  return { run, reported };
}

/** What a child's temp directory holds of ours (tsx keeps its cache there too). */
const leftovers = (root: string) => readdirSync(root).filter((name) => name.startsWith('aiops-tui-'));

describe('a private directory per process', () => {
  it('holds 0600 files in a 0700 directory, one file per call, and is gone after a normal exit', async () => {
    const root = join(scratch(), 'tmp');
    mkdirSync(root);
    const { run, reported } = child(root, 'exit');
    const report = await reported;
    expect(report.dir.startsWith(join(root, 'aiops-tui-'))).toBe(true);
    expect(report.fileMode).toBe(0o600);
    expect(report.dirMode).toBe(0o700);
    expect(report.second).not.toBe(report.kubeconfig);
    expect((await run).exitCode).toBe(0);
    expect(leftovers(root)).toEqual([]);
  });

  it('survives a kill -9, and the next start removes it', async () => {
    const root = join(scratch(), 'tmp');
    mkdirSync(root);
    const killed = child(root, 'wait');
    const report = await killed.reported;
    killed.run.kill('SIGKILL');
    await killed.run;
    expect(existsSync(report.kubeconfig)).toBe(true);

    // Things that look alike but are not a crashed cockpit's: kept.
    const live = join(root, `aiops-tui-${process.pid}-live00`);
    mkdirSync(live);
    const otherTool = join(root, 'aiops-tui-trace-abc123');
    mkdirSync(otherTool);
    const elsewhere = join(scratch(), 'not-in-tmp');
    mkdirSync(elsewhere);
    writeFileSync(join(elsewhere, 'keep'), '');
    const link = join(root, `aiops-tui-${killed.run.pid}-link00`);
    symlinkSync(elsewhere, link);

    const next = child(root, 'exit');
    await next.reported;
    await next.run;
    expect(leftovers(root).sort()).toEqual([
      `aiops-tui-${process.pid}-live00`,
      `aiops-tui-${killed.run.pid}-link00`,
      'aiops-tui-trace-abc123',
    ]);
    expect(existsSync(join(elsewhere, 'keep'))).toBe(true);
  });

  it('removeStalePrivateDirs reports what it removed', () => {
    const root = scratch();
    // A pid no process has: above the kernel's pid_max (at most 2^22).
    const dead = join(root, 'aiops-tui-99999999-abc123');
    mkdirSync(dead);
    expect(removeStalePrivateDirs(root)).toEqual([dead]);
    expect(existsSync(dead)).toBe(false);
    expect(statSync(root).isDirectory()).toBe(true);
  });
});

describe('isStalePrivateDir', () => {
  const me = { pid: 100, uid: 1000 };
  const dirOf = (uid = 1000) => ({ isDirectory: true, isSymbolicLink: false, uid });
  const alive = (pid: number) => pid === 200;
  it.each([
    ['a dead process’s directory', 'aiops-tui-300-Ab12cd', dirOf(), true],
    ['a live process’s', 'aiops-tui-200-Ab12cd', dirOf(), false],
    ['this process’s own', 'aiops-tui-100-Ab12cd', dirOf(), false],
    ['another user’s', 'aiops-tui-300-Ab12cd', dirOf(0), false],
    [
      'a symbolic link',
      'aiops-tui-300-Ab12cd',
      { isDirectory: false, isSymbolicLink: true, uid: 1000 },
      false,
    ],
    ['a file', 'aiops-tui-300-Ab12cd', { isDirectory: false, isSymbolicLink: false, uid: 1000 }, false],
    ['an older mkdtemp name (no pid)', 'aiops-tui-Ab12cd', dirOf(), false],
    ['a trace directory', 'aiops-tui-trace-Ab12cd', dirOf(), false],
    ['pid 0', 'aiops-tui-0-Ab12cd', dirOf(), false],
    ['another prefix', 'other-300-Ab12cd', dirOf(), false],
    ['a name with more after it', 'aiops-tui-300-Ab12cd/..', dirOf(), false],
  ])('%s', (_what, name, entry, stale) => {
    expect(isStalePrivateDir(name, entry, me, alive)).toBe(stale);
  });
});
