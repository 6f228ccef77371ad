// `aiops-tui phr list|show ID|verify`: the audit trail from the command line. verify exits 1 and
// names the first broken record when the chain does not hold.
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { CLUSTER_OPTIONS, loadKubeConfig } from '../analysis/cli.js';
import { CliError, describeError } from '../cli-errors.js';
import { floorOf } from '../workflow/floors.js';
import { ClusterAnchor, readGitAnchor } from './anchors.js';
import type { AnchorReading } from './checkpoint.js';
import { HistoryError, openHistory } from './history.js';
import { stripControls } from './sanitize.js';
import { verifyTrail, type VerifyReport } from './verify.js';
import { computeFigures, figuresTable, parseSince } from './metrics.js';
import { RUNBOOK_PATTERNS, generatedSection, updateRunbook } from './runbooks.js';

const USAGE =
  'usage: aiops-tui phr list|show ID|verify [--history-dir DIR] [--json] [--kubeconfig FILE] [--context NAME] [--anchor-namespace NS] [--no-cluster]';

export async function phrMain(
  argv: string[],
  out: (text: string) => void = (t) => process.stdout.write(t),
): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        'history-dir': { type: 'string', default: 'history' },
        json: { type: 'boolean' },
        kubeconfig: CLUSTER_OPTIONS.kubeconfig,
        context: CLUSTER_OPTIONS.context,
        'anchor-namespace': { type: 'string', default: 'default' },
        'no-cluster': { type: 'boolean' },
      },
      strict: true,
      allowPositionals: true,
    });
  } catch (error) {
    throw new CliError(`${describeError(error)} (${USAGE})`);
  }
  const [verb, ...rest] = parsed.positionals;
  const { values } = parsed;
  const history = openHistory(values['history-dir']);
  try {
    switch (verb) {
      case 'list': {
        if (rest.length) throw new CliError(`phr list takes no arguments (${USAGE})`);
        const records = history.list();
        if (values.json) out(JSON.stringify(records, null, 2) + '\n');
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
        if (rest.length !== 1) throw new CliError(`phr show takes one record id (${USAGE})`);
        const record = history.get(rest[0]!);
        // Stripped again on the way out: a terminal never gets an escape sequence from a record.
        out(values.json ? JSON.stringify(record, null, 2) + '\n' : `${stripControls(record.body.trim())}\n`);
        return 0;
      }
      case 'verify': {
        if (rest.length) throw new CliError(`phr verify takes no arguments (${USAGE})`);
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
        out(values.json ? JSON.stringify(report, null, 2) + '\n' : verifyText(report));
        return report.ok ? 0 : 1;
      }
      default:
        throw new CliError(`${verb ? `unknown phr command "${verb}"` : 'which phr command?'} (${USAGE})`);
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

const METRICS_USAGE = 'usage: aiops-tui report metrics [--since 7d] [--history-dir DIR] [--json]';

/** `aiops-tui report metrics`: MTTD, MTTR, approval latency and the rest, from the PHRs. */
export async function reportMetricsMain(
  argv: string[],
  out: (text: string) => void = (t) => process.stdout.write(t),
): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        'history-dir': { type: 'string', default: 'history' },
        since: { type: 'string' },
        json: { type: 'boolean' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new CliError(`${describeError(error)} (${METRICS_USAGE})`);
  }
  const window = values.since === undefined ? undefined : parseSince(values.since);
  if (values.since !== undefined && window === undefined)
    throw new CliError(`--since takes a duration like 7d, 12h or 30m, not "${values.since}"`);
  const figures = computeFigures(
    openHistory(values['history-dir']).list(),
    window === undefined ? undefined : Date.now() - window,
  );
  out(values.json ? JSON.stringify(figures, null, 2) + '\n' : figuresTable(figures));
  return 0;
}

const RUNBOOK_USAGE = `usage: aiops-tui runbook generate ${'PATTERN'} [--history-dir DIR] [--runbooks-dir DIR] (patterns: ${RUNBOOK_PATTERNS.join(', ')})`;

/** `aiops-tui runbook generate PATTERN`: the runbook's generated section from resolved PHRs. */
export async function runbookMain(
  argv: string[],
  out: (text: string) => void = (t) => process.stdout.write(t),
): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        'history-dir': { type: 'string', default: 'history' },
        'runbooks-dir': { type: 'string', default: 'runbooks' },
      },
      strict: true,
      allowPositionals: true,
    });
  } catch (error) {
    throw new CliError(`${describeError(error)} (${RUNBOOK_USAGE})`);
  }
  const [verb, pattern, ...extra] = parsed.positionals;
  if (verb !== 'generate' || !pattern || extra.length) throw new CliError(RUNBOOK_USAGE);
  if (!(RUNBOOK_PATTERNS as readonly string[]).includes(pattern))
    throw new CliError(`unknown failure pattern "${pattern}" (${RUNBOOK_USAGE})`);
  const history = openHistory(parsed.values['history-dir']);
  const path = updateRunbook(parsed.values['runbooks-dir'], pattern, generatedSection(history, pattern));
  out(`updated ${path}\n`);
  return 0;
}
