// Operations that fix a Service, an Ingress at the cause (issue 13): each is a patch whose
// summary says what changes, built on patchOp so the kubectl line matches the patch.
import { patchOp } from './operations.js';
import type { ProposedOperation, ResourceRef } from './types.js';

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
