// Crash-safe file replacement for the history directory: a kill -9 at any instant leaves the old
// or the new file, never a torn one. Both functions are meant to run under the directory's lock.
import { closeSync, fsyncSync, openSync, readdirSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { processAlive } from './lock.js';

/** `.<file>.<pid>.tmp`: what writeDurably (and the lock's temp files) leave behind when killed. */
const TEMP = /^\..+\.(\d+)\.tmp$/;

/** Writes a temp file (created with `mode`), fsyncs it, renames it over `file` and fsyncs the directory. */
export function writeDurably(dir: string, file: string, text: string | Uint8Array, mode = 0o644): void {
  const tmp = join(dir, `.${file}.${process.pid}.tmp`);
  const fd = openSync(tmp, 'w', mode);
  try {
    try {
      if (typeof text === 'string') writeSync(fd, text);
      else writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, join(dir, file));
  } catch (error) {
    // A full disk or a vanished directory: leave no temp behind to be swept later.
    try {
      unlinkSync(tmp);
    } catch {
      // never created, or already renamed
    }
    throw error;
  }
  const dirFd = openSync(dir, 'r');
  try {
    fsyncSync(dirFd);
  } finally {
    closeSync(dirFd);
  }
}

/**
 * Deletes the temp files of writers that are no longer running on this host; returns their
 * names. A live pid's temp is kept (it may be mid-write outside the lock, like a lock's temp).
 */
export function removeStrayTemps(dir: string): string[] {
  const removed: string[] = [];
  for (const name of readdirSync(dir)) {
    const pid = TEMP.exec(name)?.[1];
    if (pid === undefined || processAlive(Number(pid))) continue;
    try {
      unlinkSync(join(dir, name));
      removed.push(name);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  return removed;
}
