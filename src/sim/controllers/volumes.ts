// Volume controller: the persistentvolume-controller's binder (static binding to a matching PV,
// retroactive default class, WaitForFirstConsumer, Released/Lost) plus the provisioners the
// simulator runs (src/sim/storage.ts). Event texts as kube-controller-manager 1.34 prints them.
import { randomUUID } from 'node:crypto';
import type { SimContext } from '../context.js';
import { recordEvent } from '../events.js';
import type { KubeObject } from '../objects.js';
import { K } from '../resources.js';
import { claimClassName, findMatchingVolume, isClaimBound } from '../scheduling.js';
import { defaultStorageClass, isSimulatedProvisioner, SIMULATED_PROVISIONERS } from '../storage.js';
import { objectKey, splitKey, workQueue } from './queue.js';
import { SELECTED_NODE } from './scheduler.js';

const PV_CONTROLLER = 'persistentvolume-controller';
export const ANNOTATIONS = {
  bindCompleted: 'pv.kubernetes.io/bind-completed',
  boundByController: 'pv.kubernetes.io/bound-by-controller',
  provisionedBy: 'pv.kubernetes.io/provisioned-by',
  storageProvisioner: 'volume.kubernetes.io/storage-provisioner',
  betaStorageProvisioner: 'volume.beta.kubernetes.io/storage-provisioner',
} as const;

export function startVolumeController(ctx: SimContext): () => void {
  const { store, clock } = ctx;
  const identity = randomUUID();
  const onError = (key: string, error: unknown) => console.error(`sim: volumes ${key}: ${String(error)}`);
  const claims = workQueue(syncClaim, onError);
  const volumes = workQueue(syncVolume, onError);

  const event = (
    obj: KubeObject,
    type: 'Normal' | 'Warning',
    reason: string,
    message: string,
    by = PV_CONTROLLER,
  ) => recordEvent(ctx, obj, type, reason, message, by);

  function syncClaim(key: string): void {
    const [namespace, name] = splitKey(key);
    const pvc = store.get(K.pvcs, namespace, name);
    if (!pvc || pvc.metadata.deletionTimestamp || isClaimBound(pvc)) return;
    const classes = store.list(K.storageclasses);
    if (pvc.spec?.storageClassName === undefined) {
      // Retroactive default class assignment (GA in 1.28): a claim created before any default
      // class gets the default once one exists.
      const fallback = defaultStorageClass(classes);
      if (fallback) {
        store.modify(K.pvcs, namespace, name, (c) => void (c.spec.storageClassName = fallback.metadata.name));
        return;
      }
    }
    const className = claimClassName(pvc);
    const sc = className ? classes.find((c) => c.metadata.name === className) : undefined;
    const selectedNodeName = pvc.metadata.annotations?.[SELECTED_NODE];
    if (sc?.volumeBindingMode === 'WaitForFirstConsumer' && !selectedNodeName) {
      const waiting = store
        .list(K.pods, namespace)
        .filter(
          (p) =>
            !p.spec?.nodeName &&
            (p.spec?.volumes ?? []).some((v: KubeObject) => v.persistentVolumeClaim?.claimName === name),
        )
        .map((p) => p.metadata.name);
      if (waiting.length === 0)
        event(
          pvc,
          'Normal',
          'WaitForFirstConsumer',
          'waiting for first consumer to be created before binding',
        );
      else
        event(
          pvc,
          'Normal',
          'WaitForPodScheduled',
          `waiting for ${waiting.length > 1 ? 'pods' : 'pod'} ${waiting.join(',')} to be scheduled`,
        );
      return;
    }
    const node = selectedNodeName ? store.get(K.nodes, undefined, selectedNodeName) : undefined;
    const pv = findMatchingVolume(pvc, store.list(K.pvs), node);
    if (pv) return bind(pvc, pv);
    if (!className) {
      event(
        pvc,
        'Normal',
        'FailedBinding',
        'no persistent volumes available for this claim and no storage class is set',
      );
      return;
    }
    if (!sc) {
      event(pvc, 'Warning', 'ProvisioningFailed', `storageclass.storage.k8s.io "${className}" not found`);
      return;
    }
    provision(pvc, sc, selectedNodeName);
  }

  function provision(pvc: KubeObject, sc: KubeObject, nodeName: string | undefined): void {
    const provisioner = String(sc.provisioner);
    const { namespace, name } = pvc.metadata;
    const claim = store.modify(K.pvcs, namespace, name, (c) => {
      c.metadata.annotations = {
        ...c.metadata.annotations,
        [ANNOTATIONS.betaStorageProvisioner]: provisioner,
        [ANNOTATIONS.storageProvisioner]: provisioner,
      };
    });
    event(
      claim,
      'Normal',
      'ExternalProvisioning',
      `Waiting for a volume to be created either by the external provisioner '${provisioner}' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered.`,
    );
    if (!isSimulatedProvisioner(provisioner)) return;
    const host = nodeName ?? store.peek(K.nodes)[0]?.metadata.name ?? 'minikube';
    const component = `${provisioner}_${host}_${identity}`;
    if (provisioner === SIMULATED_PROVISIONERS.localPath && !nodeName) {
      event(
        claim,
        'Warning',
        'ProvisioningFailed',
        `failed to provision volume with StorageClass "${sc.metadata.name}": configuration error, no node was specified`,
        component,
      );
      return;
    }
    event(
      claim,
      'Normal',
      'Provisioning',
      `External provisioner is provisioning volume for claim "${namespace}/${name}"`,
      component,
    );
    const pvName = `pvc-${claim.metadata.uid}`;
    const local = provisioner === SIMULATED_PROVISIONERS.localPath;
    const pv = store.create(K.pvs, {
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: {
        name: pvName,
        annotations: {
          [ANNOTATIONS.provisionedBy]: provisioner,
          ...(local
            ? { 'local.path.provisioner/selected-node': nodeName! }
            : { hostPathProvisionerIdentity: identity }),
        },
      },
      spec: {
        accessModes: claim.spec?.accessModes ?? ['ReadWriteOnce'],
        capacity: { storage: claim.spec?.resources?.requests?.storage ?? '1Gi' },
        claimRef: claimRef(claim),
        persistentVolumeReclaimPolicy: sc.reclaimPolicy ?? 'Delete',
        storageClassName: sc.metadata.name,
        volumeMode: claim.spec?.volumeMode ?? 'Filesystem',
        ...(sc.mountOptions ? { mountOptions: sc.mountOptions } : {}),
        ...(local
          ? {
              hostPath: {
                path: `/opt/local-path-provisioner/${pvName}_${namespace}_${name}`,
                type: 'DirectoryOrCreate',
              },
              nodeAffinity: {
                required: {
                  nodeSelectorTerms: [
                    {
                      matchExpressions: [
                        { key: 'kubernetes.io/hostname', operator: 'In', values: [nodeName] },
                      ],
                    },
                  ],
                },
              },
            }
          : { hostPath: { path: `/tmp/hostpath-provisioner/${namespace}/${name}`, type: '' } }),
      },
      status: { phase: 'Pending' },
    });
    event(claim, 'Normal', 'ProvisioningSucceeded', `Successfully provisioned volume ${pvName}`, component);
    bind(claim, pv);
  }

  function claimRef(pvc: KubeObject) {
    return {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      name: pvc.metadata.name,
      namespace: pvc.metadata.namespace,
      uid: pvc.metadata.uid,
      resourceVersion: pvc.metadata.resourceVersion,
    };
  }

  /** Both halves of a bind, volume first, as the binder writes them. */
  function bind(pvc: KubeObject, pv: KubeObject): void {
    const now = clock.nowISO();
    const preBound = Boolean(pv.spec?.claimRef);
    const volume = store.modify(K.pvs, undefined, pv.metadata.name, (v) => {
      if (!preBound)
        v.metadata.annotations = { ...v.metadata.annotations, [ANNOTATIONS.boundByController]: 'yes' };
      v.spec.claimRef = { ...claimRef(pvc), ...v.spec.claimRef, uid: pvc.metadata.uid };
      v.status = { phase: 'Bound', lastPhaseTransitionTime: now };
    });
    store.modify(K.pvcs, pvc.metadata.namespace, pvc.metadata.name, (c) => {
      c.metadata.annotations = {
        ...c.metadata.annotations,
        [ANNOTATIONS.bindCompleted]: 'yes',
        [ANNOTATIONS.boundByController]: 'yes',
      };
      c.spec.volumeName = volume.metadata.name;
      c.status = {
        phase: 'Bound',
        accessModes: volume.spec.accessModes,
        capacity: volume.spec.capacity,
      };
    });
  }

  function syncVolume(name: string): void {
    const pv = store.get(K.pvs, undefined, name);
    if (!pv || pv.metadata.deletionTimestamp) return;
    const ref = pv.spec?.claimRef;
    const setPhase = (phase: string) => {
      if (pv.status?.phase === phase) return;
      store.modify(
        K.pvs,
        undefined,
        name,
        (v) => void (v.status = { phase, lastPhaseTransitionTime: clock.nowISO() }),
      );
    };
    if (!ref) {
      setPhase('Available');
      // A new volume may satisfy a waiting claim.
      for (const c of store.peek(K.pvcs))
        if (!isClaimBound(c)) claims.add(objectKey(c.metadata.namespace, c.metadata.name));
      return;
    }
    const claim = store.get(K.pvcs, ref.namespace, ref.name);
    if (claim && (!ref.uid || ref.uid === claim.metadata.uid)) {
      if (!isClaimBound(claim)) claims.add(objectKey(ref.namespace, ref.name));
      return;
    }
    if (!ref.uid) return;
    // Its claim is gone: the reclaim policy decides. The provisioner deletes what it made.
    if (
      pv.spec.persistentVolumeReclaimPolicy === 'Delete' &&
      pv.metadata.annotations?.[ANNOTATIONS.provisionedBy]
    )
      store.delete(K.pvs, undefined, name);
    else setPhase('Released');
  }

  function claimLost(pvName: string): void {
    for (const c of store.list(K.pvcs)) {
      if (c.spec?.volumeName !== pvName || c.status?.phase !== 'Bound') continue;
      const lost = store.modify(
        K.pvcs,
        c.metadata.namespace,
        c.metadata.name,
        (o) => void (o.status = { ...o.status, phase: 'Lost' }),
      );
      event(
        lost,
        'Warning',
        'ClaimLost',
        'Bound claim has lost its PersistentVolume. Data on the volume is lost!',
      );
    }
  }

  const resyncClaims = (): void => {
    for (const c of store.peek(K.pvcs))
      if (!isClaimBound(c)) claims.add(objectKey(c.metadata.namespace, c.metadata.name));
  };
  resyncClaims();
  for (const pv of store.peek(K.pvs)) volumes.add(pv.metadata.name);
  const stops = [
    store.watch(K.pvcs, {}, (e) => {
      if (e.type !== 'DELETED') claims.add(objectKey(e.object.metadata.namespace, e.object.metadata.name));
      else if (e.object.spec?.volumeName) volumes.add(e.object.spec.volumeName);
    }),
    store.watch(K.pvs, {}, (e) => {
      if (e.type !== 'DELETED') volumes.add(e.object.metadata.name);
      else setImmediate(() => claimLost(e.object.metadata.name));
    }),
    store.watch(K.storageclasses, {}, () => setImmediate(resyncClaims)),
  ];
  // The binder's resync period (--pvclaimbinder-sync-period, 15 s): repeats the waiting events.
  const timer = clock.setInterval(resyncClaims, 15_000);
  return () => {
    stops.forEach((stop) => stop());
    clock.clear(timer);
    claims.stop();
    volumes.stop();
  };
}
