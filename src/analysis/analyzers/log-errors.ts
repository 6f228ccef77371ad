// Log errors (k8sgpt's log.go): a running container whose recent log is full of errors, which no
// status shows. Lines are classified by a pure pattern table; a workload's replicas are one
// finding per container name; the distinct error lines (numbers and ids normalized) are quoted.
import { makeFinding } from '../finding.js';
import { indexSnapshot, type Workload } from '../snapshot-index.js';
import type { AnalyzeOptions, ClusterSnapshot, Finding } from '../../model/analysis.js';

const ANALYZER = 'log-errors';
const QUOTE_CHARS = 240;

const LEVEL =
  '(?:error|ERROR|Error|fatal|FATAL|Fatal|panic|PANIC|crit|CRIT|critical|CRITICAL|Critical|alert|ALERT|emerg|EMERG|emergency|EMERGENCY)';

/**
 * What marks a line as an error, one logging convention per alternative, joined into one
 * expression so a line is scanned once (logs of thousands of containers go through it).
 */
const ERROR_LINE = new RegExp(
  [
    '\\b(?:ERROR|FATAL|CRITICAL|SEVERE|EMERG|ALERT|CRIT)\\b', // plain-text levels, upper case
    `\\blevel=${LEVEL}\\b`, // logfmt
    `"(?:level|severity|lvl)"\\s*:\\s*"${LEVEL}"`, // JSON
    `\\[${LEVEL}\\]`, // nginx / apache error log
    '^[EF]\\d{4} \\d\\d:\\d\\d:\\d\\d', // klog E/F lines
    '^panic: ', // Go
    '^Traceback \\(most recent call last\\)', // Python
    '\\b[A-Z]\\w*(?:Exception|Error)\\b(?::\\s|$)', // exceptions: NullPointerException: …
    '^\\s*Exception in thread ',
    '"\\s?[A-Z]+ \\S+ HTTP/[\\d.]+"\\s+5\\d\\d\\s', // access log: "GET /x HTTP/1.1" 503 …
    '"(?:status|status_code|statusCode)"\\s*:\\s*5\\d\\d\\b', // JSON access log
    '\\bstatus=5\\d\\d\\b', // logfmt access log
  ].join('|'),
);

/**
 * Literals at least one of which every alternative above needs (for access logs, the 5xx status
 * after the request, so a healthy access line stops here): most lines have none, and this
 * check is several times cheaper than the full expression.
 */
const MAYBE_ERROR =
  /RROR|ATAL|RIT|EVERE|MERG|LERT|rror|atal|anic|ANIC|rit|lert|merg|xception|Traceback|HTTP\/[\d.]+"\s+5|status|^[EF]\d/;

/** Whether a log line reports an error. */
export function isErrorLine(line: string): boolean {
  return MAYBE_ERROR.test(line) && ERROR_LINE.test(line);
}

/**
 * The line with what varies between repetitions blanked, for de-duplication: every token that
 * holds a digit (times, counts, ids, addresses, ports) becomes `#`.
 */
export function normalizeLine(line: string): string {
  return line.replace(/\b\w*\d[\w.:-]*/g, '#');
}

interface Tally {
  workload: Workload | undefined;
  namespace: string;
  container: string;
  errors: number;
  lines: number;
  notReady: number;
  pods: { name: string; errors: number; lines: number }[];
  /** Normalized line → first original line and how often it occurred. */
  distinct: Map<string, { line: string; count: number }>;
}

export function logErrors(snapshot: ClusterSnapshot, options: AnalyzeOptions): Finding[] {
  const logs = snapshot.recentLogs;
  if (!logs) return [];
  const index = indexSnapshot(snapshot);
  const pods = index.pods();
  const tallies = new Map<string, Tally>();
  for (const [key, lines] of Object.entries(logs)) {
    const [namespace = '', podName = '', container = ''] = key.split('/');
    const pod = pods.get(`${namespace}/${podName}`);
    const status = pod?.status?.containerStatuses?.find((s) => s.name === container);
    if (!pod || !status?.state?.running || lines.length === 0) continue;
    const workload = index.podWorkload.get(`${namespace}/${podName}`);
    const groupKey = `${workload ? `${workload.ref.kind}/${namespace}/${workload.ref.name}` : `Pod/${namespace}/${podName}`}/${container}`;
    let tally = tallies.get(groupKey);
    if (!tally)
      tallies.set(
        groupKey,
        (tally = {
          workload,
          namespace,
          container,
          errors: 0,
          lines: 0,
          notReady: 0,
          pods: [],
          distinct: new Map(),
        }),
      );
    let errors = 0;
    for (const line of lines) {
      if (!isErrorLine(line)) continue;
      errors++;
      const normalized = normalizeLine(line);
      const seen = tally.distinct.get(normalized);
      if (seen) seen.count++;
      else tally.distinct.set(normalized, { line, count: 1 });
    }
    tally.errors += errors;
    tally.lines += lines.length;
    if (!status.ready) tally.notReady++;
    tally.pods.push({ name: podName, errors, lines: lines.length });
  }

  const findings: Finding[] = [];
  for (const tally of tallies.values()) {
    const verdict = logVerdict(tally.errors, tally.lines, options);
    if (!verdict) continue;
    const first = tally.pods[0]!.name;
    const { namespace } = tally;
    const resource = tally.workload?.ref ?? { kind: 'Pod', namespace, name: first };
    const share = Math.round((tally.errors / tally.lines) * 100);
    const quoted = [...tally.distinct.values()].sort((a, b) => b.count - a.count);
    const detail = [
      `${tally.errors} of ${tally.lines} recent lines are errors (${share} %) in container ${tally.container}`,
      ...tally.pods.slice(0, 5).map((p) => `pod ${p.name}: ${p.errors} of ${p.lines} lines`),
      ...(tally.pods.length > 5 ? [`… ${tally.pods.length - 5} more pods`] : []),
      ...(tally.notReady ? [`${tally.notReady} of ${tally.pods.length} containers not Ready`] : []),
      `${quoted.length} distinct error line${quoted.length === 1 ? '' : 's'}${quoted.length > options.logErrorQuotes ? `, the ${options.logErrorQuotes} most frequent` : ''}:`,
      ...quoted
        .slice(0, options.logErrorQuotes)
        .map(
          (q) =>
            `  ${q.line.length > QUOTE_CHARS ? `${q.line.slice(0, QUOTE_CHARS)}…` : q.line}${q.count > 1 ? ` (×${q.count})` : ''}`,
        ),
    ];
    findings.push(
      makeFinding(snapshot, {
        analyzer: ANALYZER,
        problem: `errors:${tally.container}`,
        resource,
        severity: verdict === 'share' || tally.notReady ? 'warning' : 'info',
        title: `${tally.container} logs errors: ${tally.errors} of ${tally.lines} recent lines (${share} %)`,
        detail,
        affected:
          tally.workload?.ref.kind !== 'Pod'
            ? tally.pods.map((p) => ({ kind: 'Pod', namespace, name: p.name }))
            : [],
        suggestedFix: `Read the errors in context (kubectl logs ${first} -n ${namespace} -c ${tally.container} --since=15m) and fix what they name: a dependency it cannot reach, a bad configuration value, or a bug.`,
        runbook: 'log-errors',
      }),
    );
  }
  return findings;
}

/**
 * Whether error lines are reported: 'share' when they are a large part of the log (and more
 * than a stray few), 'count' when they are many in absolute terms; else undefined.
 */
export function logVerdict(
  errors: number,
  lines: number,
  options: AnalyzeOptions,
): 'share' | 'count' | undefined {
  if (lines === 0 || errors === 0) return undefined;
  if (errors >= options.logErrorMinLines && errors / lines >= options.logErrorShare) return 'share';
  if (errors >= options.logErrorCount) return 'count';
  return undefined;
}
