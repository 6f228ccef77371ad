// `enter` on a finding: its evidence, what it affects, the suggested fix and the runbook.
import { Text } from 'ink';
import { findingQuality } from '../analysis/confidence.js';
import { resourceLabel } from '../analysis/format.js';
import { useCockpit } from './context.js';
import { SEVERITY_MARK } from './FindingsPane.js';
import { Overlay } from './Overlay.js';

export function FindingDetail({ width, height }: { width: number; height: number }) {
  const finding = useCockpit((s) => s.findings.find((f) => f.id === s.ui.selectedFindingId));
  const lines: string[] = finding
    ? [
        `${finding.severity} · ${resourceLabel(finding.resource)} · ${finding.source} · seen ${finding.count}×`,
        '',
        ...finding.detail.map((d) => `• ${d}`),
        ...(finding.affected.length
          ? ['', `affects: ${finding.affected.map(resourceLabel).join(', ')}`]
          : []),
        ...(finding.suggestedFix ? ['', `fix: ${finding.suggestedFix}`] : []),
        ...(finding.recommendation
          ? ['', `recommendation: ${finding.recommendation.summary}`, `  ${finding.recommendation.kubectl}`]
          : []),
        ...(finding.runbook ? ['', `runbook: runbooks/${finding.runbook}.md`] : []),
        ...((q) => ['', `confidence: ${q.confidence} (${q.rule}): ${q.rationale}`])(findingQuality(finding)),
      ]
    : ['the finding is resolved'];
  return (
    <Overlay
      width={width}
      height={height}
      title={
        <>
          {finding ? (
            <Text color={SEVERITY_MARK[finding.severity].color}>{SEVERITY_MARK[finding.severity].mark} </Text>
          ) : null}
          {finding?.title ?? 'finding'} (esc closes)
        </>
      }
    >
      {lines.slice(0, Math.max(0, height - 3)).map((line, i) => (
        <Text key={i} wrap="truncate">
          {line}
        </Text>
      ))}
    </Overlay>
  );
}
