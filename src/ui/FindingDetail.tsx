// `enter` on a finding: its evidence, what it affects, the suggested fix and the runbook.
import { Text } from 'ink';
import { useCockpit } from './context.js';
import { SEVERITY_MARK } from './FindingsPane.js';
import { hintLine } from './keymap.js';
import { findingLines } from './overlay-lines.js';
import { ScrollOverlay } from './ScrollOverlay.js';

export function FindingDetail({
  width,
  height,
  readOnly,
}: {
  width: number;
  height: number;
  readOnly: boolean;
}) {
  const finding = useCockpit((s) => s.findings.find((f) => f.id === s.ui.selectedFindingId));
  return (
    <ScrollOverlay
      width={width}
      height={height}
      lines={findingLines(finding)}
      prompt={hintLine(['overlay'], readOnly, width - 40)}
      title={
        <>
          {finding ? (
            <Text color={SEVERITY_MARK[finding.severity].color}>{SEVERITY_MARK[finding.severity].mark} </Text>
          ) : null}
          {finding?.title ?? 'finding'} (esc closes)
        </>
      }
    />
  );
}
