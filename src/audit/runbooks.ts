// Runbooks: hand-written Markdown per failure pattern under runbooks/, plus one generated section
// that `aiops-tui runbook generate` rewrites from the resolved PHRs of that pattern (what was
// seen, what was done, how long recovery took). Text outside the markers is never touched.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { History } from './history.js';
import { computeFigures } from './metrics.js';

export const RUNBOOK_PATTERNS = [
  'crashloopbackoff',
  'oomkilled',
  'imagepullbackoff',
  'pending',
  'probe-failure',
  'stuck-rollout',
  'hpa-thrashing',
  'service-endpoints',
  'ingress-backend',
  'missing-config',
  'pvc-pending',
  'node-pressure',
  'hpa-misconfigured',
  'failed-job',
  'disruption-budget',
  'log-errors',
] as const;

const START = '<!-- aiops-tui:generated:start -->';
const END = '<!-- aiops-tui:generated:end -->';

export function runbookPath(runbooksDir: string, pattern: string): string {
  return join(runbooksDir, `${pattern}.md`);
}

/** The generated section for one pattern, from its resolved records. */
export function generatedSection(history: History, pattern: string): string {
  const resolved = history
    .list()
    .filter((r) => r.runbook === pattern && (r.status === 'validated' || r.status === 'rolled-back'));
  if (resolved.length === 0)
    return `## From the audit trail\n\nNo resolved incidents of this pattern recorded yet.\n`;
  const figures = computeFigures(resolved);
  const actions = new Map<string, number>();
  for (const r of resolved) {
    for (const m of history.get(r.id).body.matchAll(/^Equivalent command: `([^`]+)`/gm)) {
      const command = m[1]!.replace(
        /\b(pod|deployment)\/[a-z0-9-]+-[a-z0-9]{5,10}(-[a-z0-9]{5})?\b/g,
        '$1/<name>',
      );
      actions.set(command, (actions.get(command) ?? 0) + 1);
    }
  }
  const lastSeen = resolved
    .map((r) => r.timestamps.detected ?? r.created)
    .sort()
    .at(-1);
  return [
    '## From the audit trail',
    '',
    `${resolved.length} resolved incident${resolved.length === 1 ? '' : 's'}, the last detected ${lastSeen}.`,
    '',
    `- Recovery time (MTTR): ${figures.mttr.count ? `median ${figures.mttr.p50_s} s, p95 ${figures.mttr.p95_s} s` : 'not recorded'}`,
    `- Detection time (MTTD): ${figures.mttd.count ? `median ${figures.mttd.p50_s} s, p95 ${figures.mttd.p95_s} s` : 'not recorded'}`,
    `- Rolled back: ${resolved.filter((r) => r.status === 'rolled-back').length}`,
    '',
    'What was done:',
    '',
    ...(actions.size
      ? [...actions].sort((a, b) => b[1] - a[1]).map(([command, n]) => `- \`${command}\` (${n}×)`)
      : ['- nothing executed through aiops-tui']),
    '',
    `Records: ${resolved.map((r) => r.id).join(', ')}`,
    '',
  ].join('\n');
}

/** Rewrites the generated section of a runbook (created if missing); returns the file written. */
export function updateRunbook(runbooksDir: string, pattern: string, section: string): string {
  const path = runbookPath(runbooksDir, pattern);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    text = `# ${pattern}\n\n`;
  }
  const block = `${START}\n${section.trimEnd()}\n${END}`;
  const start = text.indexOf(START);
  const end = text.indexOf(END);
  const next =
    start >= 0 && end > start
      ? text.slice(0, start) + block + text.slice(end + END.length)
      : `${text.trimEnd()}\n\n${block}\n`;
  writeFileSync(path, next);
  return path;
}
