// Our watch stream (node:http, no undici) keeps client-node Watch's contract against the
// simulator: events as the server writes them, once `done` per stream, the status of a refusal,
// a TimeoutError for a stream that went silent, null for one the server ended, nothing after an abort.
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import { openWatch } from '../../src/cluster/watch-stream.js';
import { startSimulator, type RunningSim } from '../../src/sim/index.js';
import { startWatchProxy, type WatchProxy } from './watch-proxy.js';

let sim: RunningSim | undefined;
let proxy: WatchProxy | undefined;
afterEach(async () => {
  await proxy?.close();
  await sim?.close();
  proxy = sim = undefined;
});

const configOf = (path: string): KubeConfig => {
  const kc = new KubeConfig();
  kc.loadFromFile(path);
  return kc;
};

/** Collects a stream's events and its one `done`. */
function recorder() {
  const events: { type: string; name?: string }[] = [];
  const doneCalls: (Error | null)[] = [];
  let onDone: (() => void) | undefined;
  let onEvent: (() => void) | undefined;
  return {
    events,
    doneCalls,
    event: (type: string, object: unknown) => {
      events.push({ type, name: (object as { metadata?: { name?: string } }).metadata?.name });
      onEvent?.();
    },
    done: (error: Error | null) => {
      doneCalls.push(error);
      onDone?.();
    },
    ended: () => new Promise<void>((resolve) => (doneCalls.length ? resolve() : (onDone = resolve))),
    sawPod: (name: string) =>
      new Promise<void>((resolve) => {
        const check = () => events.some((e) => e.type === 'ADDED' && e.name === name) && resolve();
        onEvent = check;
        check();
      }),
  };
}

describe('openWatch', () => {
  it('delivers the events of a pod created after it opened, and nothing after an abort', async () => {
    sim = await startSimulator({ scenario: 'todo' });
    const kc = configOf(sim.kubeconfigPath);
    const seen = recorder();
    const controller = await openWatch(kc, '/api/v1/namespaces/todo/pods', {}, seen.event, seen.done, {
      inactivityMs: 30_000,
    });
    await kc.makeApiClient(CoreV1Api).createNamespacedPod({
      namespace: 'todo',
      body: {
        metadata: { name: 'watched-pod' },
        spec: { containers: [{ name: 'c', image: 'nginx:1.27' }] },
      },
    });
    await seen.sawPod('watched-pod');
    controller.abort();
    await seen.ended();
    const count = seen.events.length;
    await kc.makeApiClient(CoreV1Api).deleteNamespacedPod({ namespace: 'todo', name: 'watched-pod' });
    // The server's answer to the delete is in; an open stream would have had its event by now.
    await kc.makeApiClient(CoreV1Api).readNamespace({ name: 'todo' });
    expect(seen.events.length).toBe(count);
    expect(seen.doneCalls).toHaveLength(1);
  });

  it('delivers an object of a megabyte that arrives in many chunks whole', async () => {
    sim = await startSimulator({ scenario: 'todo' });
    const kc = configOf(sim.kubeconfigPath);
    const received: unknown[] = [];
    let got!: () => void;
    const arrived = new Promise<void>((resolve) => (got = resolve));
    const controller = await openWatch(
      kc,
      '/api/v1/namespaces/todo/configmaps',
      {},
      (type, object) => {
        const o = object as { metadata?: { name?: string } };
        if (type !== 'ADDED' || o.metadata?.name !== 'big') return;
        received.push(object);
        got();
      },
      () => {},
      { inactivityMs: 30_000 },
    );
    const value = 'x'.repeat(1024 * 1024) + 'é';
    await kc.makeApiClient(CoreV1Api).createNamespacedConfigMap({
      namespace: 'todo',
      body: { metadata: { name: 'big' }, data: { value } },
    });
    await arrived;
    controller.abort();
    expect((received[0] as { data: { value: string } }).data.value).toBe(value);
  });

  it('ends with the status of a refusal, as client-node does (statusCode 404)', async () => {
    sim = await startSimulator({ scenario: 'todo' });
    const seen = recorder();
    await openWatch(
      configOf(sim.kubeconfigPath),
      '/apis/no.such.group/v1/things',
      {},
      seen.event,
      seen.done,
      { inactivityMs: 30_000 },
    );
    await seen.ended();
    expect((seen.doneCalls[0] as Error & { statusCode?: number }).statusCode).toBe(404);
    expect(seen.doneCalls).toHaveLength(1);
  });

  it('gives up a stream silent for longer than inactivityMs with a TimeoutError', async () => {
    sim = await startSimulator({ scenario: 'todo' });
    proxy = await startWatchProxy(sim.url);
    const seen = recorder();
    await openWatch(configOf(proxy.kubeconfigPath), '/api/v1/pods', {}, seen.event, seen.done, {
      inactivityMs: 400,
    });
    await proxy.watching(1);
    proxy.stallWatches();
    await seen.ended();
    expect(seen.doneCalls[0]?.name).toBe('TimeoutError');
    expect(seen.doneCalls).toHaveLength(1);
  });

  it('ends with null when the server ends the stream', async () => {
    sim = await startSimulator({ scenario: 'todo' });
    proxy = await startWatchProxy(sim.url);
    const seen = recorder();
    await openWatch(configOf(proxy.kubeconfigPath), '/api/v1/pods', {}, seen.event, seen.done, {
      inactivityMs: 30_000,
    });
    await proxy.watching(1);
    proxy.endWatches();
    await seen.ended();
    expect(seen.doneCalls).toEqual([null]);
  });
});
