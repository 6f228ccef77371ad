// The built cockpit against an API server that is slow to answer, and against none: what kubectl
// waits for gets the frame with `connecting…` and then the pods; what kubectl reports at once is
// one line and exit 2 with the terminal never switched to the full screen.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSim } from '../../src/sim/index.js';
import { makeTeam } from '../audit/identities.js';

const root = join(import.meta.dirname, '..', '..');
const cli = join(root, 'dist', 'cli.js');
const recorder = join(import.meta.dirname, 'fixtures', 'record-exit-and-stderr.mjs');
const hasTmux = await execa('tmux', ['-V']).then(
  () => true,
  () => false,
);
const operator = makeTeam(['e2e']);

let socket: string | undefined;
let sim: RunningSim | undefined;
let proxy: Server | undefined;
const tmux = (...args: string[]) => execa('tmux', ['-L', socket!, ...args]);

afterEach(async () => {
  if (socket) await execa('tmux', ['-L', socket, 'kill-server'], { reject: false });
  socket = undefined;
  proxy?.close();
  proxy = undefined;
  await sim?.close();
  sim = undefined;
});

/** A TCP proxy to `port` that holds every connection until release(): a server slow to answer. */
async function holdingProxy(port: number): Promise<{ port: number; held(): number; release(): void }> {
  const waiting: Socket[] = [];
  let released = false;
  const pipe = (client: Socket): void => {
    const upstream = connect(port, '127.0.0.1');
    client.pipe(upstream).pipe(client);
    const close = (): void => void (client.destroy(), upstream.destroy());
    client.on('error', close);
    upstream.on('error', close);
  };
  let count = 0;
  const server = createServer((client) => {
    count++;
    if (released) pipe(client);
    else waiting.push(client);
  });
  proxy = server;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    held: () => count,
    release: () => {
      released = true;
      for (const client of waiting.splice(0)) pipe(client);
    },
  };
}

/** A copy of `kubeconfigPath` whose server is `server`. */
function kubeconfigFor(kubeconfigPath: string, server: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'aiops-connecting-')), 'kubeconfig');
  writeFileSync(file, readFileSync(kubeconfigPath, 'utf8').replace(/server: \S+/, `server: ${server}`));
  return file;
}

async function startCockpit(kubeconfig: string): Promise<{ statusFile: string; stderrFile: string }> {
  socket = `aiops-connecting-${process.pid}-${Date.now()}`;
  const dir = mkdtempSync(join(tmpdir(), 'aiops-connecting-'));
  const statusFile = join(dir, 'status');
  const stderrFile = join(dir, 'stderr');
  await execa('tmux', [
    ...['-L', socket, '-f', '/dev/null', 'new-session', '-d', '-s', 'cockpit', '-x', '120', '-y', '30'],
    ...['-e', 'CI=false'],
    ...[
      process.execPath,
      recorder,
      statusFile,
      stderrFile,
      process.execPath,
      cli,
      '--kubeconfig',
      kubeconfig,
      '-A',
    ],
    ...['--no-ai', '--history-dir', mkdtempSync(join(tmpdir(), 'aiops-connecting-history-'))],
    ...operator.flags('e2e'),
  ]);
  return { statusFile, stderrFile };
}

const screen = async (): Promise<string> => (await tmux('capture-pane', '-p', '-t', 'cockpit')).stdout;

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await probe();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`never: ${what}; screen:\n${await screen().catch(() => '')}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe.skipIf(!hasTmux || !existsSync(cli))('the built cockpit while connecting', () => {
  it('draws its frame with connecting… while the server has not answered, then the pods once it does', async () => {
    sim = await startSimulator({ scenario: 'todo' });
    const slow = await holdingProxy(Number(new URL(sim.url).port));
    await startCockpit(kubeconfigFor(sim.kubeconfigPath, `http://127.0.0.1:${slow.port}`));
    const first = await waitFor('the frame while connecting', async () => {
      const s = await screen();
      return s.includes('connecting…') && s.includes('pods') ? s : undefined;
    });
    // Nothing has been answered yet: every request the cockpit made is still held.
    expect(slow.held()).toBeGreaterThan(0);
    expect(first).not.toContain('frontend-');
    slow.release();
    const answered = await waitFor('the pods once the server answers', async () => {
      const s = await screen();
      return s.includes('frontend-') && s.includes('connected') ? s : undefined;
    });
    expect(answered).not.toContain('connecting…');
  });

  it('runs a kubeconfig exec plugin once at start, not once per early request', async () => {
    sim = await startSimulator({ scenario: 'todo' });
    const dir = mkdtempSync(join(tmpdir(), 'aiops-exec-plugin-'));
    const runs = join(dir, 'runs');
    const plugin = join(dir, 'get-token');
    // A plugin as slow as cloud ones are (aws eks get-token takes about a second): concurrent
    // requests at start would each run it while the first has not answered.
    writeFileSync(
      plugin,
      `#!/bin/sh\necho run >> '${runs}'\nsleep 0.3\necho '{"apiVersion":"client.authentication.k8s.io/v1beta1","kind":"ExecCredential","status":{"token":"t"}}'\n`,
      { mode: 0o755 },
    );
    const kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(
      kubeconfig,
      readFileSync(sim.kubeconfigPath, 'utf8').replace(
        /user: \{\}/,
        `user:\n      exec:\n        apiVersion: client.authentication.k8s.io/v1beta1\n        command: ${plugin}\n        interactiveMode: Never`,
      ),
    );
    await startCockpit(kubeconfig);
    await waitFor('the pods on screen', async () =>
      (await screen()).includes('frontend-') ? true : undefined,
    );
    expect(readFileSync(runs, 'utf8').trim().split('\n')).toEqual(['run']);
  });

  it('a refused connection is still one line on stderr and exit 2', async () => {
    sim = await startSimulator({ scenario: 'empty' });
    const { statusFile, stderrFile } = await startCockpit(
      kubeconfigFor(sim.kubeconfigPath, 'http://127.0.0.1:1'),
    );
    const exit = await waitFor('the exit', async () =>
      existsSync(statusFile) ? readFileSync(statusFile, 'utf8') : undefined,
    );
    expect(exit).toBe('exit 2');
    const lines = readFileSync(stderrFile, 'utf8').split('\n').filter(Boolean);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^aiops-tui: cannot reach the API server http:\/\/127\.0\.0\.1:1 \(context \S+\): connect ECONNREFUSED/,
    );
  });
});
