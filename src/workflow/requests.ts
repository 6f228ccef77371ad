// What one replica of a workload requests, read from the captured objects: recorded beside the
// pre- and post-metrics of a resource change, so `report metrics` computes right-sizing's cost
// change from the trail (the requests before it, and after) rather than from the advice.
import type { KubernetesObject } from '@kubernetes/client-node';
import { bytes, cpuMillis } from '../kube/quantity.js';

interface Templated {
  spec?: {
    replicas?: number;
    template?: { spec?: { containers?: { resources?: { requests?: Record<string, string> } }[] } };
  };
}

/**
 * `requests_cpu_millis` and `requests_memory_bytes` of one replica (the pod template's containers
 * summed), each only when some container requests it; empty when no object has a pod template.
 */
export function templateRequests(objects: readonly (KubernetesObject | null)[]): Record<string, number> {
  const templated = objects.find((o) => (o as Templated | null)?.spec?.template?.spec?.containers);
  const containers = (templated as Templated | undefined)?.spec?.template?.spec?.containers ?? [];
  const sum = (read: (r: Record<string, string>) => number | undefined): number | undefined => {
    const values = containers.map((c) => read(c.resources?.requests ?? {})).filter((v) => v !== undefined);
    return values.length ? values.reduce((a, b) => a + b, 0) : undefined;
  };
  const cpu = sum((r) => cpuMillis(r.cpu));
  const memory = sum((r) => bytes(r.memory));
  return {
    ...(cpu === undefined ? {} : { requests_cpu_millis: Math.round(cpu) }),
    ...(memory === undefined ? {} : { requests_memory_bytes: Math.round(memory) }),
  };
}
