// The validation a real API server does on create and update, for the fields whose absence
// would break controllers or clients: an invalid object is a 422 with the field named.
import { parseQuantity } from '../kube/quantity.js';
import type { KubeObject } from './objects.js';
import { matchesLabelSelector } from '../kube/labels.js';
import { fail } from './status.js';

const CAUSE_REASONS: [string, string][] = [
  ['Required value', 'FieldValueRequired'],
  ['Unsupported value', 'FieldValueNotSupported'],
  ['Duplicate value', 'FieldValueDuplicate'],
];

/** A 422 as the API server words it: `Kind.group "name" is invalid: field: message`. */
function invalid(obj: KubeObject, field: string, message: string): never {
  const name = obj.metadata?.name ?? '';
  const group = String(obj.apiVersion ?? '').includes('/') ? String(obj.apiVersion).split('/')[0] : '';
  const reason = CAUSE_REASONS.find(([prefix]) => message.startsWith(prefix))?.[1] ?? 'FieldValueInvalid';
  fail(422, 'Invalid', `${obj.kind}${group ? `.${group}` : ''} "${name}" is invalid: ${field}: ${message}`, {
    name,
    ...(group ? { group } : {}),
    kind: obj.kind,
    causes: [{ reason, message, field }],
  });
}

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const PATH_TYPES = ['Exact', 'ImplementationSpecific', 'Prefix'];

/** An IngressBackend: a service with a port name or number, or a resource, not both. */
function validateBackend(obj: KubeObject, backend: Json, path: string): void {
  if (backend.service && backend.resource)
    invalid(obj, path, 'Invalid value: "": cannot set both resource and service backends');
  if (backend.service) {
    if (!backend.service.name) invalid(obj, `${path}.service.name`, 'Required value');
    const port = backend.service.port ?? {};
    if (port.name === undefined && port.number === undefined)
      invalid(obj, path, 'Required value: port name or number is required');
  } else if (!backend.resource) {
    invalid(obj, path, 'Invalid value: "": resource or service backend is required');
  }
}

function validateIngress(obj: KubeObject): void {
  const spec = (obj.spec ?? {}) as Json;
  const rules = (spec.rules ?? []) as Json[];
  if (!spec.defaultBackend && rules.length === 0)
    invalid(obj, 'spec', 'Invalid value: null: either `defaultBackend` or `rules` must be specified');
  if (spec.defaultBackend) validateBackend(obj, spec.defaultBackend, 'spec.defaultBackend');
  rules.forEach((rule, i) => {
    ((rule.http?.paths ?? []) as Json[]).forEach((p, j) => {
      const at = `spec.rules[${i}].http.paths[${j}]`;
      if (p.pathType === undefined)
        invalid(obj, `${at}.pathType`, 'Required value: pathType must be specified');
      if (!PATH_TYPES.includes(p.pathType))
        invalid(
          obj,
          `${at}.pathType`,
          `Unsupported value: ${JSON.stringify(p.pathType)}: supported values: ${PATH_TYPES.map((t) => `"${t}"`).join(', ')}`,
        );
      if (p.pathType !== 'ImplementationSpecific' && !String(p.path ?? '').startsWith('/'))
        invalid(
          obj,
          `${at}.path`,
          `Invalid value: ${JSON.stringify(p.path ?? '')}: must be an absolute path`,
        );
      validateBackend(obj, p.backend ?? {}, `${at}.backend`);
    });
  });
}

/** minAvailable / maxUnavailable: a non-negative int, or a percentage of at most 100 %. */
function validateIntOrPercent(obj: KubeObject, value: unknown, field: string): void {
  if (value === undefined) return;
  if (typeof value === 'number') {
    if (value < 0) invalid(obj, field, `Invalid value: ${value}: must be greater than or equal to 0`);
    return;
  }
  const m = /^(\d+)%$/.exec(String(value));
  if (!m)
    invalid(
      obj,
      field,
      `Invalid value: ${JSON.stringify(value)}: a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')`,
    );
  if (Number(m[1]) > 100)
    invalid(obj, field, `Invalid value: ${JSON.stringify(value)}: must not be greater than 100%`);
}

function validatePdb(obj: KubeObject): void {
  const spec = (obj.spec ?? {}) as Json;
  if (spec.minAvailable !== undefined && spec.maxUnavailable !== undefined) {
    // The server quotes the spec as Go prints the internal struct.
    const quoted = JSON.stringify({
      MinAvailable: spec.minAvailable,
      Selector: spec.selector ?? null,
      MaxUnavailable: spec.maxUnavailable,
      UnhealthyPodEvictionPolicy: spec.unhealthyPodEvictionPolicy ?? null,
    });
    invalid(obj, 'spec', `Invalid value: ${quoted}: minAvailable and maxUnavailable cannot be both set`);
  }
  validateIntOrPercent(obj, spec.minAvailable, 'spec.minAvailable');
  validateIntOrPercent(obj, spec.maxUnavailable, 'spec.maxUnavailable');
  const policy = spec.unhealthyPodEvictionPolicy;
  if (policy !== undefined && policy !== 'AlwaysAllow' && policy !== 'IfHealthyBudget')
    invalid(
      obj,
      'spec.unhealthyPodEvictionPolicy',
      `Unsupported value: ${JSON.stringify(policy)}: supported values: "AlwaysAllow", "IfHealthyBudget"`,
    );
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
    case 'Service': {
      const ports = (obj.spec?.ports ?? []) as { port?: unknown; name?: string }[];
      ports.forEach((p, i) => {
        if (!Number.isInteger(p?.port)) invalid(obj, `spec.ports[${i}].port`, 'Required value');
        // Endpoints tell ports apart by name, so a Service with several must name each.
        if (ports.length > 1 && !p.name) invalid(obj, `spec.ports[${i}].name`, 'Required value');
      });
      if (obj.spec?.type === 'ExternalName' && !obj.spec.externalName)
        invalid(obj, 'spec.externalName', 'Required value');
      break;
    }
    case 'Ingress':
      validateIngress(obj);
      break;
    case 'IngressClass':
      if (!obj.spec?.controller) invalid(obj, 'spec.controller', 'Required value');
      break;
    case 'PodDisruptionBudget':
      validatePdb(obj);
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
