// Why a recommendation was turned down: the short list the operations plan's feedback loop
// counts by (`report metrics`), with free text beside it.
export const REJECTION_REASONS = ['wrong-diagnosis', 'wrong-fix', 'not-now', 'duplicate'] as const;
export type RejectionReason = (typeof REJECTION_REASONS)[number];

/** How each reason reads in the cockpit's pick list and in `phr show`. */
export const REJECTION_REASON_LABEL: Record<RejectionReason, string> = {
  'wrong-diagnosis': 'wrong diagnosis',
  'wrong-fix': 'wrong fix',
  'not-now': 'not now',
  duplicate: 'duplicate',
};
