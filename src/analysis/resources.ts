// Container requests/limits as numbers, and recommended amounts as kubectl quantities.
import type { V1Container } from '@kubernetes/client-node';
import { bytes, cpuMillis } from '../kube/quantity.js';

const MI = 2 ** 20;

export interface ContainerResources {
  cpuRequest?: number | undefined;
  cpuLimit?: number | undefined;
  memoryRequest?: number | undefined;
  memoryLimit?: number | undefined;
}

/** Millicores and bytes; a limit without a request counts as the request, as the API defaults it. */
export function containerResources(container: V1Container): ContainerResources {
  const { requests = {}, limits = {} } = container.resources ?? {};
  const cpuLimit = cpuMillis(limits['cpu']);
  const memoryLimit = bytes(limits['memory']);
  return {
    cpuRequest: cpuMillis(requests['cpu']) ?? cpuLimit,
    cpuLimit,
    memoryRequest: bytes(requests['memory']) ?? memoryLimit,
    memoryLimit,
  };
}

/** Rounded up to 10m so recommendations are readable and never below the computed need. */
export const roundCpuMillis = (millis: number): number => Math.max(10, Math.ceil(millis / 10) * 10);

/** Rounded up to whole Mi. */
export const roundMemoryBytes = (value: number): number => Math.max(1, Math.ceil(value / MI)) * MI;

/** Recommended amounts as kubectl quantities ("160m", "260Mi"), rounded up as above. */
export const cpuQuantity = (millis: number): string => `${roundCpuMillis(millis)}m`;
export const memoryQuantity = (value: number): string => `${roundMemoryBytes(value) / MI}Mi`;

/** Kinds `kubectl set resources` can change through their pod template. */
export const TEMPLATED_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet']);
