// Claims, volumes and classes through the API: what kubectl shows for a claim that binds, one
// that cannot, and the pods that use them — with the events the PV controller and provisioner write.
import type { CoreV1Api, V1PersistentVolumeClaim, V1StorageClass } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { minikubeStorageClass } from '../../src/sim/storage.js';
import { eventsFor, podScheduledMessage, startWithClients, type SimClients } from './cluster-helpers.js';
import { until } from './until.js';

let c: SimClients;
let core: CoreV1Api;
const ns = 'vols';

beforeAll(async () => {
  c = await startWithClients();
  core = c.core;
  await core.createNamespace({ body: { metadata: { name: ns } } });
  // The tests below add minikube's default class themselves, after the claims made without one.
  await c.storage.deleteStorageClass({ name: minikubeStorageClass().metadata.name }).catch(() => undefined);
});
afterAll(() => c.sim.close());

const claim = (name: string, spec: Record<string, unknown>) =>
  core.createNamespacedPersistentVolumeClaim({
    namespace: ns,
    body: {
      metadata: { name },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, ...spec },
    },
  });
const readClaim = (name: string) => () => core.readNamespacedPersistentVolumeClaim({ namespace: ns, name });
const podUsing = (name: string, claimName: string) =>
  core.createNamespacedPod({
    namespace: ns,
    body: {
      metadata: { name },
      spec: {
        containers: [{ name: 'c', image: 'ghcr.io/example/app:1.0' }],
        volumes: [{ name: 'data', persistentVolumeClaim: { claimName } }],
      },
    },
  });
const readPod = (name: string) => () => core.readNamespacedPod({ namespace: ns, name });
const events = (name: string) => eventsFor(core, ns, name);
const bound = (p: V1PersistentVolumeClaim) => p.status?.phase === 'Bound';

describe('before any default class exists', () => {
  it('a claim without a class stays Pending with FailedBinding', async () => {
    await claim('classless', {});
    await until(
      () => events('classless'),
      (e) =>
        e.includes(
          'FailedBinding: no persistent volumes available for this claim and no storage class is set',
        ),
    );
    expect((await readClaim('classless')()).status?.phase).toBe('Pending');
  });
});

describe('a class that does not exist', () => {
  it('keeps the claim Pending with ProvisioningFailed, and its pod Pending on the unbound claim', async () => {
    await claim('lost', { storageClassName: 'missing' });
    await until(
      () => events('lost'),
      (e) => e.includes('ProvisioningFailed: storageclass.storage.k8s.io "missing" not found'),
    );
    expect((await readClaim('lost')()).status?.phase).toBe('Pending');
    await podUsing('lost-user', 'lost');
    const p = await until(readPod('lost-user'), (x) => podScheduledMessage(x) !== undefined);
    expect(p.status?.phase).toBe('Pending');
    expect(podScheduledMessage(p)).toBe(
      '0/1 nodes are available: pod has unbound immediate PersistentVolumeClaims. not found',
    );
  });

  it('a pod naming a claim that does not exist stays Pending saying so', async () => {
    await podUsing('no-claim', 'nothere');
    const p = await until(readPod('no-claim'), (x) => podScheduledMessage(x) !== undefined);
    expect(podScheduledMessage(p)).toBe(
      '0/1 nodes are available: persistentvolumeclaim "nothere" not found. not found',
    );
  });
});

describe("minikube's default class", () => {
  beforeAll(async () => {
    await c.storage.createStorageClass({ body: minikubeStorageClass() as unknown as V1StorageClass });
  });

  it('is filled into a new claim without a class, which is provisioned and bound; its pod schedules', async () => {
    const created = await claim('data', {});
    expect(created.spec?.storageClassName).toBe('standard');
    const pvc = await until(readClaim('data'), bound);
    const pvName = `pvc-${pvc.metadata!.uid}`;
    expect(pvc.spec?.volumeName).toBe(pvName);
    expect(pvc.status).toMatchObject({
      phase: 'Bound',
      accessModes: ['ReadWriteOnce'],
      capacity: { storage: '1Gi' },
    });
    expect(pvc.metadata?.annotations).toMatchObject({
      'pv.kubernetes.io/bind-completed': 'yes',
      'pv.kubernetes.io/bound-by-controller': 'yes',
      'volume.kubernetes.io/storage-provisioner': 'k8s.io/minikube-hostpath',
    });
    const pv = await c.core.readPersistentVolume({ name: pvName });
    expect(pv.spec?.claimRef).toMatchObject({
      kind: 'PersistentVolumeClaim',
      name: 'data',
      namespace: ns,
      uid: pvc.metadata!.uid,
    });
    expect(pv.spec).toMatchObject({ persistentVolumeReclaimPolicy: 'Delete', storageClassName: 'standard' });
    expect(pv.status?.phase).toBe('Bound');
    expect(await events('data')).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^ExternalProvisioning: Waiting for a volume to be created either by the external provisioner 'k8s.io\/minikube-hostpath'/,
        ),
        `Provisioning: External provisioner is provisioning volume for claim "${ns}/data"`,
        `ProvisioningSucceeded: Successfully provisioned volume ${pvName}`,
      ]),
    );
    await podUsing('data-user', 'data');
    expect((await until(readPod('data-user'), (x) => Boolean(x.spec?.nodeName))).spec?.nodeName).toBe(
      'minikube',
    );
  });

  it('is given retroactively to the claim created before it existed', async () => {
    const pvc = await until(readClaim('classless'), bound);
    expect(pvc.spec?.storageClassName).toBe('standard');
  });

  it('deleting a provisioned claim deletes its volume (reclaimPolicy Delete)', async () => {
    const pvc = await readClaim('data')();
    await core.deleteNamespacedPod({ namespace: ns, name: 'data-user', gracePeriodSeconds: 0 });
    await core.deleteNamespacedPersistentVolumeClaim({ namespace: ns, name: 'data' });
    await until(
      () => core.listPersistentVolume(),
      (l) => !l.items.some((pv) => pv.metadata?.name === pvc.spec?.volumeName),
    );
  });
});

describe('static and delayed binding', () => {
  it('a pre-created volume with a matching class, size and access mode binds', async () => {
    await core.createPersistentVolume({
      body: {
        metadata: { name: 'pv-manual' },
        spec: {
          capacity: { storage: '5Gi' },
          accessModes: ['ReadWriteOnce', 'ReadOnlyMany'],
          storageClassName: 'manual',
          hostPath: { path: '/tmp/x' },
        },
      },
    });
    // Too small and wrong mode: never chosen.
    await core.createPersistentVolume({
      body: {
        metadata: { name: 'pv-small' },
        spec: {
          capacity: { storage: '100Mi' },
          accessModes: ['ReadWriteOnce'],
          storageClassName: 'manual',
          hostPath: { path: '/tmp/y' },
        },
      },
    });
    await claim('static', { storageClassName: 'manual', resources: { requests: { storage: '500Mi' } } });
    const pvc = await until(readClaim('static'), bound);
    expect(pvc.spec?.volumeName).toBe('pv-manual');
    expect(pvc.status?.capacity).toEqual({ storage: '5Gi' });
    const pv = await core.readPersistentVolume({ name: 'pv-manual' });
    expect(pv.metadata?.annotations?.['pv.kubernetes.io/bound-by-controller']).toBe('yes');
    expect(pv.spec?.persistentVolumeReclaimPolicy).toBe('Retain');
    expect((await core.readPersistentVolume({ name: 'pv-small' })).status?.phase).toBe('Available');
  });

  it('WaitForFirstConsumer waits for a pod, then provisions on its node', async () => {
    await c.storage.createStorageClass({
      body: {
        metadata: { name: 'local-path' },
        provisioner: 'rancher.io/local-path',
        volumeBindingMode: 'WaitForFirstConsumer',
      },
    });
    await claim('local', { storageClassName: 'local-path' });
    await until(
      () => events('local'),
      (e) => e.includes('WaitForFirstConsumer: waiting for first consumer to be created before binding'),
    );
    expect((await readClaim('local')()).status?.phase).toBe('Pending');
    await podUsing('local-user', 'local');
    const pvc = await until(readClaim('local'), bound);
    expect(pvc.metadata?.annotations?.['volume.kubernetes.io/selected-node']).toBe('minikube');
    const pv = await core.readPersistentVolume({ name: pvc.spec!.volumeName! });
    expect(pv.spec?.nodeAffinity?.required?.nodeSelectorTerms?.[0]?.matchExpressions?.[0]).toEqual({
      key: 'kubernetes.io/hostname',
      operator: 'In',
      values: ['minikube'],
    });
    expect((await until(readPod('local-user'), (x) => Boolean(x.spec?.nodeName))).spec?.nodeName).toBe(
      'minikube',
    );
  });
});
