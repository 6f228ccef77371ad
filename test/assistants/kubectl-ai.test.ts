// The kubectl-ai child process, driven through execa with a stand-in that follows kubectl-ai's
// real command line and quiet-mode output (test/fixtures/kubectl-ai): every ending is one clear
// result, the child is always reaped, and the command line never lets it change the cluster.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve, sep } from 'node:path';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { execa } from 'execa';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { parse, stringify } from 'yaml';
import { startChatService } from '../../src/assistants/chat-service.js';
import {
  askKubectlAi,
  detectKubectlAi,
  parseQuietOutput,
  type KubectlAiOptions,
} from '../../src/assistants/kubectl-ai.js';
import { kubectlAiBackend } from '../../src/assistants/kubectl-ai-backend.js';
import { privateDir, removePrivateDir } from '../../src/audit/private-dir.js';
import { startSimulator, type RunningSim } from '../../src/sim/index.js';
import { createCockpitStore, initialState } from '../../src/state/store.js';

const standIn = resolve(import.meta.dirname, '..', 'fixtures', 'kubectl-ai', 'kubectl-ai');
const tools = resolve('.tools/bin');

/** Temporary directories, removed after the file's tests. */
const scratchDirs: string[] = [];
function scratch(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  scratchDirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of scratchDirs) rmSync(dir, { recursive: true, force: true });
  // A test worker may be ended without an 'exit' event: leave no private directory behind.
  removePrivateDir();
});

interface Setup extends KubectlAiOptions {
  argvFile: string;
  traceDir: string;
}

function setup(extra: Partial<KubectlAiOptions> = {}): Setup {
  const dir = scratch('kubectl-ai-');
  const argvFile = join(dir, 'argv.json');
  return {
    binary: standIn,
    kubeconfig: join(dir, 'kubeconfig'),
    traceDir: join(dir, 'trace'),
    env: { STANDIN_ARGV_FILE: argvFile, GEMINI_API_KEY: 'test-key' },
    argvFile,
    ...extra,
  };
}

interface Recorded {
  argv: string[];
  pid: number;
  envNames: string[];
  tmpdir: string;
  /** The `grandchild` behaviour's tool, in its process group. */
  grandchildPid?: number;
}
const recorded = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as Recorded;

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Asks, and resolves with the run once the child has written its first output. */
async function started(question: string, options: KubectlAiOptions) {
  let firstOutput!: () => void;
  const output = new Promise<void>((done) => (firstOutput = done));
  const run = askKubectlAi(question, options, () => firstOutput());
  // A run that ends before it says anything (a time-out on a loaded machine) must not hang here.
  await Promise.race([output, run.result]);
  return run;
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('the command line', () => {
  it('is quiet, with our kubeconfig, provider, model and a private trace, the query after --', async () => {
    const o = setup({ llmProvider: 'openai', model: 'gpt-4o' });
    o.env = { ...o.env, OPENAI_API_KEY: 'sk-test' };
    const result = await askKubectlAi('-n looks like a flag', o).result;
    expect(result.outcome, result.message).toBe('answered');
    const { argv } = recorded(o.argvFile);
    const trace = argv[argv.indexOf('--trace-path') + 1]!;
    expect(argv).toEqual([
      '--quiet',
      '--kubeconfig',
      o.kubeconfig,
      '--llm-provider',
      'openai',
      '--model',
      'gpt-4o',
      '--trace-path',
      trace,
      '--remove-workdir',
      '--',
      '-n looks like a flag',
    ]);
    expect(trace.startsWith(resolve(o.traceDir) + sep)).toBe(true);
    expect(readFileSync(trace, 'utf8')).toContain('-n looks like a flag');
    expect(statSync(o.traceDir).mode & 0o777).toBe(0o700);
    expect(result.answer).toContain('You asked: -n looks like a flag');
  });

  it('passes the default provider and model explicitly, never --skip-permissions', async () => {
    const o = setup();
    await askKubectlAi('hello', o).result;
    const { argv } = recorded(o.argvFile);
    expect(argv.slice(argv.indexOf('--llm-provider'), argv.indexOf('--llm-provider') + 4)).toEqual([
      '--llm-provider',
      'gemini',
      '--model',
      'gemini-2.5-pro',
    ]);
    expect(argv).not.toContain('--skip-permissions');
  });

  it('makes an existing trace directory private', async () => {
    const o = setup();
    mkdirSync(o.traceDir, { mode: 0o755 });
    await askKubectlAi('hello', o).result;
    expect(statSync(o.traceDir).mode & 0o777).toBe(0o700);
  });

  it('hands it only the base and provider environment, its TMPDIR in the private directory', async () => {
    vi.stubEnv('AIOPS_UNRELATED_SECRET', 'do-not-pass');
    const o = setup();
    await askKubectlAi('hello', o).result;
    const { envNames, tmpdir: childTmp } = recorded(o.argvFile);
    expect(envNames).toEqual(expect.arrayContaining(['PATH', 'GEMINI_API_KEY', 'KUBECTL_AI_TERM_WIDTH']));
    expect(envNames).not.toContain('AIOPS_UNRELATED_SECRET');
    expect(childTmp).toBe(resolve(o.traceDir));
  });

  it('takes the provider environment from process.env when none is given', async () => {
    const without = setup({ env: undefined });
    vi.stubEnv('GEMINI_API_KEY', undefined);
    const missing = await askKubectlAi('hello', without).result;
    expect(missing.message).toBe(
      'kubectl-ai exited with code 1: Error: creating llm client: GEMINI_API_KEY environment variable not set',
    );
    vi.stubEnv('GEMINI_API_KEY', 'from-process');
    expect((await askKubectlAi('hello', setup({ env: undefined })).result).outcome).toBe('answered');
  });
});

describe('the context', () => {
  let sim: RunningSim;
  let twoContexts: string;
  const kc = new KubeConfig();
  beforeAll(async () => {
    sim = await startSimulator({ scenario: 'todo', speed: 10 });
    kc.loadFromFile(sim.kubeconfigPath);
    // The sim's context plus a current-context that reaches nothing.
    const config = parse(readFileSync(sim.kubeconfigPath, 'utf8')) as {
      clusters: object[];
      contexts: object[];
      'current-context': string;
    };
    config.clusters.push({ name: 'nowhere', cluster: { server: 'http://127.0.0.1:1' } });
    config.contexts.push({ name: 'nowhere', context: { cluster: 'nowhere', user: 'aiops-sim' } });
    config['current-context'] = 'nowhere';
    twoContexts = join(dirname(sim.kubeconfigPath), 'two-contexts');
    writeFileSync(twoContexts, stringify(config));
  });
  afterAll(() => sim?.close());

  const withKubectl = (extra: Partial<KubectlAiOptions>) => {
    const o = setup({ kubeconfig: twoContexts, ...extra });
    o.env = { ...o.env, PATH: `${tools}${delimiter}${process.env.PATH}` };
    return o;
  };

  it('is chosen by a kubeconfig in front of the caller’s, since kubectl-ai has no --context', async () => {
    const o = withKubectl({ context: 'aiops-sim' });
    const result = await askKubectlAi('which pods run?', o).result;
    const frontend = /^• (frontend-\S+)$/m.exec(result.answer)?.[1];
    const pods = await kc.makeApiClient(CoreV1Api).listNamespacedPod({ namespace: 'todo' });
    expect(pods.items.map((p) => p.metadata?.name)).toContain(frontend);
    const { argv } = recorded(o.argvFile);
    expect(argv).not.toContain('--context');
    const [overlay, caller] = argv[argv.indexOf('--kubeconfig') + 1]!.split(delimiter);
    expect(caller).toBe(twoContexts);
    // In the process's private directory (removed on exit, or by the next start after a crash).
    expect(overlay!.startsWith(privateDir() + sep)).toBe(true);
    // Removed once the run is over.
    expect(existsSync(overlay!)).toBe(false);
  });

  it('without it, the kubeconfig’s own current-context is used', async () => {
    const result = await askKubectlAi('which pods run?', withKubectl({})).result;
    expect(result.answer).toMatch(/I could not list them: .*127\.0\.0\.1:1/);
  });
});

describe('its answers', () => {
  it('streams and returns Markdown-ish text: ANSI codes, padding and the margin removed', async () => {
    const streamed: string[] = [];
    const result = await askKubectlAi('ansi please', setup(), (t) => streamed.push(t)).result;
    expect(result.outcome).toBe('answered');
    expect(result.answer).toBe(
      'Running: kubectl get pods -n todo\n\nbackend is CrashLoopBackOff, frontend is fine.',
    );
    expect(streamed.join('')).not.toContain('\x1b');
    expect(streamed.join('')).toContain('backend is CrashLoopBackOff, frontend is fine.');
  });

  it('drops the padding of every line to the render width', async () => {
    const result = await askKubectlAi('hello', setup()).result;
    const lines = result.answer.split('\n');
    expect(lines).toContain('# Cluster check');
    expect(lines.every((l) => l === l.trimEnd())).toBe(true);
  });

  it('the RunOnce permission block becomes proposals, exactly the `* ` commands, exit 1 or not', async () => {
    const streamed: string[] = [];
    const result = await askKubectlAi('scale the frontend', setup(), (t) => streamed.push(t)).result;
    expect(result).toMatchObject({
      outcome: 'proposals',
      exitCode: 1,
      proposals: ['kubectl scale deployment frontend --replicas=2 -n todo'],
    });
    expect(result.message).toBeUndefined();
    expect(result.answer).toBe(
      'Running: kubectl get deployment frontend -n todo\n\nThe frontend runs 1 replica. I will scale it to 2.',
    );
    expect(streamed.join('')).not.toContain('RunOnce');
  });

  it('takes the proposals from its log line when the block never reached stdout', async () => {
    const result = await askKubectlAi('scale race', setup()).result;
    expect(result).toMatchObject({
      outcome: 'proposals',
      exitCode: 0,
      proposals: ['kubectl scale deployment frontend --replicas=2 -n todo'],
    });
  });

  it('reads the quiet output: block lines, multi-line commands, the log line preferred', () => {
    const stdout =
      'Scaling.\nRunOnce mode cannot handle permission requests. The following commands require approval:\n* kubectl get pods\n* kubectl apply -f - <<EOF\nkind: ConfigMap\nEOF\nUse --skip-permissions flag to bypass permission checks in RunOnce mode.\nafter';
    expect(parseQuietOutput(stdout)).toEqual({
      answer: 'Scaling.\nafter',
      proposals: ['kubectl get pods', 'kubectl apply -f - <<EOF\nkind: ConfigMap\nEOF'],
    });
    const stderr =
      'E1123 02:42:07.936409   17760 conversation.go:620] "RunOnce mode cannot handle permission requests" commands=["kubectl delete pod x -n \\u003cns\\u003e"]\n';
    expect(parseQuietOutput('Deleting.', stderr)).toEqual({
      answer: 'Deleting.',
      proposals: ['kubectl delete pod x -n <ns>'],
    });
  });
});

describe('every other ending is one line', () => {
  it('a failure: the Error line from stderr, not the usage text', async () => {
    const result = await askKubectlAi('fail', setup()).result;
    expect(result).toMatchObject({
      outcome: 'failed',
      exitCode: 1,
      message:
        'kubectl-ai exited with code 1: Error: running agent: the model call failed: 503 Service Unavailable',
    });
  });

  it('a crash says the signal', async () => {
    const result = await askKubectlAi('crash', setup()).result;
    expect(result.outcome).toBe('failed');
    expect(result.message).toBe('kubectl-ai crashed (SIGSEGV)');
    expect(result.answer).toBe('Looking into it.');
  });

  it('a hang ends at the time-out, and the child is reaped', async () => {
    const o = setup({ timeoutMs: 500 });
    const result = await askKubectlAi('hang', o).result;
    expect(result).toMatchObject({
      outcome: 'timeout',
      message: 'kubectl-ai timed out after 0.5 s',
      answer: 'Running: kubectl get pods -n todo -w',
    });
    expect(alive(recorded(o.argvFile).pid)).toBe(false);
  });

  it('cancel terminates it with SIGTERM and reaps it', async () => {
    const o = setup();
    const run = await started('hang', o);
    const since = Date.now();
    run.cancel();
    const result = await run.result;
    expect(result).toMatchObject({ outcome: 'cancelled', message: 'kubectl-ai cancelled', exitCode: 0 });
    expect(Date.now() - since).toBeLessThan(1_500);
    expect(alive(recorded(o.argvFile).pid)).toBe(false);
  });

  it('a child that ignores SIGTERM is killed 2 s later, and reaped', async () => {
    const o = setup();
    const run = await started('ignore-term', o);
    const since = Date.now();
    run.cancel();
    const result = await run.result;
    expect(result).toMatchObject({
      outcome: 'cancelled',
      message: 'kubectl-ai cancelled (killed: it ignored SIGTERM)',
    });
    expect(Date.now() - since).toBeGreaterThanOrEqual(1_900);
    expect(alive(recorded(o.argvFile).pid)).toBe(false);
  });

  it('cancelled before it started, it never starts', async () => {
    const o = setup();
    const run = askKubectlAi('hello', o);
    run.cancel();
    expect(await run.result).toMatchObject({ outcome: 'cancelled', proposals: [] });
    expect(existsSync(o.argvFile)).toBe(false);
  });

  it('a flood is cut at the cap, which the message says; what is kept stays under it', async () => {
    let streamedBytes = 0;
    const o = setup({ maxOutputBytes: 64 * 1024 });
    const result = await askKubectlAi('flood', o, (t) => (streamedBytes += Buffer.byteLength(t))).result;
    expect(result).toMatchObject({
      outcome: 'truncated',
      message: 'output capped at 64 KiB: kubectl-ai stopped',
    });
    expect(result.answer).toContain('pod/flood-0000 Running');
    expect(Buffer.byteLength(result.answer)).toBeLessThanOrEqual(64 * 1024);
    expect(streamedBytes).toBeLessThanOrEqual(64 * 1024);
    expect(alive(recorded(o.argvFile).pid)).toBe(false);
  });

  it('a binary that does not exist', async () => {
    const result = await askKubectlAi('hello', setup({ binary: '/nonexistent/kubectl-ai' })).result;
    expect(result).toMatchObject({
      outcome: 'failed',
      message: 'kubectl-ai could not start: spawn /nonexistent/kubectl-ai ENOENT',
    });
  });

  it('a trace directory it cannot create', async () => {
    const file = join(scratch('kubectl-ai-'), 'file');
    writeFileSync(file, '');
    const result = await askKubectlAi('hello', setup({ traceDir: join(file, 'trace') })).result;
    expect(result.outcome).toBe('failed');
    expect(result.message).toMatch(/^kubectl-ai could not start: ENOTDIR/);
  });
});

/** Resolves once none of the pids is a live process (a killed one may take a moment to be reaped). */
async function allGone(pids: number[], deadlineMs = 5_000): Promise<number[]> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    const living = pids.filter(alive);
    if (living.length === 0 || Date.now() > until) return living;
    await new Promise((done) => setTimeout(done, 20));
  }
}

/** Its pid and its grandchild's, once the stand-in has recorded both. */
function family(file: string): number[] {
  const { pid, grandchildPid } = recorded(file);
  expect(grandchildPid).toBeGreaterThan(0);
  return [pid, grandchildPid!];
}

describe('its whole process group ends', () => {
  // Short, so the tests are quick; the margin is for a loaded two-core CI machine.
  const GRACE_MS = 400;
  const MARGIN_MS = 1_500;

  it('when it answers and exits, a tool it left holding stdout and ignoring SIGTERM is killed', async () => {
    const o = setup({ killGraceMs: GRACE_MS });
    const since = Date.now();
    const result = await askKubectlAi('grandchild', o).result;
    expect(result).toMatchObject({ outcome: 'answered', exitCode: 0 });
    expect(result.answer).toContain('The backend logs are streaming.');
    expect(Date.now() - since).toBeLessThan(GRACE_MS + MARGIN_MS + 1_000);
    expect(await allGone(family(o.argvFile))).toEqual([]);
  });

  it('at the time-out, with a grandchild holding stdout and ignoring SIGTERM', async () => {
    // Long enough for the stand-in to start and speak on a loaded machine: the time-out is what
    // is tested, not how quickly node starts.
    const o = setup({ timeoutMs: 3_000, killGraceMs: GRACE_MS });
    const since = Date.now();
    const run = await started('grandchild hang', o);
    const result = await run.result;
    expect(result).toMatchObject({
      outcome: 'timeout',
      message: 'kubectl-ai timed out after 3 s (killed: it ignored SIGTERM)',
      answer: 'Running: kubectl logs -f deployment/backend -n todo',
    });
    expect(Date.now() - since).toBeLessThan(3_000 + GRACE_MS + MARGIN_MS);
    expect(await allGone(family(o.argvFile))).toEqual([]);
  });

  it('on cancel, with a grandchild holding stdout and ignoring SIGTERM', async () => {
    const o = setup({ killGraceMs: GRACE_MS });
    const run = await started('grandchild hang', o);
    const since = Date.now();
    run.cancel();
    const result = await run.result;
    expect(result).toMatchObject({
      outcome: 'cancelled',
      message: 'kubectl-ai cancelled (killed: it ignored SIGTERM)',
    });
    expect(Date.now() - since).toBeLessThan(GRACE_MS + MARGIN_MS);
    expect(await allGone(family(o.argvFile))).toEqual([]);
  });

  it('when the cockpit exits while it runs: the whole group is killed', async () => {
    const o = setup();
    const script = join(scratch('kubectl-ai-exit-'), 'cockpit.mts');
    const module = resolve(import.meta.dirname, '..', '..', 'src', 'assistants', 'kubectl-ai.ts');
    writeFileSync(
      script,
      `import { askKubectlAi } from ${JSON.stringify(module)};
const options = JSON.parse(process.argv[2]);
askKubectlAi('grandchild hang', options, () => process.exit(0));
`,
    );
    const cockpit = await execa(process.execPath, ['--import', 'tsx', script, JSON.stringify(o)], {
      reject: false,
      timeout: 20_000,
    });
    expect(cockpit.exitCode, String(cockpit.stderr)).toBe(0);
    expect(await allGone(family(o.argvFile))).toEqual([]);
  });

  it('the chat backend keeps its kubeconfig copy and trace in the private directory', async () => {
    const o = setup();
    const backend = kubectlAiBackend({
      binary: o.binary,
      env: o.env,
      kubeconfigContents: 'apiVersion: v1\n',
    });
    const answer = await backend.ask('hello', () => {}).result;
    expect(answer.error).toBeUndefined();
    const { argv } = recorded(o.argvFile);
    const kubeconfig = argv[argv.indexOf('--kubeconfig') + 1]!;
    const trace = argv[argv.indexOf('--trace-path') + 1]!;
    for (const path of [kubeconfig, trace]) expect(path.startsWith(privateDir() + sep)).toBe(true);
    expect(statSync(kubeconfig).mode & 0o777).toBe(0o600);
    expect(readFileSync(kubeconfig, 'utf8')).toBe('apiVersion: v1\n');
  });

  it('the chat takes the next question after a cancelled run whose grandchild held stdout', async () => {
    const o = setup({ killGraceMs: GRACE_MS });
    const store = createCockpitStore(
      initialState({ context: 'c', server: 'https://example:6443', namespace: undefined }),
    );
    const chat = startChatService({ store, backend: kubectlAiBackend(o) });
    let streaming!: () => void;
    const firstText = new Promise<void>((done) => (streaming = done));
    const unsubscribe = store.subscribe((s) => {
      if (s.chat.messages.some((m) => m.role === 'assistant' && m.text)) streaming();
    });
    const first = chat.ask('grandchild hang');
    await firstText;
    unsubscribe();
    chat.cancel();
    await first;
    expect(store.getState().chat.running).toBe(false);
    // Killed, or ended by SIGTERM when it came before the grandchild had set itself to ignore it
    // (on a loaded machine the cancel can beat that): either way the run is over.
    expect(store.getState().chat.messages.at(-1)).toMatchObject({ role: 'error' });
    expect(store.getState().chat.messages.at(-1)?.text).toMatch(
      /^kubectl-ai cancelled( \(killed: it ignored SIGTERM\))?$/,
    );
    await chat.ask('hello again');
    expect(store.getState().chat.messages.at(-1)?.text).toContain('You asked: hello again');
    expect(await allGone([recorded(o.argvFile).pid])).toEqual([]);
  });
});

/** Code points that may not reach a record or the screen: C0 but LF and TAB, DEL, C1. */
const forbidden = (text: string) =>
  [...text].filter((ch) => {
    const c = ch.codePointAt(0)!;
    return (c < 0x20 && c !== 0x0a && c !== 0x09) || c === 0x7f || (c >= 0x80 && c <= 0x9f);
  });

describe('hostile output', () => {
  it('reaches the answer, streamed or not, with no control left and no hidden text shown', async () => {
    const streamed: string[] = [];
    const result = await askKubectlAi('hostile', setup(), (t) => streamed.push(t)).result;
    expect(result.outcome).toBe('answered');
    for (const text of [result.answer, streamed.join('')]) {
      expect(forbidden(text)).toEqual([]);
      expect(text).toContain('The pods are healthy.');
      expect(text).toContain('Nothing to do.');
      expect(text).toContain('See the docs and the runbook.');
      // The text a CR or BS would have overwritten on a terminal stays, on a line of its own.
      expect(text).toContain('DELETE EVERYTHING\nall fine');
      expect(text).toContain('rm -rf /ls -l');
      expect(text).toContain('last line.');
      for (const hidden of [
        'approve every',
        'private message',
        'evil.example',
        'owned',
        'hidden payload',
        'still hidden',
      ])
        expect(text).not.toContain(hidden);
      expect(text).not.toContain(Buffer.from('kubectl delete namespace todo').toString('base64'));
    }
  });

  it('reaches the one-line error clean', async () => {
    const result = await askKubectlAi('"hostile fail"', setup()).result;
    expect(result.outcome).toBe('failed');
    expect(result.message).toBe('kubectl-ai exited with code 1: Error: model said no');
  });
});

describe('the stand-in behaves as the real one where it matters', () => {
  it('blocks on an open stdin pipe, and without --quiet waits for its REPL', async () => {
    const env = { GEMINI_API_KEY: 'k' };
    const piped = await execa(standIn, ['--quiet', '--', 'hello'], { env, reject: false, timeout: 1_000 });
    expect(piped.timedOut).toBe(true);
    const repl = await execa(standIn, ['--', 'hello'], {
      env,
      stdin: 'ignore',
      reject: false,
      timeout: 1_000,
    });
    expect(repl.timedOut).toBe(true);
    expect(String(repl.stdout)).toContain('Cluster check');
  });

  it('rejects an unknown flag the way cobra does', async () => {
    const run = await execa(standIn, ['--context', 'x', '--quiet', '--', 'hi'], {
      reject: false,
      stdin: 'ignore',
    });
    expect(run.exitCode).toBe(1);
    expect(String(run.stderr).split('\n').slice(0, 2)).toEqual(['Error: unknown flag: --context', 'Usage:']);
  });
});

describe('detectKubectlAi', () => {
  it('runs `version`; by path or by name on PATH', async () => {
    expect(await detectKubectlAi(standIn)).toEqual({ path: standIn, version: '0.0.28-standin' });
    vi.stubEnv('PATH', `${dirname(standIn)}${delimiter}${process.env.PATH}`);
    expect(await detectKubectlAi('kubectl-ai')).toEqual({ path: standIn, version: '0.0.28-standin' });
  });

  it('is undefined when absent or failing', async () => {
    expect(await detectKubectlAi('/nonexistent/kubectl-ai')).toBeUndefined();
    vi.stubEnv('PATH', scratch('empty-path-'));
    expect(await detectKubectlAi('kubectl-ai')).toBeUndefined();
    expect(await detectKubectlAi('/bin/false')).toBeUndefined();
  });
});
