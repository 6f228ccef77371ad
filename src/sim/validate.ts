// The validation a real API server does on create and update, for the fields whose absence
// would break controllers or clients: an invalid object is a 422 with the field named.
import { parseQuantity } from '../cluster/quantity.js';
import type { KubeObject } from './objects.js';
import { matchesLabelSelector } from './selectors.js';
import { fail } from './status.js';

function invalid(obj: KubeObject, field: string, message: string): never {
  const name = obj.metadata?.name ?? '';
  fail(422, 'Invalid', `${obj.kind} "${name}" is invalid: ${field}: ${message}`, {
    name,
    kind: obj.kind,
    causes: [{ reason: 'FieldValueInvalid', message, field }],
  });
}

function validatePodSpec(obj: KubeObject, spec: KubeObject['spec'], path: string): void {
  const containers = spec?.containers;
  if (!Array.isArray(containers) || containers.length === 0)
    invalid(obj, `${path}.containers`, 'Required value');
  const seen = new Set<string>();
  containers.forEach((c: Record<string, unknown>, i: number) => {
    const at = `${path}.containers[${i}]`;
    if (typeof c?.name !== 'string' || !c.name) invalid(obj, `${at}.name`, 'Required value');
    if (seen.has(c.name as string)) invalid(obj, `${at}.name`, `Duplicate value: "${c.name as string}"`);
    seen.add(c.name as string);
    if (typeof c.image !== 'string' || !c.image) invalid(obj, `${at}.image`, 'Required value');
    const resources = (c.resources ?? {}) as Record<string, Record<string, unknown> | undefined>;
    for (const kind of ['requests', 'limits'] as const) {
      for (const [res, value] of Object.entries(resources[kind] ?? {})) {
        if (parseQuantity(value as string) === undefined) {
          invalid(
            obj,
            `${at}.resources.${kind}[${res}]`,
            `Invalid value: "${String(value)}": quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'`,
          );
        }
      }
    }
  });
}

export function validateObject(obj: KubeObject): void {
  switch (obj.kind) {
    case 'Pod':
      validatePodSpec(obj, obj.spec, 'spec');
      break;
    case 'Deployment':
    case 'ReplicaSet': {
      const replicas = obj.spec?.replicas;
      if (replicas !== undefined && (!Number.isInteger(replicas) || replicas < 0)) {
        invalid(
          obj,
          'spec.replicas',
          `Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0`,
        );
      }
      if (!obj.spec?.selector) invalid(obj, 'spec.selector', 'Required value');
      const labels = obj.spec?.template?.metadata?.labels;
      if (!matchesLabelSelector(obj.spec.selector, labels)) {
        invalid(
          obj,
          'spec.template.metadata.labels',
          `Invalid value: ${JSON.stringify(labels ?? {})}: \`selector\` does not match template \`labels\``,
        );
      }
      validatePodSpec(obj, obj.spec?.template?.spec, 'spec.template.spec');
      break;
    }
    case 'Service':
      (obj.spec?.ports ?? []).forEach((p: { port?: unknown }, i: number) => {
        if (!Number.isInteger(p?.port)) invalid(obj, `spec.ports[${i}].port`, 'Required value');
      });
      break;
    case 'HorizontalPodAutoscaler':
      if (!obj.spec?.scaleTargetRef?.name) invalid(obj, 'spec.scaleTargetRef.name', 'Required value');
      if (!Number.isInteger(obj.spec?.maxReplicas) || obj.spec.maxReplicas < 1) {
        invalid(obj, 'spec.maxReplicas', 'Invalid value: must be greater than or equal to 1');
      }
      if ((obj.spec.minReplicas ?? 1) > obj.spec.maxReplicas) {
        invalid(obj, 'spec.minReplicas', 'Invalid value: must be less than or equal to maxReplicas');
      }
      break;
  }
}
