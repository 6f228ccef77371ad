// `aiops-tui phr list|show ID|verify`: the audit trail from the command line. verify exits 1 and
// names the first broken record when the chain does not hold.
import { join } from 'node:path';
import { loadKubeConfig } from './analyze-cli.js';
import { CliError, describeError } from '../cli/errors.js';
import {
  CLUSTER_HELP,
  CLUSTER_OPTIONS,
  IDENTITY_HELP,
  IDENTITY_OPTIONS,
  OUTPUT_HELP,
  OUTPUT_OPTIONS,
  command,
  formatData,
  outputFormat,
  parseCommandLine,
  parseWindow,
  usageLine,
} from '../cli/usage.js';
import { floorOf } from '../workflow/floors.js';
import { ClusterAnchor, readGitAnchor } from '../audit/anchors.js';
import type { AnchorReading } from '../audit/checkpoint.js';
import { HistoryError, openHistory } from '../audit/history.js';
import { stripControls } from '../audit/sanitize.js';
import { verifyTrail, type VerifyReport } from '../audit/verify.js';
import { computeFigures, figuresTable } from '../audit/metrics.js';
import { readTrail } from '../audit/read-trail.js';
import { RUNBOOK_PATTERNS, generatedSection, updateRunbook } from '../audit/runbooks.js';

export const PHR = command({
  forms: ['phr list', 'phr show ID', 'phr verify', 'phr archive'],
  summary:
    "aiops-tui phr — the audit trail. verify checks hashes, chain, signatures and transitions (archived records included), prints one `broken: RECORD: why` line per problem (exit 1), `anchored:` per checkpoint it matched and `not checked:` per anchor it could not read. archive moves finished records older than the policy's retention_days (default 365) into history/archive/, signed and chained.",
  options: {
    'history-dir': { type: 'string', default: 'history' },
    ...OUTPUT_OPTIONS,
    kubeconfig: CLUSTER_OPTIONS.kubeconfig,
    context: CLUSTER_OPTIONS.context,
    'anchor-namespace': { type: 'string', default: 'default' },
    'no-cluster': { type: 'boolean' },
    'older-than': { type: 'string' },
    policy: { type: 'string' },
    'no-git-commit': { type: 'boolean' },
    ...IDENTITY_OPTIONS,
  },
  help: {
    'history-dir': ['DIR', 'the Prompt History Records'],
    ...OUTPUT_HELP,
    kubeconfig: CLUSTER_HELP.kubeconfig,
    context: CLUSTER_HELP.context,
    'anchor-namespace': ['NS', "verify: the namespace of the cluster's checkpoint ConfigMap"],
    'no-cluster': "verify: do not read the cluster's checkpoint",
    'older-than': [
      'DURATION',
      "archive: records whose last event is older than this: 365d, 12h, 90m (default and least: the policy's retention_days)",
    ],
    policy: ['FILE', 'archive: the policy whose retention_days holds'],
    'no-git-commit': 'archive: do not commit the move (default: commit when DIR is in a git work tree)',
    ...IDENTITY_HELP,
  },
  allowPositionals: true,
});

export async function phrMain(
  argv: string[],
  out: (text: string) => void = (t) => process.stdout.write(t),
): Promise<number> {
  const parsed = parseCommandLine(PHR, argv);
  if (parsed.help) {
    out(parsed.help);
    return 0;
  }
  const usage = `usage: ${usageLine(PHR)}`;
  const format = outputFormat(parsed.values);
  const [verb, ...rest] = parsed.positionals;
  const { values } = parsed;
  const history = openHistory(values['history-dir']);
  try {
    switch (verb) {
      case 'list': {
        if (rest.length) throw new CliError(`phr list takes no arguments (${usage})`);
        const records = history.list();
        if (format !== 'text') out(formatData(format, records));
        else {
          const rows = [
            ['ID', 'TYPE', 'TIER', 'STATUS', 'TARGET'],
            ...records.map((r) => [r.id, r.type, r.tier ?? '-', r.status, r.target ?? '-']),
          ];
          const widths = rows[0]!.map((_, col) => Math.max(...rows.map((row) => row[col]!.length)));
          out(
            rows
              .map((row) =>
                row
                  .map((cell, col) => cell.padEnd(widths[col]!))
                  .join('  ')
                  .trimEnd(),
              )
              .join('\n') + '\n',
          );
        }
        return 0;
      }
      case 'show': {
        if (rest.length !== 1) throw new CliError(`phr show takes one record id (${usage})`);
        const record = history.get(rest[0]!);
        // Stripped again on the way out: a terminal never gets an escape sequence from a record.
        out(format === 'text' ? `${stripControls(record.body.trim())}\n` : formatData(format, record));
        return 0;
      }
      case 'verify': {
        if (rest.length) throw new CliError(`phr verify takes no arguments (${usage})`);
        const anchors: AnchorReading[] = [await readGitAnchor(values['history-dir'])];
        if (!values['no-cluster']) {
          try {
            anchors.push(
              await new ClusterAnchor(
                loadKubeConfig(values.kubeconfig, values.context),
                values['anchor-namespace'],
              ).read(),
            );
          } catch (error) {
            anchors.push({ source: 'the cluster', unavailable: describeError(error) });
          }
        }
        const report = await verifyTrail(join(values['history-dir'], 'prompts'), { floorOf, anchors });
        out(format === 'text' ? verifyText(report) : formatData(format, report));
        return report.ok ? 0 : 1;
      }
      case 'archive': {
        if (rest.length) throw new CliError(`phr archive takes no arguments (${usage})`);
        const { archiveMain } = await import('./archive-cli.js');
        return await archiveMain(values, out);
      }
      default:
        throw new CliError(`${verb ? `unknown phr command "${verb}"` : 'which phr command?'} (${usage})`);
    }
  } catch (error) {
    if (error instanceof HistoryError) throw new CliError(error.message, 1);
    throw error;
  }
}

function verifyText(r: VerifyReport): string {
  const lines = r.ok
    ? [`ok: ${r.records} records, ${r.events} events: hashes, chain, signatures and transitions verified`]
    : r.problems.map((p) => stripControls(`broken: ${p.record}: ${p.reason}`).replace(/\n/g, ' '));
  for (const a of r.anchored) lines.push(`anchored: ${a}`);
  for (const u of r.unchecked) lines.push(`not checked: ${stripControls(u)}`);
  return lines.join('\n') + '\n';
}

export const REPORT_METRICS = command({
  forms: ['report metrics'],
  summary:
    'aiops-tui report metrics — MTTD, MTTR, approval latency, rollbacks and the rest, computed from the Prompt History Records.',
  options: {
    'history-dir': { type: 'string', default: 'history' },
    since: { type: 'string' },
    ...OUTPUT_OPTIONS,
  },
  help: {
    'history-dir': ['DIR', 'the Prompt History Records'],
    since: ['DURATION', 'only records created this long ago or later: 7d, 12h, 1h30m (default: all)'],
    ...OUTPUT_HELP,
  },
});

/** `aiops-tui report metrics`: MTTD, MTTR, approval latency and the rest, from the PHRs. */
export async function reportMetricsMain(
  argv: string[],
  out: (text: string) => void = (t) => process.stdout.write(t),
): Promise<number> {
  const { values, help } = parseCommandLine(REPORT_METRICS, argv);
  if (help) {
    out(help);
    return 0;
  }
  const format = outputFormat(values);
  const window = values.since === undefined ? undefined : parseWindow(values.since);
  if (values.since !== undefined && window === undefined)
    throw new CliError(`--since takes a duration like 7d, 12h or 30m, not "${values.since}"`);
  // Hashes, transitions and front matter checked; signatures are `phr verify`'s (read-trail.ts).
  const figures = computeFigures(
    readTrail(values['history-dir']).records,
    window === undefined ? undefined : Date.now() - window,
  );
  out(format === 'text' ? figuresTable(figures) : formatData(format, figures));
  return 0;
}

export const RUNBOOK = command({
  forms: ['runbook generate PATTERN'],
  summary: `aiops-tui runbook generate — rewrites the generated section of runbooks/PATTERN.md from the resolved PHRs of that failure pattern. Patterns: ${RUNBOOK_PATTERNS.join(', ')}.`,
  options: {
    'history-dir': { type: 'string', default: 'history' },
    'runbooks-dir': { type: 'string', default: 'runbooks' },
  },
  help: {
    'history-dir': ['DIR', 'the Prompt History Records'],
    'runbooks-dir': ['DIR', 'the runbooks'],
  },
  allowPositionals: true,
});

/** `aiops-tui runbook generate PATTERN`: the runbook's generated section from resolved PHRs. */
export async function runbookMain(
  argv: string[],
  out: (text: string) => void = (t) => process.stdout.write(t),
): Promise<number> {
  const parsed = parseCommandLine(RUNBOOK, argv);
  if (parsed.help) {
    out(parsed.help);
    return 0;
  }
  const runbookUsage = `usage: ${usageLine(RUNBOOK)} (patterns: ${RUNBOOK_PATTERNS.join(', ')})`;
  const [verb, pattern, ...extra] = parsed.positionals;
  if (verb !== 'generate' || !pattern || extra.length) throw new CliError(runbookUsage);
  if (!(RUNBOOK_PATTERNS as readonly string[]).includes(pattern))
    throw new CliError(`unknown failure pattern "${pattern}" (${runbookUsage})`);
  const history = openHistory(parsed.values['history-dir']);
  const path = updateRunbook(parsed.values['runbooks-dir'], pattern, generatedSection(history, pattern));
  out(`updated ${path}\n`);
  return 0;
}
