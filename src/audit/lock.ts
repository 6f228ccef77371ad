// One writer at a time per history directory, across processes and hosts sharing a filesystem.
// The lock file holds JSON { host, pid, acquired, lease_until }. It is written to a unique temp
// file and hard-linked into place (atomic, EEXIST when held), so a lock written by this code is
// never seen empty or partial: an empty or unparsable one is a crashed writer of an older
// version or a torn disk, and is taken over after a short grace. Who may take over is decided
// by one pure function, lockVerdict(); how to take over without two waiters both winning is
// takeOver() below.
import { createHash, randomBytes } from 'node:crypto';
import {
  closeSync,
  fstatSync,
  linkSync,
  openSync,
  readdirSync,
  readFileSync,
  unlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';

/** How long a holder may keep the lock: far longer than one write (milliseconds) ever takes. */
export const LEASE_MS = 20_000;
/** An empty or unparsable lock younger than this may be a non-atomic writer mid-write. */
export const GRACE_MS = 1_500;
/** Longer than the lease, so a holder that dies silently never makes a waiter give up. */
const GIVE_UP_MS = 30_000;
const RETRY_MS = 2;

export type LockVerdict = 'wait' | 'take-over';

/** What a lock file says about its owner. `host` and the times are absent in an old bare-pid lock. */
export interface LockOwner {
  host?: string;
  pid: number;
  acquired?: string;
  lease_until?: string;
}

/** A live process on this host (EPERM: alive, but someone else's). */
export function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const isPid = (value: unknown): value is number =>
  typeof value === 'number' && Number.isInteger(value) && value > 0;

/** The owner a lock file names, or undefined for an empty, torn or foreign one. */
export function parseLock(content: string): LockOwner | undefined {
  // Versions before the JSON lock wrote the bare pid; honour them during an upgrade.
  if (/^\d+$/.test(content.trim())) {
    const pid = Number(content.trim());
    return isPid(pid) ? { pid } : undefined;
  }
  let value: unknown;
  try {
    value = JSON.parse(content);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const { host, pid, acquired, lease_until } = value as Record<string, unknown>;
  if (typeof host !== 'string' || host === '' || !isPid(pid)) return undefined;
  if (typeof acquired !== 'string' || typeof lease_until !== 'string') return undefined;
  if (Number.isNaN(Date.parse(acquired)) || Number.isNaN(Date.parse(lease_until))) return undefined;
  return { host, pid, acquired, lease_until };
}

/**
 * Whether a waiter may take over a lock file with this content and mtime. A lease we never
 * grant (more than two leases ahead) is as good as garbage: waiting for it would wedge writers.
 */
export function lockVerdict(
  content: string,
  mtimeMs: number,
  nowMs: number,
  thisHost: string,
  isAlive: (pid: number) => boolean,
): LockVerdict {
  const owner = parseLock(content);
  const leaseEnd = owner?.lease_until === undefined ? undefined : Date.parse(owner.lease_until);
  if (owner === undefined || (leaseEnd !== undefined && leaseEnd - nowMs > 2 * LEASE_MS))
    return nowMs - mtimeMs >= GRACE_MS ? 'take-over' : 'wait';
  if (leaseEnd !== undefined && leaseEnd <= nowMs) return 'take-over';
  // A pid only means something on its own host; another host's lock is judged by its lease.
  if (owner.host === undefined || owner.host === thisHost) return isAlive(owner.pid) ? 'wait' : 'take-over';
  return 'wait';
}

/** One lock file as read: its content and what identifies this very instance of it. */
interface Snapshot {
  content: string;
  mtimeMs: number;
  /** inode, mtime, size and content: differs between any two lock files ever created. */
  identity: string;
}

function snapshot(path: string): Snapshot | undefined {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    // Content and stat from the same descriptor: the same inode even if the path changes.
    const stat = fstatSync(fd, { bigint: true });
    const content = readFileSync(fd, 'utf8');
    return {
      content,
      mtimeMs: Number(stat.mtimeNs / 1_000_000n),
      identity: `${stat.ino}:${stat.mtimeNs}:${stat.size}:${content}`,
    };
  } finally {
    closeSync(fd);
  }
}

function ownerText(host: string): string {
  const now = Date.now();
  return JSON.stringify({
    host,
    pid: process.pid,
    acquired: new Date(now).toISOString(),
    lease_until: new Date(now + LEASE_MS).toISOString(),
  });
}

/**
 * Creates `path` holding `content` unless it exists. The temp name ends `.<pid>.tmp` so that
 * removeStrayTemps() (durable.ts) clears those of killed processes.
 */
function createExclusive(path: string, content: string): boolean {
  const temp = join(dirname(path), `${basename(path)}.${randomBytes(6).toString('hex')}.${process.pid}.tmp`);
  writeFileSync(temp, content, { flag: 'wx' });
  try {
    linkSync(temp, path);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    // The temp was cleared by another host's removeStrayTemps (our pid is not alive there).
    if (code === 'ENOENT') return createExclusive(path, content);
    // A filesystem without hard links: O_EXCL, not atomic, which is what GRACE_MS is for.
    if (code === 'EPERM' || code === 'ENOTSUP' || code === 'EOPNOTSUPP') return createWithOpen(path, content);
    throw error;
  } finally {
    try {
      unlinkSync(temp);
    } catch {
      // already cleared
    }
  }
}

function createWithOpen(path: string, content: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    writeSync(fd, content);
  } finally {
    closeSync(fd);
  }
  return true;
}

/** Unlinks `path` if it still holds exactly `content`. */
function removeIfMine(path: string, content: string): void {
  try {
    if (snapshot(path)?.content === content) unlinkSync(path);
  } catch {
    // gone already
  }
}

const markerOf = (path: string, stale: Snapshot): string =>
  `${path}.${createHash('sha256').update(stale.identity).digest('hex').slice(0, 16)}.takeover`;

/** The marker waiters race for to take over the lock file now at `path` (for tests). */
export function takeoverMarker(path: string): string | undefined {
  const held = snapshot(path);
  return held && markerOf(path, held);
}

/**
 * Removes the stale lock file `stale` found at `path`, unless another waiter is doing so.
 * Deleting whatever is at `path` would be wrong: another waiter may already have removed the
 * stale lock and acquired a fresh one there. So the waiters that judged this very instance stale
 * race for one marker file named after it (created exclusively, so one wins); the winner checks
 * `path` still is that instance before unlinking it. Nobody else changes `path` meanwhile: its
 * owner is dead or past its lease, and no other waiter holds the marker. A marker left by a
 * waiter killed in that window is itself a lock, judged and taken over the same way.
 */
function takeOver(path: string, stale: Snapshot, host: string, depth = 0): boolean {
  const marker = markerOf(path, stale);
  const mine = ownerText(host);
  while (!createExclusive(marker, mine)) {
    const held = snapshot(marker);
    if (held === undefined) continue;
    const verdict = lockVerdict(held.content, held.mtimeMs, Date.now(), host, processAlive);
    if (verdict === 'wait' || depth >= 3 || !takeOver(marker, held, host, depth + 1)) return false;
  }
  let removed = false;
  try {
    if (snapshot(path)?.identity === stale.identity) {
      unlinkSync(path);
      removed = true;
    }
  } finally {
    removeIfMine(marker, mine);
  }
  return removed;
}

/**
 * Markers of takers killed after removing the lock are never needed again. Run under the lock:
 * any marker then names a lock instance that is gone for good, so removing it is harmless.
 */
function sweepMarkers(lockPath: string, host: string): void {
  const dir = dirname(lockPath);
  const prefix = `${basename(lockPath)}.`;
  for (const name of readdirSync(dir)) {
    if (!name.startsWith(prefix) || !name.endsWith('.takeover')) continue;
    const held = snapshot(join(dir, name));
    if (held && lockVerdict(held.content, held.mtimeMs, Date.now(), host, processAlive) === 'take-over')
      removeIfMine(join(dir, name), held.content);
  }
}

function describeHolder(lockPath: string, held: Snapshot | undefined): string {
  const owner = held && parseLock(held.content);
  if (!owner) return `history is locked by an unreadable lock file (${lockPath})`;
  const until = owner.lease_until ? ` until ${owner.lease_until}` : '';
  return `history is locked by process ${owner.pid} on ${owner.host ?? 'this host'}${until} (${lockPath})`;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface LockOptions {
  /** Give up waiting after this long (default 30 s). */
  giveUpMs?: number;
}

export async function withLock<T>(
  lockPath: string,
  work: () => T | Promise<T>,
  options: LockOptions = {},
): Promise<T> {
  const host = hostname();
  const deadline = Date.now() + (options.giveUpMs ?? GIVE_UP_MS);
  let mine: string;
  let tookOver = false;
  for (;;) {
    // The lease runs from the moment we get the lock, not from when we began waiting.
    mine = ownerText(host);
    if (createExclusive(lockPath, mine)) break;
    const held = snapshot(lockPath);
    if (held === undefined) continue; // released between our attempts
    const verdict = lockVerdict(held.content, held.mtimeMs, Date.now(), host, processAlive);
    if (verdict === 'take-over' && takeOver(lockPath, held, host)) {
      tookOver = true;
      continue;
    }
    if (Date.now() > deadline) throw new Error(describeHolder(lockPath, held));
    await sleep(RETRY_MS + Math.random() * RETRY_MS);
  }
  try {
    if (tookOver) sweepMarkers(lockPath, host);
    return await work();
  } finally {
    // Only our own lock: past our lease another writer may rightly hold it.
    removeIfMine(lockPath, mine);
  }
}
