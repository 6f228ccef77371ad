// The data layer against the simulator over HTTP: the store converges to exactly what the server
// has, survives the server going away and coming back, and shows a 403 on one kind only.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import { CliError } from '../../src/cli-errors.js';
import { startCockpitData, type CockpitData } from '../../src/cluster/cockpit-service.js';
import { loadConnection, preflight } from '../../src/cluster/connect.js';
import { startSimulator, type RunningSim } from '../../src/sim/index.js';
import type { CockpitState } from '../../src/state/types.js';

let sim: RunningSim | undefined;
let data: CockpitData | undefined;
afterEach(async () => {
  data?.stop();
  await sim?.close();
  data = undefined;
  sim = undefined;
});

/** Resolves when `predicate` holds for the store, checked on every store change. */
function until(d: CockpitData, predicate: (s: CockpitState) => boolean, timeoutMs = 10_000): Promise<void> {
  return new Promise((resolve, reject) => {
    if (predicate(d.store.getState())) return resolve();
    const timer = setTimeout(() => {
      unsubscribe();
      reject(new Error(`store did not converge within ${timeoutMs} ms`));
    }, timeoutMs);
    const unsubscribe = d.store.subscribe((s) => {
      if (predicate(s)) {
        clearTimeout(timer);
        unsubscribe();
        resolve();
      }
    });
  });
}

async function serverPodKeys(kubeconfigPath: string): Promise<string[]> {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfigPath);
  const list = await kc.makeApiClient(CoreV1Api).listPodForAllNamespaces();
  return list.items.map((p) => `${p.metadata!.namespace}/${p.metadata!.name}`).sort();
}

const storeKeys = (d: CockpitData): string[] => [...d.store.getState().pods.keys()].sort();

describe('the cockpit data layer against the simulator', () => {
  it('converges to exactly the server pods, and again after the server is killed and restarted', async () => {
    const kubeconfig = join(mkdtempSync(join(tmpdir(), 'cockpit-data-')), 'kubeconfig');
    sim = await startSimulator({ scenario: 'todo', speed: 20, kubeconfigOut: kubeconfig });
    const port = sim.port;
    const connection = loadConnection({ kubeconfig: sim.kubeconfigPath, allNamespaces: true });
    data = startCockpitData(connection, 1000);
    await until(data, (s) => s.synced.pods === true && s.pods.size === 3);
    // Let the pods settle, then compare with a fresh list through the API.
    let expected = await serverPodKeys(sim.kubeconfigPath);
    await until(data, () => JSON.stringify(storeKeys(data!)) === JSON.stringify(expected));

    await sim.close();
    await until(data, (s) => s.connection.status === 'reconnecting');
    expect(data.store.getState().pods.size).toBeGreaterThan(0); // the last known state stays

    sim = await startSimulator({ scenario: 'todo', speed: 20, port, kubeconfigOut: kubeconfig });
    await until(data, (s) => s.connection.status === 'connected', 20_000);
    expected = await serverPodKeys(kubeconfig);
    await until(data, () => JSON.stringify(storeKeys(data!)) === JSON.stringify(expected), 20_000);
  });

  it('shows forbidden for the kind RBAC refuses and keeps the others', async () => {
    sim = await startSimulator({ scenario: 'todo', speed: 20, deny: [{ resource: 'pods' }] });
    data = startCockpitData(loadConnection({ kubeconfig: sim.kubeconfigPath, namespace: 'todo' }), 1000);
    await until(
      data,
      (s) => s.forbidden.pods === 'forbidden: list pods in namespace todo' && s.deployments.size === 2,
    );
  });

  it('fills a bounded usage history from metrics.k8s.io', async () => {
    sim = await startSimulator({ scenario: 'todo', speed: 50 });
    data = startCockpitData(loadConnection({ kubeconfig: sim.kubeconfigPath, namespace: 'todo' }), 1000);
    await until(
      data,
      (s) => s.metrics.available === true && [...s.metrics.containers.values()].some((h) => h.length >= 2),
      15_000,
    );
    const history = [...data.store.getState().metrics.containers.values()][0]!;
    expect(history[0]!.cpuMillis).toBeGreaterThan(0);
    expect(history[0]!.memoryBytes).toBeGreaterThan(0);
  });
});

describe('connecting', () => {
  it('an unreachable server is one line naming the context and server', async () => {
    sim = await startSimulator({ scenario: 'empty' });
    const connection = loadConnection({ kubeconfig: sim.kubeconfigPath });
    await sim.close();
    const error = await preflight(connection, 2000).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).message).toMatch(
      /^cannot reach the API server http:\/\/127\.0\.0\.1:\d+ \(context aiops-sim\): /,
    );
    expect((error as CliError).message).not.toContain('\n');
  });

  it('a missing kubeconfig or unknown context is a CliError', () => {
    expect(() => loadConnection({ kubeconfig: '/nonexistent/kubeconfig' })).toThrow(/cannot load kubeconfig/);
  });
});
