// `aiops-tui report health|utilization|security`: one report now, written under
// <history-dir>/reports/ and printed (or its metadata and findings as JSON).
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { CliError, describeError } from '../cli-errors.js';
import { CLUSTER_OPTIONS, processIo, snapshotForCli, type AnalyzeIo } from './cli.js';
import { REPORT_KINDS, buildReport, latestReport, writeReport, type ReportKind } from './reports.js';

const USAGE = `usage: aiops-tui report ${[...REPORT_KINDS, 'metrics'].join('|')} [-n NAMESPACE | -A] [--kubeconfig FILE] [--context NAME] [--history-dir DIR] [--json]`;

export async function reportMain(argv: string[], io: AnalyzeIo = processIo): Promise<number> {
  // Figures from the audit trail are the audit module's report, with its own flags.
  if (argv[0] === 'metrics')
    return (await import('../audit/cli.js')).reportMetricsMain(argv.slice(1), io.stdout);
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        ...CLUSTER_OPTIONS,
        'history-dir': { type: 'string', default: 'history' },
        json: { type: 'boolean' },
      },
      strict: true,
      allowPositionals: true,
    });
  } catch (error) {
    throw new CliError(`${describeError(error)} (${USAGE})`);
  }
  const [kind, ...extra] = parsed.positionals;
  if (!kind || !REPORT_KINDS.includes(kind as ReportKind) || extra.length > 0) {
    throw new CliError(
      `${kind ? `unknown report "${[kind, ...extra].join(' ')}"` : 'which report?'} (${USAGE})`,
    );
  }
  const { values } = parsed;
  const { snapshot, contextName, namespace } = await snapshotForCli(values, io, 'report', USAGE);
  const dir = join(values['history-dir'], 'reports');
  const report = buildReport(
    kind as ReportKind,
    snapshot,
    { context: contextName, namespace },
    latestReport(dir, kind as ReportKind),
  );
  let file: string;
  try {
    file = writeReport(dir, report);
  } catch (error) {
    throw new CliError(`cannot write the report into ${dir}: ${describeError(error)}`, 1);
  }
  if (values.json)
    io.stdout(
      JSON.stringify({ file: join(dir, file), ...report.meta, findings: report.findings }, null, 2) + '\n',
    );
  else io.stdout(`${report.markdown.replace(/^---[\s\S]*?---\n/, '')}\nwritten to ${join(dir, file)}\n`);
  return 0;
}
