// StatefulSet controller: pods `<name>-<ordinal>` with stable names and claims, created in
// ordinal order (OrderedReady waits for each to be Running and Ready; Parallel does not), scaled
// down from the highest ordinal, rolled from the highest ordinal down to the partition.
import { isDeepStrictEqual } from 'node:util';
import type { SimContext } from '../context.js';
import { recordEvent } from '../events.js';
import type { KubeObject } from '../objects.js';
import { deletePod, isOwnedBy, isPodReady, ownerRef } from '../pods.js';
import { K } from '../resources.js';
import { defaultStorageClass } from '../storage.js';
import { templateHash } from './hash.js';
import { objectKey, splitKey, workQueue } from './queue.js';

const COMPONENT = 'statefulset-controller';
export const REVISION_LABEL = 'controller-revision-hash';
export const POD_NAME_LABEL = 'statefulset.kubernetes.io/pod-name';
export const POD_INDEX_LABEL = 'apps.kubernetes.io/pod-index';

/** The ordinal of a StatefulSet's pod from its name, undefined for a name that is not `<set>-<n>`. */
export function ordinalOf(setName: string, podName: string): number | undefined {
  const m = new RegExp(`^${setName.replace(/[.]/g, '\\.')}-(\\d+)$`).exec(podName);
  return m ? Number(m[1]) : undefined;
}

/** The claim a volumeClaimTemplate gives one ordinal: `<template>-<set>-<ordinal>`. */
export const claimName = (template: string, setName: string, ordinal: number): string =>
  `${template}-${setName}-${ordinal}`;

type PodState = 'missing' | 'healthy' | 'starting' | 'terminating' | 'finished';

export interface StepInput {
  replicas: number;
  parallel: boolean;
  /** State of each ordinal from 0 to max(replicas, highest existing + 1) - 1. */
  states: PodState[];
  /** Whether each ordinal's pod runs the update revision (false when missing). */
  updated: boolean[];
  rollingUpdate: boolean;
  partition: number;
}

export interface Step {
  create: number[];
  delete: number[];
}

/**
 * What the controller does next, as the real one orders it: recreate finished pods, create
 * missing ordinals (OrderedReady: the first one, once every lower one is healthy), then remove
 * ordinals ≥ replicas from the highest, then replace outdated pods from the highest ordinal.
 */
export function nextStep(input: StepInput): Step {
  const { replicas, parallel, states, updated } = input;
  const step: Step = { create: [], delete: [] };
  for (let i = 0; i < replicas; i++) {
    const state = states[i] ?? 'missing';
    if (state === 'finished') {
      step.delete.push(i);
      if (!parallel) return step;
    } else if (state === 'missing') {
      step.create.push(i);
      if (!parallel) return step;
    } else if (!parallel && state !== 'healthy') return step;
  }
  if (step.create.length || step.delete.length) return step;
  const condemned = states.map((_, i) => i).filter((i) => i >= replicas && states[i] !== 'missing');
  if (condemned.length) {
    const healthyBelow = states.slice(0, replicas).every((s) => s === 'healthy');
    if (parallel) step.delete.push(...condemned.filter((i) => states[i] !== 'terminating'));
    else if (healthyBelow && !condemned.some((i) => states[i] === 'terminating'))
      step.delete.push(condemned[condemned.length - 1]!);
    return step;
  }
  if (!input.rollingUpdate) return step;
  const current = states.slice(0, replicas);
  if (!current.every((s) => s === 'healthy')) return step;
  for (let i = replicas - 1; i >= input.partition; i--) {
    if (!updated[i]) {
      step.delete.push(i);
      break;
    }
  }
  return step;
}

export function startStatefulSetController(ctx: SimContext): () => void {
  const { store } = ctx;
  const queue = workQueue(reconcile, (key, error) =>
    console.error(`sim: statefulset ${key}: ${String(error)}`),
  );

  const stateOf = (pod: KubeObject | undefined): PodState =>
    !pod
      ? 'missing'
      : pod.metadata.deletionTimestamp
        ? 'terminating'
        : pod.status?.phase === 'Failed' || pod.status?.phase === 'Succeeded'
          ? 'finished'
          : pod.status?.phase === 'Running' && isPodReady(pod)
            ? 'healthy'
            : 'starting';

  function ensureClaims(sts: KubeObject, ordinal: number, podName: string): void {
    const ns = sts.metadata.namespace;
    const deleteWithSet = sts.spec.persistentVolumeClaimRetentionPolicy?.whenDeleted === 'Delete';
    for (const template of (sts.spec.volumeClaimTemplates ?? []) as KubeObject[]) {
      const name = claimName(template.metadata.name, sts.metadata.name, ordinal);
      if (store.get(K.pvcs, ns, name)) continue;
      const spec = structuredClone(template.spec ?? {});
      // What the DefaultStorageClass admission plugin does for a claim without a class.
      spec.storageClassName ??= defaultStorageClass(store.list(K.storageclasses))?.metadata.name;
      if (spec.storageClassName === undefined) delete spec.storageClassName;
      spec.volumeMode ??= 'Filesystem';
      store.create(K.pvcs, {
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: {
          name,
          namespace: ns,
          labels: { ...template.metadata?.labels, ...sts.spec.selector?.matchLabels },
          ...(template.metadata?.annotations ? { annotations: { ...template.metadata.annotations } } : {}),
          ...(deleteWithSet ? { ownerReferences: [{ ...ownerRef(sts), controller: false }] } : {}),
        },
        spec,
        status: { phase: 'Pending' },
      });
      recordEvent(
        ctx,
        sts,
        'Normal',
        'SuccessfulCreate',
        `create Claim ${name} Pod ${podName} in StatefulSet ${sts.metadata.name} success`,
        COMPONENT,
      );
    }
  }

  function createPod(sts: KubeObject, ordinal: number, revision: string): void {
    const name = `${sts.metadata.name}-${ordinal}`;
    ensureClaims(sts, ordinal, name);
    const template = sts.spec.template ?? {};
    const spec = structuredClone(template.spec ?? {});
    const claims = ((sts.spec.volumeClaimTemplates ?? []) as KubeObject[]).map((t) => ({
      name: t.metadata.name,
      persistentVolumeClaim: { claimName: claimName(t.metadata.name, sts.metadata.name, ordinal) },
    }));
    spec.volumes = [
      ...((spec.volumes ?? []) as { name: string }[]).filter((v) => !claims.some((c) => c.name === v.name)),
      ...claims,
    ];
    if (spec.volumes.length === 0) delete spec.volumes;
    spec.hostname = name;
    if (sts.spec.serviceName) spec.subdomain = sts.spec.serviceName;
    store.create(K.pods, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name,
        namespace: sts.metadata.namespace,
        labels: {
          ...template.metadata?.labels,
          [REVISION_LABEL]: revision,
          [POD_NAME_LABEL]: name,
          [POD_INDEX_LABEL]: String(ordinal),
        },
        annotations: { ...template.metadata?.annotations },
        ownerReferences: [ownerRef(sts)],
      },
      spec,
      status: { phase: 'Pending', qosClass: 'Burstable' },
    });
    recordEvent(
      ctx,
      sts,
      'Normal',
      'SuccessfulCreate',
      `create Pod ${name} in StatefulSet ${sts.metadata.name} successful`,
      COMPONENT,
    );
  }

  function reconcile(key: string): void {
    const [namespace, name] = splitKey(key);
    const sts = store.get(K.statefulsets, namespace, name);
    if (!sts) return;
    const updateRevision = `${name}-${templateHash(sts.spec.template ?? {})}`;
    const byOrdinal = new Map<number, KubeObject>();
    for (const pod of store.list(K.pods, namespace)) {
      const ordinal = ordinalOf(name, pod.metadata.name);
      if (ordinal !== undefined && isOwnedBy(pod, sts.metadata.uid)) byOrdinal.set(ordinal, pod);
    }
    const replicas = sts.spec.replicas ?? 1;
    const size = Math.max(replicas, ...[...byOrdinal.keys()].map((i) => i + 1));
    const ordinals = Array.from({ length: size }, (_, i) => i);
    const strategy = sts.spec.updateStrategy ?? {};
    const step = nextStep({
      replicas,
      parallel: sts.spec.podManagementPolicy === 'Parallel',
      states: ordinals.map((i) => stateOf(byOrdinal.get(i))),
      updated: ordinals.map((i) => byOrdinal.get(i)?.metadata.labels?.[REVISION_LABEL] === updateRevision),
      rollingUpdate: (strategy.type ?? 'RollingUpdate') === 'RollingUpdate',
      partition: strategy.rollingUpdate?.partition ?? 0,
    });
    for (const ordinal of step.delete) {
      const pod = byOrdinal.get(ordinal)!;
      deletePod(ctx, pod);
      recordEvent(
        ctx,
        sts,
        'Normal',
        'SuccessfulDelete',
        `delete Pod ${pod.metadata.name} in StatefulSet ${name} successful`,
        COMPONENT,
      );
    }
    for (const ordinal of step.create) createPod(sts, ordinal, updateRevision);
    updateStatus(sts, updateRevision);
  }

  function updateStatus(sts: KubeObject, updateRevision: string): void {
    const { namespace, name } = sts.metadata;
    const pods = store
      .list(K.pods, namespace)
      .filter((p) => isOwnedBy(p, sts.metadata.uid) && !p.metadata.deletionTimestamp);
    const revisionOf = (p: KubeObject): string | undefined => p.metadata.labels?.[REVISION_LABEL];
    const replicas = sts.spec.replicas ?? 1;
    const updated = pods.filter((p) => revisionOf(p) === updateRevision).length;
    const ready = pods.filter((p) => p.status?.phase === 'Running' && isPodReady(p)).length;
    // The current revision catches up once every replica runs the update revision.
    const previous = sts.status?.currentRevision ?? updateRevision;
    const currentRevision = updated === replicas && pods.length === replicas ? updateRevision : previous;
    const status = {
      observedGeneration: sts.metadata.generation ?? 1,
      replicas: pods.length,
      readyReplicas: ready,
      currentReplicas: pods.filter((p) => revisionOf(p) === currentRevision).length,
      updatedReplicas: updated,
      availableReplicas: ready,
      currentRevision,
      updateRevision,
      collisionCount: 0,
    };
    if (!isDeepStrictEqual(sts.status, status))
      store.modify(K.statefulsets, namespace, name, (o) => void (o.status = status));
  }

  for (const s of store.list(K.statefulsets)) queue.add(objectKey(s.metadata.namespace, s.metadata.name));
  const stops = [
    store.watch(K.statefulsets, {}, (e) => {
      if (e.type !== 'DELETED') queue.add(objectKey(e.object.metadata.namespace, e.object.metadata.name));
    }),
    store.watch(K.pods, {}, (e) => {
      for (const ref of e.object.metadata.ownerReferences ?? [])
        if (ref.kind === 'StatefulSet') queue.add(objectKey(e.object.metadata.namespace, ref.name));
    }),
  ];
  return () => {
    stops.forEach((stop) => stop());
    queue.stop();
  };
}
