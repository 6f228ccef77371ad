// The disruption controller keeps each PodDisruptionBudget's status (how many selected pods are
// healthy, how many must be, how many may be disrupted now), and `evictPod` is the eviction
// subresource that honours it: an eviction the budget cannot afford is a 429, one it can is
// recorded in `status.disruptedPods` and deletes the pod as a delete does (gracefully).
import { isDeepStrictEqual } from 'node:util';
import type { SimContext } from '../context.js';
import { recordEvent } from '../events.js';
import type { KubeObject } from '../objects.js';
import { deletePod, isPodReady } from '../pods.js';
import { K, RESOURCE_TYPES, apiVersionOf, typeKey } from '../resources.js';
import { matchesLabelSelector } from '../../kube/labels.js';
import { objectKey, splitKey, workQueue } from './queue.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
type IntOrPercent = number | string;

/** How long an eviction the API granted keeps its pod out of currentHealthy (DeletionTimeout). */
const DELETION_TIMEOUT_MS = 2 * 60_000;
/** The eviction API refuses once this many granted evictions wait for the controller. */
const MAX_DISRUPTED_PODS = 2000;
const COMPONENT = 'controllermanager';

/** intstr.GetScaledValueFromIntOrPercent: an int as is, a percentage of `total`, rounded up or down. */
export function scaledValue(value: IntOrPercent, total: number, roundUp: boolean): number {
  if (typeof value === 'number') return value;
  const m = /^(\d+)%$/.exec(value);
  if (!m) throw new Error(`invalid value for IntOrString: invalid type: string is not a percentage`);
  const scaled = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(scaled) : Math.floor(scaled);
}

/** True when the budget's numbers need the pods' controllers' scale (not just the pods). */
export const needsControllerScale = (spec: Json): boolean =>
  spec.maxUnavailable !== undefined || typeof spec.minAvailable === 'string';

export interface BudgetCounts {
  expectedPods: number;
  desiredHealthy: number;
  currentHealthy: number;
  disruptionsAllowed: number;
}

/**
 * getExpectedPodCount: an integer minAvailable counts the pods themselves; a maxUnavailable or a
 * percentage counts what the pods' controllers want (`controllerScale`), rounding up.
 */
export function budgetTarget(
  spec: Json,
  matchingPods: number,
  controllerScale: number,
): { expectedPods: number; desiredHealthy: number } {
  if (spec.maxUnavailable !== undefined) {
    const unavailable = scaledValue(spec.maxUnavailable, controllerScale, true);
    return { expectedPods: controllerScale, desiredHealthy: Math.max(0, controllerScale - unavailable) };
  }
  if (typeof spec.minAvailable === 'number')
    return { expectedPods: matchingPods, desiredHealthy: spec.minAvailable };
  if (typeof spec.minAvailable === 'string')
    return {
      expectedPods: controllerScale,
      desiredHealthy: scaledValue(spec.minAvailable, controllerScale, true),
    };
  return { expectedPods: 0, desiredHealthy: 0 };
}

/**
 * The status numbers (updatePdbStatus). No disruption is allowed while nothing is expected, so a
 * budget whose pods are still coming is safe.
 */
export function budgetCounts(
  spec: Json,
  input: { matchingPods: number; controllerScale: number; currentHealthy: number },
): BudgetCounts {
  const target = budgetTarget(spec, input.matchingPods, input.controllerScale);
  return {
    ...target,
    currentHealthy: input.currentHealthy,
    disruptionsAllowed: allowedDisruptions(target, input.currentHealthy),
  };
}

function allowedDisruptions(
  target: { expectedPods: number; desiredHealthy: number },
  currentHealthy: number,
): number {
  const allowed = currentHealthy - target.desiredHealthy;
  return target.expectedPods <= 0 || allowed <= 0 ? 0 : allowed;
}

/** apimeta.SetStatusCondition: lastTransitionTime moves only when the status does. */
function setCondition(conditions: Json[] | undefined, next: Json, now: string): Json[] {
  const out = [...(conditions ?? [])];
  const i = out.findIndex((c) => c.type === next.type);
  const previous = i >= 0 ? out[i] : undefined;
  const condition = {
    ...next,
    lastTransitionTime: previous && previous.status === next.status ? previous.lastTransitionTime : now,
  };
  if (i >= 0) out[i] = condition;
  else out.push(condition);
  return out;
}

/** pdbhelper.UpdateDisruptionAllowedCondition. */
function disruptionAllowedCondition(status: Json, now: string): Json[] {
  const allowed = status.disruptionsAllowed > 0;
  return setCondition(
    status.conditions,
    {
      type: 'DisruptionAllowed',
      status: allowed ? 'True' : 'False',
      observedGeneration: status.observedGeneration,
      reason: allowed ? 'SufficientPods' : 'InsufficientPods',
      message: '',
    },
    now,
  );
}

/** Go's String() of a metav1.LabelSelector, as the UnmanagedPods event quotes it. */
function goSelector(selector: Json | undefined): string {
  const labels = (selector?.matchLabels ?? {}) as Record<string, string>;
  const pairs = Object.keys(labels)
    .sort()
    .map((k) => `${k}: ${labels[k]},`)
    .join('');
  const exprs = ((selector?.matchExpressions ?? []) as Json[])
    .map(
      (e) =>
        `LabelSelectorRequirement{Key:${e.key},Operator:${e.operator},Values:[${((e.values ?? []) as string[]).join(' ')}],},`,
    )
    .join('');
  return `&LabelSelector{MatchLabels:map[string]string{${pairs}},MatchExpressions:[]LabelSelectorRequirement{${exprs}},}`;
}

const controllerOf = (obj: KubeObject) => (obj.metadata.ownerReferences ?? []).find((r) => r.controller);

/** The pods a budget covers; a budget without a selector covers none, an empty one all. */
function podsOf(ctx: SimContext, pdb: KubeObject): KubeObject[] {
  if (!pdb.spec?.selector) return [];
  return ctx.store
    .list(K.pods, pdb.metadata.namespace)
    .filter((p) => matchesLabelSelector(pdb.spec.selector, p.metadata.labels));
}

/**
 * getExpectedScale: the sum of spec.replicas over the pods' controllers (a Deployment for its
 * ReplicaSets' pods). Pods without a controller are returned as unmanaged; a controller the
 * simulator cannot scale is the controller's error.
 */
function expectedScale(ctx: SimContext, pods: KubeObject[]): { scale: number; unmanaged: string[] } {
  const scales = new Map<string, number>();
  const unmanaged: string[] = [];
  for (const pod of pods) {
    const ref = controllerOf(pod);
    if (!ref) {
      unmanaged.push(pod.metadata.name);
      continue;
    }
    if (scales.has(ref.uid)) continue;
    const found = scaleOf(ctx, ref, pod.metadata.namespace);
    if (!found) throw new Error(`found no controllers for pod "${pod.metadata.name}"`);
    scales.set(found.uid, found.scale);
  }
  return { scale: [...scales.values()].reduce((a, b) => a + b, 0), unmanaged };
}

function scaleOf(
  ctx: SimContext,
  ref: { apiVersion: string; kind: string; name: string; uid: string },
  namespace: string | undefined,
): { uid: string; scale: number } | undefined {
  const t = RESOURCE_TYPES.find((r) => r.kind === ref.kind && apiVersionOf(r) === ref.apiVersion);
  if (!t) return undefined;
  if (!t.subresources.includes('scale'))
    throw new Error(`${typeKey(t)} does not implement the scale subresource`);
  const owner = ctx.store.get(typeKey(t), namespace, ref.name);
  if (!owner || owner.metadata.uid !== ref.uid) return undefined;
  const ownersOwner = controllerOf(owner);
  if (t.kind === 'ReplicaSet' && ownersOwner?.kind === 'Deployment') {
    const deployment = ctx.store.get(K.deployments, namespace, ownersOwner.name);
    if (deployment?.metadata.uid === ownersOwner.uid)
      return { uid: ownersOwner.uid, scale: deployment.spec?.replicas ?? 1 };
  }
  return { uid: ref.uid, scale: owner.spec?.replicas ?? 1 };
}

export function startDisruptionController(ctx: SimContext): () => void {
  const { store, clock } = ctx;
  const queue = workQueue(reconcile, (key, error) =>
    console.error(`sim: disruption ${key}: ${String(error)}`),
  );

  function writeStatus(pdb: KubeObject, status: Json): void {
    if (isDeepStrictEqual(pdb.status ?? {}, status)) return;
    store.modify(K.pdbs, pdb.metadata.namespace, pdb.metadata.name, (o) => void (o.status = status));
  }

  function reconcile(key: string): void {
    const [namespace, name] = splitKey(key);
    const pdb = store.get(K.pdbs, namespace, name);
    if (!pdb) return;
    const spec = pdb.spec ?? {};
    const now = clock.now();
    const pods = podsOf(ctx, pdb);
    if (pods.length === 0) recordEvent(ctx, pdb, 'Normal', 'NoPods', 'No matching pods found', COMPONENT);
    let scale = { scale: 0, unmanaged: [] as string[] };
    let target: { expectedPods: number; desiredHealthy: number };
    try {
      if (needsControllerScale(spec)) scale = expectedScale(ctx, pods);
      target = budgetTarget(spec, pods.length, scale.scale);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      recordEvent(
        ctx,
        pdb,
        'Warning',
        'CalculateExpectedPodCountFailed',
        `Failed to calculate the number of expected pods: ${message}`,
        COMPONENT,
      );
      // failSafe: nothing may be disrupted while the numbers are unknown.
      const status = { ...pdb.status, disruptionsAllowed: 0 };
      status.conditions = setCondition(
        status.conditions,
        {
          type: 'DisruptionAllowed',
          status: 'False',
          observedGeneration: status.observedGeneration ?? 0,
          reason: 'SyncFailed',
          message,
        },
        clock.nowISO(),
      );
      writeStatus(pdb, status);
      return;
    }
    if (scale.unmanaged.length > 0) {
      recordEvent(
        ctx,
        pdb,
        'Warning',
        'UnmanagedPods',
        `Pods selected by this PodDisruptionBudget (selector: ${goSelector(spec.selector)}) were found to be unmanaged. As a result, the status of the PDB cannot be calculated correctly, which may result in undefined behavior. To account for these pods please set ".spec.minAvailable" field of the PDB to an integer value.`,
        COMPONENT,
      );
    }
    // buildDisruptedPodMap: a granted eviction holds its pod out until the pod is deleting, or
    // until DeletionTimeout says the eviction never happened.
    const disruptedPods: Record<string, string> = {};
    let recheck: number | undefined;
    for (const pod of pods) {
      const at = pdb.status?.disruptedPods?.[pod.metadata.name] as string | undefined;
      if (pod.metadata.deletionTimestamp || !at) continue;
      const expires = new Date(at).getTime() + DELETION_TIMEOUT_MS;
      if (expires < now) {
        recordEvent(
          ctx,
          pod,
          'Warning',
          'NotDeleted',
          `Pod was expected by PDB ${namespace}/${name} to be deleted but it wasn't`,
          COMPONENT,
        );
        continue;
      }
      disruptedPods[pod.metadata.name] = at;
      recheck = Math.min(recheck ?? expires, expires);
    }
    if (recheck !== undefined) clock.setTimeout(() => queue.add(key), recheck - now + 1000);
    const currentHealthy = pods.filter(
      (p) => !p.metadata.deletionTimestamp && !disruptedPods[p.metadata.name] && isPodReady(p),
    ).length;
    const status: Json = {
      observedGeneration: pdb.metadata.generation ?? 1,
      ...(Object.keys(disruptedPods).length ? { disruptedPods } : {}),
      disruptionsAllowed: allowedDisruptions(target, currentHealthy),
      currentHealthy,
      desiredHealthy: target.desiredHealthy,
      expectedPods: target.expectedPods,
      conditions: pdb.status?.conditions,
    };
    status.conditions = disruptionAllowedCondition(status, clock.nowISO());
    writeStatus(pdb, status);
  }

  const queueNamespace = (namespace: string | undefined): void => {
    for (const pdb of store.peek(K.pdbs, namespace)) queue.add(objectKey(namespace, pdb.metadata.name));
  };
  for (const pdb of store.list(K.pdbs)) queue.add(objectKey(pdb.metadata.namespace, pdb.metadata.name));
  const stops = [
    store.watch(K.pdbs, {}, (e) => {
      if (e.type !== 'DELETED') queue.add(objectKey(e.object.metadata.namespace, e.object.metadata.name));
    }),
    // A pod's labels may have matched a budget before this change, so every budget of its
    // namespace looks again; so do they when a controller's scale (expectedPods) changes.
    ...[K.pods, K.replicasets, K.deployments, K.statefulsets].map((kind) =>
      store.watch(kind, {}, (e) => queueNamespace(e.object.metadata.namespace)),
    ),
  ];
  return () => {
    for (const stop of stops) stop();
    queue.stop();
  };
}

export interface EvictionResult {
  code: number;
  body: Json;
  /** Seconds for a Retry-After header. */
  retryAfter?: number;
}

const success = (): EvictionResult => ({
  code: 201,
  body: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 },
});

function tooManyRequests(cause: string, retryAfterSeconds: number): EvictionResult {
  return {
    code: 429,
    retryAfter: retryAfterSeconds || undefined,
    body: {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: "Cannot evict pod as it would violate the pod's disruption budget.",
      reason: 'TooManyRequests',
      details: {
        ...(retryAfterSeconds ? { retryAfterSeconds } : {}),
        causes: [{ reason: 'DisruptionBudget', message: cause }],
      },
      code: 429,
    },
  };
}

function forbidden(pdbName: string, why: string): EvictionResult {
  return {
    code: 403,
    body: {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: `poddisruptionbudgets.policy "${pdbName}" is forbidden: ${why}`,
      reason: 'Forbidden',
      details: { name: pdbName, group: 'policy', kind: 'poddisruptionbudgets' },
      code: 403,
    },
  };
}

/**
 * The eviction subresource (pkg/registry/core/pod/storage/eviction.go): a pod that is pending,
 * finished or already terminating goes without asking; otherwise its one budget must allow a
 * disruption, which the eviction takes (disruptionsAllowed - 1, the pod in disruptedPods).
 */
export function evictPod(
  ctx: SimContext,
  pod: KubeObject,
  options: { gracePeriodSeconds?: number; dryRun: boolean },
): EvictionResult {
  const { store, clock } = ctx;
  const remove = (): EvictionResult => {
    if (!options.dryRun) deletePod(ctx, pod, options.gracePeriodSeconds);
    return success();
  };
  const phase = pod.status?.phase;
  if (phase === 'Succeeded' || phase === 'Failed' || phase === 'Pending' || pod.metadata.deletionTimestamp)
    return remove();
  const pdbs = store.list(K.pdbs, pod.metadata.namespace).filter(
    (pdb) =>
      // A nil or empty selector matches nothing here, whatever the controller counts.
      (Object.keys(pdb.spec?.selector?.matchLabels ?? {}).length > 0 ||
        (pdb.spec?.selector?.matchExpressions ?? []).length > 0) &&
      matchesLabelSelector(pdb.spec.selector, pod.metadata.labels),
  );
  if (pdbs.length > 1) {
    return {
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
    };
  }
  const pdb = pdbs[0];
  if (!pdb) return remove();
  const status = (pdb.status ?? {}) as Json;
  const current = status.currentHealthy ?? 0;
  const desired = status.desiredHealthy ?? 0;
  // An unready pod does not count as healthy, so evicting it costs the budget nothing.
  if (
    !isPodReady(pod) &&
    (pdb.spec?.unhealthyPodEvictionPolicy === 'AlwaysAllow' || (current >= desired && desired > 0))
  )
    return remove();
  if ((status.observedGeneration ?? 0) < (pdb.metadata.generation ?? 1))
    return tooManyRequests(
      `The disruption budget ${pdb.metadata.name} is still being processed by the server.`,
      10,
    );
  const allowed = status.disruptionsAllowed ?? 0;
  if (allowed < 0) return forbidden(pdb.metadata.name, 'pdb disruptions allowed is negative');
  if (Object.keys(status.disruptedPods ?? {}).length > MAX_DISRUPTED_PODS)
    return forbidden(
      pdb.metadata.name,
      'DisruptedPods map too big - too many evictions not confirmed by PDB controller',
    );
  if (allowed === 0)
    return tooManyRequests(
      `The disruption budget ${pdb.metadata.name} needs ${desired} healthy pods and has ${current} currently`,
      0,
    );
  if (!options.dryRun) {
    const next: Json = {
      ...status,
      disruptionsAllowed: allowed - 1,
      disruptedPods: { ...status.disruptedPods, [pod.metadata.name]: clock.nowISO() },
    };
    if (next.disruptionsAllowed === 0) next.conditions = disruptionAllowedCondition(next, clock.nowISO());
    store.update(K.pdbs, { ...pdb, status: next });
  }
  return remove();
}
