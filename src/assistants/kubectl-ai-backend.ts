// kubectl-ai as a chat backend: its run (see kubectl-ai.ts) adapted to the chat's answer shape.
// Its permission block is the proposal channel: those commands go to the queue, never run.
import type { ChatBackend } from './chat-service.js';
import { askKubectlAi, type KubectlAiOptions } from './kubectl-ai.js';

export function kubectlAiBackend(options: KubectlAiOptions): ChatBackend {
  return {
    name: `kubectl-ai (${options.llmProvider ?? 'gemini'}/${options.model ?? 'gemini-2.5-pro'})`,
    source: 'kubectl-ai',
    ask(question, onText) {
      const run = askKubectlAi(question, options, onText);
      return {
        cancel: run.cancel,
        result: run.result.then((r) => ({
          answer: r.answer,
          operations: [],
          commands: r.proposals,
          ...(r.outcome === 'answered' || r.outcome === 'proposals'
            ? {}
            : { error: r.message ?? `kubectl-ai: ${r.outcome}` }),
        })),
      };
    },
  };
}
