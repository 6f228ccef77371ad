// kubectl-ai as a child process, the way its CLI really works (shared/reference/kubectl-ai.md,
// checked against its v0.0.25 source and binary): --quiet (else it opens a REPL on /dev/tty),
// stdin ignored (it reads any pipe until EOF), the query after `--`, never --skip-permissions.
// A turn that needs a mutating tool ends the run with the "RunOnce mode cannot handle permission
// requests" block: those commands are our proposals. Every other ending (time-out, crash, error,
// flood) is one line. It runs in a process group of its own, and the whole group is ended at
// the time-out, on esc and when the cockpit exits: a tool it started that keeps its stdout open
// or ignores SIGTERM cannot keep the chat waiting. Everything it prints passes stripControls.
import { randomUUID } from 'node:crypto';
import { accessSync, chmodSync, constants, mkdirSync, rmSync, statSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { stripControls, unterminatedSequenceAt } from '../audit/sanitize.js';
import { privateFile } from '../audit/private-dir.js';
import { TOOL_ENV } from '../cluster/tool-env.js';

export interface KubectlAiOptions {
  /** Path of the binary, or a bare name looked up on PATH. */
  binary: string;
  kubeconfig: string;
  /** Picked by a kubeconfig put in front of `kubeconfig`: kubectl-ai has no --context flag. */
  context?: string;
  llmProvider?: string;
  model?: string;
  /** Default 60_000. */
  timeoutMs?: number;
  /** Output bytes kept; past it the child is killed and the cap said. Default 256 KiB. */
  maxOutputBytes?: number;
  /** Provider environment passed through (GEMINI_API_KEY, OPENAI_API_KEY, OPENAI_ENDPOINT, OLLAMA_HOST…). Default: those taken from process.env. */
  env?: Record<string, string | undefined>;
  /**
   * A private (0700) directory for --trace-path (the trace holds API keys) and its TMPDIR
   * (the chat backend uses one in the process's private directory, removed on exit).
   */
  traceDir: string;
  /** Between SIGTERM and SIGKILL to its process group. Default 2_000. */
  killGraceMs?: number;
}

export type KubectlAiOutcome = 'answered' | 'proposals' | 'timeout' | 'cancelled' | 'failed' | 'truncated';

export interface KubectlAiResult {
  outcome: KubectlAiOutcome;
  /** The answer as Markdown-ish text, ANSI stripped, `Running: …` lines kept as plain lines. */
  answer: string;
  /** Commands from the RunOnce permission block ("* <command>" lines), verbatim, in order. */
  proposals: string[];
  /** For every outcome but answered/proposals: one line saying what happened. */
  message?: string;
  exitCode?: number;
}

export interface KubectlAiRun {
  /** Settles (never rejects) once the child has exited and been reaped. */
  result: Promise<KubectlAiResult>;
  /** esc in the chat: terminate its process group (SIGTERM, then SIGKILL after the grace) and reap. */
  cancel(): void;
}

const DEFAULT_TIMEOUT_MS = 60_000;
const DEFAULT_MAX_OUTPUT_BYTES = 256 * 1024;
const KILL_GRACE_MS = 2_000;
/** After SIGKILL, how long its pipes get to deliver what is in them before they are closed. */
const DRAIN_AFTER_KILL_MS = 100;
/**
 * Its markdown renderer pads every line to this width, stretches tables across it and cuts code
 * lines at it: wide enough to keep long kubectl commands whole, narrow enough that the padding
 * does not eat the output cap (at 10,000 a four-line answer is 40 KB).
 */
const RENDER_WIDTH = '160';

/** The variables its providers read (gollm, and the Vertex, Bedrock and Ollama clients). */
const PROVIDER_ENV = [
  'GEMINI_API_KEY',
  'OPENAI_API_KEY',
  'OPENAI_ENDPOINT',
  'OPENAI_API_BASE',
  'OPENAI_MODEL',
  'OLLAMA_HOST',
  'LLAMACPP_HOST',
  'AZURE_OPENAI_API_KEY',
  'AZURE_OPENAI_ENDPOINT',
  'GROK_API_KEY',
  'GROK_ENDPOINT',
  'BEDROCK_MODEL',
  'LLM_SKIP_VERIFY_SSL',
  'GOOGLE_APPLICATION_CREDENTIALS',
  'GOOGLE_CLOUD_PROJECT',
  'GOOGLE_CLOUD_LOCATION',
  'GOOGLE_CLOUD_REGION',
  'AWS_REGION',
  'AWS_DEFAULT_REGION',
  'AWS_PROFILE',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
];

const PERMISSION_HEADER = 'RunOnce mode cannot handle permission requests';
const PERMISSION_FOOTER = 'Use --skip-permissions flag';
/**
 * kubectl-ai also logs the refused commands to stderr as a JSON list (klog). That copy is exact
 * for multi-line commands, and it is the only one when the model wrote text in the same turn:
 * then its terminal UI exits before printing the block (and the exit code is 0).
 */
const PERMISSION_LOG = /"RunOnce mode cannot handle permission requests" commands=(\[.*\])\s*$/m;
const KLOG_PREFIX = /^[IWEF]\d{4} [\d:.]+\s+\d+ [^\]]*\] /;

/** The answer without the permission block, and the commands the block (or its log line) lists. */
export function parseQuietOutput(stdout: string, stderr = ''): { answer: string; proposals: string[] } {
  const lines = stdout.split('\n');
  const start = lines.findIndex((l) => l.startsWith(PERMISSION_HEADER));
  const listed: string[] = [];
  let answerLines = lines;
  if (start >= 0) {
    const footer = lines.findIndex((l, i) => i > start && l.startsWith(PERMISSION_FOOTER));
    const end = footer < 0 ? lines.length : footer + 1;
    for (const line of lines.slice(start + 1, footer < 0 ? end : footer)) {
      if (line.startsWith('* ')) listed.push(line.slice(2));
      // A heredoc command goes on over several lines.
      else if (listed.length > 0) listed[listed.length - 1] += `\n${line}`;
    }
    answerLines = [...lines.slice(0, start), ...lines.slice(end)];
  }
  const answer = answerLines
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  return { answer, proposals: loggedProposals(stderr) ?? listed };
}

function loggedProposals(stderr: string): string[] | undefined {
  const json = PERMISSION_LOG.exec(stderr)?.[1];
  if (!json) return undefined;
  try {
    const commands: unknown = JSON.parse(json);
    // JSON can spell any control character (\u001b): cleaned like the rest of its output.
    return Array.isArray(commands) && commands.every((c) => typeof c === 'string')
      ? commands.map(stripControls)
      : undefined;
  } catch {
    return undefined;
  }
}

/** The stderr line that says what went wrong: cobra's `Error: …` or a panic, not the usage text. */
function stderrReason(stderr: string): string {
  const lines = stripControls(stderr)
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const line =
    lines.find((l) => /^(Error|panic|fatal error):/.test(l)) ??
    lines.find((l) => !KLOG_PREFIX.test(l)) ??
    lines[0] ??
    '';
  return line.replace(KLOG_PREFIX, '').slice(0, 300);
}

/**
 * Raw stdout into clean text, line by line (an escape sequence or a UTF-8 character can be split
 * across chunks, and a sequence such as an APC can span lines: it is held back until it ends):
 * terminal controls, the renderer's padding and its two-space margin removed.
 */
class OutputCleaner {
  private readonly decoder = new StringDecoder('utf8');
  private partialLine = '';

  push(chunk: Buffer): string {
    const text = this.partialLine + this.decoder.write(chunk);
    let complete = text.lastIndexOf('\n') + 1;
    const open = unterminatedSequenceAt(text);
    if (open >= 0 && open < complete) complete = open === 0 ? 0 : text.lastIndexOf('\n', open - 1) + 1;
    this.partialLine = text.slice(complete);
    return OutputCleaner.clean(text.slice(0, complete));
  }

  end(): string {
    const rest = this.partialLine + this.decoder.end();
    this.partialLine = '';
    return OutputCleaner.clean(rest);
  }

  private static clean(text: string): string {
    return stripControls(text)
      .split('\n')
      .map((l) => l.trimEnd().replace(/^ {2}/, ''))
      .join('\n');
  }
}

interface RunFiles {
  /** The private directory: the trace and kubectl-ai's TMPDIR. */
  dir: string;
  trace: string;
  /** The kubeconfig argument: a path, or a path list when a context is chosen. */
  kubeconfig: string;
  remove(): void;
}

/**
 * The trace file, and for a context a one-line kubeconfig in front of the caller's: kubectl-ai has
 * no --context flag (it rejects it as unknown) but hands --kubeconfig to kubectl as KUBECONFIG,
 * where the first file's current-context wins and relative paths in the caller's file still work.
 */
function prepareRun(options: KubectlAiOptions): RunFiles {
  const dir = resolve(options.traceDir);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700); // the trace holds API keys, whoever made the directory
  const id = `${Date.now()}-${randomUUID().slice(0, 8)}`;
  const trace = join(dir, `trace-${id}.txt`);
  const kubeconfig = resolve(options.kubeconfig);
  if (!options.context) return { dir, trace, kubeconfig, remove() {} };
  const pick = { apiVersion: 'v1', kind: 'Config', 'current-context': options.context };
  // In the process's private directory, so a crash mid-run does not leave it behind for good.
  const overlay = privateFile('context.json', JSON.stringify(pick));
  return {
    dir,
    trace,
    kubeconfig: `${overlay}${delimiter}${kubeconfig}`,
    remove: () => rmSync(overlay, { force: true }),
  };
}

function commandLine(question: string, options: KubectlAiOptions, files: RunFiles): string[] {
  return [
    '--quiet',
    '--kubeconfig',
    files.kubeconfig,
    '--llm-provider',
    options.llmProvider ?? 'gemini',
    '--model',
    options.model ?? 'gemini-2.5-pro',
    '--trace-path',
    files.trace,
    // Each run leaves a working directory behind otherwise.
    '--remove-workdir',
    '--',
    question,
  ];
}

function childEnv(options: KubectlAiOptions, files: RunFiles): Record<string, string> {
  const fromProcess = (names: readonly string[]) => Object.fromEntries(names.map((n) => [n, process.env[n]]));
  const env: Record<string, string | undefined> = {
    ...fromProcess(TOOL_ENV),
    ...(options.env ?? fromProcess(PROVIDER_ENV)),
    // Its log file (kubectl-ai.log, with tool output) and working directories go to TMPDIR.
    TMPDIR: files.dir,
    KUBECTL_AI_TERM_WIDTH: RENDER_WIDTH,
  };
  return Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
}

const seconds = (ms: number) => `${Number((ms / 1000).toFixed(1))} s`;
const sizeOf = (bytes: number) => (bytes % 1024 === 0 ? `${bytes / 1024} KiB` : `${bytes} bytes`);

type Ending = 'timeout' | 'cancelled' | 'truncated';

interface Exit {
  exitCode?: number;
  signal?: string;
  /** SIGKILL went to its group: something in it ignored SIGTERM for the whole grace period. */
  isForcefullyTerminated: boolean;
  originalMessage?: string;
  shortMessage?: string;
}

/** The one result a run comes to: the ending we imposed first, then how the child ended. */
function settle(
  ending: Ending | undefined,
  exit: Exit,
  stdout: string,
  stderr: string,
  limits: { timeoutMs: number; cap: number },
): KubectlAiResult {
  const { answer, proposals } = parseQuietOutput(stdout, stderr);
  const { exitCode } = exit;
  const base = { answer, proposals, ...(exitCode === undefined ? {} : { exitCode }) };
  const forced = exit.isForcefullyTerminated ? ' (killed: it ignored SIGTERM)' : '';
  const reason = stderr.trim() ? `: ${stderrReason(stderr)}` : '';
  switch (ending) {
    case 'timeout':
      return {
        ...base,
        outcome: 'timeout',
        message: `kubectl-ai timed out after ${seconds(limits.timeoutMs)}${forced}`,
      };
    case 'cancelled':
      return { ...base, proposals: [], outcome: 'cancelled', message: `kubectl-ai cancelled${forced}` };
    case 'truncated':
      return {
        ...base,
        outcome: 'truncated',
        message: `output capped at ${sizeOf(limits.cap)}: kubectl-ai stopped${forced}`,
      };
  }
  if (exit.signal)
    return { ...base, outcome: 'failed', message: `kubectl-ai crashed (${exit.signal})${reason}` };
  if (exitCode === undefined) {
    const why = firstLine(exit.originalMessage ?? exit.shortMessage ?? '');
    return { ...base, outcome: 'failed', message: `kubectl-ai could not start: ${why}` };
  }
  // v0.0.28 exits 1 after the block, v0.0.25 exits 0: either way the run ended as it should.
  if (proposals.length > 0) return { ...base, outcome: 'proposals' };
  if (exitCode !== 0)
    return { ...base, outcome: 'failed', message: `kubectl-ai exited with code ${exitCode}${reason}` };
  return { ...base, outcome: 'answered' };
}

/** One line of text from outside, clean: error messages can carry the child's bytes too. */
const firstLine = (text: string): string => stripControls(text).split('\n')[0]!.trim();

/** Signals a whole process group; false when no process of it is left. */
function signalGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

/**
 * The groups of the runs still going. When the cockpit exits (ctrl-c, q, a signal: every way
 * ends in process.exit) they are killed outright: there is no later to wait for a grace period.
 */
const liveGroups = new Set<number>();
let exitHookInstalled = false;
function trackGroup(pgid: number): void {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on('exit', () => {
      for (const group of liveGroups) signalGroup(group, 'SIGKILL');
    });
  }
  liveGroups.add(pgid);
}

/**
 * Ending a process group: SIGTERM to every process in it, SIGKILL to whatever is left after the
 * grace, then its pipes are closed (a process outside the group could still hold them).
 * `settled` resolves once nothing of the group can keep the run waiting.
 */
function groupEnder(pgid: number, graceMs: number, streams: Readable[]) {
  let killTimer: NodeJS.Timeout | undefined;
  let drainTimer: NodeJS.Timeout | undefined;
  let forced = false;
  let graceOver!: () => void;
  const graceEnded = new Promise<void>((done) => (graceOver = done));
  const closeStreams = () => {
    for (const stream of streams) stream.destroy();
  };
  return {
    get forced() {
      return forced;
    },
    /** SIGTERM now, SIGKILL after the grace; once only. */
    terminate(): void {
      if (killTimer) return;
      if (!signalGroup(pgid, 'SIGTERM')) {
        graceOver();
        return;
      }
      killTimer = setTimeout(() => {
        forced = signalGroup(pgid, 'SIGKILL');
        drainTimer = setTimeout(closeStreams, DRAIN_AFTER_KILL_MS);
        graceOver();
      }, graceMs);
    },
    /** Resolves when no process of the group is left, or it has been sent SIGKILL. */
    async gone(): Promise<void> {
      if (signalGroup(pgid, 0)) await graceEnded;
    },
    /** The run is over: no timer of it outlives it. */
    dispose(): void {
      clearTimeout(killTimer);
      clearTimeout(drainTimer);
      liveGroups.delete(pgid);
    },
  };
}

const closed = (stream: Readable): Promise<void> =>
  stream.closed || stream.destroyed ? Promise.resolve() : new Promise((done) => stream.once('close', done));

export function askKubectlAi(
  question: string,
  options: KubectlAiOptions,
  onOutput?: (text: string) => void,
): KubectlAiRun {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const cap = options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES;
  const graceMs = options.killGraceMs ?? KILL_GRACE_MS;
  let ending: Ending | undefined;
  let terminate: (() => void) | undefined;
  const end = (why: Ending) => {
    ending ??= why;
    terminate?.();
  };

  const run = async (): Promise<KubectlAiResult> => {
    const files = prepareRun(options);
    const { execa } = await import('execa');
    if (ending) {
      files.remove();
      return { outcome: 'cancelled', answer: '', proposals: [], message: 'kubectl-ai cancelled' };
    }
    const child = execa(options.binary, commandLine(question, options, files), {
      stdin: 'ignore',
      env: childEnv(options, files),
      extendEnv: false,
      reject: false,
      buffer: false,
      // Its own process group (and session): the group is what we end, never just the child.
      detached: true,
      forceKillAfterDelay: false,
    });
    if (child.pid === undefined) {
      // It never started (ENOENT, EACCES): execa says why.
      const done = await child;
      files.remove();
      return settle(ending, { ...done, isForcefullyTerminated: false }, '', '', { timeoutMs, cap });
    }
    const pgid = child.pid;
    trackGroup(pgid);
    const streams = [child.stdout, child.stderr].filter((s): s is Readable => s !== null);
    const group = groupEnder(pgid, graceMs, streams);
    terminate = () => group.terminate();
    const timer = setTimeout(() => end('timeout'), timeoutMs);
    const leaderExit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
      child.nodeChildProcess.once('exit', (code, signal) => done({ code, signal })),
    );
    const streamsClosed = Promise.all(streams.map(closed));
    // Settled through the events above; execa's own promise (which waits for the pipes) is not.
    child.catch(() => {});

    // Both streams count against the cap, so neither can flood memory.
    let received = 0;
    const keep = (chunk: Buffer): Buffer | undefined => {
      const room = cap - received;
      if (room <= 0) return undefined;
      received += chunk.length;
      if (chunk.length <= room) return chunk;
      end('truncated');
      return chunk.subarray(0, room);
    };
    const cleaner = new OutputCleaner();
    let stdout = '';
    let blockStarted = false;
    const append = (text: string) => {
      stdout += text;
      // The permission block is not part of the answer: stream only what comes before it.
      if (!onOutput || blockStarted || !text) return;
      const at = text.indexOf(PERMISSION_HEADER);
      blockStarted = at >= 0;
      const shown = blockStarted ? text.slice(0, at) : text;
      if (shown) onOutput(shown);
    };
    const stderrChunks: Buffer[] = [];
    child.stdout?.on('data', (chunk: Buffer) => {
      const kept = keep(chunk);
      if (kept) append(cleaner.push(kept));
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      const kept = keep(chunk);
      if (kept) stderrChunks.push(kept);
    });

    const exit = await leaderExit;
    clearTimeout(timer);
    // What it left running in its group (a tool still holding stdout, one ignoring SIGTERM)
    // goes too: the answer is complete once kubectl-ai itself has exited.
    group.terminate();
    await streamsClosed;
    await group.gone();
    group.dispose();
    files.remove();
    append(cleaner.end());
    return settle(
      ending,
      {
        ...(exit.code === null ? {} : { exitCode: exit.code }),
        ...(exit.signal === null ? {} : { signal: exit.signal }),
        isForcefullyTerminated: group.forced,
      },
      stdout,
      Buffer.concat(stderrChunks).toString('utf8'),
      { timeoutMs, cap },
    );
  };

  const result = run().catch((error: unknown): KubectlAiResult => ({
    outcome: 'failed',
    answer: '',
    proposals: [],
    message: `kubectl-ai could not start: ${firstLine((error as Error).message)}`,
  }));
  return { result, cancel: () => end('cancelled') };
}

/** The executable a bare name resolves to on PATH, as a shell would find it. */
function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter).filter(Boolean)) {
    const candidate = resolve(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

/** Runs `<binary> version` (time-out 5 s); undefined when absent or failing. */
export async function detectKubectlAi(
  binary = 'kubectl-ai',
): Promise<{ path: string; version: string } | undefined> {
  const path = binary.includes('/') ? resolve(binary) : onPath(binary);
  if (!path) return undefined;
  const { execa } = await import('execa');
  const run = await execa(path, ['version'], {
    stdin: 'ignore',
    reject: false,
    timeout: 5_000,
    forceKillAfterDelay: KILL_GRACE_MS,
  });
  if (run.failed || run.exitCode !== 0) return undefined;
  const stdout = String(run.stdout);
  const version = /^version:\s*(\S+)/m.exec(stdout)?.[1] ?? stdout.trim().split('\n')[0] ?? 'unknown';
  return { path, version };
}
