// PodDisruptionBudgets as a real 1.34 cluster keeps them: the disruption controller's status
// numbers, and the eviction API refusing (429) what a budget cannot afford.
import { join } from 'node:path';
import {
  ApiException,
  AppsV1Api,
  CoreV1Api,
  KubeConfig,
  PatchStrategy,
  PolicyV1Api,
  Watch,
  setHeaderOptions,
  type V1PodDisruptionBudget,
} from '@kubernetes/client-node';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { budgetCounts } from '../../src/sim/controllers/disruption.js';
import { startSimulator, type RunningSim } from '../../src/sim/index.js';
import { until } from './until.js';

describe('budgetCounts (getExpectedPodCount and updatePdbStatus)', () => {
  it.each([
    // spec, matching pods, controllers' scale, healthy → expected, desired, allowed
    [{ minAvailable: 2 }, 2, 2, 2, [2, 2, 0]],
    [{ minAvailable: 1 }, 3, 3, 3, [3, 1, 2]],
    [{ minAvailable: 1 }, 3, 3, 0, [3, 1, 0]],
    [{ minAvailable: 1 }, 0, 0, 0, [0, 1, 0]],
    [{ minAvailable: 0 }, 2, 2, 2, [2, 0, 2]],
    // An int minAvailable counts the pods, not what the controllers want.
    [{ minAvailable: 1 }, 2, 5, 2, [2, 1, 1]],
    [{ minAvailable: '50%' }, 3, 3, 3, [3, 2, 1]],
    [{ minAvailable: '50%' }, 2, 2, 2, [2, 1, 1]],
    [{ minAvailable: '100%' }, 2, 2, 2, [2, 2, 0]],
    // Pods without a controller: nothing is expected, so nothing may be disrupted.
    [{ minAvailable: '50%' }, 1, 0, 1, [0, 0, 0]],
    [{ maxUnavailable: 1 }, 3, 3, 3, [3, 2, 1]],
    [{ maxUnavailable: 0 }, 3, 3, 3, [3, 3, 0]],
    [{ maxUnavailable: '34%' }, 3, 3, 3, [3, 1, 2]],
    [{ maxUnavailable: '25%' }, 4, 4, 4, [4, 3, 1]],
    [{ maxUnavailable: '100%' }, 2, 2, 2, [2, 0, 2]],
    [{ maxUnavailable: 5 }, 2, 2, 2, [2, 0, 2]],
    // The controllers want more than are there: the missing ones are unhealthy.
    [{ maxUnavailable: 1 }, 2, 3, 2, [3, 2, 0]],
  ])(
    '%j with %i pods, scale %i, %i healthy',
    (spec, matchingPods, controllerScale, currentHealthy, [expected, desired, allowed]) => {
      expect(budgetCounts(spec, { matchingPods, controllerScale, currentHealthy })).toEqual({
        expectedPods: expected,
        desiredHealthy: desired,
        currentHealthy,
        disruptionsAllowed: allowed,
      });
    },
  );
});

const NS = 'budgets';
let sim: RunningSim;
let kc: KubeConfig;
let core: CoreV1Api;
let apps: AppsV1Api;
let policy: PolicyV1Api;

beforeAll(async () => {
  // Slow enough that an evicted pod's replacement is not ready before the next request.
  sim = await startSimulator({ scenario: 'empty', speed: 2 });
  kc = new KubeConfig();
  kc.loadFromFile(sim.kubeconfigPath);
  core = kc.makeApiClient(CoreV1Api);
  apps = kc.makeApiClient(AppsV1Api);
  policy = kc.makeApiClient(PolicyV1Api);
  await core.createNamespace({ body: { metadata: { name: NS } } });
  await Promise.all([deployment('db', 2), deployment('api', 2), deployment('web', 3), deployment('solo', 1)]);
  await core.createNamespacedPod({
    namespace: NS,
    body: {
      metadata: { name: 'bare', labels: { app: 'bare' } },
      spec: { containers: [{ name: 'c', image: 'c:1' }] },
    },
  });
  await until(
    async () => (await core.listNamespacedPod({ namespace: NS })).items,
    (pods) =>
      pods.length === 9 &&
      pods.every((p) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')),
    30_000,
  );
});
afterAll(() => sim.close());

function deployment(name: string, replicas: number) {
  return apps.createNamespacedDeployment({
    namespace: NS,
    body: {
      metadata: { name },
      spec: {
        replicas,
        selector: { matchLabels: { app: name } },
        template: {
          metadata: { labels: { app: name } },
          spec: { containers: [{ name, image: `${name}:1` }] },
        },
      },
    },
  });
}

const budget = (name: string, app: string, spec: Record<string, unknown>) =>
  policy.createNamespacedPodDisruptionBudget({
    namespace: NS,
    body: { metadata: { name }, spec: { ...spec, selector: { matchLabels: { app } } } },
  });
const statusOf = (name: string) =>
  until(
    () => policy.readNamespacedPodDisruptionBudget({ namespace: NS, name }),
    (pdb) => pdb.status?.observedGeneration === pdb.metadata?.generation,
  );
const podNamesOf = async (app: string) =>
  (await core.listNamespacedPod({ namespace: NS, labelSelector: `app=${app}` })).items
    .filter((p) => !p.metadata!.deletionTimestamp)
    .map((p) => p.metadata!.name!);

/** POSTs an Eviction; the answer's code and Status body. */
async function evict(name: string): Promise<{ code: number; body: Record<string, unknown> }> {
  try {
    await core.createNamespacedPodEviction({
      namespace: NS,
      name,
      body: { metadata: { name, namespace: NS } },
    });
    return { code: 201, body: {} };
  } catch (error) {
    if (!(error instanceof ApiException)) throw error;
    return { code: error.code, body: JSON.parse(error.body as string) as Record<string, unknown> };
  }
}

describe('the disruption controller', () => {
  it('keeps status for an integer minAvailable, with the DisruptionAllowed condition', async () => {
    await budget('db-min', 'db', { minAvailable: 2 });
    const pdb = await until(
      () => statusOf('db-min'),
      (p) => p.status?.currentHealthy === 2,
    );
    expect(pdb.status).toMatchObject({
      currentHealthy: 2,
      desiredHealthy: 2,
      expectedPods: 2,
      disruptionsAllowed: 0,
      observedGeneration: 1,
      conditions: [
        {
          type: 'DisruptionAllowed',
          status: 'False',
          reason: 'InsufficientPods',
          message: '',
          observedGeneration: 1,
        },
      ],
    });
  });

  it('counts a maxUnavailable percentage against the deployment’s replicas, rounding up', async () => {
    await budget('web-max', 'web', { maxUnavailable: '34%' });
    const pdb = await until(
      () => statusOf('web-max'),
      (p) => p.status?.currentHealthy === 3,
    );
    expect(pdb.status).toMatchObject({
      currentHealthy: 3,
      desiredHealthy: 1,
      expectedPods: 3,
      disruptionsAllowed: 2,
    });
    expect(pdb.status!.conditions![0]).toMatchObject({ status: 'True', reason: 'SufficientPods' });
  });

  it('expects nothing of pods without a controller under a percentage, and says so in an event', async () => {
    await budget('bare-pct', 'bare', { minAvailable: '50%' });
    const pdb = await until(
      () => statusOf('bare-pct'),
      (p) => p.status?.currentHealthy === 1,
    );
    expect(pdb.status).toMatchObject({
      currentHealthy: 1,
      desiredHealthy: 0,
      expectedPods: 0,
      disruptionsAllowed: 0,
    });
    const events = await until(
      async () =>
        (await core.listNamespacedEvent({ namespace: NS, fieldSelector: 'involvedObject.name=bare-pct' }))
          .items,
      (e) => e.length > 0,
    );
    expect(events[0]).toMatchObject({
      type: 'Warning',
      reason: 'UnmanagedPods',
      source: { component: 'controllermanager' },
    });
    expect(events[0]!.message).toContain(
      'Pods selected by this PodDisruptionBudget (selector: &LabelSelector{MatchLabels:map[string]string{app: bare,},MatchExpressions:[]LabelSelectorRequirement{},}) were found to be unmanaged.',
    );
  });
});

describe('the eviction API', () => {
  it('refuses with 429 and the budget’s numbers when no disruption is allowed', async () => {
    await statusOf('db-min');
    const [pod] = await podNamesOf('db');
    const { code, body } = await evict(pod!);
    expect(code).toBe(429);
    expect(body).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: "Cannot evict pod as it would violate the pod's disruption budget.",
      reason: 'TooManyRequests',
      details: {
        causes: [
          {
            reason: 'DisruptionBudget',
            message: 'The disruption budget db-min needs 2 healthy pods and has 2 currently',
          },
        ],
      },
      code: 429,
    });
    expect(await podNamesOf('db')).toContain(pod);
  });

  it('allows one when the budget does, records it in disruptedPods, and terminates the pod gracefully', async () => {
    await policy.patchNamespacedPodDisruptionBudget(
      { namespace: NS, name: 'db-min', body: { spec: { minAvailable: 1 } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    await until(
      () => statusOf('db-min'),
      (p) => p.status?.disruptionsAllowed === 1,
    );
    const seen: V1PodDisruptionBudget[] = [];
    const watching = await new Watch(kc).watch(
      `/apis/policy/v1/namespaces/${NS}/poddisruptionbudgets`,
      { fieldSelector: 'metadata.name=db-min' },
      (_type, obj: V1PodDisruptionBudget) => seen.push(obj),
      () => {},
    );
    try {
      const [first, second] = await podNamesOf('db');
      expect((await evict(first!)).code).toBe(201);
      // The first took the one disruption the budget had.
      const refused = await evict(second!);
      expect(refused.code).toBe(429);
      expect(refused.body.details).toEqual({
        causes: [
          {
            reason: 'DisruptionBudget',
            message: 'The disruption budget db-min needs 1 healthy pods and has 1 currently',
          },
        ],
      });
      const evicted = await core.readNamespacedPod({ namespace: NS, name: first! });
      expect(evicted.metadata!.deletionTimestamp).toBeDefined();
      expect(evicted.metadata!.deletionGracePeriodSeconds).toBe(30);
      const granted = await until(
        async () => seen.find((p) => p.status?.disruptedPods?.[first!]),
        (p) => p !== undefined,
      );
      expect(granted!.status).toMatchObject({ disruptionsAllowed: 0 });
      expect(granted!.status!.conditions![0]).toMatchObject({ status: 'False', reason: 'InsufficientPods' });
    } finally {
      watching.abort();
    }
  });

  it('answers 500 for a pod that more than one budget selects', async () => {
    await budget('api-a', 'api', { minAvailable: '50%' });
    await budget('api-b', 'api', { maxUnavailable: 1 });
    const [pod] = await podNamesOf('api');
    expect(await evict(pod!)).toEqual({
      code: 500,
      body: {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message:
          'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.',
        code: 500,
      },
    });
  });

  it('is what kubectl drain uses: the pod is evicted and goes', async () => {
    const kubectl = join(import.meta.dirname, '..', '..', '.tools', 'bin', 'kubectl');
    const [pod] = await podNamesOf('solo');
    const run = (...args: string[]) =>
      execa(kubectl, ['--kubeconfig', sim.kubeconfigPath, ...args], { reject: false });
    const result = await run('drain', 'minikube', '--pod-selector', 'app=solo', '--timeout=60s');
    await run('uncordon', 'minikube');
    expect(result.stderr).not.toContain('error');
    expect(result.stdout).toContain(`pod/${pod} evicted`);
    expect(result.stdout).toContain('node/minikube drained');
    expect(result.exitCode).toBe(0);
  }, 90_000);
});
