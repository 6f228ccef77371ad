// The structured change a recommendation carries. The analyzers' proposals are a subset; the
// command parser maps what kubectl-ai and the offline assistant propose onto the rest, and what
// it cannot map becomes `generic` (always critical).
import type { ProposedOperation, ResourceRef } from '../analysis/types.js';

interface Base {
  target: ResourceRef;
  summary: string;
  /** The kubectl (or helm) command that does the same, for the audit trail. */
  kubectl: string;
}

export type Operation =
  | ProposedOperation
  | (Base & { kind: 'set-image'; images: Record<string, string> })
  | (Base & { kind: 'rollout-pause' })
  | (Base & { kind: 'rollout-resume' })
  | (Base & { kind: 'delete' })
  | (Base & { kind: 'label' | 'annotate'; changes: Record<string, string | null> })
  | (Base & { kind: 'cordon' | 'uncordon' | 'drain' })
  | (Base & { kind: 'apply'; files: string[] })
  | (Base & { kind: 'helm-rollback'; release: string; revision?: number })
  | (Base & { kind: 'helm-upgrade'; release: string; chart: string })
  | (Base & { kind: 'generic'; argv: string[] });

export type OperationKind = Operation['kind'];
