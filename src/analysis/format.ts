// Findings as a plain-text table for terminals and CI logs.
import type { Finding, ResourceRef, Severity } from '../model/analysis.js';

export function resourceLabel(ref: ResourceRef): string {
  return `${ref.kind.toLowerCase()}/${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}`;
}

/** SEVERITY, RESOURCE, TITLE columns, then a count by severity. */
export function findingsTable(findings: readonly Finding[]): string {
  const rows = [
    ['SEVERITY', 'RESOURCE', 'TITLE'],
    ...findings.map((f) => [f.severity, resourceLabel(f.resource), f.title]),
  ];
  const widths = [0, 1].map((col) => Math.max(...rows.map((row) => row[col]!.length)));
  const lines = rows.map((row) =>
    row.map((cell, col) => (col < 2 ? cell.padEnd(widths[col]!) : cell)).join('  '),
  );
  const counts = { critical: 0, warning: 0, info: 0 } satisfies Record<Severity, number>;
  for (const f of findings) counts[f.severity]++;
  const summary = `${findings.length} findings: ${counts.critical} critical, ${counts.warning} warning, ${counts.info} info`;
  return `${findings.length ? lines.join('\n') + '\n' : ''}${summary}\n`;
}
