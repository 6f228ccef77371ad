// Running containers' recent logs, read from the simulator's pod `log` subresource: once per pod,
// container and restart count, again after the time to live, never more than the cap in one run,
// and nothing of a terminal control or a secret kept.
import { CoreV1Api, KubeConfig, type V1Pod } from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import {
  cleanLogLines,
  createRecentLogReader,
  podLogRequest,
  runningContainers,
  type LogRequest,
} from '../../src/cluster/recent-logs.js';
import { startSimulator, type RunningSim } from '../../src/sim/index.js';

let sim: RunningSim | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

async function connect(scenario: string): Promise<{ kc: KubeConfig; core: CoreV1Api }> {
  sim = await startSimulator({ scenario, speed: 20 });
  const kc = new KubeConfig();
  kc.loadFromFile(sim.kubeconfigPath);
  return { kc, core: kc.makeApiClient(CoreV1Api) };
}

/** The log requests that reached the server, by container key, in order. */
function counting(kc: KubeConfig): { request: LogRequest; reads: string[] } {
  const reads: string[] = [];
  const real = podLogRequest(kc);
  return {
    reads,
    request: (c, lines, bytes) => {
      reads.push(c.key);
      return real(c, lines, bytes);
    },
  };
}

/**
 * The namespace's pods once at least `minimum` containers run and every running one has logged
 * (the todo pods start one by one, so the first poll may find a single one running).
 */
async function runningPods(
  core: CoreV1Api,
  namespace: string,
  kc: KubeConfig,
  minimum = 1,
): Promise<V1Pod[]> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const pods = (await core.listNamespacedPod({ namespace })).items;
    const running = runningContainers(pods);
    const logged = await Promise.all(running.map((c) => podLogRequest(kc)(c, 1, 1024).catch(() => '')));
    if (running.length >= minimum && logged.every((text) => text.trim() !== '')) return pods;
    if (Date.now() > deadline) throw new Error(`no running, logging pods in ${namespace} within 10 s`);
    await new Promise((resolve) => setImmediate(resolve)); // poll with a deadline, not a sleep
  }
}

const withRestarts = (pod: V1Pod, restarts: number): V1Pod => ({
  ...pod,
  status: {
    ...pod.status,
    containerStatuses: pod.status!.containerStatuses!.map((c) => ({ ...c, restartCount: restarts })),
  },
});

describe('recent logs of running containers', () => {
  it('reads each once, serves it from the cache, and reads again after a restart or the TTL', async () => {
    const { kc, core } = await connect('todo');
    const pods = await runningPods(core, 'todo', kc);
    const keys = runningContainers(pods).map((c) => c.key);
    const { request, reads } = counting(kc);
    let now = 1_000_000;
    const reader = createRecentLogReader(request, { now: () => now, ttlMs: 120_000 });

    const first = await reader.collect(pods);
    expect(reads.sort()).toEqual([...keys].sort());
    expect(Object.keys(first).sort()).toEqual([...keys].sort());
    for (const key of keys) expect(first[key]!.length).toBeGreaterThan(0);

    reads.length = 0;
    now += 119_000;
    const cached = await reader.collect(pods);
    expect(reads).toEqual([]);
    expect(cached).toEqual(first);

    // The first pod restarted (as its next watch event says): only its containers are read again.
    const restarted = [withRestarts(pods[0]!, 7), ...pods.slice(1)];
    await reader.collect(restarted);
    expect(reads.sort()).toEqual(
      runningContainers([pods[0]!])
        .map((c) => c.key)
        .sort(),
    );

    reads.length = 0;
    now += 1_000; // the others' reads are now 120 s old
    await reader.collect(restarted);
    expect(reads.sort()).toEqual(
      runningContainers(pods.slice(1))
        .map((c) => c.key)
        .sort(),
    );
  });

  it('reads at most the cap in one run, the never-read and then the oldest first', async () => {
    const { kc, core } = await connect('large:60');
    const pods = (await core.listPodForAllNamespaces()).items;
    const all = runningContainers(pods).map((c) => c.key);
    expect(all.length).toBeGreaterThanOrEqual(60);
    const { request, reads } = counting(kc);
    let now = 0;
    const reader = createRecentLogReader(request, { now: () => now, ttlMs: 60_000, maxReadsPerRun: 20 });
    const runs: string[][] = [];
    for (let run = 0; run * 20 < all.length; run++) {
      now += 1_000;
      reads.length = 0;
      await reader.collect(pods);
      runs.push([...reads]);
    }
    expect(runs.map((r) => r.length)).toEqual(runs.map((_, i) => Math.min(20, all.length - i * 20)));
    expect(new Set(runs.flat()).size).toBe(all.length); // every container once, none twice
    expect(reader.backlog).toBe(0);

    // All expired: the next run takes the 20 read longest ago, the first run's.
    now += 60_000;
    reads.length = 0;
    await reader.collect(pods);
    expect(reads.sort()).toEqual([...runs[0]!].sort());
    expect(reader.backlog).toBe(all.length - 20);
  });
});

describe('the recent-log cache', () => {
  it('keeps no more characters than its budget, dropping the logs read longest ago', async () => {
    const { kc, core } = await connect('todo');
    const pods = await runningPods(core, 'todo', kc, 2);
    const keys = runningContainers(pods).map((c) => c.key);
    expect(keys.length).toBeGreaterThanOrEqual(2);
    // A log of a fixed size per container (the live ones grow between reads).
    const text = (key: string): string => `${key} GET /healthz 200\n`.repeat(10);
    const size = (key: string): number => cleanLogLines(text(key)).join('').length;
    const order: string[] = [];
    const request: LogRequest = (c) => {
      order.push(c.key);
      return Promise.resolve(text(c.key));
    };
    let now = 0;
    // Room for all but the first read; one read a run, so each has its own read time.
    const budget = keys.reduce((sum, k) => sum + size(k), 0) - 1;
    const reader = createRecentLogReader(request, {
      now: () => now,
      maxReadsPerRun: 1,
      maxCachedChars: budget,
    });
    let logs: Record<string, readonly string[]> = {};
    for (const _ of keys) {
      now += 1_000;
      logs = await reader.collect(pods);
    }
    expect([...order].sort()).toEqual([...keys].sort());
    expect(Object.keys(logs).sort()).toEqual(order.slice(1).sort());
  });
});

describe('cleanLogLines', () => {
  it.each([
    ['drops terminal controls', '\x1b[31mERROR\x1b[0m db down\x1b]0;title\x07\n', ['ERROR db down']],
    ['keeps the last lines, no blank ones', 'a\n\nb\nc\n', ['b', 'c'], 2],
    [
      'redacts secrets',
      'connect postgres://app:hunter2@db:5432/app password=hunter2\n',
      ['connect postgres://app:[REDACTED]@db:5432/app password=[REDACTED]'],
    ],
    [
      'a carriage return breaks the line instead of overprinting',
      'ok\rFATAL hidden\n',
      ['ok', 'FATAL hidden'],
    ],
    ['cuts a long line', `${'x'.repeat(1000)}\n`, [`${'x'.repeat(399)}…`]],
  ] as const)('%s', (_case, text, expected, max?: number) => {
    expect(cleanLogLines(text, max)).toEqual(expected);
  });
});
