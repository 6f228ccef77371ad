// Builders for ProposedOperation: each computes the summary and the equivalent kubectl command
// from the same parameters, so the two never disagree.
import type { ProposedOperation, ResourceAmounts, ResourceRef } from '../model/analysis.js';

function kubectlTarget(target: ResourceRef): string {
  return `${target.kind.toLowerCase()}/${target.name}`;
}

function ns(target: ResourceRef): string {
  return target.namespace ? ` -n ${target.namespace}` : '';
}

function label(target: ResourceRef): string {
  const name = target.namespace ? `${target.namespace}/${target.name}` : target.name;
  return `${target.kind.toLowerCase()} ${name}`;
}

function amounts(values: ResourceAmounts): string {
  return Object.entries(values)
    .filter(([, value]) => value !== undefined)
    .map(([name, value]) => `${name}=${value}`)
    .join(',');
}

export function scaleOp(target: ResourceRef, replicas: number): ProposedOperation {
  return {
    kind: 'scale',
    target,
    replicas,
    summary: `scale ${label(target)} to ${replicas} replicas`,
    kubectl: `kubectl scale ${kubectlTarget(target)}${ns(target)} --replicas=${replicas}`,
  };
}

export function setResourcesOp(
  target: ResourceRef,
  container: string,
  requests: ResourceAmounts,
  limits: ResourceAmounts,
): ProposedOperation {
  const parts = [`-c ${container}`];
  if (amounts(requests)) parts.push(`--requests=${amounts(requests)}`);
  if (amounts(limits)) parts.push(`--limits=${amounts(limits)}`);
  const said = [
    amounts(requests) && `requests ${amounts(requests)}`,
    amounts(limits) && `limits ${amounts(limits)}`,
  ]
    .filter(Boolean)
    .join(', ');
  return {
    kind: 'set-resources',
    target,
    container,
    requests,
    limits,
    summary: `set ${label(target)} container ${container} ${said}`,
    kubectl: `kubectl set resources ${kubectlTarget(target)}${ns(target)} ${parts.join(' ')}`,
  };
}

export function createHpaOp(
  target: ResourceRef,
  minReplicas: number,
  maxReplicas: number,
  targetCpuUtilization: number,
): ProposedOperation {
  return {
    kind: 'create-hpa',
    target,
    minReplicas,
    maxReplicas,
    targetCpuUtilization,
    summary: `autoscale ${label(target)} between ${minReplicas} and ${maxReplicas} replicas at ${targetCpuUtilization}% CPU`,
    kubectl: `kubectl autoscale ${kubectlTarget(target)}${ns(target)} --min=${minReplicas} --max=${maxReplicas} --cpu-percent=${targetCpuUtilization}`,
  };
}

export function rolloutUndoOp(target: ResourceRef, toRevision?: number): ProposedOperation {
  const revision = toRevision === undefined ? '' : ` --to-revision=${toRevision}`;
  return {
    kind: 'rollout-undo',
    target,
    ...(toRevision === undefined ? {} : { toRevision }),
    summary: `roll back ${label(target)} to ${toRevision === undefined ? 'the previous revision' : `revision ${toRevision}`}`,
    kubectl: `kubectl rollout undo ${kubectlTarget(target)}${ns(target)}${revision}`,
  };
}

export function rolloutRestartOp(target: ResourceRef): ProposedOperation {
  return {
    kind: 'rollout-restart',
    target,
    summary: `restart the pods of ${label(target)}`,
    kubectl: `kubectl rollout restart ${kubectlTarget(target)}${ns(target)}`,
  };
}

export function deletePodOp(target: ResourceRef): ProposedOperation {
  return {
    kind: 'delete-pod',
    target,
    summary: `delete pod ${target.namespace}/${target.name} (its controller recreates it)`,
    kubectl: `kubectl delete pod ${target.name}${ns(target)}`,
  };
}

export function patchOp(
  target: ResourceRef,
  patchType: 'strategic' | 'merge' | 'json',
  patch: unknown,
): ProposedOperation {
  return {
    kind: 'patch',
    target,
    patchType,
    patch,
    summary: `patch ${label(target)} (${patchType})`,
    kubectl: `kubectl patch ${kubectlTarget(target)}${ns(target)} --type=${patchType} -p '${JSON.stringify(patch)}'`,
  };
}

export function setImageOp(target: ResourceRef, images: Record<string, string>): ProposedOperation {
  const pairs = Object.entries(images).map(([container, image]) => `${container}=${image}`);
  return {
    kind: 'set-image',
    target,
    images,
    summary: `set ${label(target)} image ${pairs.join(', ')}`,
    kubectl: `kubectl set image ${kubectlTarget(target)}${ns(target)} ${pairs.join(' ')}`,
  };
}

// Fixes of a Service or an Ingress at the cause: each a patch whose summary says what changes.

const name = (target: ResourceRef) => `${target.namespace}/${target.name}`;

/** Merge patch of a Service selector: each key to its new value, null removes the key. */
export function patchServiceSelectorOp(
  target: ResourceRef,
  changes: Record<string, string | null>,
): ProposedOperation {
  const said = Object.entries(changes)
    .map(([key, value]) => (value === null ? `drop ${key}` : `${key}=${value}`))
    .join(', ');
  return {
    ...patchOp(target, 'merge', { spec: { selector: changes } }),
    summary: `set the selector of service ${name(target)}: ${said}`,
  };
}

/** JSON patch of one Service port's targetPort, guarded by a test of that port's number. */
export function patchServiceTargetPortOp(
  target: ResourceRef,
  index: number,
  port: number,
  targetPort: number | string,
): ProposedOperation {
  return {
    ...patchOp(target, 'json', [
      { op: 'test', path: `/spec/ports/${index}/port`, value: port },
      { op: 'replace', path: `/spec/ports/${index}/targetPort`, value: targetPort },
    ]),
    summary: `point port ${port} of service ${name(target)} at targetPort ${targetPort}`,
  };
}

/** JSON patch of Ingress backends' service port, each guarded by a test of the backend's service. */
export function patchIngressBackendPortOp(
  target: ResourceRef,
  backendPaths: readonly string[],
  service: string,
  port: { number: number } | { name: string },
): ProposedOperation {
  return {
    ...patchOp(
      target,
      'json',
      backendPaths.flatMap((path) => [
        { op: 'test', path: `${path}/service/name`, value: service },
        { op: 'replace', path: `${path}/service/port`, value: port },
      ]),
    ),
    summary: `point ingress ${name(target)} at port ${'number' in port ? port.number : port.name} of service ${service}`,
  };
}

export function setIngressClassOp(target: ResourceRef, className: string): ProposedOperation {
  return {
    ...patchOp(target, 'merge', { spec: { ingressClassName: className } }),
    summary: `set the ingress class of ingress ${name(target)} to ${className}`,
  };
}
