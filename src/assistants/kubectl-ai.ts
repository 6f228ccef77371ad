// kubectl-ai as a child process, the way its CLI really works (shared/reference/kubectl-ai.md):
// --quiet (else it opens a REPL on /dev/tty), stdin ignored (it reads a pipe until EOF), the
// query after `--`, never --skip-permissions. In quiet mode a turn that needs a mutating tool
// ends with the "RunOnce mode cannot handle permission requests" block: those commands are our
// proposals. Every other ending (time-out, crash, error, flood) is one line.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';

export interface KubectlAiOptions {
  /** Path of the binary, or a bare name looked up on PATH. */
  binary: string;
  /** kubectl-ai has no --context flag: this file's current-context is the one it uses. */
  kubeconfig: string;
  llmProvider?: string;
  model?: string;
  /** Default 60_000. */
  timeoutMs?: number;
  /** Output bytes kept; past it the child is killed and the cap said. Default 256 KiB. */
  maxOutputBytes?: number;
  /** Provider environment passed through. Default: those taken from process.env. */
  env?: Record<string, string | undefined>;
  /** A private (0700) directory for --trace-path (the trace holds API keys). */
  traceDir: string;
}

export type KubectlAiOutcome = 'answered' | 'proposals' | 'timeout' | 'cancelled' | 'failed' | 'truncated';

export interface KubectlAiResult {
  outcome: KubectlAiOutcome;
  answer: string;
  proposals: string[];
  message?: string;
  exitCode?: number;
}

export interface KubectlAiRun {
  /** Settles (never rejects) once the child has exited and been reaped. */
  result: Promise<KubectlAiResult>;
  cancel(): void;
}

const DEFAULT_TIMEOUT_MS = 60_000;
const DEFAULT_MAX_OUTPUT = 256 * 1024;
const KILL_GRACE_MS = 2_000;

/** The provider variables kubectl-ai reads (its gollm providers). */
const PROVIDER_ENV = [
  'GEMINI_API_KEY',
  'OPENAI_API_KEY',
  'OPENAI_ENDPOINT',
  'OPENAI_API_BASE',
  'OLLAMA_HOST',
  'LLAMACPP_HOST',
  'AZURE_OPENAI_API_KEY',
  'AZURE_OPENAI_ENDPOINT',
  'GROK_API_KEY',
  'GOOGLE_CLOUD_PROJECT',
  'GOOGLE_CLOUD_LOCATION',
  'AWS_REGION',
  'AWS_PROFILE',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
];

const PERMISSION_BLOCK = 'RunOnce mode cannot handle permission requests';

/** The `* <command>` lines of the permission block, and the text before it. */
export function parseQuietOutput(output: string): { answer: string; proposals: string[] } {
  // Its session store announces a first session on stdout even in quiet mode.
  const text = output.replace(/^Created new session: .*\n?/m, '');
  const at = text.indexOf(PERMISSION_BLOCK);
  if (at < 0) return { answer: text.trim(), proposals: [] };
  const proposals = text
    .slice(at)
    .split('\n')
    .map((l) => /^\s*\*\s+(.+)$/.exec(l)?.[1]?.trim())
    .filter((c): c is string => Boolean(c));
  return { answer: text.slice(0, at).trim(), proposals };
}

/** The line of stderr that says what went wrong (cobra's `Error: …`), not the usage text. */
function firstError(stderr: string): string {
  const lines = stripVTControlCharacters(stderr)
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  return lines.find((l) => /^error\b/i.test(l)) ?? lines[0] ?? '';
}

export function askKubectlAi(
  question: string,
  options: KubectlAiOptions,
  onOutput?: (text: string) => void,
): KubectlAiRun {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const cap = options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT;
  mkdirSync(options.traceDir, { recursive: true, mode: 0o700 });
  const args = [
    '--quiet',
    '--kubeconfig',
    options.kubeconfig,
    '--llm-provider',
    options.llmProvider ?? 'gemini',
    '--model',
    options.model ?? 'gemini-2.5-pro',
    '--trace-path',
    join(options.traceDir, 'trace.txt'),
    '--',
    question,
  ];
  const env = options.env ?? Object.fromEntries(PROVIDER_ENV.map((k) => [k, process.env[k]]));
  let ending: KubectlAiOutcome | undefined;
  let cancel: () => void = () => {
    ending ??= 'cancelled';
  };
  const result = (async (): Promise<KubectlAiResult> => {
    const { execa } = await import('execa');
    const child = execa(options.binary, args, {
      stdin: 'ignore',
      reject: false,
      // The chat pane wraps to its own width: kubectl-ai should not wrap (it cuts words).
      env: { ...env, KUBECTL_AI_TERM_WIDTH: '10000' },
      extendEnv: true,
      // SIGTERM first; a child that ignores it is killed after the grace period.
      forceKillAfterDelay: KILL_GRACE_MS,
      cleanup: true,
      buffer: false,
    });
    const stop = (why: KubectlAiOutcome) => {
      ending ??= why;
      child.kill('SIGTERM');
    };
    cancel = () => stop('cancelled');
    if (ending === 'cancelled') stop('cancelled');
    const timer = setTimeout(() => stop('timeout'), timeoutMs);
    let stdout = '';
    let stderr = '';
    let bytes = 0;
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (chunk: string) => {
      if (ending === 'truncated') return;
      bytes += Buffer.byteLength(chunk);
      if (bytes > cap) {
        stop('truncated');
        return;
      }
      const clean = stripVTControlCharacters(chunk);
      stdout += clean;
      onOutput?.(clean);
    });
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      if (stderr.length < 16_384) stderr += chunk;
    });
    const done = await child;
    clearTimeout(timer);
    const { answer, proposals } = parseQuietOutput(stdout);
    const exitCode = done.exitCode;
    const base = { answer, proposals, ...(exitCode === undefined ? {} : { exitCode }) };
    if (ending === 'timeout')
      return {
        ...base,
        outcome: 'timeout',
        message: `kubectl-ai timed out after ${Math.round(timeoutMs / 1000)} s`,
      };
    if (ending === 'cancelled') return { ...base, outcome: 'cancelled', message: 'cancelled (esc)' };
    if (ending === 'truncated')
      return {
        ...base,
        outcome: 'truncated',
        message: `kubectl-ai's output passed ${Math.round(cap / 1024)} KiB: stopped it and kept the first ${Math.round(cap / 1024)} KiB`,
      };
    if (proposals.length > 0) return { ...base, outcome: 'proposals' };
    if (done.signal)
      return {
        ...base,
        outcome: 'failed',
        message: `kubectl-ai crashed (${done.signal})${stderr ? `: ${firstError(stderr)}` : ''}`,
      };
    if (done.failed && exitCode === undefined)
      return {
        ...base,
        outcome: 'failed',
        message: `kubectl-ai could not start: ${(done.shortMessage ?? '').split('\n')[0]}`,
      };
    if (exitCode !== 0)
      return {
        ...base,
        outcome: 'failed',
        message: `kubectl-ai exited with code ${exitCode}${stderr ? `: ${firstError(stderr)}` : ''}`,
      };
    return { ...base, outcome: 'answered' };
  })();
  return { result, cancel: () => cancel() };
}

/** `kubectl-ai version` within 5 s; undefined when absent or failing. */
export async function detectKubectlAi(
  binary = 'kubectl-ai',
): Promise<{ path: string; version: string } | undefined> {
  const { execa } = await import('execa');
  const found = await execa(binary, ['version'], { stdin: 'ignore', reject: false, timeout: 5_000 });
  if (found.exitCode !== 0 || found.failed) return undefined;
  const version =
    /version:\s*(\S+)/.exec(found.stdout)?.[1] ?? found.stdout.trim().split('\n')[0] ?? 'unknown';
  return { path: binary, version };
}
