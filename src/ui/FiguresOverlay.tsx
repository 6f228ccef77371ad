// The `m` overlay: the operations plan's figures as the audit trail computes them: incident
// times, approvals (routine and emergency apart), compliance, rollbacks, and recommendation
// quality (the share acted upon per source and confidence against the plan's 80 %, rejection
// reasons, right-sizing's cost change, the toil estimate; src/audit/quality.ts). It scrolls.
import { useCockpit } from './context.js';
import { hintLine } from './keymap.js';
import { figuresLines } from './overlay-lines.js';
import { ScrollOverlay } from './ScrollOverlay.js';

export function FiguresOverlay({
  width,
  height,
  readOnly,
}: {
  width: number;
  height: number;
  readOnly: boolean;
}) {
  const figures = useCockpit((s) => s.auditFigures);
  return (
    <ScrollOverlay
      width={width}
      height={height}
      lines={figuresLines(figures, width - 4)}
      prompt={hintLine(['overlay'], readOnly, width - 40)}
      title="audit figures from the PHRs (m or esc closes)"
    />
  );
}
