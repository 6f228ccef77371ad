// End to end per class: the faulty objects created over the API of the simulator, a snapshot
// listed through client-node, and the analyzers of issue 13 naming each fault; the proposed
// selector fix, applied as the workflow applies patches, makes its finding go away.
import {
  AppsV1Api,
  CoreV1Api,
  DiscoveryV1Api,
  KubeConfig,
  NetworkingV1Api,
  PolicyV1Api,
  setHeaderOptions,
  StorageV1Api,
  type V1Secret,
} from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyze } from '../../src/analysis/analyze.js';
import { fetchSnapshot } from '../../src/analysis/fetch-snapshot.js';
import type { ClusterSnapshot, Finding } from '../../src/model/analysis.js';
import { startSimulator, type RunningSim } from '../../src/sim/index.js';
import { ObjectClient, objectRef } from '../../src/workflow/objects.js';
import { kubeconfigFor } from './kubeconfig.js';

const NS = 'netfaults';
const ANALYZERS = ['services', 'ingress', 'disruption-budgets', 'nodes', 'storage'];

/**
 * The snapshot `aiops-tui analyze` reads, plus the kinds these analyzers need.
 * TODO(integrator): once fetchSnapshot lists services, endpointSlices, ingresses, ingressClasses,
 * secrets, PVCs, PVs, storageClasses and PDBs itself, use `(await fetchSnapshot(kc, NS)).snapshot`
 * alone and drop the lists below.
 */
async function snapshotOf(kc: KubeConfig): Promise<ClusterSnapshot> {
  const core = kc.makeApiClient(CoreV1Api);
  const discovery = kc.makeApiClient(DiscoveryV1Api);
  const networking = kc.makeApiClient(NetworkingV1Api);
  const policy = kc.makeApiClient(PolicyV1Api);
  const storage = kc.makeApiClient(StorageV1Api);
  const namespace = NS;
  const [base, services, slices, ingresses, classes, secrets, claims, volumes, storageClasses, pdbs] =
    await Promise.all([
      fetchSnapshot(kc, NS),
      core.listNamespacedService({ namespace }),
      discovery.listNamespacedEndpointSlice({ namespace }),
      networking.listNamespacedIngress({ namespace }),
      networking.listIngressClass(),
      core.listNamespacedSecret({ namespace }),
      core.listNamespacedPersistentVolumeClaim({ namespace }),
      core.listPersistentVolume(),
      storage.listStorageClass(),
      policy.listNamespacedPodDisruptionBudget({ namespace }),
    ]);
  // Secrets carry their keys only, as the snapshot contract says.
  const keysOnly = (s: V1Secret): V1Secret => ({
    ...s,
    data: Object.fromEntries(Object.keys(s.data ?? {}).map((k) => [k, ''])),
  });
  return {
    ...base.snapshot,
    // The node is cluster-scoped: fetchSnapshot already lists all nodes.
    services: services.items,
    endpointSlices: slices.items,
    ingresses: ingresses.items,
    ingressClasses: classes.items,
    secrets: secrets.items.map(keysOnly),
    persistentVolumeClaims: claims.items,
    persistentVolumes: volumes.items,
    storageClasses: storageClasses.items,
    podDisruptionBudgets: pdbs.items,
  };
}

describe('analyzers of services, ingress, budgets, nodes and storage against the simulator', () => {
  let sim: RunningSim;
  let kc: KubeConfig;
  const findings = async () => analyze(await snapshotOf(kc), { only: ANALYZERS });

  /** Re-analyses until `done` holds (the controllers play out in simulated time), else fails with the last findings. */
  async function until(done: (found: Finding[]) => boolean, what: string): Promise<Finding[]> {
    const deadline = Date.now() + 20_000;
    let last: Finding[] = [];
    while (Date.now() < deadline) {
      last = await findings();
      if (done(last)) return last;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`${what} not reached; findings: ${last.map((f) => f.id).join(', ')}`);
  }

  beforeAll(async () => {
    sim = await startSimulator({ scenario: 'empty', speed: 20 });
    kc = new KubeConfig();
    kc.loadFromFile(kubeconfigFor(sim.url, 'sim'));
    const core = kc.makeApiClient(CoreV1Api);
    const apps = kc.makeApiClient(AppsV1Api);
    const networking = kc.makeApiClient(NetworkingV1Api);
    const policy = kc.makeApiClient(PolicyV1Api);
    await core.createNamespace({ body: { metadata: { name: NS } } });
    const labels = { app: 'backend' };
    await apps.createNamespacedDeployment({
      namespace: NS,
      body: {
        metadata: { name: 'backend', namespace: NS },
        spec: {
          replicas: 2,
          selector: { matchLabels: labels },
          template: {
            metadata: { labels },
            spec: {
              containers: [
                {
                  name: 'app',
                  image: 'registry.example/app:1.0',
                  ports: [{ containerPort: 8080, name: 'http' }],
                },
              ],
            },
          },
        },
      },
    });
    // A typo in the selector: no pod has app=backnd.
    await core.createNamespacedService({
      namespace: NS,
      body: {
        metadata: { name: 'backend', namespace: NS },
        spec: { selector: { app: 'backnd' }, ports: [{ port: 80, targetPort: 8080 }] },
      },
    });
    await networking.createNamespacedIngress({
      namespace: NS,
      body: {
        metadata: { name: 'todo', namespace: NS },
        spec: {
          rules: [
            {
              host: 'todo.example',
              http: {
                paths: [
                  {
                    path: '/',
                    pathType: 'Prefix',
                    backend: { service: { name: 'frontend', port: { number: 80 } } },
                  },
                ],
              },
            },
          ],
        },
      },
    });
    // A port the backend Service does not have (it serves 80).
    await networking.createNamespacedIngress({
      namespace: NS,
      body: {
        metadata: { name: 'api', namespace: NS },
        spec: {
          ingressClassName: 'nginx',
          rules: [
            {
              http: {
                paths: [
                  {
                    path: '/api',
                    pathType: 'Prefix',
                    backend: { service: { name: 'backend', port: { number: 8080 } } },
                  },
                ],
              },
            },
          ],
        },
      },
    });
    await networking.createIngressClass({
      body: { metadata: { name: 'nginx' }, spec: { controller: 'k8s.io/ingress-nginx' } },
    });
    await policy.createNamespacedPodDisruptionBudget({
      namespace: NS,
      body: {
        metadata: { name: 'backend', namespace: NS },
        spec: { selector: { matchLabels: labels }, minAvailable: 2 },
      },
    });
    await core.createNamespacedPersistentVolumeClaim({
      namespace: NS,
      body: {
        metadata: { name: 'data', namespace: NS },
        spec: {
          storageClassName: 'no-such-class',
          accessModes: ['ReadWriteOnce'],
          resources: { requests: { storage: '1Gi' } },
        },
      },
    });
    // Until the volume controller sets it, the claim's phase is set as a real one reports it.
    await core.patchNamespacedPersistentVolumeClaimStatus(
      { name: 'data', namespace: NS, body: { status: { phase: 'Pending' } } },
      setHeaderOptions('Content-Type', 'application/merge-patch+json'),
    );
    // A second node, cordoned so nothing lands on it, whose kubelet stopped being ready.
    await core.createNode({ body: { metadata: { name: 'worker-2' }, spec: { unschedulable: true } } });
    await core.patchNodeStatus(
      {
        name: 'worker-2',
        body: {
          status: {
            conditions: [
              {
                type: 'Ready',
                status: 'False',
                reason: 'KubeletNotReady',
                message: 'container runtime network not ready: NetworkReady=false',
                lastHeartbeatTime: new Date(),
                lastTransitionTime: new Date(),
              },
            ],
          },
        },
      },
      setHeaderOptions('Content-Type', 'application/merge-patch+json'),
    );
  });
  afterAll(() => sim?.close());

  it('names each fault on the objects read back from the API', async () => {
    const expected = [
      `services:Service/${NS}/backend:no-matching-pods`,
      `ingress:Ingress/${NS}/todo:backend-service:frontend`,
      `ingress:Ingress/${NS}/api:backend-port:backend:8080`,
      `disruption-budgets:PodDisruptionBudget/${NS}/backend:blocks-eviction`,
      `storage:PersistentVolumeClaim/${NS}/data:pending`,
      'nodes:Node/worker-2:not-ready',
      'nodes:Node/worker-2:cordoned',
    ];
    const found = await until((f) => expected.every((id) => f.some((x) => x.id === id)), 'every fault found');
    const byId = new Map(found.map((f) => [f.id, f]));
    expect(byId.get(`storage:PersistentVolumeClaim/${NS}/data:pending`)!.detail[0]).toBe(
      'storageClassName: no-such-class, which does not exist',
    );
    expect(byId.get('nodes:Node/worker-2:not-ready')!.detail[0]).toMatch(
      /^Ready=False \(KubeletNotReady: container runtime network not ready: NetworkReady=false\) since /,
    );
    expect(byId.get(`services:Service/${NS}/backend:no-matching-pods`)!.detail).toContain(
      `nearest: Deployment ${NS}/backend: 2 pods labelled app=backend (selector wants app=backnd)`,
    );
  });

  it('the proposed selector patch, applied, gives the Service its pods', async () => {
    const found = await until(
      (f) => f.some((x) => x.id === `services:Service/${NS}/backend:no-matching-pods`),
      'the selector finding',
    );
    const op = found.find((x) => x.id === `services:Service/${NS}/backend:no-matching-pods`)!.recommendation;
    expect(op).toMatchObject({ kind: 'patch', patch: { spec: { selector: { app: 'backend' } } } });
    if (op?.kind !== 'patch') throw new Error('no patch proposed');
    await new ObjectClient(kc).patch(objectRef(op.target)!, op.patch, op.patchType);
    const service = await kc
      .makeApiClient(CoreV1Api)
      .readNamespacedService({ name: 'backend', namespace: NS });
    expect(service.spec?.selector).toEqual({ app: 'backend' });
    const after = await until(
      (f) => !f.some((x) => x.resource.kind === 'Service'),
      'no Service finding after the fix',
    );
    expect(after.filter((x) => x.analyzer === 'services')).toEqual([]);
  });

  it("the proposed backend port patch, applied, points the Ingress at the Service's port", async () => {
    const id = `ingress:Ingress/${NS}/api:backend-port:backend:8080`;
    const found = await until((f) => f.some((x) => x.id === id), 'the backend port finding');
    const op = found.find((x) => x.id === id)!.recommendation;
    if (op?.kind !== 'patch') throw new Error('no patch proposed');
    await new ObjectClient(kc).patch(objectRef(op.target)!, op.patch, op.patchType);
    const ing = await kc.makeApiClient(NetworkingV1Api).readNamespacedIngress({ name: 'api', namespace: NS });
    expect(ing.spec?.rules?.[0]?.http?.paths[0]?.backend.service?.port).toEqual({ number: 80 });
    const after = await findings();
    expect(after.filter((x) => x.resource.name === 'api' && x.resource.kind === 'Ingress')).toEqual([]);
  });
});
