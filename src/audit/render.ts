// The Markdown a person reads for each lifecycle event. What it says is fixed when the event is
// written (its hash covers these bytes); the event's data was redacted and stripped before.
import { stringify } from 'yaml';
import type { PhrEvent, RecordInit } from './types.js';
import { REJECTION_REASON_LABEL, type RejectionReason } from '../model/rejection.js';

/** Metrics as a person reads them: a figure the cluster could not give is unknown, not zero. */
const metricsShown = (m: Record<string, number | null>): Record<string, number | string> =>
  Object.fromEntries(Object.entries(m).map(([k, v]) => [k, v ?? 'unknown']));

const yamlBlock = (label: string, value: unknown): string[] => [
  `${label}:`,
  '',
  '```yaml',
  stringify(value).trimEnd(),
  '```',
  '',
];

/** The record's opening section: its title, where it came from and, for a recommendation, what and why. */
export function renderCreation(init: RecordInit, at: string, by: string, clusterAt?: string): string {
  const lines = [
    `# ${init.title}`,
    '',
    `Source: ${init.source}${init.target ? ` · target: \`${init.target}\`` : ''} · recorded by **${by}** · created ${at}${clusterAt ? ` (cluster time ${clusterAt})` : ''}`,
    '',
  ];
  if (init.emergency)
    lines.push(
      `**EMERGENCY** (${init.emergency.by === 'policy' ? 'by policy' : 'by its proposer'}): ${init.emergency.reason}`,
      '',
    );
  const t = init.timestamps;
  const both = (wall: string | undefined, cluster: string | undefined): string =>
    `${wall}${cluster && cluster !== wall ? ` (cluster time ${cluster})` : ''}`;
  if (t?.failure_started || t?.detected)
    lines.push(
      [
        t.failure_started && `Failure started ${both(t.failure_started, t.cluster?.failure_started)}`,
        t.detected && `detected ${both(t.detected, t.cluster?.detected)}`,
      ]
        .filter(Boolean)
        .join('; ') + '.',
      '',
    );
  const rec = init.recommendation;
  if (rec) {
    lines.push(rec.summary, '');
    if (rec.kubectl) lines.push(`Equivalent command: \`${rec.kubectl}\``, '');
    if (rec.evidence?.length) lines.push('Evidence:', '', ...rec.evidence.map((e) => `- ${e}`), '');
  }
  if (init.quality)
    lines.push(
      `Confidence: **${init.quality.confidence}** (${init.quality.rule}): ${init.quality.rationale}`,
      '',
    );
  if (init.operation !== undefined) lines.push(...yamlBlock('Operation', init.operation));
  return lines.join('\n');
}

export function renderSection(event: PhrEvent, at: string): string {
  const lines = [`## ${at} — ${event.kind}`, ''];
  if (event.cluster_at) lines.push(`Cluster time: ${event.cluster_at}.`, '');
  switch (event.kind) {
    case 'approved':
      lines.push(`Approved by **${event.approver}**${event.reason ? `: ${event.reason}` : ''}.`, '');
      break;
    case 'rejected':
      lines.push(
        `Rejected by **${event.approver}**: ${event.text === undefined ? event.reason : `${REJECTION_REASON_LABEL[event.reason as RejectionReason] ?? event.reason}${event.text ? ` — ${event.text}` : ''}`}.`,
        '',
      );
      break;
    case 'expired':
      lines.push('The approval window closed before enough approvals.', '');
      break;
    case 'executing':
      lines.push(`Execution started by **${event.by}**.`, '');
      break;
    case 'executed':
      lines.push(event.operation, '', `Equivalent command: \`${event.kubectl}\``, '');
      if (event.argv) lines.push(`Ran: \`${event.argv.join(' ')}\``, '');
      if (event.server)
        lines.push(`Against ${event.server}${event.identity ? ` as ${event.identity}` : ''}.`, '');
      if (event.preState !== undefined) lines.push(...yamlBlock('Pre-state', event.preState));
      if (event.postState !== undefined) lines.push(...yamlBlock('Post-state', event.postState));
      if (event.preMetrics) lines.push(...yamlBlock('Pre-metrics', metricsShown(event.preMetrics)));
      if (event.validation)
        lines.push(
          `Validation: watched for ${event.validation.window_seconds} s from ${event.validation.started} (the API server's clock).`,
          '',
        );
      break;
    case 'validation-resumed':
      lines.push(
        `Validation resumed by **${event.by}** (${event.host} pid ${event.pid}): the window opened at ${event.started} and lasts ${event.window_seconds} s.`,
        '',
      );
      break;
    case 'validated':
      lines.push(event.detail ?? 'Stable for the validation window.', '');
      if (event.postMetrics) lines.push(...yamlBlock('Post-metrics', metricsShown(event.postMetrics)));
      break;
    case 'failed':
      lines.push(`Failed: ${event.reason}`, '');
      break;
    case 'interrupted':
      lines.push(`Interrupted: ${event.detail}`, '');
      break;
    case 'rollback-requested':
      lines.push(`Rollback requested by **${event.by ?? 'policy (automatic)'}**.`, '');
      break;
    case 'rolled-back':
      lines.push(
        `${event.success ? 'Rolled back' : 'Rollback failed'}${event.detail ? `: ${event.detail}` : '.'}`,
        '',
      );
      break;
    case 'chat':
      lines.push(
        `**Question** (${event.backend}):`,
        '',
        event.question,
        '',
        '**Answer:**',
        '',
        event.answer,
        '',
      );
      if (event.proposals?.length)
        lines.push('Proposals:', '', ...event.proposals.map((p) => `- \`${p}\``), '');
      break;
    case 'note':
      lines.push(event.text, '');
      break;
    case 'escalated':
      lines.push(
        `Escalated (${event.threshold}): ${event.detail}. Notified: ${event.channels.join(', ') || 'nobody'}.`,
        '',
      );
      break;
    case 'notification-failed':
      lines.push(
        `Notification of ${event.threshold} to ${event.channel} failed after ${event.attempts} attempt${event.attempts === 1 ? '' : 's'}: ${event.error}`,
        '',
      );
      break;
  }
  return lines.join('\n');
}
