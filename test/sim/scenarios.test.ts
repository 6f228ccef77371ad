// The `todo` scenario as a user meets it: the app's Deployments, a Postgres StatefulSet with its
// claim on the default class, Services whose selectors reach their pods, an Ingress routing to
// them; and its demo fault (a backend pod crash-looping) is still the first finding.
import type { V1Pod, V1Service } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyze } from '../../src/analysis/analyze.js';
import { fetchSnapshot } from '../../src/analysis/fetch-snapshot.js';
import { startSimulator, type RunningSim } from '../../src/sim/index.js';
import { KubeConfig } from '@kubernetes/client-node';
import { longCrashLoopBackOff } from './fixtures/crash-loop.js';
import { clients, isReady, type Clients } from './fixtures/workloads.js';
import { until } from './until.js';

let sim: RunningSim;
let api: Clients;
beforeAll(async () => {
  sim = await startSimulator({ scenario: 'todo', speed: 50 });
  api = clients(sim);
});
afterAll(() => sim.close());

const todoPods = async (): Promise<V1Pod[]> =>
  (await api.core.listNamespacedPod({ namespace: 'todo' })).items;
const selects = (service: V1Service, pod: V1Pod): boolean =>
  Object.entries(service.spec!.selector ?? {}).every(([k, v]) => pod.metadata!.labels?.[k] === v);

describe('todo scenario', () => {
  it('runs postgres-0 from a StatefulSet with a 1Gi claim on the default class', async () => {
    const [pod] = await until(
      async () => (await todoPods()).filter((p) => p.metadata!.name === 'postgres-0'),
      (ps) => ps.length === 1 && ps[0]!.status?.phase === 'Running' && isReady(ps[0]!),
    );
    expect(pod!.spec!.containers[0]).toMatchObject({
      image: 'postgres:16',
      ports: [{ containerPort: 5432 }],
    });
    expect(pod!.spec!.volumes).toContainEqual({
      name: 'data',
      persistentVolumeClaim: { claimName: 'data-postgres-0' },
    });
    const claim = await api.core.readNamespacedPersistentVolumeClaim({
      namespace: 'todo',
      name: 'data-postgres-0',
    });
    expect(claim.spec).toMatchObject({
      storageClassName: 'standard',
      resources: { requests: { storage: '1Gi' } },
    });
    const classes = (await api.storage.listStorageClass()).items;
    expect(classes.map((c) => [c.metadata!.name, c.provisioner, c.metadata!.annotations])).toEqual([
      ['standard', 'k8s.io/minikube-hostpath', { 'storageclass.kubernetes.io/is-default-class': 'true' }],
    ]);
    const sts = await until(
      () => api.apps.readNamespacedStatefulSet({ namespace: 'todo', name: 'postgres' }),
      (s) => s.status?.readyReplicas === 1,
    );
    expect(sts.spec!.serviceName).toBe('postgres');
  });

  it('each Service selects its pods; postgres is headless', async () => {
    const services = (await api.core.listNamespacedService({ namespace: 'todo' })).items;
    expect(services.map((s) => s.metadata!.name).sort()).toEqual(['backend', 'frontend', 'postgres']);
    const pods = await until(todoPods, (ps) => ps.length === 4);
    const prefix = { backend: 'backend-', frontend: 'frontend-', postgres: 'postgres-' } as Record<
      string,
      string
    >;
    for (const service of services) {
      const selected = pods.filter((p) => selects(service, p)).map((p) => p.metadata!.name!);
      expect(selected.length, service.metadata!.name).toBeGreaterThan(0);
      expect(selected.every((n) => n.startsWith(prefix[service.metadata!.name!]!))).toBe(true);
    }
    expect(services.find((s) => s.metadata!.name === 'postgres')!.spec!.clusterIP).toBe('None');
  });

  it('the Ingress routes / to the frontend and /api to the backend through class nginx', async () => {
    const ing = await api.networking.readNamespacedIngress({ namespace: 'todo', name: 'todo' });
    expect(ing.spec!.ingressClassName).toBe('nginx');
    const routes = ing.spec!.rules![0]!.http!.paths.map((p) => [
      p.path,
      p.backend.service!.name,
      p.backend.service!.port!.number,
    ]);
    expect(routes).toEqual(
      expect.arrayContaining([
        ['/', 'frontend', 3000],
        ['/api', 'backend', 8000],
      ]),
    );
    // Each backend names a Service port that exists.
    const services = (await api.core.listNamespacedService({ namespace: 'todo' })).items;
    for (const [, name, port] of routes)
      expect(services.find((s) => s.metadata!.name === name)!.spec!.ports!.map((p) => p.port)).toContain(
        port,
      );
    const cls = await api.networking.readIngressClass({ name: 'nginx' });
    expect(cls.spec!.controller).toBe('k8s.io/ingress-nginx');
  });

  it('the demo fault is still the first finding', async () => {
    await longCrashLoopBackOff(api.core, 'todo');
    const kc = new KubeConfig();
    kc.loadFromFile(sim.kubeconfigPath);
    const { snapshot } = await fetchSnapshot(kc, 'todo');
    const [first] = analyze(snapshot);
    expect(first).toMatchObject({ severity: 'critical' });
    expect(first!.title).toMatch(/^backend is crash-looping/);
  });
});
