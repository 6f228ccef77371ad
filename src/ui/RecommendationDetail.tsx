// `enter` on a recommendation: its facts and its record's timeline (evidence, operation, pre- and
// post-state, approvals, validation), as the PHR holds them.
import { Text } from 'ink';
import { useCockpit } from './context.js';
import { renderMarkdown } from './markdown.js';
import { MarkdownLines } from './MarkdownLines.js';
import { Overlay } from './Overlay.js';

export function RecommendationDetail({ width, height }: { width: number; height: number }) {
  const rec = useCockpit((s) => s.recommendations.find((r) => r.id === s.ui.selectedRecommendationId));
  const body = useCockpit((s) => s.ui.recommendationBody);
  const progress = useCockpit((s) => (rec ? s.progress[rec.id] : undefined));
  const head = rec
    ? [
        `${rec.tier} · ${rec.status}${progress ? ` (${progress})` : ''} · ${rec.source} · ${rec.target}${rec.confidence ? ` · confidence ${rec.confidence}` : ''}`,
        `approvers: ${rec.approvers.join(', ') || 'none'} (${rec.requiredApprovers} needed) · record history/prompts/${rec.id}.md`,
        `$ ${rec.operation.kubectl}`,
      ]
    : ['the recommendation is gone'];
  const lines = renderMarkdown(body ?? '', Math.max(10, width - 4));
  return (
    <Overlay width={width} height={height} title={`${rec?.title ?? 'recommendation'} (esc closes)`}>
      {head.map((line, i) => (
        <Text key={i} wrap="truncate" color={i === 2 ? 'green' : undefined}>
          {line}
        </Text>
      ))}
      {/* The newest events matter most: the end of the timeline shows when it does not fit. */}
      <MarkdownLines lines={lines.slice(Math.max(0, lines.length - Math.max(0, height - 6)))} />
    </Overlay>
  );
}
