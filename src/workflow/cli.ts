// The approval queue from the command line: `aiops-tui queue`, `propose 'kubectl …'`,
// `approve ID`, `reject ID REASON`, `rollback ID`, and `sign FILE` (co-sign a policy or an
// allowed-signers change). Same rules as the cockpit's keys (the PHR trail decides), and every
// event is signed with the caller's key, so a second architect gives the second approval from a
// shell with their own key.
import { appendFileSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { CLUSTER_OPTIONS, loadKubeConfig } from '../analysis/cli.js';
import { parseCommand } from '../assistants/command-parser.js';
import { HistoryError } from '../audit/history.js';
import { IdentityError } from '../audit/identity.js';
import { armor } from '../audit/sshsig.js';
import { CliError, describeError } from '../cli-errors.js';
import { PolicyError } from './policy.js';
import type { Queue } from './queue.js';
import { createWorkflow } from './setup.js';
import { checkHistoryDir } from '../audit/history-dir.js';
import { loadTrust, type Trust } from './trust.js';

const IDENTITY_FLAGS = '[--signing-key FILE] [--allowed-signers FILE] [--approver PRINCIPAL]';
const USAGE = `usage: aiops-tui queue | propose COMMAND | approve ID | reject ID REASON | rollback ID | sign FILE  [--history-dir DIR] [--policy FILE] [--no-git-commit] ${IDENTITY_FLAGS} [--kubeconfig FILE] [--context NAME]`;

export const IDENTITY_OPTIONS = {
  'signing-key': { type: 'string' },
  'allowed-signers': { type: 'string' },
  approver: { type: 'string' },
} as const;

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
        'no-git-commit': { type: 'boolean' },
        ...IDENTITY_OPTIONS,
      },
      strict: true,
      allowPositionals: true,
    });
  } catch (error) {
    throw new CliError(`${describeError(error)} (${USAGE})`);
  }
  const { values, positionals } = parsed;
  const expected = { queue: 0, propose: 1, approve: 1, rollback: 1, reject: 2, sign: 1 }[verb];
  if (expected === undefined || positionals.length !== expected)
    throw new CliError(`${verb} takes ${expected ?? 0} argument${expected === 1 ? '' : 's'} (${USAGE})`);
  const [first = '', second = ''] = positionals;
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
          [r.id, r.tier, r.status, `${r.approvers.length}/${r.requiredApprovers}`, r.title].join('  '),
        );
        out(rows.length ? rows.join('\n') + '\n' : 'no recommendations\n');
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
          evidence: [`proposed with aiops-tui propose by ${trust.signer.principal}: ${first}`],
        });
        outcome = {
          ok: true,
          message: meta.duplicate ? `already waiting: ${meta.id}` : `${meta.id} ${meta.tier} ${meta.status}`,
        };
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
