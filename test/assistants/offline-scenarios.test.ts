// The offline assistant on situations built through the API: a blue/green switch, a node that
// is not ready, a workload's errors. Snapshots come from fetchSnapshot, as `aiops-tui ask` reads.
import { AppsV1Api, CoreV1Api, KubeConfig, type V1Deployment } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchSnapshot } from '../../src/analysis/fetch-snapshot.js';
import { askOffline } from '../../src/assistants/offline.js';
import { startSimulator, type RunningSim } from '../../src/sim/index.js';

let sim: RunningSim;
let kc: KubeConfig;
let apps: AppsV1Api;
let core: CoreV1Api;

const web = (version: string): V1Deployment => ({
  metadata: { name: `web-${version}`, namespace: 'default' },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: 'web', version } },
    template: {
      metadata: { labels: { app: 'web', version } },
      spec: {
        containers: [
          {
            name: 'web',
            image: 'nginx:1.27',
            ports: [{ containerPort: 80 }],
            readinessProbe: { httpGet: { path: '/', port: 80 } },
            resources: { requests: { cpu: '50m', memory: '64Mi' } },
          },
        ],
      },
    },
  },
});

async function until<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

beforeAll(async () => {
  sim = await startSimulator({ scenario: 'empty', speed: 50 });
  kc = new KubeConfig();
  kc.loadFromFile(sim.kubeconfigPath);
  apps = kc.makeApiClient(AppsV1Api);
  core = kc.makeApiClient(CoreV1Api);
  for (const version of ['blue', 'green'])
    await apps.createNamespacedDeployment({ namespace: 'default', body: web(version) });
  await core.createNamespacedService({
    namespace: 'default',
    body: {
      metadata: { name: 'web' },
      spec: { selector: { app: 'web', version: 'blue' }, ports: [{ port: 80, targetPort: 80 }] },
    },
  });
  await until('both colours ready', async () => {
    const list = await apps.listNamespacedDeployment({ namespace: 'default' });
    return list.items.every((d) => d.status?.readyReplicas === 2) && list.items.length === 2
      ? true
      : undefined;
  });
});
afterAll(() => sim.close());

describe('the offline assistant on the cluster as it is', () => {
  it('"switch the service to green" proposes the selector patch, and leaves the Service as it is', async () => {
    const { snapshot } = await fetchSnapshot(kc, 'default');
    const { answer, proposals } = askOffline('switch the service to green', snapshot);
    expect(proposals).toHaveLength(1);
    expect(proposals[0]).toMatchObject({
      kind: 'patch',
      target: { kind: 'Service', namespace: 'default', name: 'web' },
      patch: { spec: { selector: { version: 'green' } } },
    });
    expect(answer).toContain('now `version=blue`; 2/2 `green` pods ready');
    const service = await core.readNamespacedService({ name: 'web', namespace: 'default' });
    expect(service.spec?.selector).toEqual({ app: 'web', version: 'blue' });
    expect(askOffline('switch the service to purple', snapshot).proposals).toEqual([]);
  });

  it('a cluster whose only node is not ready is not "healthy"', async () => {
    const node = await core.readNodeStatus({ name: 'minikube' });
    node.status!.conditions = node.status!.conditions!.map((c) =>
      c.type === 'Ready'
        ? { ...c, status: 'False', reason: 'KubeletNotReady', message: 'container runtime is down' }
        : c,
    );
    await core.replaceNodeStatus({ name: 'minikube', body: node });
    const { snapshot } = await fetchSnapshot(kc, 'default');
    const { answer } = askOffline('analyze cluster health', snapshot);
    expect(answer).toMatch(/^\*\*Cluster health:\*\* 1 node not ready/);
    expect(answer).toContain('- nodes ready: 0/1');
  });
});
