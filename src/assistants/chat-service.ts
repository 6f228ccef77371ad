// The chat: one question at a time to one backend (kubectl-ai, or the offline assistant), the
// answer streamed into the store, every change it proposes sent to the approval queue (never
// run), and each exchange written to the PHR trail as a chat record.
import type { History } from '../audit/history.js';
import { snapshotFromState } from '../analysis/snapshot.js';
import type { CockpitStore } from '../state/store.js';
import type { ChatMessage } from '../state/types.js';
import type { Operation } from '../workflow/operations.js';
import type { Proposal } from '../workflow/queue.js';
import { extractCommands, parseCommand } from './command-parser.js';
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

/** The built-in assistant over the cockpit's own state: no network, no LLM. */
export function offlineBackend(store: CockpitStore): ChatBackend {
  return {
    name: 'offline assistant',
    source: 'offline assistant',
    ask(question) {
      const state = store.getState();
      const now = Date.now() + (state.connection.clockSkewMs ?? 0);
      const { answer, proposals } = askOffline(question, snapshotFromState(state, now));
      return { result: Promise.resolve({ answer, operations: proposals, commands: [] }), cancel() {} };
    },
  };
}

export interface ChatServiceOptions {
  store: CockpitStore;
  backend: ChatBackend;
  history?: History;
  /** Sends a proposal to the approval queue; resolves to a line for the chat. */
  propose?(proposal: Proposal): Promise<string>;
}

export interface ChatService {
  ask(question: string): Promise<void>;
  cancel(): void;
}

export function startChatService({ store, backend, history, propose }: ChatServiceOptions): ChatService {
  let running: BackendRun | undefined;
  const messages = (): ChatMessage[] => store.getState().chat.messages;
  const setLast = (patch: Partial<ChatMessage>): void => {
    const all = messages();
    store.getState().setChat({ messages: [...all.slice(0, -1), { ...all.at(-1)!, ...patch }] });
  };
  store.getState().setChat({ backend: backend.name });

  return {
    async ask(question) {
      if (running) return;
      const state = store.getState();
      state.setChat({
        running: true,
        scroll: 0,
        messages: [
          ...messages(),
          { role: 'user', text: question },
          { role: 'assistant', text: '', backend: backend.name },
        ],
      });
      let streamed = '';
      running = backend.ask(question, (text) => {
        streamed += text;
        setLast({ text: streamed });
      });
      let result: BackendAnswer;
      try {
        result = await running.result;
      } catch (error) {
        result = { answer: streamed, operations: [], commands: [], error: (error as Error).message };
      } finally {
        running = undefined;
      }
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
      for (const operation of operations) {
        const line = propose
          ? await propose({
              operation,
              source: backend.source,
              hold: true,
              evidence: [
                `asked in the chat: "${question}"`,
                `${backend.name} answered: ${firstLine(result.answer)}`,
              ],
            }).catch((error: unknown) => `not queued: ${(error as Error).message}`)
          : 'no approval queue in this cockpit';
        notes.push(`- ${line}`);
      }
      const answer = [
        result.answer.trim(),
        notes.length ? `**Proposed changes** (approvals pane):\n\n${notes.join('\n')}` : '',
      ]
        .filter(Boolean)
        .join('\n\n');
      if (answer) setLast({ text: answer });
      const all = messages();
      // Nothing answered: the error (or "no answer") takes the empty answer's place.
      const kept = answer ? all : all.slice(0, -1);
      const tail: ChatMessage[] = result.error
        ? [{ role: 'error', text: result.error }]
        : answer
          ? []
          : [{ role: 'error', text: `${backend.name} gave no answer` }];
      store.getState().setChat({ messages: [...kept, ...tail] });
      store.getState().setChat({ running: false });
      await record(history, question, answer || result.error || '', backend.name, commands);
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

async function record(
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
