// The approval queue from the command line: `aiops-tui queue`, `propose 'kubectl …'`,
// `approve ID`, `reject ID REASON`, `rollback ID`. Same rules as the cockpit's keys (the PHR trail
// decides), so a second architect can give the second approval from a shell.
import { parseArgs } from 'node:util';
import { CLUSTER_OPTIONS, loadKubeConfig } from '../analysis/cli.js';
import { parseCommand } from '../assistants/command-parser.js';
import { CliError, describeError } from '../cli-errors.js';
import { PolicyError } from './policy.js';
import type { Queue } from './queue.js';
import { createWorkflow } from './setup.js';

const USAGE =
  'usage: aiops-tui queue | propose COMMAND | approve ID | reject ID REASON | rollback ID  [--history-dir DIR] [--policy FILE] [--approver NAME] [--kubeconfig FILE] [--context NAME]';

export async function workflowMain(
  verb: string,
  argv: string[],
  out: (text: string) => void = (t) => process.stdout.write(t),
): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        kubeconfig: CLUSTER_OPTIONS.kubeconfig,
        context: CLUSTER_OPTIONS.context,
        'history-dir': { type: 'string', default: 'history' },
        policy: { type: 'string' },
        approver: { type: 'string' },
      },
      strict: true,
      allowPositionals: true,
    });
  } catch (error) {
    throw new CliError(`${describeError(error)} (${USAGE})`);
  }
  const { values, positionals } = parsed;
  const expected = { queue: 0, propose: 1, approve: 1, rollback: 1, reject: 2 }[verb];
  if (expected === undefined || positionals.length !== expected)
    throw new CliError(`${verb} takes ${expected ?? 0} argument${expected === 1 ? '' : 's'} (${USAGE})`);
  let queue: Queue;
  try {
    queue = createWorkflow({
      kubeConfig: loadKubeConfig(values.kubeconfig, values.context),
      historyDir: values['history-dir'],
      ...(values.policy ? { policyPath: values.policy } : {}),
      ...(values.approver ? { approver: values.approver } : {}),
    });
  } catch (error) {
    if (error instanceof PolicyError) throw new CliError(error.message);
    throw error;
  }
  const [first = '', second = ''] = positionals;
  let outcome: { ok: boolean; message: string };
  switch (verb) {
    case 'queue': {
      const rows = (await queue.refresh()).map((r) =>
        [r.id, r.tier, r.status, `${r.approvers.length}/${r.requiredApprovers}`, r.title].join('  '),
      );
      out(rows.length ? rows.join('\n') + '\n' : 'no recommendations\n');
      return 0;
    }
    case 'propose': {
      const parsedCommand = parseCommand(first);
      if (parsedCommand.kind === 'refused') throw new CliError(`refused: ${first}: ${parsedCommand.reason}`);
      if (parsedCommand.kind !== 'mutating')
        throw new CliError(`not a change to propose: ${first} (${parsedCommand.kind})`);
      const meta = await queue.propose({
        operation: parsedCommand.operation,
        source: 'command line',
        evidence: [`proposed with aiops-tui propose: ${first}`],
      });
      outcome = { ok: true, message: `${meta.id} ${meta.tier} ${meta.status}` };
      break;
    }
    case 'approve':
      outcome = await queue.approve(first);
      break;
    case 'reject':
      outcome = await queue.reject(first, second);
      break;
    default:
      outcome = await queue.rollback(first);
  }
  // An execution here is validated here: the process stays until the record says how it went.
  await queue.idle();
  queue.stop();
  if (!outcome.ok) throw new CliError(outcome.message, 1);
  out(outcome.message + '\n');
  return 0;
}
