// `aiops-tui ask QUESTION`: the chat pane's answer without the screen, for scripts and CI (as
// `kubectl-ai --quiet`). Same assistants, same snapshot as `analyze`, same proposal parsing.
// Without --propose nothing is written anywhere; with it, each proposal goes to the approval
// queue as the chat's do (held for a decision, signed by the asker's key) and its id is printed.
import { processIo, snapshotForCli, type AnalyzeIo } from './analyze-cli.js';
import { checkHistoryDir } from '../audit/history-dir.js';
import { CliError, describeError } from '../cli/errors.js';
import {
  AI_HELP,
  AI_OPTIONS,
  CLUSTER_HELP,
  CLUSTER_OPTIONS,
  IDENTITY_HELP,
  IDENTITY_OPTIONS,
  OUTPUT_HELP,
  OUTPUT_OPTIONS,
  TRAIL_HELP,
  TRAIL_OPTIONS,
  command,
  durationFlag,
  formatData,
  outputFormat,
  parseCommandLine,
  usageLine,
} from '../cli/usage.js';
import { trustFrom } from './queue-cli.js';
import { aiOptionsFrom, chooseBackend } from '../assistants/backends.js';
import {
  chatEvidence,
  proposalQuality,
  proposalsOf,
  recordChat,
  type BackendAnswer,
} from '../assistants/chat-service.js';

export const ASK = command({
  forms: ['ask QUESTION'],
  summary:
    "aiops-tui ask — the chat's answer without the screen, from the same assistants and the same snapshot as analyze. Without --propose nothing is written; with it each proposed change goes to the approval queue (held for a decision, signed by your key) and its id is printed. Exit 1 when the assistant failed.",
  options: {
    ...CLUSTER_OPTIONS,
    ...OUTPUT_OPTIONS,
    propose: { type: 'boolean' },
    ...TRAIL_OPTIONS,
    ...IDENTITY_OPTIONS,
    ...AI_OPTIONS,
  },
  help: {
    ...CLUSTER_HELP,
    ...OUTPUT_HELP,
    propose: 'queue the proposed changes (the trail and identity flags below apply)',
    ...TRAIL_HELP,
    ...IDENTITY_HELP,
    ...AI_HELP,
  },
  allowPositionals: true,
});

interface ProposalLine {
  summary: string;
  kubectl: string;
  /** Set with --propose: the recommendation that holds it. */
  id?: string;
  tier?: string;
  status?: string;
  /** The same change was already waiting: `id` is that recommendation, nothing new was queued. */
  alreadyWaiting?: boolean;
  error?: string;
}

export async function askMain(argv: string[], io: AnalyzeIo = processIo): Promise<number> {
  const { values, positionals, help } = parseCommandLine(ASK, argv);
  if (help) {
    io.stdout(help);
    return 0;
  }
  const question = positionals.join(' ').trim();
  if (!question) throw new CliError(`ask needs a question (usage: ${usageLine(ASK)})`);
  const format = outputFormat(values);
  const ai = aiOptionsFrom({
    ...values,
    timeoutMs: durationFlag('ai-timeout', values['ai-timeout'], 60_000),
  });
  // The key and the trail are checked before the cluster is read: a bad flag costs nothing.
  const trust = values.propose ? await trustFrom(values) : undefined;
  if (values.propose) {
    const dirProblem = checkHistoryDir(values['history-dir']);
    if (dirProblem) throw new CliError(dirProblem);
  }

  const { snapshot, contextName, kubeConfig } = await snapshotForCli(values, io, 'ask', ASK);
  const { backend, why } = await chooseBackend(() => snapshot, kubeConfig, ai);
  if (why && format === 'text') io.stderr(`aiops-tui ask: offline assistant (${why})\n`);
  let result: BackendAnswer;
  try {
    result = await backend.ask(question, () => {}).result;
  } catch (error) {
    result = { answer: '', operations: [], commands: [], error: describeError(error) };
  }
  const { operations, notes, commands } = proposalsOf(result);

  const proposals: ProposalLine[] = operations.map((op) => ({ summary: op.summary, kubectl: op.kubectl }));
  if (trust) {
    const { createWorkflow } = await import('../workflow/setup.js');
    const queue = createWorkflow({
      kubeConfig,
      historyDir: values['history-dir'],
      policy: trust.policy,
      signer: trust.signer,
      allowedSigners: trust.allowed,
      ...(values['no-git-commit'] ? { gitCommit: false } : {}),
    });
    for (const [i, operation] of operations.entries()) {
      try {
        const meta = await queue.propose({
          operation,
          source: backend.source,
          hold: true,
          evidence: [...chatEvidence(question, backend.name, result.answer), `asked with aiops-tui ask`],
          quality: proposalQuality(backend.source, result, operation),
        });
        Object.assign(proposals[i]!, {
          id: meta.id,
          tier: meta.tier,
          status: meta.status,
          ...(meta.duplicate ? { alreadyWaiting: true } : {}),
        });
      } catch (error) {
        proposals[i]!.error = describeError(error).split('\n')[0]!;
      }
    }
    await recordChat(queue.history, question, result.answer || result.error || '', backend.name, commands);
    await queue.idle();
  }

  if (format !== 'text') {
    io.stdout(
      formatData(format, {
        context: contextName,
        backend: why ? `${backend.name} (${why})` : backend.name,
        question,
        answer: result.answer,
        proposals,
        notes: notes.map((n) => n.replace(/^- /, '')),
        ...(result.error ? { error: result.error } : {}),
      }),
    );
  } else {
    if (result.answer.trim()) io.stdout(result.answer.trim() + '\n');
    const lines = [
      ...proposals.map((p) =>
        p.error
          ? `- not queued: ${p.summary} (${p.error})`
          : p.id
            ? `- ${p.alreadyWaiting ? 'already waiting: ' : ''}${p.id} · ${p.tier} · ${p.status}: ${p.summary}`
            : `- ${p.summary}: \`${p.kubectl}\` (not queued; --propose sends it to the approval queue)`,
      ),
      ...notes,
    ];
    if (lines.length) io.stdout(`\nProposed changes:\n${lines.join('\n')}\n`);
    if (result.error) io.stderr(`aiops-tui ask: ${result.error}\n`);
  }
  if (result.error) return 1;
  return proposals.some((p) => p.error) ? 1 : 0;
}
