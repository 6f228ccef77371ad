// `enter` on a recommendation: its facts and its record's timeline (evidence, operation, pre- and
// post-state, approvals, validation), as the PHR holds them; it scrolls.
import { useMemo } from 'react';
import { useCockpit } from './context.js';
import { hintLine } from './keymap.js';
import { recommendationLines } from './overlay-lines.js';
import { ScrollOverlay } from './ScrollOverlay.js';

export function RecommendationDetail({
  width,
  height,
  readOnly,
}: {
  width: number;
  height: number;
  readOnly: boolean;
}) {
  const title = useCockpit(
    (s) => s.recommendations.find((r) => r.id === s.ui.selectedRecommendationId)?.title,
  );
  const recommendations = useCockpit((s) => s.recommendations);
  const body = useCockpit((s) => s.ui.recommendationBody);
  const progress = useCockpit((s) => s.progress);
  const selected = useCockpit((s) => s.ui.selectedRecommendationId);
  const lines = useMemo(
    () => recommendationLines({ recommendations, progress, selectedId: selected, body }, width - 4),
    [recommendations, progress, selected, body, width],
  );
  return (
    <ScrollOverlay
      width={width}
      height={height}
      lines={lines}
      title={`${title ?? 'recommendation'} (esc closes)`}
      prompt={hintLine(['overlay'], readOnly, width - 40)}
    />
  );
}
