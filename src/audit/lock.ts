// One writer at a time per history directory, across processes: a lock file created with O_EXCL
// holding the owner's pid. A lock whose owner is gone (kill -9) is taken over; a live owner is
// waited for with a short back-off.
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';

const RETRY_MS = 2;
const GIVE_UP_MS = 30_000;

function ownerAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The pid in a lock file; NaN while its owner is still writing it, undefined when it is gone. */
function readOwner(lockPath: string): number | undefined {
  try {
    return Number(readFileSync(lockPath, 'utf8'));
  } catch {
    return undefined;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function withLock<T>(lockPath: string, work: () => T | Promise<T>): Promise<T> {
  const deadline = Date.now() + GIVE_UP_MS;
  for (;;) {
    try {
      const fd = openSync(lockPath, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = readOwner(lockPath);
      if (owner === undefined) continue; // released between our attempts
      // An empty file is a lock being written this instant; only a named, dead owner is stale.
      if (!Number.isNaN(owner) && owner !== 0 && !ownerAlive(owner)) {
        try {
          // Only remove it if it is still the dead owner's: another waiter may have taken over.
          if (Number(readFileSync(lockPath, 'utf8')) === owner) unlinkSync(lockPath);
        } catch {
          // another waiter took it over first
        }
        continue;
      }
      if (Date.now() > deadline)
        throw new Error(`history is locked by process ${owner} (${lockPath})`, { cause: error });
      await sleep(RETRY_MS + Math.random() * RETRY_MS);
    }
  }
  try {
    return await work();
  } finally {
    try {
      unlinkSync(lockPath);
    } catch {
      // already gone: nothing to release
    }
  }
}
