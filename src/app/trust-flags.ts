// The trust flags (--policy, --signing-key, --allowed-signers, --approver) as a Trust, or one
// CliError line. Apart from queue-cli so the cockpit reads them before its first frame without
// loading the workflow.
import { IdentityError } from '../audit/identity.js';
import { CliError } from '../cli/errors.js';
import { PolicyError } from '../workflow/policy.js';
import { loadTrust, type Trust } from '../workflow/trust.js';

/** Keys, allowed signers and policy, each failure one line (exit 2). */
export async function trustFrom(
  values: {
    policy?: string | undefined;
    'signing-key'?: string | undefined;
    'allowed-signers'?: string | undefined;
    approver?: string | undefined;
    demo?: boolean | undefined;
  },
  withoutPolicy = false,
): Promise<Trust> {
  try {
    return await loadTrust({
      ...(values.policy ? { policyPath: values.policy } : {}),
      ...(values['signing-key'] ? { signingKey: values['signing-key'] } : {}),
      ...(values['allowed-signers'] ? { allowedSignersPath: values['allowed-signers'] } : {}),
      ...(values.approver !== undefined ? { approver: values.approver } : {}),
      ...(values.demo ? { demo: true } : {}),
      withoutPolicy,
    });
  } catch (error) {
    if (error instanceof PolicyError || error instanceof IdentityError) throw new CliError(error.message);
    throw error;
  }
}
