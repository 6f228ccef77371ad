// Copies of credentials that child processes need (a kubeconfig for kubectl, helm and
// kubectl-ai, kubectl-ai's trace with its API keys) live in one directory per process, only
// this user can read it, and it is gone when the process ends: removed on exit, and, when a
// crash (kill -9) skipped that, by the next start.
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const PREFIX = 'aiops-tui-';
/** `aiops-tui-<pid>-<random>`: the pid says whose it is, so a leftover is known to be one. */
const PRIVATE_DIR_NAME = /^aiops-tui-(\d+)-[A-Za-z0-9]+$/;

let dir: string | undefined;
let made = 0;

/** This process's private (0700) directory, made (and old ones cleared) on first use. */
export function privateDir(): string {
  if (dir) return dir;
  removeStalePrivateDirs();
  // mkdtemp makes it 0700, with a name nobody could have prepared.
  const created = mkdtempSync(join(tmpdir(), `${PREFIX}${process.pid}-`));
  dir = created;
  // Synchronous, so it runs on every way the process exits normally (process.exit, the end of
  // the event loop, the cockpit's signal handlers which exit through process.exit).
  process.once('exit', removePrivateDir);
  return created;
}

const fresh = (): string => {
  const sub = join(privateDir(), String(++made));
  mkdirSync(sub, { mode: 0o700 });
  return sub;
};

/**
 * Writes `contents` to a new file only this user can read (0600) and returns its path. Each call
 * gets its own file under its own name (two kubeconfigs in one process never overwrite each other).
 */
export function privateFile(name: string, contents: string | Uint8Array): string {
  if (!name || name === '.' || name === '..' || /[/\\\0]/.test(name))
    throw new Error(`privateFile: not a file name: ${JSON.stringify(name)}`);
  const file = join(fresh(), name);
  writeFileSync(file, contents, { mode: 0o600, flag: 'wx' });
  return file;
}

/** A new empty private (0700) directory inside this process's, e.g. for a tool's TMPDIR. */
export function privateSubdir(): string {
  return fresh();
}

/** Removes this process's directory now (it is made again if needed later). */
export function removePrivateDir(): void {
  if (!dir) return;
  rmSync(dir, { recursive: true, force: true });
  dir = undefined;
  process.off('exit', removePrivateDir);
}

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, it is someone else's.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/**
 * Which entry of the temp directory is a crash's leftover: a real directory (not a link) named
 * like ours, owned by this user, of a process that no longer runs. Pure, for its table of cases.
 */
export function isStalePrivateDir(
  name: string,
  entry: { isDirectory: boolean; isSymbolicLink: boolean; uid: number },
  me: { pid: number; uid: number },
  alive: (pid: number) => boolean,
): boolean {
  const match = PRIVATE_DIR_NAME.exec(name);
  if (!match || !entry.isDirectory || entry.isSymbolicLink || entry.uid !== me.uid) return false;
  const pid = Number(match[1]);
  return pid !== me.pid && pid > 0 && !alive(pid);
}

/** Removes the private directories that crashed processes of this user left; returns them. */
export function removeStalePrivateDirs(root = tmpdir()): string[] {
  const uid = process.getuid?.();
  // Without uids (Windows) ownership cannot be told: leave everything.
  if (uid === undefined) return [];
  let names: string[];
  try {
    names = readdirSync(root).filter((n) => n.startsWith(PREFIX));
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const path = join(root, name);
    try {
      const stat = lstatSync(path);
      const entry = { isDirectory: stat.isDirectory(), isSymbolicLink: stat.isSymbolicLink(), uid: stat.uid };
      if (!isStalePrivateDir(name, entry, { pid: process.pid, uid }, isAlive)) continue;
      rmSync(path, { recursive: true, force: true });
      removed.push(path);
    } catch {
      // Gone meanwhile, or not ours to remove: the next start tries again.
    }
  }
  return removed;
}
