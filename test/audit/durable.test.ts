import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { removeStrayTemps, writeDurably } from '../../src/audit/durable.js';

const tempDir = () => mkdtempSync(join(tmpdir(), 'phr-durable-'));

async function deadPid(): Promise<number> {
  const child = execa(process.execPath, ['-e', '']);
  await child;
  return child.pid!;
}

describe('writeDurably', () => {
  it('replaces the file and leaves no temp behind', () => {
    const dir = tempDir();
    writeDurably(dir, '00001-a.md', 'first');
    writeDurably(dir, '00001-a.md', 'second');
    expect(readFileSync(join(dir, '00001-a.md'), 'utf8')).toBe('second');
    expect(readdirSync(dir)).toEqual(['00001-a.md']);
  });

  it('leaves no temp behind when the rename fails', () => {
    const dir = tempDir();
    writeDurably(dir, 'sub', 'x');
    // Renaming a file over a non-empty directory fails (EISDIR/ENOTEMPTY).
    mkdirSync(join(dir, 'taken', 'inside'), { recursive: true });
    expect(() => writeDurably(dir, 'taken', 'y')).toThrow();
    expect(readdirSync(dir).sort()).toEqual(['sub', 'taken']);
  });
});

describe('removeStrayTemps', () => {
  it('removes the temps of dead writers (records and lock temps) and keeps those of live ones', async () => {
    const dir = tempDir();
    const dead = await deadPid();
    const live = execa(process.execPath, ['-e', 'setInterval(() => {}, 1000)']);
    try {
      const files = {
        deadRecord: `.00001-scale-frontend.md.${dead}.tmp`,
        deadLock: `.lock.a1b2c3d4e5f6.${dead}.tmp`,
        liveChild: `.00002-x.md.${live.pid}.tmp`,
        ourselves: `.00003-y.md.${process.pid}.tmp`,
        record: '00001-scale-frontend.md',
        lock: '.lock',
        marker: '.lock.0123456789abcdef.takeover',
        notATemp: `.notes.${dead}.tmp.bak`,
        noPid: '.00004-z.md.tmp',
      };
      for (const name of Object.values(files)) writeFileSync(join(dir, name), 'x');
      expect(removeStrayTemps(dir).sort()).toEqual([files.deadLock, files.deadRecord].sort());
      for (const [key, name] of Object.entries(files))
        expect(existsSync(join(dir, name)), key).toBe(key !== 'deadRecord' && key !== 'deadLock');
    } finally {
      live.kill('SIGKILL');
      await live.catch(() => undefined);
    }
  });

  it('removes what writeDurably leaves when its writer is killed before the rename', async () => {
    const dir = tempDir();
    // A writer that dies with its temp written: kill -9 between fsync and rename.
    const script = `
      const { openSync, writeSync, fsyncSync } = require('node:fs');
      const fd = openSync(${JSON.stringify(dir)} + '/.00001-a.md.' + process.pid + '.tmp', 'w');
      writeSync(fd, 'half'); fsyncSync(fd);
      process.kill(process.pid, 'SIGKILL');`;
    await execa(process.execPath, ['-e', script], { reject: false });
    expect(readdirSync(dir)).toHaveLength(1);
    expect(removeStrayTemps(dir)).toHaveLength(1);
    expect(readdirSync(dir)).toEqual([]);
  });
});
