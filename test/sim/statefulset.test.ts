// The StatefulSet controller through the API: ordinal pods created in order with their claims,
// the labels and status fields a real controller writes, scale-down from the highest ordinal,
// rolling updates, Parallel management, and claims kept when the set is deleted.
import type { V1Pod, V1StatefulSet } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nextStep, type StepInput } from '../../src/sim/controllers/statefulset.js';
import { startSimulator, type RunningSim } from '../../src/sim/index.js';
import { clients, eventsFor, isReady, kubectl, type Clients } from './fixtures/workloads.js';
import { until } from './until.js';

const NS = 'sts';
let sim: RunningSim;
let api: Clients;

beforeAll(async () => {
  sim = await startSimulator({ scenario: 'empty', speed: 100 });
  api = clients(sim);
  await api.core.createNamespace({ body: { metadata: { name: NS } } });
  await api.storage.createStorageClass({
    body: {
      metadata: { name: 'standard', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
      provisioner: 'k8s.io/minikube-hostpath',
    },
  });
});
afterAll(() => sim.close());

function createSet(name: string, spec: Partial<V1StatefulSet['spec']> = {}): Promise<V1StatefulSet> {
  return api.apps.createNamespacedStatefulSet({
    namespace: NS,
    body: {
      metadata: { name },
      spec: {
        replicas: 3,
        serviceName: name,
        selector: { matchLabels: { app: name } },
        template: {
          metadata: { labels: { app: name } },
          spec: { containers: [{ name: 'db', image: 'postgres:16', ports: [{ containerPort: 5432 }] }] },
        },
        volumeClaimTemplates: [
          {
            metadata: { name: 'data' },
            spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
          },
        ],
        ...spec,
      },
    },
  });
}

const podsOf = (name: string) => async (): Promise<V1Pod[]> =>
  (await api.core.listNamespacedPod({ namespace: NS, labelSelector: `app=${name}` })).items;
const readSet = (name: string) => () => api.apps.readNamespacedStatefulSet({ namespace: NS, name });
const live = (ps: V1Pod[]): V1Pod[] => ps.filter((p) => !p.metadata!.deletionTimestamp);
const readyAt = (pod: V1Pod): number =>
  Date.parse(String(pod.status!.conditions!.find((c) => c.type === 'Ready')!.lastTransitionTime));
/** Event texts in the order they were recorded (resourceVersions grow; names are random). */
const messages = async (name: string): Promise<string[]> =>
  (await eventsFor(api.core, NS, name))
    .sort((a, b) => Number(a.metadata!.resourceVersion) - Number(b.metadata!.resourceVersion))
    .map((e) => `${e.reason}: ${e.message}`);

describe('statefulset controller', () => {
  it('creates ordinal pods one by one, each after the previous is Running and Ready, with claims', async () => {
    await createSet('web');
    const set = await until(readSet('web'), (s) => s.status?.readyReplicas === 3, 20_000);
    const pods = (await podsOf('web')()).sort((a, b) => a.metadata!.name!.localeCompare(b.metadata!.name!));
    expect(pods.map((p) => p.metadata!.name)).toEqual(['web-0', 'web-1', 'web-2']);
    for (let i = 1; i < 3; i++)
      expect(Date.parse(String(pods[i]!.metadata!.creationTimestamp))).toBeGreaterThanOrEqual(
        Math.floor(readyAt(pods[i - 1]!) / 1000) * 1000,
      );
    pods.forEach((pod, i) => {
      expect(pod.metadata!.labels).toMatchObject({
        app: 'web',
        'statefulset.kubernetes.io/pod-name': `web-${i}`,
        'apps.kubernetes.io/pod-index': String(i),
        'controller-revision-hash': set.status!.updateRevision,
      });
      expect(pod.spec!.hostname).toBe(`web-${i}`);
      expect(pod.spec!.subdomain).toBe('web');
      expect(pod.spec!.volumes).toContainEqual({
        name: 'data',
        persistentVolumeClaim: { claimName: `data-web-${i}` },
      });
    });
    expect(set.status).toMatchObject({
      observedGeneration: 1,
      replicas: 3,
      readyReplicas: 3,
      currentReplicas: 3,
      updatedReplicas: 3,
      availableReplicas: 3,
      currentRevision: set.status!.updateRevision,
    });
    expect(set.status!.updateRevision).toMatch(/^web-[a-z0-9]+$/);
    // kubectl reads the defaulted strategy (partition 0) and these counts, as on a real cluster.
    const rollout = await kubectl(sim, 'rollout', 'status', 'statefulset/web', '-n', NS, '--timeout=10s');
    expect(rollout.stdout).toBe('partitioned roll out complete: 3 new pods have been updated...');

    const claims = (await api.core.listNamespacedPersistentVolumeClaim({ namespace: NS })).items;
    const claim = claims.find((c) => c.metadata!.name === 'data-web-0')!;
    expect(claim.spec).toMatchObject({
      accessModes: ['ReadWriteOnce'],
      resources: { requests: { storage: '1Gi' } },
      storageClassName: 'standard',
      volumeMode: 'Filesystem',
    });
    expect(claim.metadata!.labels).toMatchObject({ app: 'web' });
    expect(claim.metadata!.ownerReferences).toBeUndefined();
    expect(await messages('web')).toEqual(
      expect.arrayContaining([
        'SuccessfulCreate: create Claim data-web-0 Pod web-0 in StatefulSet web success',
        'SuccessfulCreate: create Pod web-0 in StatefulSet web successful',
        'SuccessfulCreate: create Pod web-2 in StatefulSet web successful',
      ]),
    );
  });

  it('scales down from the highest ordinal and keeps the claims', async () => {
    // Through the scale subresource, as kubectl scale and the HPA reach it (client-node sends JSON patch).
    await api.apps.patchNamespacedStatefulSetScale({
      namespace: NS,
      name: 'web',
      body: [{ op: 'replace', path: '/spec/replicas', value: 1 }],
    });
    await until(podsOf('web'), (ps) => ps.length === 1, 20_000);
    expect((await podsOf('web')())[0]!.metadata!.name).toBe('web-0');
    expect((await messages('web')).filter((m) => m.startsWith('SuccessfulDelete'))).toEqual([
      'SuccessfulDelete: delete Pod web-2 in StatefulSet web successful',
      'SuccessfulDelete: delete Pod web-1 in StatefulSet web successful',
    ]);
    await until(readSet('web'), (s) => s.status?.replicas === 1 && s.status.readyReplicas === 1);
    const claims = (await api.core.listNamespacedPersistentVolumeClaim({ namespace: NS })).items;
    expect(claims.map((c) => c.metadata!.name)).toEqual(expect.arrayContaining(['data-web-1', 'data-web-2']));
  });

  it('rolls a template change out from the highest ordinal down', async () => {
    await createSet('roll', { replicas: 2, volumeClaimTemplates: undefined });
    const before = await until(readSet('roll'), (s) => s.status?.readyReplicas === 2, 20_000);
    const set = await readSet('roll')();
    set.spec!.template.spec!.containers[0]!.image = 'postgres:17';
    await api.apps.replaceNamespacedStatefulSet({ namespace: NS, name: 'roll', body: set });
    const after = await until(
      readSet('roll'),
      (s) =>
        s.status?.updatedReplicas === 2 &&
        s.status.readyReplicas === 2 &&
        s.status.currentRevision === s.status.updateRevision,
      20_000,
    );
    expect(after.status!.updateRevision).not.toBe(before.status!.updateRevision);
    expect(after.status!.observedGeneration).toBe(2);
    const pods = await podsOf('roll')();
    expect(pods.map((p) => p.spec!.containers[0]!.image)).toEqual(['postgres:17', 'postgres:17']);
    const deletes = (await messages('roll')).filter((m) => m.startsWith('SuccessfulDelete'));
    expect(deletes).toEqual([
      'SuccessfulDelete: delete Pod roll-1 in StatefulSet roll successful',
      'SuccessfulDelete: delete Pod roll-0 in StatefulSet roll successful',
    ]);
  });

  it('Parallel creates every ordinal without waiting', async () => {
    await createSet('par', { podManagementPolicy: 'Parallel', volumeClaimTemplates: undefined });
    const pods = await until(podsOf('par'), (ps) => ps.length === 3);
    // All three exist before the first one could be Ready.
    expect(pods.filter(isReady).length).toBeLessThan(3);
  });

  it('deleting the set deletes its pods and keeps its claims (whenDeleted: Retain)', async () => {
    await api.apps.deleteNamespacedStatefulSet({ namespace: NS, name: 'web' });
    await until(podsOf('web'), (ps) => live(ps).length === 0);
    const claims = (await api.core.listNamespacedPersistentVolumeClaim({ namespace: NS })).items;
    expect(claims.map((c) => c.metadata!.name)).toEqual(['data-web-0', 'data-web-1', 'data-web-2']);
  });
});

describe('nextStep', () => {
  const base: StepInput = {
    replicas: 3,
    parallel: false,
    states: [],
    updated: [],
    rollingUpdate: true,
    partition: 0,
  };
  it.each<[string, Partial<StepInput>, { create: number[]; delete: number[] }]>([
    ['creates ordinal 0 first', { states: [] }, { create: [0], delete: [] }],
    ['waits for a starting pod', { states: ['healthy', 'starting'] }, { create: [], delete: [] }],
    [
      'creates the next once the previous is healthy',
      { states: ['healthy', 'healthy'] },
      { create: [2], delete: [] },
    ],
    [
      'Parallel creates every missing ordinal',
      { parallel: true, states: ['starting'] },
      { create: [1, 2], delete: [] },
    ],
    ['recreates a finished pod', { states: ['healthy', 'finished', 'healthy'] }, { create: [], delete: [1] }],
    [
      'scales down the highest ordinal first',
      { replicas: 1, states: ['healthy', 'healthy', 'healthy'], updated: [true, true, true] },
      { create: [], delete: [2] },
    ],
    [
      'waits for a terminating pod before the next scale-down',
      { replicas: 1, states: ['healthy', 'healthy', 'terminating'] },
      { create: [], delete: [] },
    ],
    [
      'Parallel scales down every extra ordinal',
      { replicas: 1, parallel: true, states: ['healthy', 'healthy', 'starting'] },
      { create: [], delete: [1, 2] },
    ],
    [
      'rolls the highest outdated ordinal',
      { states: ['healthy', 'healthy', 'healthy'], updated: [false, false, true] },
      { create: [], delete: [1] },
    ],
    [
      'leaves ordinals below the partition',
      { partition: 2, states: ['healthy', 'healthy', 'healthy'], updated: [false, false, true] },
      { create: [], delete: [] },
    ],
    [
      'OnDelete never replaces by itself',
      { rollingUpdate: false, states: ['healthy', 'healthy', 'healthy'], updated: [false, false, false] },
      { create: [], delete: [] },
    ],
  ])('%s', (_, input, expected) => expect(nextStep({ ...base, ...input })).toEqual(expected));
});
