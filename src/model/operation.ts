// The structured change a recommendation carries, as the queue, the state and the analyzers
// share it. The analyzers' proposals are a subset; the command parser maps what kubectl-ai and
// the offline assistant propose onto the rest, and what it cannot map becomes `generic`
// (always critical).
import type { ProposedOperation, ResourceRef } from './analysis.js';

/** A tool call an agent (kagent) waits to run. */
export interface ToolCall {
  id: string;
  name: string;
  args: Record<string, unknown>;
}

interface Base {
  target: ResourceRef;
  summary: string;
  /** The kubectl (or helm) command that does the same, for the audit trail. */
  kubectl: string;
}

export type Operation =
  | ProposedOperation
  | (Base & { kind: 'rollout-pause' })
  | (Base & { kind: 'rollout-resume' })
  | (Base & { kind: 'delete' })
  // k9s's kill: `kubectl delete pod --grace-period=0 --force`, the pod gone without waiting for
  // its containers to stop (they may still run on the node for a while).
  | (Base & { kind: 'kill-pod' })
  | (Base & {
      kind: 'label' | 'annotate';
      changes: Record<string, string | null>;
      /** --overwrite: without it, a key that already has another value fails, as in kubectl. */
      overwrite: boolean;
    })
  | (Base & { kind: 'cordon' | 'uncordon' })
  | (Base & {
      kind: 'drain';
      /** kubectl's three refusals, each lifted by its flag: DaemonSet pods, emptyDir, bare pods. */
      ignoreDaemonSets: boolean;
      deleteEmptyDirData: boolean;
      force: boolean;
    })
  // The kinds below run an external program: `argv` (program first) is the approved command,
  // run verbatim; the other fields describe it (for the snapshot, the tier and the screen).
  | (Base & {
      kind: 'apply';
      files: string[];
      argv: string[];
      /**
       * The cockpit's `e` (an edit): the sha256 of the one file, which holds the target object
       * only. The executor runs it only while the file still has that digest, and captures the
       * target, so the edit can be rolled back.
       */
      sha256?: string;
    })
  | (Base & { kind: 'helm-rollback'; release: string; revision?: number; argv: string[] })
  | (Base & { kind: 'helm-upgrade'; release: string; chart: string; install: boolean; argv: string[] })
  | (Base & { kind: 'generic'; argv: string[] })
  // Not run here at all: approving it answers a task kagent paused for this approval.
  | (Base & {
      kind: 'kagent-approval';
      /** `namespace/name` of the agent, and the analysis whose task paused. */
      agent: string;
      analysis: string;
      taskId: string;
      contextId: string;
      tools: KagentToolCall[];
    });

/** A tool call kagent waits to run, with what it would do read as kubectl. */
export interface KagentToolCall extends ToolCall {
  /** The kubectl operation it amounts to (its tier is this one's); null: read-only. */
  equivalent: Operation | null;
}

export type OperationKind = Operation['kind'];
