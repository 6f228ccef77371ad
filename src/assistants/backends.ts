// Which assistant answers: kubectl-ai when it is installed and its LLM has a key, else the
// offline assistant, saying why. The cockpit's chat pane and `aiops-tui ask` choose alike.
import type { KubeConfig } from '@kubernetes/client-node';
import type { ClusterSnapshot } from '../model/analysis.js';
import { CliError } from '../cli/errors.js';
import { offlineBackend, type ChatBackend } from './chat-service.js';

export interface AiOptions {
  binary: string;
  /** --kubectl-ai was given: its absence is an error, not a fallback. */
  explicit: boolean;
  llmProvider: string;
  model: string;
  timeoutMs: number;
}

/** The key each provider needs; providers not listed (ollama, llamacpp) need none. */
const PROVIDER_KEYS: Record<string, string> = {
  gemini: 'GEMINI_API_KEY',
  openai: 'OPENAI_API_KEY',
  'openai-compatible': 'OPENAI_API_KEY',
  azopenai: 'AZURE_OPENAI_API_KEY',
  grok: 'GROK_API_KEY',
};

/** The flags' values as AiOptions, undefined with --no-ai. */
export function aiOptionsFrom(values: {
  'no-ai'?: boolean | undefined;
  'kubectl-ai'?: string | undefined;
  'llm-provider'?: string | undefined;
  model?: string | undefined;
  timeoutMs: number;
}): AiOptions | undefined {
  if (values['no-ai'] && values['kubectl-ai'] !== undefined)
    throw new CliError('--no-ai and --kubectl-ai exclude each other');
  if (values['no-ai']) return undefined;
  return {
    binary: values['kubectl-ai'] ?? 'kubectl-ai',
    explicit: values['kubectl-ai'] !== undefined,
    llmProvider: values['llm-provider'] ?? process.env.KUBECTL_AI_LLM_PROVIDER ?? 'gemini',
    model: values.model ?? process.env.KUBECTL_AI_MODEL ?? 'gemini-2.5-pro',
    timeoutMs: values.timeoutMs,
  };
}

export async function chooseBackend(
  snapshotOf: () => ClusterSnapshot,
  kubeConfig: KubeConfig,
  ai: AiOptions | undefined,
): Promise<{ backend: ChatBackend; why?: string }> {
  const offline = offlineBackend(snapshotOf);
  if (!ai) return { backend: offline };
  const { detectKubectlAi } = await import('./kubectl-ai.js');
  const found = await detectKubectlAi(ai.binary);
  if (!found) {
    if (ai.explicit) throw new CliError(`--kubectl-ai ${ai.binary}: not found or \`version\` failed`);
    return { backend: offline, why: 'kubectl-ai is not installed' };
  }
  const key = PROVIDER_KEYS[ai.llmProvider];
  if (key && !process.env[key]) return { backend: offline, why: `kubectl-ai has no ${key}` };
  const { kubectlAiBackend } = await import('./kubectl-ai-backend.js');
  return {
    backend: kubectlAiBackend({
      binary: found.path,
      // Its only way to pick the context: a kubeconfig whose current-context is ours, written
      // into this process's private directory (removed on exit), as is its trace.
      kubeconfigContents: kubeConfig.exportConfig(),
      llmProvider: ai.llmProvider,
      model: ai.model,
      timeoutMs: ai.timeoutMs,
    }),
  };
}
