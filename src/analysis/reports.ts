// Scheduled and on-demand reports (operations plan): daily utilization, weekly cluster health and
// weekly security posture, as Markdown with YAML front matter under <history>/reports/, each with
// its findings, its figures and the trend against the previous report of the same kind.
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import matter from 'gray-matter';
import { summarizePod } from '../kube/format.js';
import { bytes, cpuMillis, formatBytes, formatCpu } from '../kube/quantity.js';
import { analyze } from './analyze.js';
import { resourceLabel } from './format.js';
import type { ClusterSnapshot, Finding, Severity } from '../model/analysis.js';

export const REPORT_KINDS = ['health', 'utilization', 'security'] as const;
export type ReportKind = (typeof REPORT_KINDS)[number];

/** Which analyzers each report runs, and how often the plan schedules it. */
export const REPORT_SPEC: Record<ReportKind, { analyzers: string[]; title: string; everyMs: number }> = {
  health: {
    analyzers: ['pod-failures', 'workloads'],
    title: 'Weekly cluster health',
    everyMs: 7 * 86_400_000,
  },
  utilization: { analyzers: ['right-sizing', 'scaling'], title: 'Daily utilization', everyMs: 86_400_000 },
  security: { analyzers: ['security'], title: 'Weekly security posture', everyMs: 7 * 86_400_000 },
};

type Counts = Record<Severity, number>;

export interface ReportMeta {
  kind: ReportKind;
  title: string;
  generated: string;
  context: string;
  namespace: string;
  counts: Counts;
  figures: Record<string, string | number>;
  /** File name of the previous report of this kind, and the change in counts since it. */
  previous: string | null;
  trend: Counts | null;
}

export interface Report {
  meta: ReportMeta;
  findings: Finding[];
  markdown: string;
}

function countBySeverity(findings: readonly Finding[]): Counts {
  const counts: Counts = { critical: 0, warning: 0, info: 0 };
  for (const f of findings) counts[f.severity]++;
  return counts;
}

/** Latest usage per container summed against requests, for the utilization figures. */
function utilizationFigures(snapshot: ClusterSnapshot): Record<string, string | number> {
  let usedCpu = 0;
  let usedMem = 0;
  let requestedCpu = 0;
  let requestedMem = 0;
  for (const pod of snapshot.pods) {
    const key = `${pod.metadata?.namespace}/${pod.metadata?.name}`;
    for (const c of pod.spec?.containers ?? []) {
      requestedCpu += cpuMillis(c.resources?.requests?.cpu) ?? 0;
      requestedMem += bytes(c.resources?.requests?.memory) ?? 0;
      const last = snapshot.usage.get(`${key}/${c.name}`)?.at(-1);
      usedCpu += last?.cpuMillis ?? 0;
      usedMem += last?.memoryBytes ?? 0;
    }
  }
  const pct = (used: number, requested: number) => (requested > 0 ? Math.round((used / requested) * 100) : 0);
  return {
    cpu_used: formatCpu(usedCpu),
    cpu_requested: formatCpu(requestedCpu),
    cpu_used_of_requests_pct: pct(usedCpu, requestedCpu),
    memory_used: formatBytes(usedMem),
    memory_requested: formatBytes(requestedMem),
    memory_used_of_requests_pct: pct(usedMem, requestedMem),
  };
}

function healthFigures(snapshot: ClusterSnapshot): Record<string, string | number> {
  const byStatus = new Map<string, number>();
  for (const pod of snapshot.pods) {
    const status = summarizePod(pod).status;
    byStatus.set(status, (byStatus.get(status) ?? 0) + 1);
  }
  const readyNodes = snapshot.nodes.filter((n) =>
    n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
  ).length;
  return {
    pods: snapshot.pods.length,
    pods_running: byStatus.get('Running') ?? 0,
    pods_not_running: snapshot.pods.length - (byStatus.get('Running') ?? 0),
    nodes_ready: `${readyNodes}/${snapshot.nodes.length}`,
    deployments: snapshot.deployments.length,
  };
}

export function buildReport(
  kind: ReportKind,
  snapshot: ClusterSnapshot,
  where: { context: string; namespace: string | undefined },
  previous: { file: string; counts: Counts } | undefined,
): Report {
  const spec = REPORT_SPEC[kind];
  const findings = analyze(snapshot, { only: spec.analyzers });
  const counts = countBySeverity(findings);
  const figures =
    kind === 'utilization'
      ? utilizationFigures(snapshot)
      : kind === 'health'
        ? healthFigures(snapshot)
        : { workloads_checked: snapshot.deployments.length, pods_checked: snapshot.pods.length };
  const meta: ReportMeta = {
    kind,
    title: spec.title,
    generated: new Date(snapshot.now).toISOString(),
    context: where.context,
    namespace: where.namespace ?? 'all',
    counts,
    figures,
    previous: previous?.file ?? null,
    trend: previous
      ? {
          critical: counts.critical - previous.counts.critical,
          warning: counts.warning - previous.counts.warning,
          info: counts.info - previous.counts.info,
        }
      : null,
  };
  const signed = (n: number) => (n > 0 ? `+${n}` : String(n));
  const lines = [
    `# ${spec.title} — ${meta.context}, ${meta.namespace === 'all' ? 'all namespaces' : `namespace ${meta.namespace}`}`,
    '',
    `Generated ${meta.generated}. ${findings.length} findings: ${counts.critical} critical, ${counts.warning} warning, ${counts.info} info.`,
    meta.trend
      ? `Since ${meta.previous}: critical ${signed(meta.trend.critical)}, warning ${signed(meta.trend.warning)}, info ${signed(meta.trend.info)}.`
      : 'No previous report of this kind to compare with.',
    '',
    '## Figures',
    '',
    '| figure | value |',
    '|---|---|',
    ...Object.entries(figures).map(([k, v]) => `| ${k.replace(/_/g, ' ')} | ${v} |`),
    '',
    '## Findings',
    '',
    ...(findings.length === 0
      ? ['None.']
      : findings.flatMap((f) => [
          `### ${f.severity}: ${f.title}`,
          '',
          `Resource: \`${resourceLabel(f.resource)}\`${f.runbook ? ` · runbook: [${f.runbook}](../../runbooks/${f.runbook}.md)` : ''}`,
          '',
          ...f.detail.map((d) => `- ${d}`),
          ...(f.suggestedFix ? ['', `Suggested fix: ${f.suggestedFix}`] : []),
          ...(f.recommendation
            ? ['', `Recommendation: ${f.recommendation.summary} (\`${f.recommendation.kubectl}\`)`]
            : []),
          '',
        ])),
  ];
  return {
    meta,
    findings,
    markdown: matter.stringify(lines.join('\n') + '\n', meta as unknown as Record<string, unknown>),
  };
}

/** The newest report of a kind in the directory, read back from its front matter. */
export function latestReport(dir: string, kind: ReportKind): { file: string; counts: Counts } | undefined {
  let files: string[];
  try {
    files = readdirSync(dir)
      .filter((f) => f.startsWith(`${kind}-`) && f.endsWith('.md'))
      .sort();
  } catch {
    return undefined;
  }
  for (const file of files.reverse()) {
    try {
      const data = matter(readFileSync(join(dir, file), 'utf8')).data as Partial<ReportMeta>;
      if (data.kind === kind && data.counts) return { file, counts: data.counts };
    } catch {
      // A hand-edited or torn report is skipped, not fatal: the next older one is compared.
    }
  }
  return undefined;
}

/** Writes a report atomically (temp file + rename): a reader never sees half of one. */
export function writeReport(dir: string, report: Report): string {
  mkdirSync(dir, { recursive: true });
  const stamp = report.meta.generated.replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z');
  const file = `${report.meta.kind}-${stamp}.md`;
  const tmp = join(dir, `.${file}.tmp`);
  writeFileSync(tmp, report.markdown);
  renameSync(tmp, join(dir, file));
  return file;
}
