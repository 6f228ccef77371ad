// Ingresses that cannot route (k8sgpt's ingress analyzer, popeye's ing lint): a backend Service
// that does not exist, a backend port the Service does not have, an ingress class no IngressClass
// provides, a TLS secret that is missing or holds no certificate. Each check needs its kind listed.
import type {
  V1Ingress,
  V1IngressBackend,
  V1IngressClass,
  V1Secret,
  V1Service,
} from '@kubernetes/client-node';
import { makeFinding, type FindingInput } from '../finding.js';
import { patchIngressBackendPortOp, setIngressClassOp } from '../../workflow/proposed-operations.js';
import { isTypoOf } from '../labels.js';
import { addTo } from '../selector-index.js';
import { epoch } from '../time.js';
import type { ClusterSnapshot, Finding, ResourceRef } from '../../model/analysis.js';

const ANALYZER = 'ingress';
const CLASS_ANNOTATION = 'kubernetes.io/ingress.class';
const DEFAULT_CLASS_ANNOTATION = 'ingressclass.kubernetes.io/is-default-class';

type Problem = Omit<FindingInput, 'analyzer' | 'resource'>;

interface Backend {
  /** JSON pointer to the backend in the Ingress. */
  path: string;
  /** `host/path` as a person reads the rule, or `default backend`. */
  route: string;
  service: string;
  port: { number: number } | { name: string } | undefined;
}

export function ingress(snapshot: ClusterSnapshot): Finding[] {
  if (!snapshot.ingresses) return [];
  const services = snapshot.services && byNamespacedName(snapshot.services);
  const secrets = snapshot.secrets && byNamespacedName(snapshot.secrets);
  const findings: Finding[] = [];
  for (const ing of snapshot.ingresses) {
    const { namespace = '', name } = ing.metadata ?? {};
    if (!name) continue;
    const resource = { kind: 'Ingress', namespace, name };
    const problems: (Problem | undefined)[] = [];
    if (snapshot.ingressClasses) problems.push(ingressClass(ing, resource, snapshot.ingressClasses));
    if (services) problems.push(...backendProblems(ing, resource, services, snapshot.services!));
    if (secrets) problems.push(...tlsProblems(ing, secrets));
    for (const problem of problems) {
      if (problem) findings.push(makeFinding(snapshot, { analyzer: ANALYZER, resource, ...problem }));
    }
  }
  return findings;
}

function byNamespacedName<T extends { metadata?: { namespace?: string; name?: string } }>(
  items: readonly T[],
): Map<string, T> {
  return new Map(items.map((item) => [`${item.metadata?.namespace}/${item.metadata?.name}`, item]));
}

function ingressClass(
  ing: V1Ingress,
  resource: ResourceRef,
  classes: readonly V1IngressClass[],
): Problem | undefined {
  const wanted = ing.spec?.ingressClassName ?? ing.metadata?.annotations?.[CLASS_ANNOTATION];
  const names = classes.map((c) => c.metadata?.name ?? '').filter(Boolean);
  const defaults = classes.filter((c) => c.metadata?.annotations?.[DEFAULT_CLASS_ANNOTATION] === 'true');
  if (wanted ? names.includes(wanted) : defaults.length > 0) return undefined;
  const only = names.length === 1 ? names[0]! : undefined;
  const existing = `IngressClasses: ${names.join(', ') || '<none>'}`;
  return {
    problem: 'ingress-class',
    // No controller claims it either way; a named class that is gone was meant to be served.
    severity: wanted ? 'critical' : 'warning',
    title: wanted
      ? `Ingress class ${wanted} does not exist`
      : 'Ingress names no ingress class and there is no default class',
    detail: wanted
      ? [
          `ingressClassName: ${wanted}${ing.spec?.ingressClassName ? '' : ` (annotation ${CLASS_ANNOTATION})`}`,
          existing,
        ]
      : ['ingressClassName: <unset>', existing, 'default class: none'],
    suggestedFix: only
      ? `Set ingressClassName to ${only}, the cluster's one IngressClass.`
      : names.length
        ? `Set ingressClassName to one of: ${names.join(', ')}.`
        : 'Install an ingress controller (on minikube: minikube addons enable ingress); it creates its IngressClass.',
    ...(only ? { recommendation: setIngressClassOp(resource, only) } : {}),
    runbook: 'ingress-backend',
    since: epoch(ing.metadata?.creationTimestamp),
  };
}

function backends(ing: V1Ingress): Backend[] {
  const list: Backend[] = [];
  const add = (backend: V1IngressBackend | undefined, path: string, route: string) => {
    const service = backend?.service;
    if (!service?.name) return;
    const port = service.port?.name
      ? { name: service.port.name }
      : service.port?.number !== undefined
        ? { number: service.port.number }
        : undefined;
    list.push({ path, route, service: service.name, port });
  };
  add(ing.spec?.defaultBackend, '/spec/defaultBackend', 'default backend');
  (ing.spec?.rules ?? []).forEach((rule, i) =>
    (rule.http?.paths ?? []).forEach((p, j) =>
      add(p.backend, `/spec/rules/${i}/http/paths/${j}/backend`, `${rule.host ?? '*'}${p.path ?? '/'}`),
    ),
  );
  return list;
}

const portText = (port: Backend['port']) =>
  !port ? '<none>' : 'number' in port ? String(port.number) : port.name;

function backendProblems(
  ing: V1Ingress,
  resource: ResourceRef,
  services: Map<string, V1Service>,
  all: readonly V1Service[],
): Problem[] {
  const namespace = resource.namespace!;
  const since = epoch(ing.metadata?.creationTimestamp);
  // One finding per missing service, and per missing port of a service, however many rules use it.
  const missing = new Map<string, Backend[]>();
  const badPort = new Map<string, Backend[]>();
  for (const backend of backends(ing)) {
    const service = services.get(`${namespace}/${backend.service}`);
    if (!service) addTo(missing, backend.service, backend);
    else if (!hasPort(service, backend.port))
      addTo(badPort, `${backend.service}:${portText(backend.port)}`, backend);
  }
  const problems: Problem[] = [];
  const inNamespace = all
    .filter((s) => s.metadata?.namespace === namespace)
    .map((s) => s.metadata?.name ?? '');
  for (const [service, uses] of missing) {
    const near = inNamespace.filter((n) => isTypoOf(n, service));
    problems.push({
      problem: `backend-service:${service}`,
      severity: 'critical',
      title: `Ingress backend service ${service} does not exist`,
      detail: [
        ...uses.map((b) => `${b.route} → service ${b.service}:${portText(b.port)}`),
        `services in ${namespace}: ${inNamespace.join(', ') || '<none>'}`,
      ],
      suggestedFix:
        near.length === 1
          ? `Point the backend at service ${near[0]} (the name differs by a typo), or create service ${service}.`
          : `Create service ${service}, or point the backend at one of the services in ${namespace}.`,
      runbook: 'ingress-backend',
      since,
    });
  }
  for (const uses of badPort.values()) {
    const first = uses[0]!;
    const service = services.get(`${namespace}/${first.service}`)!;
    const ports = service.spec?.ports ?? [];
    const only = ports.length === 1 ? ports[0]! : undefined;
    const fixTo = only
      ? first.port && 'name' in first.port && only.name
        ? { name: only.name }
        : { number: only.port }
      : undefined;
    problems.push({
      problem: `backend-port:${first.service}:${portText(first.port)}`,
      severity: 'critical',
      title: `Ingress backend port ${portText(first.port)} is not a port of service ${first.service}`,
      detail: [
        ...uses.map((b) => `${b.route} → service ${b.service}:${portText(b.port)}`),
        `service ${first.service} ports: ${ports.map((p) => `${p.name ? `${p.name}=` : ''}${p.port}/${p.protocol ?? 'TCP'}`).join(', ') || '<none>'}`,
      ],
      suggestedFix: fixTo
        ? `Point the backend at port ${portText(fixTo)}, the service's one port.`
        : `Use one of the service's ports (by number or name).`,
      ...(fixTo
        ? {
            recommendation: patchIngressBackendPortOp(
              resource,
              uses.map((b) => b.path),
              first.service,
              fixTo,
            ),
          }
        : {}),
      runbook: 'ingress-backend',
      since,
    });
  }
  return problems;
}

function hasPort(service: V1Service, port: Backend['port']): boolean {
  if (!port) return false;
  return (service.spec?.ports ?? []).some((p) =>
    'number' in port ? p.port === port.number : p.name === port.name,
  );
}

function tlsProblems(ing: V1Ingress, secrets: Map<string, V1Secret>): Problem[] {
  const namespace = ing.metadata?.namespace ?? '';
  const problems: Problem[] = [];
  for (const tls of ing.spec?.tls ?? []) {
    if (!tls.secretName) continue;
    const secret = secrets.get(`${namespace}/${tls.secretName}`);
    const hosts = `hosts: ${(tls.hosts ?? []).join(', ') || '<all>'}`;
    const keys = Object.keys(secret?.data ?? {});
    const lacking = ['tls.crt', 'tls.key'].filter((k) => !keys.includes(k));
    if (secret && lacking.length === 0) continue;
    problems.push({
      problem: `tls-secret:${tls.secretName}`,
      severity: 'warning',
      title: secret
        ? `TLS secret ${tls.secretName} has no ${lacking.join(' or ')}`
        : `TLS secret ${tls.secretName} does not exist`,
      detail: [
        hosts,
        secret
          ? `secret ${tls.secretName}: type ${secret.type ?? 'Opaque'}, keys ${keys.join(', ') || '<none>'}`
          : `secret ${namespace}/${tls.secretName}: not found`,
        'the controller serves its default (self-signed) certificate for these hosts',
      ],
      suggestedFix: `Create the certificate secret: kubectl create secret tls ${tls.secretName} -n ${namespace} --cert=<file> --key=<file> (or let cert-manager issue it).`,
      runbook: 'ingress-backend',
      since: epoch(ing.metadata?.creationTimestamp),
    });
  }
  return problems;
}
