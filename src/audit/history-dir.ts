// A --history-dir that cannot hold a trail is one line before anything starts (the cockpit used
// to print ENOTDIR and hang with `q` dead).
import { accessSync, constants, mkdirSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function checkHistoryDir(historyDir: string): string | undefined {
  const flag = `--history-dir ${historyDir}`;
  try {
    if (!statSync(historyDir).isDirectory()) return `${flag} is not a directory`;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT') return `${flag} cannot be used (${code})`;
  }
  const prompts = join(historyDir, 'prompts');
  try {
    mkdirSync(prompts, { recursive: true });
    if (!statSync(prompts).isDirectory()) return `${flag}: ${prompts} is not a directory`;
    accessSync(prompts, constants.R_OK | constants.W_OK | constants.X_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'EACCES' || code === 'EPERM' || code === 'EROFS'
      ? `${flag} is not writable and readable by this user (${code})`
      : `${flag} cannot hold the history (${code ?? (error as Error).message})`;
  }
  return undefined;
}

/**
 * The demo's trail: a fresh scratch directory (its records are throwaway, and its clock is the
 * simulator's), unless --history-dir was given. Never the repository's history/.
 */
export function demoHistoryDir(explicit: string | undefined): string {
  return explicit ?? mkdtempSync(join(tmpdir(), 'aiops-tui-demo-'));
}
