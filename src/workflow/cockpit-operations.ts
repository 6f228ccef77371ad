// What the cockpit's mutating keys propose, as operations: ctrl-d delete, ctrl-k kill, s scale,
// R rollout restart on a row of a view. Pure: each checks what kubectl would refuse and says so in
// one line; the object, read fresh, decides only what a pod's delete is.
import type { KubernetesObject } from '@kubernetes/client-node';
import type { ResourceRef } from '../model/analysis.js';
import { rolloutRestartOp, scaleOp } from './proposed-operations.js';
import type { ObjectRef as ViewRef, ViewKind } from '../state/types.js';
import { viewKindInfo } from '../state/views.js';
import { objectRef, type ObjectRef } from './objects.js';
import type { Operation } from '../model/operation.js';

const SCALABLE: readonly ViewKind[] = ['deployments', 'statefulsets', 'replicasets'];
const RESTARTABLE: readonly ViewKind[] = ['deployments', 'statefulsets', 'daemonsets'];

/** The operation's target (nodes have no namespace). */
export function targetOf(ref: ViewRef): ResourceRef {
  return {
    kind: viewKindInfo(ref.kind).apiKind,
    ...(ref.kind === 'nodes' || ref.namespace === undefined ? {} : { namespace: ref.namespace }),
    name: ref.name,
  } as ResourceRef;
}

/** The API address of a row, for reading it fresh. */
export function apiRef(ref: ViewRef): ObjectRef {
  const address = objectRef(targetOf(ref));
  if (!address) throw new Error(`no API address for ${ref.kind}`);
  return address;
}

/** kubectl's words for a missing object: `deployments.apps "x" not found`. */
export function notFound(ref: ViewRef): string {
  const group = apiRef(ref).apiVersion.split('/');
  const resource = group.length === 2 ? `${ref.kind}.${group[0]}` : ref.kind;
  return `Error from server (NotFound): ${resource} "${ref.name}" not found`;
}

const ns = (t: ResourceRef) => (t.namespace ? ` -n ${t.namespace}` : '');
const label = (t: ResourceRef) => `${t.kind.toLowerCase()} ${t.namespace ? `${t.namespace}/` : ''}${t.name}`;

const controlled = (o: KubernetesObject | null): boolean =>
  Boolean(o?.metadata?.ownerReferences?.some((r) => r.controller));

/**
 * ctrl-d: a pod its controller replaces is `delete-pod` (trivial, as the analyzers propose it);
 * any other object, a bare pod included, is a `delete` (critical: it is gone for good).
 */
export function deleteOperation(ref: ViewRef, current: KubernetesObject | null): Operation {
  const target = targetOf(ref);
  const kubectl = `kubectl delete ${target.kind.toLowerCase()} ${target.name}${ns(target)}`;
  if (ref.kind === 'pods' && controlled(current))
    return {
      kind: 'delete-pod',
      target,
      summary: `delete pod ${target.namespace}/${target.name} (its controller recreates it)`,
      kubectl,
    };
  const gone = ref.kind === 'pods' ? ' (no controller recreates it)' : '';
  return { kind: 'delete', target, summary: `delete ${label(target)}${gone}`, kubectl };
}

/** ctrl-k: pods only, deleted without a grace period. */
export function killOperation(ref: ViewRef): Operation | { error: string } {
  if (ref.kind !== 'pods') return { error: `kill is for pods (this is ${ref.kind}): use delete` };
  const target = targetOf(ref);
  return {
    kind: 'kill-pod',
    target,
    summary: `kill pod ${target.namespace}/${target.name} (deleted at once, no grace period)`,
    kubectl: `kubectl delete pod ${target.name}${ns(target)} --grace-period=0 --force`,
  };
}

/** s: deployments, statefulsets, replicasets; a whole number of replicas, 0 or more. */
export function scaleOperation(ref: ViewRef, replicas: number): Operation | { error: string } {
  if (!SCALABLE.includes(ref.kind)) return { error: `cannot scale ${ref.kind}: only ${SCALABLE.join(', ')}` };
  if (!Number.isSafeInteger(replicas) || replicas < 0)
    return { error: `replicas must be a whole number, 0 or more (got ${String(replicas)})` };
  return scaleOp(targetOf(ref), replicas);
}

/** R: deployments, statefulsets, daemonsets, as kubectl rollout restart. */
export function restartOperation(ref: ViewRef): Operation | { error: string } {
  if (!RESTARTABLE.includes(ref.kind))
    return { error: `cannot restart ${ref.kind}: only ${RESTARTABLE.join(', ')} roll out` };
  return rolloutRestartOp(targetOf(ref));
}
