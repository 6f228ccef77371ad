// The kubectl-ai child process, driven through execa with a stand-in that follows kubectl-ai's
// real command line and quiet-mode output: every ending is one clear result, the child is
// always reaped, and the command line never grants it permission to change the cluster.
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  askKubectlAi,
  detectKubectlAi,
  parseQuietOutput,
  type KubectlAiOptions,
} from '../../src/assistants/kubectl-ai.js';

const standIn = join(import.meta.dirname, '..', 'fixtures', 'kubectl-ai', 'kubectl-ai');

function options(extra: Partial<KubectlAiOptions> = {}): KubectlAiOptions & { argvFile: string } {
  const dir = mkdtempSync(join(tmpdir(), 'kubectl-ai-'));
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

const recorded = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as { argv: string[]; pid: number };

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('kubectl-ai as a child process', () => {
  it('runs it quiet, with our kubeconfig, model and a private trace, never with --skip-permissions', async () => {
    const o = options({ llmProvider: 'openai', model: 'gpt-4o' });
    const streamed: string[] = [];
    const result = await askKubectlAi('-n looks like a flag', o, (t) => streamed.push(t)).result;
    expect(result.outcome).toBe('answered');
    const { argv } = recorded(o.argvFile);
    expect(argv).toContain('--quiet');
    expect(argv).not.toContain('--skip-permissions');
    expect(argv.slice(argv.indexOf('--kubeconfig'), argv.indexOf('--kubeconfig') + 2)).toEqual([
      '--kubeconfig',
      o.kubeconfig,
    ]);
    expect(argv.slice(argv.indexOf('--model'), argv.indexOf('--model') + 2)).toEqual(['--model', 'gpt-4o']);
    expect(argv.slice(argv.indexOf('--llm-provider'), argv.indexOf('--llm-provider') + 2)).toEqual([
      '--llm-provider',
      'openai',
    ]);
    const trace = argv[argv.indexOf('--trace-path') + 1]!;
    expect(trace.startsWith(o.traceDir)).toBe(true);
    expect(statSync(o.traceDir).mode & 0o777).toBe(0o700);
    // A query that starts with "-" is still the query.
    expect(argv.slice(-2)).toEqual(['--', '-n looks like a flag']);
    expect(result.answer).toContain('You asked: -n looks like a flag');
    expect(streamed.join('')).toContain('# Cluster check');
  });

  it('the RunOnce permission block becomes proposals, exactly the `* ` commands', async () => {
    const result = await askKubectlAi('scale the frontend', options()).result;
    expect(result.outcome).toBe('proposals');
    expect(result.proposals).toEqual(['kubectl scale deployment frontend --replicas=2 -n todo']);
    expect(result.answer).toContain('I will scale it to 2.');
    expect(result.answer).not.toContain('RunOnce');
  });

  it('strips ANSI codes from what it streams and answers', async () => {
    const streamed: string[] = [];
    const result = await askKubectlAi('ansi please', options(), (t) => streamed.push(t)).result;
    expect(result.answer).toContain('Running: kubectl get pods -A');
    expect(result.answer).toContain('red and bold');
    expect(result.answer + streamed.join('')).not.toContain('\x1b');
  });

  it('a failure is one line: the Error line from stderr, not the usage text', async () => {
    const result = await askKubectlAi('fail', options()).result;
    expect(result.outcome).toBe('failed');
    expect(result.message).toBe(
      'kubectl-ai exited with code 1: Error: creating llm client: GEMINI_API_KEY environment variable not set',
    );
  });

  it('a crash says the signal', async () => {
    const result = await askKubectlAi('crash', options()).result;
    expect(result.outcome).toBe('failed');
    expect(result.message).toMatch(/^kubectl-ai crashed \(SIGSEGV\)/);
  });

  it('a hang ends at the time-out, and the child is gone', async () => {
    const o = options({ timeoutMs: 1_000 });
    const result = await askKubectlAi('hang', o).result;
    expect(result).toMatchObject({ outcome: 'timeout', message: 'kubectl-ai timed out after 1 s' });
    expect(alive(recorded(o.argvFile).pid)).toBe(false);
  });

  it('cancel terminates and reaps it, even when it ignores SIGTERM', async () => {
    const o = options();
    const run = askKubectlAi('ignore-term', o);
    // The stand-in writes its argv once it runs: then it is there to cancel.
    await expect.poll(() => existsSync(o.argvFile), { timeout: 5_000 }).toBe(true);
    const started = Date.now();
    run.cancel();
    const result = await run.result;
    expect(result).toMatchObject({ outcome: 'cancelled', message: 'cancelled (esc)' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_500);
    expect(alive(recorded(o.argvFile).pid)).toBe(false);
  });

  it('a flood is cut at the cap, which the message says, with memory bounded', async () => {
    const result = await askKubectlAi('flood', options({ maxOutputBytes: 64 * 1024 })).result;
    expect(result.outcome).toBe('truncated');
    expect(result.message).toMatch(/passed 64 KiB/);
    expect(result.answer.length).toBeLessThanOrEqual(64 * 1024);
  });

  it('a binary that does not exist is one line', async () => {
    const result = await askKubectlAi('hello', options({ binary: '/nonexistent/kubectl-ai' })).result;
    expect(result.outcome).toBe('failed');
    expect(result.message).toMatch(/^kubectl-ai could not start: .*ENOENT/);
  });

  it('detects it by `kubectl-ai version`', async () => {
    expect(await detectKubectlAi(standIn)).toEqual({ path: standIn, version: '0.0.28-standin' });
    expect(await detectKubectlAi('/nonexistent/kubectl-ai')).toBeUndefined();
  });

  it('reads the quiet output: the session notice dropped, the proposal lines kept', () => {
    expect(
      parseQuietOutput(
        'Created new session: 2025\n  Scaling.\nRunOnce mode cannot handle permission requests. The following commands require approval:\n* kubectl get pods\n* kubectl delete pod x\nUse --skip-permissions flag to bypass permission checks in RunOnce mode.\n',
      ),
    ).toEqual({ answer: 'Scaling.', proposals: ['kubectl get pods', 'kubectl delete pod x'] });
  });
});
