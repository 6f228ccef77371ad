// The fault model through the API: a pod given each fault shows exactly what kubectl would show.
import { CoreV1Api, KubeConfig, type V1Pod } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { summarizePod } from '../../src/cluster/kube-format.js';
import { startSimulator, type RunningSim } from '../../src/sim/index.js';

let sim: RunningSim;
let core: CoreV1Api;

beforeAll(async () => {
  sim = await startSimulator({ scenario: 'empty', speed: 50 });
  const kc = new KubeConfig();
  kc.loadFromFile(sim.kubeconfigPath);
  core = kc.makeApiClient(CoreV1Api);
  await core.createNamespace({ body: { metadata: { name: 'faults' } } });
});
afterAll(() => sim.close());

async function until<T>(
  read: () => Promise<T>,
  predicate: (value: T) => boolean,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!predicate(value)) {
    if (Date.now() > deadline)
      throw new Error(`condition not reached; last value: ${JSON.stringify(value).slice(0, 600)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
    value = await read();
  }
  return value;
}

function create(
  name: string,
  container: Record<string, unknown>,
  annotations?: Record<string, string>,
): Promise<V1Pod> {
  return core.createNamespacedPod({
    namespace: 'faults',
    body: {
      metadata: { name, annotations },
      spec: { containers: [{ name: 'app', image: 'ghcr.io/example/app:1.0', ...container }] },
    },
  });
}

const read = (name: string) => () => core.readNamespacedPod({ namespace: 'faults', name });
const status = (p: V1Pod) => summarizePod(p).status;
const events = async (name: string) =>
  (
    await core.listNamespacedEvent({ namespace: 'faults', fieldSelector: `involvedObject.name=${name}` })
  ).items.map((e) => `${e.reason}: ${e.message}`);

describe('the fault model', () => {
  it('a healthy pod runs and becomes Ready', async () => {
    await create('healthy', {});
    await until(read('healthy'), (p) => status(p) === 'Running' && summarizePod(p).readyContainers === 1);
  });

  it('a missing image gives ErrImagePull, then ImagePullBackOff', async () => {
    await create('no-image', { image: 'ghcr.io/example/app:missing' });
    await until(read('no-image'), (p) => status(p) === 'ErrImagePull');
    await until(read('no-image'), (p) => status(p) === 'ImagePullBackOff');
    expect(
      (await events('no-image')).some((e) =>
        e.startsWith('Failed: Failed to pull image "ghcr.io/example/app:missing"'),
      ),
    ).toBe(true);
  });

  it('a command that exits 3 crash-loops with exit code 3 and growing restarts', async () => {
    await create('crash', { command: ['sh', '-c', 'exit 3'] });
    const p = await until(read('crash'), (x) => status(x) === 'CrashLoopBackOff');
    expect(p.status!.containerStatuses![0]!.lastState!.terminated).toMatchObject({
      reason: 'Error',
      exitCode: 3,
    });
    await until(read('crash'), (x) => summarizePod(x).restarts >= 2, 20_000);
  });

  it('memory above the limit is OOMKilled with exit code 137', async () => {
    await create('oom', { resources: { limits: { memory: '64Mi' } } }, { 'sim.aiops.dev/memory': '80Mi' });
    const p = await until(
      read('oom'),
      (x) =>
        x.status?.containerStatuses?.[0]?.lastState?.terminated?.reason === 'OOMKilled' ||
        status(x) === 'OOMKilled',
    );
    const terminated =
      p.status!.containerStatuses![0]!.state!.terminated ??
      p.status!.containerStatuses![0]!.lastState!.terminated;
    expect(terminated).toMatchObject({ reason: 'OOMKilled', exitCode: 137 });
  });

  it('requests that fit no node stay Pending with the scheduler message', async () => {
    await create('too-big', { resources: { requests: { cpu: '64' } } });
    const p = await until(
      read('too-big'),
      (x) => x.status?.conditions?.some((c) => c.reason === 'Unschedulable') ?? false,
    );
    expect(status(p)).toBe('Pending');
    expect(
      (await events('too-big')).some((e) =>
        /^FailedScheduling: 0\/1 nodes are available: 1 Insufficient cpu\./.test(e),
      ),
    ).toBe(true);
  });

  it('a readiness probe on an unserved port runs but is never Ready, with Unhealthy events', async () => {
    await create('unready', {
      ports: [{ containerPort: 8080 }],
      readinessProbe: { httpGet: { path: '/ready', port: 9999 }, periodSeconds: 1 },
    });
    await until(
      () => events('unready'),
      (e) => e.some((x) => x.startsWith('Unhealthy: Readiness probe failed')),
    );
    const p = await read('unready')();
    expect(status(p)).toBe('Running');
    expect(summarizePod(p).readyContainers).toBe(0);
  });

  it('a deleted pod is Terminating, then gone', async () => {
    await core.deleteNamespacedPod({ namespace: 'faults', name: 'healthy' });
    await until(
      () => core.listNamespacedPod({ namespace: 'faults', fieldSelector: 'metadata.name=healthy' }),
      (l) => l.items.length === 0,
    );
  });
});
