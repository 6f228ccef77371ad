// Emergency changes: the proposer says why, or a policy rule matches the finding. An emergency
// keeps its tier's approvers and gets the policy's emergency window instead of the tier's. Two
// pure decisions, each with a table test: whether a proposal is an emergency, and its window.
import type { Emergency } from '../audit/types.js';
import { stripControls } from '../audit/sanitize.js';
import type { EmergencyRule, Policy } from './policy.js';
import type { Operation } from '../model/operation.js';

export interface EmergencyInput {
  operation: Pick<Operation, 'kind' | 'target'>;
  /** The proposer's reason (`--emergency REASON`); blank is no reason. */
  reason?: string | undefined;
  /** The severity of the finding it fixes, when it came from one. */
  severity?: string | undefined;
}

/** `prod*` matches `prod` and `prod-eu`; every other character is itself. */
export function globMatches(glob: string, text: string): boolean {
  const pattern = glob
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${pattern}$`).test(text);
}

function ruleMatches(rule: EmergencyRule, input: EmergencyInput): boolean {
  // A rule that names nothing would make every change an emergency: it matches nothing.
  if (!rule.severity && !rule.namespaces && !rule.kinds) return false;
  if (rule.severity && rule.severity !== input.severity) return false;
  const ns = input.operation.target.namespace;
  if (rule.namespaces && !(ns && rule.namespaces.some((g) => globMatches(g, ns)))) return false;
  if (rule.kinds && !rule.kinds.includes(input.operation.kind)) return false;
  return true;
}

/** Whether a proposal is an emergency, and why: the proposer's reason first, else the first matching rule. */
export function emergencyOf(
  input: EmergencyInput,
  policy: Pick<Policy, 'emergency_rules'>,
): Emergency | undefined {
  const reason = stripControls(input.reason ?? '').trim();
  if (reason) return { reason: reason.slice(0, 500), by: 'proposer' };
  const index = policy.emergency_rules.findIndex((rule) => ruleMatches(rule, input));
  if (index < 0) return undefined;
  const ns = input.operation.target.namespace;
  return {
    reason: `policy emergency_rules[${index}]: ${input.severity ?? 'a'} finding${ns ? ` in namespace ${ns}` : ''}`,
    by: 'policy',
  };
}

/**
 * The approval window of a change: the tier's, or for an emergency the policy's emergency window,
 * never longer than the tier's (an emergency only ever shortens the time to approve). The
 * number of approvers is not an input: an emergency cannot change it.
 */
export function approvalWindowMs(
  tierWindowMs: number,
  emergency: Emergency | undefined,
  policy: Pick<Policy, 'emergency_window_minutes'>,
): number {
  if (!emergency) return tierWindowMs;
  return Math.min(tierWindowMs, policy.emergency_window_minutes * 60_000);
}
