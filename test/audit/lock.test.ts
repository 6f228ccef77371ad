import {
  existsSync,
  linkSync,
  mkdtempSync,
  readFileSync,
  unlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import {
  GRACE_MS,
  LEASE_MS,
  lockVerdict,
  parseLock,
  takeoverMarker,
  withLock,
  type LockVerdict,
} from '../../src/audit/lock.js';

const tempDir = () => mkdtempSync(join(tmpdir(), 'phr-lock-'));
const lockJson = (host: string, pid: number, acquiredMs: number, leaseUntilMs: number) =>
  JSON.stringify({
    host,
    pid,
    acquired: new Date(acquiredMs).toISOString(),
    lease_until: new Date(leaseUntilMs).toISOString(),
  });

/** The pid of a process that has exited (and so is not alive, barring pid reuse within the test). */
async function deadPid(): Promise<number> {
  const child = execa(process.execPath, ['-e', '']);
  await child;
  return child.pid!;
}

/** A lock file as a crashed writer would leave it, modified `ageMs` ago. */
function plantLock(lockPath: string, content: string, ageMs = 0): number {
  writeFileSync(lockPath, content);
  const when = new Date(Date.now() - ageMs);
  utimesSync(lockPath, when, when);
  return when.getTime();
}

describe('lockVerdict: who may take over a lock', () => {
  const NOW = Date.parse('2025-06-01T12:00:00.000Z');
  const HERE = 'cockpit-a';
  const alive = (pid: number) => pid === 100;
  const OLD = NOW - 2 * GRACE_MS;
  const cases: [string, string, number, LockVerdict][] = [
    ['same host, live pid, within lease', lockJson(HERE, 100, NOW - 5, NOW + LEASE_MS), NOW, 'wait'],
    ['same host, dead pid, within lease', lockJson(HERE, 200, NOW - 5, NOW + LEASE_MS), NOW, 'take-over'],
    ['same host, live pid, past its lease', lockJson(HERE, 100, NOW - LEASE_MS, NOW - 1), OLD, 'take-over'],
    [
      'other host, within lease (its pid means nothing here)',
      lockJson('cockpit-b', 200, NOW, NOW + 1),
      NOW,
      'wait',
    ],
    [
      'other host, live-looking pid, within lease',
      lockJson('cockpit-b', 100, NOW, NOW + LEASE_MS),
      OLD,
      'wait',
    ],
    ['other host, past lease', lockJson('cockpit-b', 100, NOW - LEASE_MS, NOW - 1), OLD, 'take-over'],
    [
      'other host, lease ends this instant',
      lockJson('cockpit-b', 100, NOW - LEASE_MS, NOW),
      OLD,
      'take-over',
    ],
    [
      'other host, a lease never granted (an hour ahead), old file',
      lockJson('cockpit-b', 1, NOW, NOW + 3_600_000),
      OLD,
      'take-over',
    ],
    [
      'other host, a lease never granted, fresh file',
      lockJson('cockpit-b', 1, NOW, NOW + 3_600_000),
      NOW,
      'wait',
    ],
    ['empty, just created (a non-atomic writer mid-write)', '', NOW - 10, 'wait'],
    ['empty, older than the grace', '', NOW - GRACE_MS, 'take-over'],
    ['empty, mtime in the future (clock skew)', '', NOW + 60_000, 'wait'],
    ['garbage bytes, old', '\u0000\u0000\u00ff', OLD, 'take-over'],
    ['torn JSON, old', '{"host":"cockpit-a","pi', OLD, 'take-over'],
    ['torn JSON, fresh', '{"host":"cockpit-a","pi', NOW, 'wait'],
    ['JSON null, old', 'null', OLD, 'take-over'],
    ['JSON array, old', '[100]', OLD, 'take-over'],
    ['no host, old', JSON.stringify({ pid: 100, acquired: 'x', lease_until: 'y' }), OLD, 'take-over'],
    ['pid 0, old', lockJson(HERE, 0, NOW, NOW + LEASE_MS), OLD, 'take-over'],
    ['negative pid, old', lockJson(HERE, -1, NOW, NOW + LEASE_MS), OLD, 'take-over'],
    [
      'pid as a string, old',
      lockJson(HERE, 100, NOW, NOW + LEASE_MS).replace('100', '"100"'),
      OLD,
      'take-over',
    ],
    [
      'lease not a date, old',
      JSON.stringify({ host: HERE, pid: 100, acquired: 'x', lease_until: 'soon' }),
      OLD,
      'take-over',
    ],
    ['an older version: bare live pid', '100', OLD, 'wait'],
    ['an older version: bare live pid and newline', '100\n', OLD, 'wait'],
    ['an older version: bare dead pid', '200', NOW, 'take-over'],
    ['an older version: bare pid 0, old', '0', OLD, 'take-over'],
  ];
  it.each(cases)('%s → %s', (_name, content, mtime, verdict) => {
    expect(lockVerdict(content, mtime, NOW, HERE, alive)).toBe(verdict);
  });

  it('parses what withLock writes, and only that', () => {
    expect(parseLock(lockJson('h', 7, NOW, NOW + 1))).toEqual({
      host: 'h',
      pid: 7,
      acquired: new Date(NOW).toISOString(),
      lease_until: new Date(NOW + 1).toISOString(),
    });
    expect(parseLock('')).toBeUndefined();
  });
});

describe('withLock', () => {
  it('holds JSON naming this host and pid with a lease, and removes it afterwards', async () => {
    const lockPath = join(tempDir(), '.lock');
    const owner = await withLock(lockPath, () => JSON.parse(readFileSync(lockPath, 'utf8')));
    expect(owner).toMatchObject({ host: hostname(), pid: process.pid });
    expect(Date.parse(owner.lease_until) - Date.parse(owner.acquired)).toBe(LEASE_MS);
    expect(existsSync(lockPath)).toBe(false);
  });

  it('takes over an empty lock file left by a writer killed between create and write', async () => {
    const lockPath = join(tempDir(), '.lock');
    plantLock(lockPath, '', 10_000);
    // Before: an empty file was "being written this instant" forever (wedged for 30 s, then gave up).
    await expect(withLock(lockPath, () => 'written')).resolves.toBe('written');
    expect(existsSync(lockPath)).toBe(false);
  }, 5_000);

  it(
    'waits out the grace for a fresh empty lock (a non-atomic writer may be mid-write), then takes it over',
    async () => {
      const lockPath = join(tempDir(), '.lock');
      const planted = plantLock(lockPath, '');
      const ranAt = await withLock(lockPath, () => Date.now());
      // The lock judges the file's mtime, which the filesystem keeps to a coarser grain than ms.
      expect(ranAt - planted).toBeGreaterThanOrEqual(GRACE_MS - 2);
    },
    5_000 + GRACE_MS,
  );

  it('takes over a lock holding garbage', async () => {
    const lockPath = join(tempDir(), '.lock');
    plantLock(lockPath, 'garbage\u0000{', 10_000);
    await expect(withLock(lockPath, () => 'written')).resolves.toBe('written');
  }, 5_000);

  it('takes over a lock of a dead process on this host', async () => {
    const lockPath = join(tempDir(), '.lock');
    plantLock(lockPath, lockJson(hostname(), await deadPid(), Date.now(), Date.now() + LEASE_MS));
    await expect(withLock(lockPath, () => 'written')).resolves.toBe('written');
  }, 5_000);

  it('takes over a lock of another host whose lease has run out', async () => {
    const lockPath = join(tempDir(), '.lock');
    plantLock(lockPath, lockJson('elsewhere', process.pid, Date.now() - 60_000, Date.now() - 1));
    await expect(withLock(lockPath, () => 'written')).resolves.toBe('written');
  }, 5_000);

  it('waits for a lock of another host until its lease ends', async () => {
    const lockPath = join(tempDir(), '.lock');
    // A pid that is dead here: it must not matter, the pid is the other host's.
    const leaseEnd = Date.now() + 1_000;
    plantLock(lockPath, lockJson('elsewhere', await deadPid(), Date.now(), leaseEnd));
    const ranAt = await withLock(lockPath, () => Date.now());
    expect(ranAt).toBeGreaterThanOrEqual(leaseEnd);
  }, 10_000);

  it('gives up with one line naming the host and pid that hold it', async () => {
    const lockPath = join(tempDir(), '.lock');
    plantLock(lockPath, lockJson('elsewhere', 4242, Date.now(), Date.now() + LEASE_MS));
    const error: Error = await withLock(lockPath, () => 'never', { giveUpMs: 100 }).catch((e) => e);
    expect(error.message).toMatch(/^history is locked by process 4242 on elsewhere until \S+ \(.*\.lock\)$/);
    expect(error.message).not.toContain('\n');
  });

  it('does not remove a lock that another writer took over after its lease', async () => {
    const lockPath = join(tempDir(), '.lock');
    const theirs = lockJson('elsewhere', 4242, Date.now(), Date.now() + LEASE_MS);
    await withLock(lockPath, () => {
      unlinkSync(lockPath);
      writeFileSync(lockPath, theirs);
    });
    expect(readFileSync(lockPath, 'utf8')).toBe(theirs);
  });

  it('is not stopped by a takeover marker left by a waiter killed mid-takeover', async () => {
    const lockPath = join(tempDir(), '.lock');
    const dead = await deadPid();
    plantLock(lockPath, lockJson(hostname(), dead, Date.now(), Date.now() + LEASE_MS));
    const marker = takeoverMarker(lockPath)!;
    writeFileSync(marker, lockJson(hostname(), dead, Date.now(), Date.now() + LEASE_MS));
    await expect(withLock(lockPath, () => 'written')).resolves.toBe('written');
    expect(existsSync(marker)).toBe(false);
  }, 5_000);

  it('waits while another host is taking the stale lock over (its marker is within lease)', async () => {
    const lockPath = join(tempDir(), '.lock');
    plantLock(lockPath, lockJson('elsewhere', 1, Date.now() - 60_000, Date.now() - 1));
    writeFileSync(takeoverMarker(lockPath)!, lockJson('elsewhere-too', 1, Date.now(), Date.now() + LEASE_MS));
    const error: Error = await withLock(lockPath, () => 'never', { giveUpMs: 200 }).catch((e) => e);
    expect(error.message).toMatch(/locked by process 1 on elsewhere until/);
  });
});

describe('mutual exclusion under takeover', () => {
  it('concurrent processes incrementing a counter under the lock, with stale locks injected, end with the exact count', async () => {
    const dir = tempDir();
    const lockPath = join(dir, '.lock');
    const counter = join(dir, 'counter');
    const stop = join(dir, 'stop');
    writeFileSync(counter, '0');
    const script = join(import.meta.dirname, 'fixtures', 'lock-counter.ts');
    const children = Array.from({ length: 4 }, () =>
      execa(process.execPath, ['--import', 'tsx', script, lockPath, counter, stop], { reject: false }),
    );
    // Readiness: every writer has been through the lock once (output awaited, no fixed delay).
    await Promise.all(
      children.map(
        (child) =>
          new Promise<void>((resolve, reject) => {
            child.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('READY') && resolve());
            void child.then((result) => reject(new Error(`writer exited early: ${result.stderr}`)));
          }),
      ),
    );
    const dead = await deadPid();
    // Stale locks as crashed writers leave them, planted the instant the lock is free: all the
    // waiters then judge the same one stale at once, the race a takeover must win exactly once.
    const stale = [
      () => lockJson(hostname(), dead, Date.now(), Date.now() + LEASE_MS),
      () => lockJson('elsewhere', 1, Date.now() - 60_000, Date.now() - 1),
      () => '',
      () => '{"host":',
    ];
    const temp = join(dir, 'stale');
    for (let injected = 0; injected < 100;) {
      writeFileSync(temp, stale[injected % stale.length]!());
      const old = new Date(Date.now() - 10_000);
      utimesSync(temp, old, old);
      try {
        linkSync(temp, lockPath); // succeeds only while the lock is free (so the last one was taken over)
        injected += 1;
      } catch {
        // held right now
      }
      unlinkSync(temp);
      await delay(1); // yield to the writers' output; pacing, not a readiness wait
    }
    writeFileSync(stop, '');
    const results = await Promise.all(children);
    let increments = 0;
    for (const result of results) {
      expect(result.exitCode, result.stderr).toBe(0);
      increments += Number(/DONE (\d+)/.exec(result.stdout)![1]);
    }
    expect(Number(readFileSync(counter, 'utf8'))).toBe(increments);
  }, 120_000);
});
