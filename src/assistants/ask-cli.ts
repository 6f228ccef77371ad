// `aiops-tui ask QUESTION`: the chat pane's answer without the screen, for scripts and CI (as
// `kubectl-ai --quiet`). Same assistants, same snapshot as `analyze`, same proposal parsing.
// Without --propose nothing is written anywhere; with it, each proposal goes to the approval
// queue as the chat's do (held for a decision, signed by the asker's key) and its id is printed.
import { parseArgs } from 'node:util';
import {
  CLUSTER_OPTIONS,
  loadKubeConfig,
  processIo,
  snapshotForCli,
  type AnalyzeIo,
} from '../analysis/cli.js';
import { parseDuration } from '../kube/duration.js';
import { checkHistoryDir } from '../audit/history-dir.js';
import { CliError, describeError } from '../cli-errors.js';
import { IDENTITY_OPTIONS, trustFrom } from '../workflow/cli.js';
import { aiOptionsFrom, chooseBackend } from './backends.js';
import { chatEvidence, proposalsOf, recordChat, type BackendAnswer } from './chat-service.js';

const USAGE =
  'usage: aiops-tui ask QUESTION [-n NAMESPACE | -A] [--kubeconfig FILE] [--context NAME] [--json | -o json] [--propose [--history-dir DIR] [--policy FILE] [--signing-key FILE] [--allowed-signers FILE] [--no-git-commit]] [--kubectl-ai PATH | --no-ai] [--llm-provider NAME] [--model NAME] [--ai-timeout 60s]';

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
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        ...CLUSTER_OPTIONS,
        json: { type: 'boolean' },
        output: { type: 'string', short: 'o' },
        propose: { type: 'boolean' },
        'history-dir': { type: 'string', default: 'history' },
        policy: { type: 'string' },
        'no-git-commit': { type: 'boolean' },
        ...IDENTITY_OPTIONS,
        'kubectl-ai': { type: 'string' },
        'no-ai': { type: 'boolean' },
        'llm-provider': { type: 'string' },
        model: { type: 'string' },
        'ai-timeout': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: true,
    });
  } catch (error) {
    throw new CliError(`${describeError(error)} (${USAGE})`);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout(USAGE + '\n');
    return 0;
  }
  const question = positionals.join(' ').trim();
  if (!question) throw new CliError(`ask needs a question (${USAGE})`);
  if (values.output !== undefined && values.output !== 'json')
    throw new CliError(`-o takes json (got "${values.output}")`);
  const json = values.json || values.output === 'json';
  const aiTimeoutMs = values['ai-timeout'] === undefined ? 60_000 : parseDuration(values['ai-timeout']);
  if (!aiTimeoutMs)
    throw new CliError(`--ai-timeout must be a duration like 60s (got "${values['ai-timeout']}")`);
  const ai = aiOptionsFrom({ ...values, timeoutMs: aiTimeoutMs });
  // The key and the trail are checked before the cluster is read: a bad flag costs nothing.
  const trust = values.propose ? await trustFrom(values) : undefined;
  if (values.propose) {
    const dirProblem = checkHistoryDir(values['history-dir']);
    if (dirProblem) throw new CliError(dirProblem);
  }

  const { snapshot, contextName } = await snapshotForCli(values, io, 'ask', USAGE);
  const kubeConfig = loadKubeConfig(values.kubeconfig, values.context);
  const { backend, why } = await chooseBackend(() => snapshot, kubeConfig, ai);
  if (why && !json) io.stderr(`aiops-tui ask: offline assistant (${why})\n`);
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

  if (json) {
    io.stdout(
      JSON.stringify(
        {
          context: contextName,
          backend: why ? `${backend.name} (${why})` : backend.name,
          question,
          answer: result.answer,
          proposals,
          notes: notes.map((n) => n.replace(/^- /, '')),
          ...(result.error ? { error: result.error } : {}),
        },
        null,
        2,
      ) + '\n',
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
