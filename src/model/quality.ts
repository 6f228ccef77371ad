// How far to trust a recommendation: the levels and what a rating holds (src/analysis/confidence.ts
// rates built-in findings; agents rate their own).
export const CONFIDENCES = ['high', 'medium', 'low'] as const;
export type Confidence = (typeof CONFIDENCES)[number];

export interface Quality {
  confidence: Confidence;
  rationale: string;
  /** The rule that rated it: `pod-failures/image-pull`, `kagent`, `offline-assistant/asked` … */
  rule: string;
}
