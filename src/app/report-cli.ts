// `aiops-tui report health|utilization|security`: one report now, written under
// <history-dir>/reports/ and printed (or its metadata and findings as JSON or YAML).
import { join } from 'node:path';
import { CliError, describeError } from '../cli/errors.js';
import {
  CLUSTER_HELP,
  CLUSTER_OPTIONS,
  OUTPUT_HELP,
  OUTPUT_OPTIONS,
  command,
  formatData,
  outputFormat,
  parseCommandLine,
  usageLine,
} from '../cli/usage.js';
import { processIo, snapshotForCli, type AnalyzeIo } from './analyze-cli.js';
import {
  REPORT_KINDS,
  buildReport,
  latestReport,
  writeReport,
  type ReportKind,
} from '../analysis/reports.js';

export const REPORT = command({
  forms: [`report ${REPORT_KINDS.join('|')}`, 'report metrics'],
  summary:
    'aiops-tui report — a report now, written under DIR/reports/ and printed: findings, figures and the trend against the previous one. `report metrics` (see aiops-tui report metrics --help) prints MTTD, MTTR and approval latency from the PHRs.',
  options: {
    ...CLUSTER_OPTIONS,
    'history-dir': { type: 'string', default: 'history' },
    ...OUTPUT_OPTIONS,
  },
  help: {
    ...CLUSTER_HELP,
    'history-dir': ['DIR', 'where reports/ is written (and the previous report read)'],
    ...OUTPUT_HELP,
  },
  allowPositionals: true,
});

export async function reportMain(argv: string[], io: AnalyzeIo = processIo): Promise<number> {
  // Figures from the audit trail are the audit module's report, with its own flags.
  if (argv[0] === 'metrics')
    return (await import('./phr-cli.js')).reportMetricsMain(argv.slice(1), io.stdout);
  const { values, positionals, help } = parseCommandLine(REPORT, argv);
  if (help) {
    io.stdout(help);
    return 0;
  }
  const [kind, ...extra] = positionals;
  if (!kind || !REPORT_KINDS.includes(kind as ReportKind) || extra.length > 0) {
    throw new CliError(
      `${kind ? `unknown report "${[kind, ...extra].join(' ')}"` : 'which report?'} (usage: ${usageLine(REPORT)})`,
    );
  }
  const format = outputFormat(values);
  const { snapshot, contextName, namespace } = await snapshotForCli(values, io, 'report', REPORT);
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
  if (format === 'text')
    io.stdout(`${report.markdown.replace(/^---[\s\S]*?---\n/, '')}\nwritten to ${join(dir, file)}\n`);
  else io.stdout(formatData(format, { file: join(dir, file), ...report.meta, findings: report.findings }));
  return 0;
}
