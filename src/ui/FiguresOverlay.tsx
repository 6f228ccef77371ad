// The `m` overlay: the operations plan's figures as the audit trail computes them: incident
// times, approvals, compliance, rollbacks, and recommendation quality (the share acted upon per
// source and confidence against the plan's 80 %, rejection reasons, right-sizing's cost change,
// the toil estimate; src/audit/quality.ts).
import { Text } from 'ink';
import { figuresTable } from '../audit/metrics.js';
import { useCockpit } from './context.js';
import { Overlay } from './Overlay.js';

export function FiguresOverlay({ width, height }: { width: number; height: number }) {
  const figures = useCockpit((s) => s.auditFigures);
  const lines =
    figures && figures.records > 0
      ? figuresTable(figures).trimEnd().split('\n')
      : ['no Prompt History Records yet (history/prompts/)'];
  return (
    <Overlay title="audit figures from the PHRs (m or esc closes)" width={width} height={height}>
      {lines.slice(0, Math.max(0, height - 3)).map((line, i) => (
        <Text key={i} wrap="truncate">
          {line}
        </Text>
      ))}
    </Overlay>
  );
}
