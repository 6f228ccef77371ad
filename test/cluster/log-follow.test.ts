// `l` logs against the simulator's pod log subresource over HTTP: kubectl's default container,
// lines followed as the container writes them, a hostile escape sequence and a secret in a line
// never reaching the view, a 1 MB line cut, kubectl's error for a previous run that never was,
// batched store updates, and closing that really ends the stream on both sides.
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import { LineSplitter, MAX_LINE_CHARS, startLogFollower } from '../../src/cluster/log-follow.js';
import { startSimulator, type RunningSim } from '../../src/sim/index.js';
import { createCockpitStore, initialState, type CockpitStore } from '../../src/state/store.js';
import type { CockpitState } from '../../src/state/types.js';
import { until } from '../sim/until.js';

let sim: RunningSim | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

function untilState(
  store: CockpitStore,
  predicate: (s: CockpitState) => boolean,
  timeoutMs = 10_000,
): Promise<void> {
  return new Promise((resolve, reject) => {
    if (predicate(store.getState())) return resolve();
    const timer = setTimeout(() => {
      unsubscribe();
      reject(
        new Error(`log view did not converge: ${JSON.stringify(store.getState().logView)?.slice(0, 400)}`),
      );
    }, timeoutMs);
    const unsubscribe = store.subscribe((s) => {
      if (!predicate(s)) return;
      clearTimeout(timer);
      unsubscribe();
      resolve();
    });
  });
}

/** A running two-container pod whose default container is the second (`side`). */
async function runningPod(annotations: Record<string, string> = {}, speed = 20) {
  sim = await startSimulator({ scenario: 'empty', speed });
  const kc = new KubeConfig();
  kc.loadFromFile(sim.kubeconfigPath);
  const core = kc.makeApiClient(CoreV1Api);
  await core.createNamespacedPod({
    namespace: 'default',
    body: {
      metadata: {
        name: 'chatty',
        annotations: { 'kubectl.kubernetes.io/default-container': 'side', ...annotations },
      },
      spec: {
        containers: [
          { name: 'web', image: 'nginx:1.27' },
          { name: 'side', image: 'nginx:1.27' },
        ],
      },
    },
  });
  await until(
    () => core.readNamespacedPod({ namespace: 'default', name: 'chatty' }),
    (p) => p.status?.containerStatuses?.every((c) => c.state?.running) ?? false,
  );
  const store = createCockpitStore(initialState({ context: 'sim', server: sim.url, namespace: 'default' }));
  return {
    kc,
    store,
    follower: startLogFollower(store, kc),
    ref: { kind: 'pods' as const, namespace: 'default', name: 'chatty' },
  };
}

const append = (container: string, text: string): void =>
  sim!.ctx.logs.append('default', 'chatty', container, { time: sim!.ctx.clock.now(), text });
/** The simulator's followers of the log book: each open `logs -f` stream is one. */
const followers = (): number => (sim!.ctx.logs as unknown as { listeners: Set<unknown> }).listeners.size;

describe('LineSplitter', () => {
  it('joins a line and a UTF-8 character split across chunks', () => {
    const s = new LineSplitter();
    const euro = Buffer.from('€');
    expect(s.push(Buffer.concat([Buffer.from('a pri'), euro.subarray(0, 1)]))).toEqual([]);
    expect(s.push(Buffer.concat([euro.subarray(1), Buffer.from('ce\nnext')]))).toEqual(['a pri€ce']);
    expect(s.end()).toEqual(['next']);
  });

  it('a lone CR (a line printed over) is a line break, not a hidden overwrite', () => {
    expect(new LineSplitter().push('safe\rrm -rf /\n')).toEqual(['safe', 'rm -rf /']);
  });
});

describe('following a container log', () => {
  it("picks kubectl's default container and shows what it writes, controls stripped and secrets masked", async () => {
    const { store, follower, ref } = await runningPod();
    follower.open(ref, { previous: false });
    await untilState(store, (s) => s.logView?.status === 'streaming');
    expect(store.getState().logView).toMatchObject({ container: 'side', containers: ['web', 'side'] });
    append('side', 'before \u001b]52;c;cm0gLXJmIC8=\u0007\u001b[2J\u001b_hidden\u001b\\after');
    append('side', 'connecting with password=hunter2 to db');
    append('web', 'not this container');
    append('side', `${'x'.repeat(2 ** 20)}`);
    append('side', 'last');
    await untilState(store, (s) => s.logView?.lines.at(-1) === 'last');
    const lines = store.getState().logView!.lines;
    expect(lines).toContain('before after');
    expect(lines).toContain('connecting with password=[REDACTED] to db');
    expect(lines.join('\n')).not.toMatch(/hunter2|hidden|not this container|cm0gLXJm/);
    // eslint-disable-next-line no-control-regex
    expect(lines.join('\n')).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
    const long = lines.find((l) => l.startsWith('xxx'))!;
    expect(long).toBe(`${'x'.repeat(MAX_LINE_CHARS)} … (${2 ** 20 - MAX_LINE_CHARS} more characters)`);
    follower.close();
  });

  it("--previous of a container that never restarted fails with kubectl's words", async () => {
    const { store, follower, ref } = await runningPod();
    follower.open(ref, { container: 'web', previous: true });
    await untilState(store, (s) => s.logView?.status === 'failed');
    expect(store.getState().logView!.message).toBe(
      'Error from server (BadRequest): previous terminated container "web" in pod "chatty" not found',
    );
  });

  it('closing aborts the request: the server stops following and the sockets are released', async () => {
    const { store, follower, ref } = await runningPod();
    const tcp = (): number => process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap').length;
    const idle = followers();
    follower.open(ref, { previous: false });
    await untilState(store, (s) => s.logView?.status === 'streaming');
    await until(
      async () => followers(),
      (n) => n === idle + 1,
      5000,
    );
    const open = tcp();
    follower.close();
    expect(store.getState().logView).toBeUndefined();
    await until(
      async () => followers(),
      (n) => n === idle,
      5000,
    );
    // The stream's client and server sockets both go (idle keep-alive sockets may go too).
    await until(
      async () => tcp(),
      (n) => n <= open - 2,
      5000,
    );
    // A line written after the close reaches nothing.
    append('side', 'after close');
    expect(store.getState().logView).toBeUndefined();
  });

  it('a fast log (sim.aiops.dev/log-rate) reaches the store in batches, not one update per line', async () => {
    const { store, follower, ref } = await runningPod({ 'sim.aiops.dev/log-rate': '5000' }, 1);
    let updates = 0;
    const unsubscribe = store.subscribe((s, prev) => {
      if (s.logView !== prev.logView) updates++;
    });
    follower.open(ref, { previous: false });
    await untilState(store, (s) => (s.logView?.lines.length ?? 0) + (s.logView?.dropped ?? 0) >= 2000);
    unsubscribe();
    const view = store.getState().logView!;
    expect(view.lines.length + view.dropped).toBeGreaterThanOrEqual(2000);
    expect(updates).toBeLessThan((view.lines.length + view.dropped) / 20);
    follower.close();
  });
});
