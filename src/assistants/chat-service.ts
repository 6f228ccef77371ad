// The chat: one question at a time to one backend (kubectl-ai, or the offline assistant), the
// answer streamed into the store, every change it proposes sent to the approval queue (never
// run), and each exchange written to the PHR trail as a chat record.
import type { History } from '../audit/history.js';
import { snapshotFromState } from '../analysis/snapshot.js';
import type { ClusterSnapshot } from '../model/analysis.js';
import type { CockpitStore } from '../state/store.js';
import type { ChatMessage } from '../state/types.js';
import type { Operation } from '../model/operation.js';
import type { Proposal } from '../workflow/queue.js';
import { agentQuality } from '../analysis/confidence.js';
import type { Quality } from '../model/quality.js';
import { extractCommands, parseCommand } from '../workflow/command-parser.js';
import { askOffline } from './offline.js';

export interface BackendAnswer {
  /** Markdown. */
  answer: string;
  /** Structured changes (the offline assistant proposes these directly). */
  operations: Operation[];
  /** Command lines proposed (kubectl-ai's permission block), parsed by the service. */
  commands: string[];
  /** One line when the backend failed, timed out or was cancelled. */
  error?: string;
  /** The rule behind each of `operations` (the offline assistant's analyzers and intents). */
  quality?: ReadonlyMap<Operation, Quality>;
}

export interface BackendRun {
  result: Promise<BackendAnswer>;
  cancel(): void;
}

export interface ChatBackend {
  /** What the status bar says answers. */
  name: string;
  /** Recorded as the source of its proposals. */
  source: string;
  ask(question: string, onText: (text: string) => void): BackendRun;
}

/** The built-in assistant over a snapshot read when asked: no network, no LLM. */
export function offlineBackend(snapshotOf: () => ClusterSnapshot): ChatBackend {
  return {
    name: 'offline assistant',
    source: 'offline assistant',
    ask(question) {
      const { answer, proposals, quality } = askOffline(question, snapshotOf());
      return {
        result: Promise.resolve({
          answer,
          operations: proposals,
          commands: [],
          ...(quality ? { quality } : {}),
        }),
        cancel() {},
      };
    },
  };
}

/** The cockpit's state as the offline assistant's snapshot, in the server's time. */
export function cockpitSnapshot(store: CockpitStore): () => ClusterSnapshot {
  return () => {
    const state = store.getState();
    return snapshotFromState(state, Date.now() + (state.connection.clockSkewMs ?? 0));
  };
}

/**
 * What an answer proposes, as operations: the backend's own, then the commands it quoted
 * (kubectl-ai's permission block, or commands in its text) that mutate; `notes` says in one line
 * each why a command was not queued. The chat pane and `aiops-tui ask` share it.
 */
export function proposalsOf(result: BackendAnswer): {
  operations: Operation[];
  notes: string[];
  commands: string[];
} {
  const operations = [...result.operations];
  const notes: string[] = [];
  const commands = [
    ...result.commands,
    ...extractCommands(result.answer).filter((c) => !result.commands.includes(c)),
  ];
  const key = (op: Operation) => `${op.kind} ${op.target.kind}/${op.target.namespace}/${op.target.name}`;
  for (const command of commands) {
    const parsed = parseCommand(command);
    // The offline assistant quotes the command of the operation it proposes: one proposal.
    if (parsed.kind === 'mutating') {
      if (!operations.some((op) => key(op) === key(parsed.operation))) operations.push(parsed.operation);
    } else if (parsed.kind === 'refused') notes.push(`- not queued: \`${command}\` (${parsed.reason})`);
    else if (parsed.kind === 'unparseable' && result.commands.includes(command))
      notes.push(`- not queued: \`${command}\` (${parsed.reason})`);
  }
  return { operations, notes, commands };
}

/** A chat proposal's confidence: its rule's (offline assistant), else the agent's own in its answer. */
export function proposalQuality(source: string, result: BackendAnswer, operation: Operation): Quality {
  return result.quality?.get(operation) ?? agentQuality(source, result.answer);
}

/** The evidence a chat proposal carries into its record: the question and the answer's gist. */
export function chatEvidence(question: string, backendName: string, answer: string): string[] {
  return [`asked in the chat: "${question}"`, `${backendName} answered: ${firstLine(answer)}`];
}

export interface ChatServiceOptions {
  store: CockpitStore;
  backend: ChatBackend;
  history?: History;
  /** Sends a proposal to the approval queue; resolves to a line for the chat. */
  propose?(proposal: Proposal): Promise<string>;
}

export interface ChatService {
  /**
   * Asks, or, while an answer is still coming, queues the question: it shows in the transcript
   * at once and is asked after the answers before it, never merged into one. Resolves once its
   * own answer is in.
   */
  ask(question: string): Promise<void>;
  /** esc: cancels the answer coming now; questions queued after it are still asked. */
  cancel(): void;
}

interface Waiting {
  question: string;
  /** Its line in the transcript, where its answer goes right after. */
  asked: ChatMessage;
  answered(): void;
}

export function startChatService({ store, backend, history, propose }: ChatServiceOptions): ChatService {
  let running: BackendRun | undefined;
  const waiting: Waiting[] = [];
  let draining = false;
  const messages = (): ChatMessage[] => store.getState().chat.messages;
  /** Puts `replacement` where `message` is (after `message` when `after`); appends if it is gone. */
  const place = (message: ChatMessage, replacement: ChatMessage[], after = false): void => {
    const all = messages();
    const at = all.indexOf(message);
    const next =
      at < 0
        ? [...all, ...replacement]
        : [...all.slice(0, after ? at + 1 : at), ...replacement, ...all.slice(at + 1)];
    store.getState().setChat({ messages: next });
  };
  store.getState().setChat({ backend: backend.name });

  /** One question, start to end: its answer streams into the message right after it. */
  const answer = async ({ question, asked }: Waiting): Promise<void> => {
    let reply: ChatMessage = { role: 'assistant', text: '', backend: backend.name };
    place(asked, [reply], true);
    const setReply = (text: string): void => {
      const next = { ...reply, text };
      place(reply, [next]);
      reply = next;
    };
    let streamed = '';
    running = backend.ask(question, (text) => {
      streamed += text;
      setReply(streamed);
    });
    let result: BackendAnswer;
    try {
      result = await running.result;
    } catch (error) {
      result = { answer: streamed, operations: [], commands: [], error: (error as Error).message };
    } finally {
      running = undefined;
    }
    const { operations, notes, commands } = proposalsOf(result);
    for (const operation of operations) {
      const line = propose
        ? await propose({
            operation,
            source: backend.source,
            hold: true,
            evidence: chatEvidence(question, backend.name, result.answer),
            quality: proposalQuality(backend.source, result, operation),
          }).catch((error: unknown) => `not queued: ${(error as Error).message}`)
        : 'no approval queue in this cockpit';
      notes.push(`- ${line}`);
    }
    const text = [
      result.answer.trim(),
      notes.length ? `**Proposed changes** (approvals pane):\n\n${notes.join('\n')}` : '',
    ]
      .filter(Boolean)
      .join('\n\n');
    // Nothing answered: the error (or "no answer") takes the empty answer's place.
    const tail: ChatMessage[] = result.error
      ? [{ role: 'error', text: result.error }]
      : text
        ? []
        : [{ role: 'error', text: `${backend.name} gave no answer` }];
    place(reply, [...(text ? [{ ...reply, text }] : []), ...tail]);
    await recordChat(history, question, text || result.error || '', backend.name, commands);
  };

  /** Asks the waiting questions one after another, in the order they were asked. */
  const drain = async (): Promise<void> => {
    draining = true;
    for (let next = waiting.shift(); next; next = waiting.shift()) {
      try {
        await answer(next);
      } catch {
        // A failing answer (the store, the trail) must not stop the questions after it.
      } finally {
        next.answered();
      }
    }
    draining = false;
    store.getState().setChat({ running: false });
  };

  return {
    ask(question) {
      const asked: ChatMessage = { role: 'user', text: question };
      store.getState().setChat({ running: true, scroll: 0, messages: [...messages(), asked] });
      return new Promise<void>((answered) => {
        waiting.push({ question, asked, answered });
        if (!draining) void drain();
      });
    },
    cancel() {
      running?.cancel();
    },
  };
}

const firstLine = (text: string): string =>
  text
    .trim()
    .split('\n')
    .find((l) => l.trim())
    ?.slice(0, 160) ?? '';

export async function recordChat(
  history: History | undefined,
  question: string,
  answer: string,
  backend: string,
  proposals: string[],
): Promise<void> {
  if (!history) return;
  try {
    const meta = await history.create({ title: question.slice(0, 80), type: 'chat', source: backend });
    await history.append(meta.id, { kind: 'chat', question, answer, backend, proposals });
  } catch {
    // The trail refusing a chat record (a tampered record) must not take the chat down.
  }
}
