// The chat service takes every question: one asked while an answer still streams waits its
// turn, shows in the transcript at once, and gets its own answer — never lost, never merged.
import { describe, expect, it } from 'vitest';
import { startChatService, type BackendAnswer, type ChatBackend } from '../../src/assistants/chat-service.js';
import { createCockpitStore, initialState } from '../../src/state/store.js';

/** A backend the test drives: each question's stream and ending, in the order they were asked. */
function scriptedBackend() {
  const runs: {
    question: string;
    stream(text: string): void;
    finish(answer: Partial<BackendAnswer>): void;
    cancelled: boolean;
  }[] = [];
  let asked!: () => void;
  let nextAsk = new Promise<void>((done) => (asked = done));
  const backend: ChatBackend = {
    name: 'scripted',
    source: 'scripted',
    ask(question, onText) {
      let finish!: (a: BackendAnswer) => void;
      const result = new Promise<BackendAnswer>((done) => (finish = done));
      const run = {
        question,
        stream: onText,
        finish: (a: Partial<BackendAnswer>) => finish({ answer: '', operations: [], commands: [], ...a }),
        cancelled: false,
      };
      runs.push(run);
      asked();
      nextAsk = new Promise<void>((done) => (asked = done));
      return {
        result,
        cancel() {
          run.cancelled = true;
          run.finish({ error: 'scripted: cancelled' });
        },
      };
    },
  };
  /** Resolves with the n-th run (0-based) once the backend has been asked it. */
  const run = async (n: number) => {
    while (runs.length <= n) await nextAsk;
    return runs[n]!;
  };
  return { backend, runs, run };
}

function chat() {
  const store = createCockpitStore(
    initialState({ context: 'c', server: 'https://example:6443', namespace: 'todo' }),
  );
  const scripted = scriptedBackend();
  const service = startChatService({ store, backend: scripted.backend });
  const transcript = () => store.getState().chat.messages.map((m) => `${m.role}: ${m.text}`);
  return { store, service, transcript, ...scripted };
}

describe('a question asked while an answer streams', () => {
  it('shows at once, waits its turn, and gets its own answer', async () => {
    const { store, service, transcript, run, runs } = chat();
    const first = service.ask('why is the backend failing?');
    const one = await run(0);
    one.stream('It is crash');
    const second = service.ask('and the frontend?');
    expect(transcript()).toEqual([
      'user: why is the backend failing?',
      'assistant: It is crash',
      'user: and the frontend?',
    ]);
    // The streaming answer keeps going into its own message, not the question after it.
    one.stream('-looping.');
    expect(transcript()).toEqual([
      'user: why is the backend failing?',
      'assistant: It is crash-looping.',
      'user: and the frontend?',
    ]);
    expect(runs.map((r) => r.question)).toEqual(['why is the backend failing?']);
    expect(store.getState().chat.running).toBe(true);

    one.finish({ answer: 'It is crash-looping.' });
    await first;
    const two = await run(1);
    expect(two.question).toBe('and the frontend?');
    expect(store.getState().chat.running).toBe(true);
    two.finish({ answer: 'The frontend is fine.' });
    await second;
    expect(transcript()).toEqual([
      'user: why is the backend failing?',
      'assistant: It is crash-looping.',
      'user: and the frontend?',
      'assistant: The frontend is fine.',
    ]);
    expect(store.getState().chat.running).toBe(false);
  });

  it('several wait in the order they were asked', async () => {
    const { service, transcript, run } = chat();
    const asked = ['one', 'two', 'three'].map((q) => service.ask(q));
    for (const n of [0, 1, 2]) (await run(n)).finish({ answer: `answer ${n + 1}` });
    await Promise.all(asked);
    expect(transcript()).toEqual([
      'user: one',
      'assistant: answer 1',
      'user: two',
      'assistant: answer 2',
      'user: three',
      'assistant: answer 3',
    ]);
  });

  it('esc cancels the answer coming now; the question waiting after it is still asked', async () => {
    const { store, service, transcript, run } = chat();
    const first = service.ask('hang');
    const one = await run(0);
    const second = service.ask('next');
    service.cancel();
    await first;
    expect(one.cancelled).toBe(true);
    const two = await run(1);
    expect(two.cancelled).toBe(false);
    two.finish({ answer: 'answered' });
    await second;
    // The cancelled answer's error stays with its question, above the next one.
    expect(transcript()).toEqual([
      'user: hang',
      'error: scripted: cancelled',
      'user: next',
      'assistant: answered',
    ]);
    expect(store.getState().chat.running).toBe(false);
  });

  it('after everything is answered, the next question is asked at once', async () => {
    const { service, run } = chat();
    const first = service.ask('first');
    (await run(0)).finish({ answer: 'a' });
    await first;
    const later = service.ask('later');
    (await run(1)).finish({ answer: 'b' });
    await later;
  });
});

describe('proposals the chat cannot queue', () => {
  it('a command carrying its own cluster flags is refused, and the answer says so', async () => {
    const { service, transcript, run } = chat();
    const asked = service.ask('scale it');
    const command = 'kubectl scale deployment frontend --replicas=2 -n todo --context prod';
    (await run(0)).finish({ answer: 'Scaling.', commands: [command] });
    await asked;
    expect(transcript().at(-1)).toMatch(
      new RegExp(`not queued: \`${command.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&')}\``),
    );
  });
});
