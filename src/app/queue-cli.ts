// The approval queue from the command line: `aiops-tui queue`, `propose 'kubectl …'`,
// `approve ID`, `reject ID REASON`, `rollback ID`, and `sign FILE` (co-sign a policy or an
// allowed-signers change). Same rules as the cockpit's keys (the PHR trail decides), and every
// event is signed with the caller's key, so a second architect gives the second approval from a
// shell with their own key.
import { appendFileSync, readFileSync } from 'node:fs';
import { loadKubeConfig } from './analyze-cli.js';
import { parseCommand } from '../workflow/command-parser.js';
import { HistoryError } from '../audit/history.js';
import { armor } from '../audit/sshsig.js';
import { CliError, describeError } from '../cli/errors.js';
import {
  CLUSTER_HELP,
  CLUSTER_OPTIONS,
  IDENTITY_HELP,
  IDENTITY_OPTIONS,
  TRAIL_HELP,
  TRAIL_OPTIONS,
  command,
  parseCommandLine,
  usageLine,
} from '../cli/usage.js';
import { REJECTION_REASONS, type RejectionReason } from '../model/rejection.js';
import type { Queue } from '../workflow/queue.js';
import { createWorkflow } from '../workflow/setup.js';
import { checkHistoryDir } from '../audit/history-dir.js';
import { trustFrom } from './trust-flags.js';
import type { Trust } from '../workflow/trust.js';

const WORKFLOW_OPTIONS = {
  kubeconfig: CLUSTER_OPTIONS.kubeconfig,
  context: CLUSTER_OPTIONS.context,
  ...TRAIL_OPTIONS,
  ...IDENTITY_OPTIONS,
  emergency: { type: 'string' },
} as const;

const WORKFLOW_HELP = {
  kubeconfig: CLUSTER_HELP.kubeconfig,
  context: CLUSTER_HELP.context,
  ...TRAIL_HELP,
  ...IDENTITY_HELP,
  emergency: [
    'REASON',
    "propose only: an emergency change, for this reason: the tier's approvers within the policy's emergency window (default 5 min)",
  ] as const,
};

/** `reject` alone: the reason from the short list `report metrics` counts, and free text. */
const REJECT_OPTIONS = { reason: { type: 'string' }, text: { type: 'string' } } as const;
const REJECT_HELP = {
  reason: ['REASON', `why, one of ${REJECTION_REASONS.join(', ')}`],
  text: ['TEXT', 'free text beside the reason'],
} as const;

const RULES =
  'The same rules as the cockpit: the PHR trail decides, and every event is signed with your key. Exit 1 when it is refused or fails.';

/** Each verb: its form, what it does, and how many arguments it takes. */
const VERBS = {
  queue: { form: 'queue', does: 'lists the recommendations: id, tier, status, approvals, title', args: 0 },
  propose: {
    form: "propose 'kubectl …'",
    does: 'puts a change, written as its kubectl command, in the approval queue',
    args: 1,
  },
  approve: {
    form: 'approve ID',
    does: 'approves a recommendation; an approval that completes the rule executes and validates it before the command returns',
    args: 1,
  },
  reject: {
    form: 'reject ID --reason REASON',
    does: `rejects a recommendation, with a reason (${REJECTION_REASONS.join(', ')}) and optional --text`,
    args: 1,
  },
  rollback: { form: 'rollback ID', does: 'rolls an executed change back from its snapshot', args: 1 },
  sign: {
    form: 'sign FILE',
    does: 'appends your SSH signature of FILE to FILE.sig: a co-signature of a weaker policy or of a change to the allowed signers',
    args: 1,
  },
} as const;
export type WorkflowVerb = keyof typeof VERBS;

/** The help and usage of one verb. */
export function workflowCommand(verb: WorkflowVerb) {
  return command({
    forms: [VERBS[verb].form],
    summary: `aiops-tui ${verb} — ${VERBS[verb].does}. ${RULES}`,
    options: (verb === 'reject'
      ? { ...WORKFLOW_OPTIONS, ...REJECT_OPTIONS }
      : WORKFLOW_OPTIONS) as typeof WORKFLOW_OPTIONS & typeof REJECT_OPTIONS,
    help: (verb === 'reject' ? { ...WORKFLOW_HELP, ...REJECT_HELP } : WORKFLOW_HELP) as typeof WORKFLOW_HELP &
      typeof REJECT_HELP,
    allowPositionals: true,
  });
}

export { trustFrom };

export async function workflowMain(
  verb: string,
  argv: string[],
  out: (text: string) => void = (t) => process.stdout.write(t),
): Promise<number> {
  if (!(verb in VERBS)) throw new CliError(`unknown command "${verb}" (see aiops-tui --help)`);
  // `aiops-tui queue reject ID --reason R` is `aiops-tui reject ID --reason R`.
  if (verb === 'queue' && argv[0] === 'reject') return workflowMain('reject', argv.slice(1), out);
  const spec = workflowCommand(verb as WorkflowVerb);
  const { values, positionals, help } = parseCommandLine(spec, argv);
  if (help) {
    out(help);
    return 0;
  }
  const expected = VERBS[verb as WorkflowVerb].args;
  if (positionals.length !== expected)
    throw new CliError(
      `${verb} takes ${expected} argument${expected === 1 ? '' : 's'} (usage: ${usageLine(spec)})`,
    );
  const [first = ''] = positionals;
  if (values.emergency !== undefined && verb !== 'propose')
    throw new CliError(
      `--emergency applies to propose only (usage: ${usageLine(workflowCommand('propose'))})`,
    );
  if (values.emergency !== undefined && !values.emergency.trim())
    throw new CliError('--emergency needs a reason: --emergency "checkout is down for every user"');
  const reason = verb === 'reject' ? rejectionReason(values.reason, usageLine(spec)) : undefined;
  const trust = await trustFrom(values, verb === 'sign');
  if (verb === 'sign') return signFile(first, trust, out);
  const dirProblem = checkHistoryDir(values['history-dir']);
  if (dirProblem) throw new CliError(dirProblem);
  const queue: Queue = createWorkflow({
    kubeConfig: loadKubeConfig(values.kubeconfig, values.context),
    historyDir: values['history-dir'],
    policy: trust.policy,
    signer: trust.signer,
    allowedSigners: trust.allowed,
    ...(values['no-git-commit'] ? { gitCommit: false } : {}),
  });
  let outcome: { ok: boolean; message: string };
  try {
    switch (verb) {
      case 'queue': {
        await queue.reconcile();
        const rows = (await queue.refresh()).map((r) =>
          [
            r.id,
            r.tier,
            r.status,
            `${r.approvers.length}/${r.requiredApprovers}`,
            ...(r.emergency ? ['EMERGENCY'] : []),
            r.title,
          ].join('  '),
        );
        out(rows.length ? rows.join('\n') + '\n' : 'no recommendations\n');
        // Windows a gone process left open are watched here, to their recorded end.
        for (const id of queue.validating())
          out(`validating ${id}: resumed from a process that is gone; waiting for its window to close\n`);
        await queue.idle();
        return 0;
      }
      case 'propose': {
        const parsedCommand = parseCommand(first);
        if (parsedCommand.kind === 'refused')
          throw new CliError(`refused: ${first}: ${parsedCommand.reason}`);
        if (parsedCommand.kind !== 'mutating')
          throw new CliError(`not a change to propose: ${first} (${parsedCommand.kind})`);
        const meta = await queue.propose({
          operation: parsedCommand.operation,
          source: 'command line',
          byPerson: true,
          ...(values.emergency ? { emergency: values.emergency } : {}),
          evidence: [`proposed with aiops-tui propose by ${trust.signer.principal}: ${first}`],
        });
        outcome = {
          ok: true,
          message: meta.duplicate
            ? `already waiting: ${meta.id}`
            : `${meta.id} ${meta.tier} ${meta.status}${meta.emergency ? ` EMERGENCY until ${meta.expires}` : ''}`,
        };
        break;
      }
      case 'approve':
        outcome = await queue.approve(first);
        break;
      case 'reject':
        outcome = await queue.reject(first, reason!, values.text ?? '');
        break;
      default:
        outcome = await queue.rollback(first);
    }
  } catch (error) {
    if (error instanceof HistoryError) throw new CliError(error.message, 1);
    throw error;
  }
  // An execution here is validated here: the process stays until the record says how it went.
  await queue.idle();
  queue.stop();
  if (!outcome.ok) throw new CliError(outcome.message, 1);
  out(outcome.message + '\n');
  return 0;
}

/** --reason, checked against the short list before anything is opened (exit 2). */
function rejectionReason(given: string | undefined, usage: string): RejectionReason {
  if (given === undefined)
    throw new CliError(`reject needs --reason, one of ${REJECTION_REASONS.join(', ')} (usage: ${usage})`);
  if (!(REJECTION_REASONS as readonly string[]).includes(given))
    throw new CliError(`unknown reason "${given}": one of ${REJECTION_REASONS.join(', ')}`);
  return given as RejectionReason;
}

/** Appends this person's SSH signature of FILE to FILE.sig: a co-signature of a policy or allowed-signers change. */
async function signFile(file: string, trust: Trust, out: (text: string) => void): Promise<number> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new CliError(
      `${file}: cannot read it: ${(error as NodeJS.ErrnoException).code ?? describeError(error)}`,
    );
  }
  appendFileSync(`${file}.sig`, armor(await trust.signer.sign(text)), { mode: 0o644 });
  out(
    `signed ${file} as ${trust.signer.principal} (${trust.signer.publicKey.fingerprint}) into ${file}.sig\n`,
  );
  return 0;
}
