// The chat pane with the real chat service: typing, input history, an answer streaming in as
// Markdown, esc cancelling a running answer, and proposals reaching the queue, not the cluster.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { scaleOp } from '../../src/workflow/proposed-operations.js';
import { startChatService, type ChatBackend } from '../../src/assistants/chat-service.js';
import type { Proposal } from '../../src/workflow/queue.js';
import { frameContaining, makePod, plain, renderCockpit, storeWith, type Rendered } from './harness.js';

let rendered: Rendered | undefined;
afterEach(() => rendered?.unmount());

const KEYS = { esc: '\x1b', enter: '\r', tab: '\t', up: '\x1b[A', down: '\x1b[B' };

/** A backend whose answer the test streams chunk by chunk, and which records a cancel. */
function scriptedBackend() {
  let stream: (text: string) => void = () => {};
  let finish: (answer: string) => void = () => {};
  const cancelled = vi.fn();
  const backend: ChatBackend = {
    name: 'scripted',
    source: 'scripted',
    ask(_question, onText) {
      stream = onText;
      return {
        result: new Promise((resolve) => {
          finish = (answer) => resolve({ answer, operations: [], commands: [] });
        }),
        cancel() {
          cancelled();
          finish('');
        },
      };
    },
  };
  return { backend, stream: (t: string) => stream(t), finish: (a: string) => finish(a), cancelled };
}

async function chatCockpit(backend: ChatBackend, propose?: (p: Proposal) => Promise<string>) {
  const store = storeWith([makePod('todo', 'frontend-1')], 'todo');
  const chat = startChatService({ store, backend, ...(propose ? { propose } : {}) });
  rendered = renderCockpit(
    store,
    { width: 100, height: 30 },
    {
      actions: {
        ask: (q) => void chat.ask(q),
        cancelAsk: () => chat.cancel(),
      },
    },
  );
  await frameContaining(rendered, 'frontend-1');
  rendered.stdin.write(KEYS.tab + KEYS.tab);
  await frameContaining(rendered, '▸ chat · scripted');
  return { store, r: rendered };
}

describe('the chat pane', () => {
  it('typing goes to the input (q does not quit), enter asks, the answer streams in as Markdown', async () => {
    const s = scriptedBackend();
    const { r, store } = await chatCockpit(s.backend);
    r.stdin.write('is q safe?');
    await frameContaining(r, '› is q safe?█');
    r.stdin.write(KEYS.enter);
    await frameContaining(r, '… answering (esc cancels)');
    s.stream('## Pods\n\n- frontend-1 is **Running**\n');
    const streamed = await frameContaining(r, '• frontend-1 is Running');
    expect(streamed).toContain('Pods');
    expect(streamed).not.toContain('**');
    s.stream('```\nkubectl get pods -n todo\n```\n');
    await frameContaining(r, 'kubectl get pods -n todo');
    s.finish('## Pods\n\n- frontend-1 is **Running**\n```\nkubectl get pods -n todo\n```\n');
    await frameContaining(r, '› █');
    expect(store.getState().chat.messages.map((m) => m.role)).toEqual(['user', 'assistant']);
  });

  it('what is typed while an answer streams stays in sight, and is asked on its own afterwards', async () => {
    const s = scriptedBackend();
    const asked: string[] = [];
    const backend: ChatBackend = {
      ...s.backend,
      ask: (q, onText) => (asked.push(q), s.backend.ask(q, onText)),
    };
    const { r } = await chatCockpit(backend);
    r.stdin.write('why is the backend failing?' + KEYS.enter);
    await frameContaining(r, '… answering (esc cancels) › █');
    s.stream('It is crash-looping.');
    r.stdin.write('and the frontend?');
    await frameContaining(r, '… answering (esc cancels) › and the frontend?█');
    s.finish('It is crash-looping.');
    // The answer is in: the line is the input again, still holding the typed question.
    await frameContaining(r, /(?<!cancels\) )› and the frontend\?█/);
    r.stdin.write(KEYS.enter);
    await frameContaining(r, '… answering (esc cancels) › █');
    s.finish('The frontend is fine.');
    await frameContaining(r, 'The frontend is fine.');
    expect(asked).toEqual(['why is the backend failing?', 'and the frontend?']);
  });

  it('enter while an answer streams queues the question: shown at once, asked after that answer, never merged into it', async () => {
    const s = scriptedBackend();
    const asked: string[] = [];
    const backend: ChatBackend = {
      ...s.backend,
      ask: (q, onText) => (asked.push(q), s.backend.ask(q, onText)),
    };
    const { r } = await chatCockpit(backend);
    r.stdin.write('why is the backend failing?' + KEYS.enter);
    await frameContaining(r, '… answering (esc cancels) › █');
    r.stdin.write('and the frontend?' + KEYS.enter);
    await frameContaining(r, 'and the frontend?');
    expect(asked).toEqual(['why is the backend failing?']);
    s.finish('It is crash-looping.');
    await frameContaining(r, 'It is crash-looping.');
    s.finish('The frontend is fine.');
    await frameContaining(r, 'The frontend is fine.');
    expect(asked).toEqual(['why is the backend failing?', 'and the frontend?']);
  });

  it('up and down walk the questions asked', async () => {
    const s = scriptedBackend();
    const { r } = await chatCockpit(s.backend);
    for (const q of ['first', 'second']) {
      r.stdin.write(q + KEYS.enter);
      await frameContaining(r, '… answering');
      s.finish(`answer to ${q}`);
      await frameContaining(r, `answer to ${q}`);
    }
    r.stdin.write(KEYS.up);
    await frameContaining(r, '› second█');
    r.stdin.write(KEYS.up);
    await frameContaining(r, '› first█');
    r.stdin.write(KEYS.down);
    await frameContaining(r, '› second█');
    r.stdin.write(KEYS.down);
    await frameContaining(r, /› █/);
  });

  it('esc cancels a running answer: the backend is told, the chat says so, the input is back', async () => {
    let finish: (a: { answer: string; operations: []; commands: []; error?: string }) => void = () => {};
    const backend: ChatBackend = {
      name: 'scripted',
      source: 'scripted',
      ask: () => ({
        result: new Promise((resolve) => (finish = resolve)),
        cancel: () => finish({ answer: '', operations: [], commands: [], error: 'cancelled (esc)' }),
      }),
    };
    const { r } = await chatCockpit(backend);
    r.stdin.write('hang' + KEYS.enter);
    await frameContaining(r, '… answering (esc cancels)');
    r.stdin.write(KEYS.esc);
    const frame = await frameContaining(r, 'cancelled (esc)');
    expect(plain(frame)).toMatch(/› █/);
  });

  it('a change the answer proposes goes to the queue, held for a decision, and the chat says where it went', async () => {
    const proposals: Proposal[] = [];
    const backend: ChatBackend = {
      name: 'scripted',
      source: 'scripted',
      ask: () => ({
        result: Promise.resolve({
          answer: 'Run this:\n\n```\nkubectl rollout restart deployment/frontend -n todo\n```',
          operations: [scaleOp({ kind: 'Deployment', namespace: 'todo', name: 'frontend' }, 2)],
          commands: ['kubectl get pods -n todo'],
        }),
        cancel() {},
      }),
    };
    const { r } = await chatCockpit(backend, async (p) => {
      proposals.push(p);
      return `queued: ${p.operation.summary}`;
    });
    r.stdin.write('fix it' + KEYS.enter);
    await frameContaining(r, 'queued: restart deployment todo/frontend');
    expect(proposals.map((p) => [p.operation.kind, p.hold, p.source])).toEqual([
      ['scale', true, 'scripted'],
      ['rollout-restart', true, 'scripted'],
    ]);
    expect(proposals[0]!.evidence[0]).toBe('asked in the chat: "fix it"');
  });
});
