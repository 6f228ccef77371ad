// The structured change a recommendation carries. The analyzers' proposals are a subset; the
// command parser maps what kubectl-ai and the offline assistant propose onto the rest, and what
// it cannot map becomes `generic` (always critical).
import type { Operation } from '../model/operation.js';
import { canonical } from '../audit/record-format.js';

/**
 * What an operation changes, in one spelling: kind, target and parameters with sorted keys.
 * The summary and kubectl line are left out: they are derived from the rest, and two assistants
 * may word the same change differently. The target's kind is case-folded (`deployment` =
 * `Deployment`).
 */
export function operationKey(op: Operation): string {
  const { summary: _summary, kubectl: _kubectl, target, ...parameters } = op;
  return canonical({ ...parameters, target: { ...target, kind: target.kind.toLowerCase() } });
}

/** Whether two operations make the same change (see operationKey). */
export function sameOperation(a: Operation, b: Operation): boolean {
  return operationKey(a) === operationKey(b);
}
