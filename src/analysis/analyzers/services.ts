// Services that do not deliver traffic (k8sgpt's service analyzer, popeye's svc lint): a selector
// that matches no pod (with the pods it nearly matches, and a selector patch when one workload is
// obviously meant), matched pods none of which is ready, a targetPort no container serves, a
// selectorless Service whose EndpointSlices are empty, a LoadBalancer that never got an address.
import type { V1Container, V1EndpointSlice, V1Pod, V1Service, V1ServicePort } from '@kubernetes/client-node';
import { describeCondition, describeEvent, latestEvent } from '../event-evidence.js';
import { makeFinding, refKey, type FindingInput } from '../finding.js';
import { patchServiceSelectorOp, patchServiceTargetPortOp } from '../../workflow/proposed-operations.js';
import { describeLabels, describeSelector, isTypoOf, matchesLabels } from '../labels.js';
import { addTo, selectorIndex, type NearMiss } from '../selector-index.js';
import { indexSnapshot } from '../snapshot-index.js';
import { epoch, formatDuration } from '../time.js';
import type {
  AnalyzeOptions,
  ClusterSnapshot,
  Finding,
  ProposedOperation,
  ResourceRef,
} from '../../model/analysis.js';

const ANALYZER = 'services';
/** A cloud gives an address within a minute or two; after this, nothing is going to. */
export const LOAD_BALANCER_PENDING_MS = 10 * 60_000;
/** Pods listed one per line; the rest are counted. */
const LISTED = 5;
const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';

type Problem = Omit<FindingInput, 'analyzer' | 'resource'>;

export function services(snapshot: ClusterSnapshot, options: AnalyzeOptions): Finding[] {
  if (!snapshot.services) return [];
  const slices = slicesByService(snapshot.endpointSlices);
  const findings: Finding[] = [];
  for (const service of snapshot.services) {
    const { namespace = '', name } = service.metadata ?? {};
    if (!name || service.spec?.type === 'ExternalName') continue;
    const resource = { kind: 'Service', namespace, name };
    const problems: (Problem | undefined)[] = [];
    const selector = service.spec?.selector ?? {};
    const own = slices?.get(`${namespace}/${name}`);
    if (Object.keys(selector).length === 0) {
      problems.push(selectorlessWithoutEndpoints(service, own));
    } else {
      const pods = selectorIndex(snapshot).matchingLabels(namespace, selector);
      if (pods.length === 0) problems.push(noMatchingPods(snapshot, service, resource, selector));
      else {
        problems.push(readiness(snapshot, options, selector, pods, own));
        problems.push(...targetPorts(service, resource, pods));
      }
    }
    problems.push(loadBalancerPending(snapshot, service, resource));
    for (const problem of problems) {
      if (problem) findings.push(makeFinding(snapshot, { analyzer: ANALYZER, resource, ...problem }));
    }
  }
  return findings;
}

function slicesByService(slices: readonly V1EndpointSlice[] | undefined) {
  if (!slices) return undefined;
  const byService = new Map<string, V1EndpointSlice[]>();
  for (const slice of slices) {
    const service = slice.metadata?.labels?.[SERVICE_NAME_LABEL];
    if (!service) continue;
    addTo(byService, `${slice.metadata?.namespace}/${service}`, slice);
  }
  return byService;
}

/** An endpoint's `ready` left unset means ready (discovery.k8s.io/v1). */
const readyEndpoints = (slices: readonly V1EndpointSlice[]) =>
  slices.flatMap((s) => s.endpoints ?? []).filter((e) => e.conditions?.ready !== false);

function selectorlessWithoutEndpoints(
  service: V1Service,
  slices: V1EndpointSlice[] | undefined,
): Problem | undefined {
  // Without slices of its own there is nothing to judge: such a Service is fed by hand or not at all.
  if (!slices?.length || readyEndpoints(slices).length > 0) return undefined;
  return {
    problem: 'no-endpoints',
    severity: 'warning',
    title: 'Service without a selector has no ready endpoints',
    detail: [
      'selector: <none> (endpoints are managed by hand)',
      `EndpointSlices: ${slices.map((s) => `${s.metadata?.name} (${s.endpoints?.length ?? 0} endpoints)`).join(', ')}`,
    ],
    suggestedFix: `Add the backend addresses to the EndpointSlices of ${service.metadata?.name}, or give the Service a selector.`,
    runbook: 'service-endpoints',
  };
}

/** Pods one label off, grouped by the workload that owns them and the label they differ in. */
export interface SelectorCandidate {
  workload: ResourceRef;
  key: string;
  wanted: string;
  actual: string | undefined;
  pods: V1Pod[];
}

/**
 * The workload a selector was obviously meant for, or undefined when it is not obvious: the only
 * one a multi-label selector misses by one label, else the only one named as the Service or
 * whose value is a typo of the wanted one.
 */
export function intendedWorkload(
  serviceName: string,
  selectorSize: number,
  candidates: readonly SelectorCandidate[],
): SelectorCandidate | undefined {
  if (selectorSize > 1 && candidates.length === 1) return candidates[0];
  // Many workloads share a value (each bare pod is its own): judge each value once.
  const typos = new Map<string, boolean>();
  const isTypo = (actual: string, wanted: string) => {
    const key = `${wanted}\0${actual}`;
    let typo = typos.get(key);
    if (typo === undefined) typos.set(key, (typo = isTypoOf(actual, wanted)));
    return typo;
  };
  const related = candidates.filter(
    (c) =>
      c.workload.name === serviceName ||
      c.actual === serviceName ||
      (c.actual !== undefined && isTypo(c.actual, c.wanted)),
  );
  return related.length === 1 ? related[0] : undefined;
}

function groupNearMisses(snapshot: ClusterSnapshot, misses: NearMiss[]): SelectorCandidate[] {
  const { podWorkload } = indexSnapshot(snapshot);
  const groups = new Map<string, SelectorCandidate>();
  for (const miss of misses) {
    const { namespace, name } = miss.pod.metadata ?? {};
    const workload = podWorkload.get(`${namespace}/${name}`)?.ref ?? {
      kind: 'Pod',
      namespace,
      name: name ?? '',
    };
    const key = `${refKey(workload)}|${miss.key}|${miss.actual ?? ''}`;
    const group = groups.get(key);
    if (group) group.pods.push(miss.pod);
    else
      groups.set(key, {
        workload,
        key: miss.key,
        wanted: miss.wanted,
        actual: miss.actual,
        pods: [miss.pod],
      });
  }
  return [...groups.values()];
}

function describeCandidate(c: SelectorCandidate): string {
  const ref = `${c.workload.kind} ${c.workload.namespace}/${c.workload.name}`;
  const pods = `${c.pods.length} pod${c.pods.length === 1 ? '' : 's'}`;
  return c.actual === undefined
    ? `${ref}: ${pods} without label ${c.key} (selector wants ${c.key}=${c.wanted})`
    : `${ref}: ${pods} labelled ${c.key}=${c.actual} (selector wants ${c.key}=${c.wanted})`;
}

function noMatchingPods(
  snapshot: ClusterSnapshot,
  service: V1Service,
  resource: ResourceRef,
  selector: Record<string, string>,
): Problem {
  const namespace = resource.namespace!;
  const candidates = groupNearMisses(snapshot, selectorIndex(snapshot).nearMisses(namespace, selector));
  const idle = snapshot.deployments.filter(
    (d) => d.metadata?.namespace === namespace && matchesLabels(d.spec?.template?.metadata?.labels, selector),
  );
  const detail = [
    `selector: ${describeSelector({ matchLabels: selector })}`,
    `no running pod in namespace ${namespace} has all these labels`,
    ...candidates.slice(0, LISTED).map((c) => `nearest: ${describeCandidate(c)}`),
    ...idle.map(
      (d) =>
        `Deployment ${namespace}/${d.metadata?.name}: its pod template matches, but it runs no pods (replicas: ${d.spec?.replicas ?? 1})`,
    ),
  ];
  if (candidates.length === 0 && idle.length === 0) {
    const others = selectorIndex(snapshot).active(namespace);
    detail.push(
      others.length
        ? `pods in ${namespace} carry: ${[...new Set(others.slice(0, 50).map((p) => describeLabels(p.metadata?.labels)))].slice(0, LISTED).join('; ')}`
        : `namespace ${namespace} has no running pods`,
    );
  }
  const base = {
    problem: 'no-matching-pods',
    title: `Service selector ${describeSelector({ matchLabels: selector })} matches no pod`,
    detail,
    runbook: 'service-endpoints' as const,
    since: epoch(service.metadata?.creationTimestamp),
  };
  if (idle.length > 0 && candidates.length === 0) {
    // The selector is right; its workload runs no pods (scaled to zero, or failing to create them).
    return {
      ...base,
      severity: 'warning',
      affected: idle.map((d) => ({ kind: 'Deployment', namespace, name: d.metadata?.name ?? '' })),
      suggestedFix: `The selector matches the pods of ${idle.map((d) => d.metadata?.name).join(', ')}, which runs none: scale it up or see why it creates no pods.`,
    };
  }
  const intended = intendedWorkload(resource.name, Object.keys(selector).length, candidates);
  let recommendation: ProposedOperation | undefined;
  let suggestedFix =
    'Set the Service selector to the labels of the pods it should send traffic to (kubectl get pods --show-labels), or label those pods.';
  if (intended) {
    recommendation = patchServiceSelectorOp(resource, { [intended.key]: intended.actual ?? null });
    suggestedFix = `The selector was meant for ${intended.workload.kind} ${intended.workload.name}: ${
      intended.actual === undefined
        ? `drop ${intended.key} from the selector (its pods do not carry it)`
        : `set ${intended.key}=${intended.actual} in the selector`
    }.`;
  }
  return {
    ...base,
    severity: 'critical',
    affected: candidates.map((c) => c.workload),
    suggestedFix,
    ...(recommendation ? { recommendation } : {}),
  };
}

interface NotReady {
  ref: ResourceRef;
  line: string;
  since: number | undefined;
}

/** A pod that has been not Ready for longer than the grace period, with its Ready condition. */
function notReadyLong(snapshot: ClusterSnapshot, options: AnalyzeOptions, pod: V1Pod): NotReady | undefined {
  const ready = pod.status?.conditions?.find((c) => c.type === 'Ready');
  if (ready?.status === 'True') return undefined;
  const since = epoch(ready?.lastTransitionTime) ?? epoch(pod.metadata?.creationTimestamp);
  if (since !== undefined && snapshot.now - since < options.graceMs) return undefined;
  const { namespace, name = '' } = pod.metadata ?? {};
  const why = ready
    ? describeCondition(ready)
    : `phase ${pod.status?.phase ?? 'unknown'}, no Ready condition`;
  return { ref: { kind: 'Pod', namespace, name }, line: `pod ${name}: ${why}`, since };
}

function readiness(
  snapshot: ClusterSnapshot,
  options: AnalyzeOptions,
  selector: Record<string, string>,
  pods: V1Pod[],
  slices: V1EndpointSlice[] | undefined,
): Problem | undefined {
  // The EndpointSlices say what kube-proxy routes to; pods stand in where none are known yet.
  const endpoints = slices?.flatMap((s) => s.endpoints ?? []) ?? [];
  const fromSlices = endpoints.length > 0;
  const total = fromSlices ? endpoints.length : pods.length;
  let ready: number;
  let unready: V1Pod[];
  if (fromSlices) {
    ready = readyEndpoints(slices!).length;
    const byName = new Map(pods.map((p) => [p.metadata?.name, p]));
    unready = endpoints
      .filter((e) => e.conditions?.ready === false && e.targetRef?.kind === 'Pod')
      .map((e) => byName.get(e.targetRef!.name))
      .filter((p): p is V1Pod => p !== undefined);
  } else {
    unready = pods.filter((p) => p.status?.conditions?.find((c) => c.type === 'Ready')?.status !== 'True');
    ready = pods.length - unready.length;
  }
  const long = unready.map((p) => notReadyLong(snapshot, options, p)).filter((n): n is NotReady => !!n);
  if (long.length === 0) return undefined;
  const source = fromSlices ? 'endpoints (EndpointSlices)' : 'matching pods';
  const detail = [
    `selector: ${describeSelector({ matchLabels: selector })}`,
    `${ready} of ${total} ${source} ready`,
    ...long.slice(0, LISTED).map((n) => n.line),
    ...(long.length > LISTED ? [`… and ${long.length - LISTED} more not ready`] : []),
  ];
  const affected = long.map((n) => n.ref);
  if (ready === 0) {
    return {
      problem: 'no-ready-endpoints',
      severity: 'critical',
      title: `Service has no ready endpoints: ${total} pod${total === 1 ? '' : 's'} match, none ready`,
      detail,
      affected,
      suggestedFix:
        'The pods it selects are not Ready: fix what keeps them from becoming Ready (see their findings: probe, crash loop, image); the Service routes to them once they are.',
      runbook: 'service-endpoints',
      since: Math.max(...long.map((n) => n.since ?? snapshot.now)),
    };
  }
  return {
    problem: 'unready-endpoints',
    severity: 'info',
    title: `Service serves from ${ready} of ${total} endpoints; ${long.length} not ready`,
    detail,
    affected,
    suggestedFix: 'Traffic goes to the ready pods only; see the findings of the pods that are not Ready.',
    runbook: 'service-endpoints',
    since: Math.min(...long.map((n) => n.since ?? snapshot.now)),
  };
}

interface ServedPort {
  port: number;
  name: string | undefined;
  protocol: string;
  container: string;
}

/** Ports declared by the pods' containers (and sidecars: init containers that keep running). */
function servedPorts(pods: V1Pod[]): ServedPort[] {
  const seen = new Map<string, ServedPort>();
  for (const pod of pods) {
    const containers: V1Container[] = [
      ...(pod.spec?.containers ?? []),
      ...(pod.spec?.initContainers ?? []).filter((c) => c.restartPolicy === 'Always'),
    ];
    for (const c of containers) {
      for (const p of c.ports ?? []) {
        const served = {
          port: p.containerPort,
          name: p.name,
          protocol: p.protocol ?? 'TCP',
          container: c.name,
        };
        seen.set(`${served.protocol}/${served.port}/${served.name ?? ''}`, served);
      }
    }
  }
  return [...seen.values()];
}

const describePort = (p: ServedPort) =>
  `${p.container}:${p.port}${p.name ? ` (${p.name})` : ''}/${p.protocol}`;

function targetPorts(service: V1Service, resource: ResourceRef, pods: V1Pod[]): Problem[] {
  const served = servedPorts(pods);
  // containerPort is informational: pods that declare none may listen anywhere, so only a
  // named targetPort (which must resolve) can be judged against them.
  const problems: Problem[] = [];
  (service.spec?.ports ?? []).forEach((port: V1ServicePort, index) => {
    const protocol = port.protocol ?? 'TCP';
    const target = port.targetPort ?? port.port;
    const candidates = served.filter((s) => s.protocol === protocol);
    const hit =
      typeof target === 'number'
        ? candidates.some((s) => s.port === target)
        : candidates.some((s) => s.name === target);
    if (hit || (typeof target === 'number' && served.length === 0)) return;
    const distinct = [...new Map(candidates.map((s) => [s.port, s])).values()];
    const only = distinct.length === 1 ? distinct[0]! : undefined;
    const fixTo = only ? (typeof target === 'string' && only.name ? only.name : only.port) : undefined;
    problems.push({
      problem: `target-port:${port.name ?? port.port}`,
      // A name that resolves nowhere leaves the port out of every endpoint; a number may still be
      // served without being declared.
      severity: typeof target === 'string' ? 'critical' : 'warning',
      title: `Service port ${port.port} targets ${typeof target === 'string' ? 'named port' : 'port'} ${target}, which no container ${typeof target === 'string' ? 'names' : 'declares'}`,
      detail: [
        `port ${port.name ? `${port.name} ` : ''}${port.port}/${protocol} → targetPort ${target}`,
        `containerPorts of the ${pods.length} matching pod${pods.length === 1 ? '' : 's'}: ${candidates.map(describePort).join(', ') || `none for ${protocol}`}`,
      ],
      suggestedFix:
        fixTo !== undefined
          ? `Point targetPort at ${fixTo}, the one port the pods serve.`
          : `Set targetPort to the port the container listens on, or declare it in the container's ports.`,
      ...(fixTo !== undefined
        ? { recommendation: patchServiceTargetPortOp(resource, index, port.port, fixTo) }
        : {}),
      runbook: 'service-endpoints',
      since: epoch(service.metadata?.creationTimestamp),
    });
  });
  return problems;
}

function loadBalancerPending(
  snapshot: ClusterSnapshot,
  service: V1Service,
  resource: ResourceRef,
): Problem | undefined {
  if (service.spec?.type !== 'LoadBalancer' || service.status?.loadBalancer?.ingress?.length)
    return undefined;
  const created = epoch(service.metadata?.creationTimestamp);
  if (created === undefined || snapshot.now - created < LOAD_BALANCER_PENDING_MS) return undefined;
  const failed = latestEvent(indexSnapshot(snapshot).events.get(refKey(resource)), [
    'SyncLoadBalancerFailed',
  ]);
  return {
    problem: 'load-balancer-pending',
    severity: 'info',
    title: `LoadBalancer has no external address after ${formatDuration(snapshot.now - created)}`,
    detail: [
      'type: LoadBalancer, status.loadBalancer.ingress: <pending>',
      ...(failed ? [describeEvent(failed)] : []),
    ],
    suggestedFix:
      'No load-balancer controller serves this cluster (on minikube run `minikube tunnel`): reach it through its NodePort or an Ingress, or change the type to ClusterIP.',
    runbook: 'service-endpoints',
    since: created,
  };
}
