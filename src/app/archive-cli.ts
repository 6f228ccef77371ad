// `aiops-tui phr archive [--older-than 365d]`: finished records older than the policy's retention
// period move into history/archive/, as a signed record of the trail, committed where the history
// directory is in git. Never sooner than the policy allows, never an open record.
import { CliError } from '../cli/errors.js';
import { parseWindow } from '../cli/usage.js';
import { checkHistoryDir } from '../audit/history-dir.js';
import { openHistory } from '../audit/history.js';

const DAY_MS = 86_400_000;

export interface ArchiveFlags {
  'history-dir': string;
  'older-than'?: string | undefined;
  policy?: string | undefined;
  'no-git-commit'?: boolean | undefined;
  'signing-key'?: string | undefined;
  'allowed-signers'?: string | undefined;
  approver?: string | undefined;
}

/** The cutoff age asked for, in ms: the policy's retention when none is given; shorter is refused. */
export function archiveAge(olderThan: string | undefined, retentionDays: number): number {
  const retention = retentionDays * DAY_MS;
  if (olderThan === undefined) return retention;
  const age = parseWindow(olderThan);
  if (age === undefined || age <= 0)
    throw new CliError(`--older-than takes a duration like 365d, 12h or 90m, not "${olderThan}"`);
  if (age < retention)
    throw new CliError(
      `--older-than ${olderThan} is shorter than the policy's retention of ${retentionDays} days (retention_days); records are kept at least that long`,
    );
  return age;
}

export async function archiveMain(values: ArchiveFlags, out: (text: string) => void): Promise<number> {
  // The duration first: a bad value is one line before any key or policy is read.
  if (values['older-than'] !== undefined) archiveAge(values['older-than'], 0);
  const { trustFrom } = await import('../app/queue-cli.js');
  const { floorOf } = await import('../workflow/floors.js');
  const { insideGitWorkTree } = await import('../workflow/setup.js');
  const trust = await trustFrom(values);
  const age = archiveAge(values['older-than'], trust.policy.retention_days);
  const dir = values['history-dir'];
  const dirProblem = checkHistoryDir(dir);
  if (dirProblem) throw new CliError(dirProblem);
  const history = openHistory(dir, {
    signer: trust.signer,
    allowedSigners: trust.allowed,
    floorOf,
    gitCommit: !values['no-git-commit'] && insideGitWorkTree(dir),
  });
  const result = await history.archive(Date.now() - age);
  if (!result) {
    out(
      `nothing to archive: no finished record's last event is older than ${values['older-than'] ?? `${trust.policy.retention_days}d`}\n`,
    );
    return 0;
  }
  const { manifest, record, archived } = result;
  out(
    `archived ${archived.length} record${archived.length === 1 ? '' : 's'} (${archived[0]} … ${archived.at(-1)}) into ${dir}/${manifest.file}; boundary event #${manifest.boundary.events}; recorded as ${record.id}\n`,
  );
  return 0;
}
