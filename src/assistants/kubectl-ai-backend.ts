// kubectl-ai as a chat backend: its run (see kubectl-ai.ts) adapted to the chat's answer shape.
// Its permission block is the proposal channel: those commands go to the queue, never run.
import { privateFile, privateSubdir } from '../audit/private-dir.js';
import type { ChatBackend } from './chat-service.js';
import { askKubectlAi, type KubectlAiOptions } from './kubectl-ai.js';

/**
 * The run's options, where the kubeconfig may be given as its contents and the trace directory
 * left out: both then go to the process's private directory, which is removed on exit (and by
 * the next start after a crash), so no copy of the credentials outlives the cockpit.
 */
export type KubectlAiBackendOptions = Omit<KubectlAiOptions, 'kubeconfig' | 'traceDir'> & {
  traceDir?: string;
} & ({ kubeconfig: string } | { kubeconfigContents: string });

export function kubectlAiBackend(options: KubectlAiBackendOptions): ChatBackend {
  let resolved: KubectlAiOptions | undefined;
  // Made on the first question: a cockpit where nobody asks writes no copy.
  const runOptions = (): KubectlAiOptions => {
    if (resolved) return resolved;
    const { traceDir, ...rest } = options;
    const kubeconfig =
      'kubeconfigContents' in rest ? privateFile('kubeconfig', rest.kubeconfigContents) : rest.kubeconfig;
    const { kubeconfigContents: _contents, ...others } = rest as typeof rest & {
      kubeconfigContents?: string;
    };
    resolved = { ...others, kubeconfig, traceDir: traceDir ?? privateSubdir() };
    return resolved;
  };
  return {
    name: `kubectl-ai (${options.llmProvider ?? 'gemini'}/${options.model ?? 'gemini-2.5-pro'})`,
    source: 'kubectl-ai',
    ask(question, onText) {
      const run = askKubectlAi(question, runOptions(), onText);
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
