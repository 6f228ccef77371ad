// N Running pods on the real control plane, quickly, for bench:peers: namespaces of 100 pods as
// the simulator's large:N has them (load-000/pod-00000 …), each pod created naming its kwok node
// (the scheduler, at its default 50 requests a second, would take minutes for 10,000), many
// creates in flight at once, and kwok's pod-fast stage making them Running.
import type { ControlPlane } from '../test/cluster/control-plane.js';
import { sleep, until } from './harness.js';

const IN_FLIGHT = 32;
const PER_NAMESPACE = 100;

export interface PodCreator {
  /** Creates pods up to `n` (those made before stay) and waits until `n` are Running. */
  runningPods(n: number, signal: AbortSignal, log: (line: string) => void): Promise<void>;
}

const namespaceOf = (i: number) => `load-${String(Math.floor(i / PER_NAMESPACE)).padStart(3, '0')}`;

export function createPods(cp: ControlPlane): PodCreator {
  let created = 0;
  const namespaces = new Set<string>();

  async function post(path: string, body: object, signal: AbortSignal): Promise<void> {
    // A new namespace's `default` ServiceAccount comes a moment after it: admission refuses pods
    // until then, so a refusal is tried again (a few times, then it is the answer).
    for (let attempt = 1; ; attempt++) {
      const r = await cp.request(path, { method: 'POST', body, timeoutMs: 30_000 });
      if (r.status === 201 || r.status === 409) return;
      if (attempt >= 20 || signal.aborted)
        throw new Error(`POST ${path}: ${r.status} ${r.body.slice(0, 200)}`);
      await sleep(250 * attempt);
    }
  }

  async function runningCount(): Promise<number> {
    // Names only, from the watch cache: a 10,000-pod list of full objects would be ~30 MB a poll.
    const r = await cp.request('/api/v1/pods?fieldSelector=status.phase%3DRunning&resourceVersion=0', {
      timeoutMs: 30_000,
    });
    if (r.status !== 200) throw new Error(`list Running pods: ${r.status} ${r.body.slice(0, 200)}`);
    return ((r.json as { items?: unknown[] }).items ?? []).length;
  }

  return {
    async runningPods(n, signal, log) {
      const start = performance.now();
      for (let i = created; i < n; i += PER_NAMESPACE) {
        const ns = namespaceOf(i);
        if (namespaces.has(ns)) continue;
        await post(
          '/api/v1/namespaces',
          { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } },
          signal,
        );
        namespaces.add(ns);
      }
      let next = created;
      const worker = async () => {
        while (next < n && !signal.aborted) {
          const i = next++;
          const ns = namespaceOf(i);
          await post(`/api/v1/namespaces/${ns}/pods`, pod(i, ns, cp.nodes[i % cp.nodes.length]!), signal);
        }
      };
      await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
      created = n;
      log(`${n} pods created in ${((performance.now() - start) / 1000).toFixed(1)} s`);
      let running = 0;
      let said = 0;
      await until(
        async () => {
          running = await runningCount();
          if (performance.now() - said > 10_000) {
            said = performance.now();
            log(`${running} of ${n} Running`);
          }
          return running >= n;
        },
        signal,
        1_000,
      );
      log(`${n} pods Running ${((performance.now() - start) / 1000).toFixed(1)} s after the first create`);
    },
  };
}

function pod(i: number, namespace: string, nodeName: string): object {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: `pod-${String(i).padStart(5, '0')}`, namespace, labels: { app: `app-${i % 10}` } },
    spec: {
      nodeName,
      automountServiceAccountToken: false,
      // A fake node that misses a heartbeat must not have its pods evicted mid-bench.
      tolerations: [{ operator: 'Exists' }],
      containers: [{ name: 'app', image: 'registry.k8s.io/pause:3.10' }],
    },
  };
}
