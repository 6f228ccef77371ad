// Pod failures, one finding per container problem: crash loops (with the last termination and
// log lines), OOM kills (usage against the limit), image pulls, unschedulable pods, failing
// probes, frequent restarts. Each container gets at most one finding, the most specific one.
// The fix proposed is the cure where the cause is known (fixes.ts): the revision that ran when a
// rollout broke the pods, the probe pointed at the port the container serves.
import type { CoreV1Event, V1Container, V1ContainerStatus, V1Pod, V1Probe } from '@kubernetes/client-node';
import { formatBytes } from '../../kube/quantity.js';
import { makeFinding, type FindingInput } from '../finding.js';
import { fixFor, type FaultFacts } from '../fixes.js';
import {
  deletePodOp,
  patchOp,
  rolloutUndoOp,
  setImageOp,
  setResourcesOp,
} from '../../workflow/proposed-operations.js';
import {
  describeLastGood,
  imagesToRestore,
  lastRevisionThatRan,
  podRuns,
  type LastGood,
  type TemplateChange,
} from '../revisions.js';
import { describePlacement, unmatchedPlacement } from '../placement.js';
import { containerResources, memoryQuantity, TEMPLATED_KINDS } from '../resources.js';
import { addTo } from '../selector-index.js';
import { indexSnapshot, type Workload } from '../snapshot-index.js';
import { epoch, formatDuration } from '../time.js';
import type {
  AnalyzeOptions,
  ClusterSnapshot,
  Finding,
  ProposedOperation,
  ResourceRef,
} from '../../model/analysis.js';

const ANALYZER = 'pod-failures';
const IMAGE_PULL = new Set(['ErrImagePull', 'ImagePullBackOff', 'InvalidImageName', 'ErrImageNeverPull']);
const CONTAINER_ERRORS = new Set(['CreateContainerConfigError', 'CreateContainerError', 'RunContainerError']);
/** Container errors whose cause is the command or image (a missing reference is config-references'). */
const START_ERRORS = new Set(['CreateContainerError', 'RunContainerError']);

/** Liveness failures older than this are history, not a current problem. */
const RECENT_MS = 10 * 60_000;

const EXIT_CODE_HINTS: Record<number, string> = {
  1: 'application error',
  126: 'command not executable',
  127: 'command not found',
  137: 'killed by SIGKILL (out of memory or a failed liveness probe)',
  139: 'segmentation fault',
  143: 'terminated by SIGTERM',
};

interface PodContext {
  snapshot: ClusterSnapshot;
  options: AnalyzeOptions;
  pod: V1Pod;
  ref: ResourceRef;
  workload: Workload | undefined;
  affected: ResourceRef[];
  events: CoreV1Event[];
  /** What is the same for every pod of a workload, worked out once per analysis. */
  perWorkload: PerWorkload;
}

interface PerWorkload {
  /** Per workload and container: the revision that ran before its current one (lastRevisionThatRan). */
  lastGood: Map<Workload, Map<string, LastGood | undefined>>;
  /** Per workload: controlling owner name → its pods that run (podRuns). */
  running: Map<Workload, Map<string | undefined, V1Pod[]>>;
}

export function podFailures(snapshot: ClusterSnapshot, options: AnalyzeOptions): Finding[] {
  const index = indexSnapshot(snapshot);
  const findings: Finding[] = [];
  const perWorkload: PerWorkload = { lastGood: new Map(), running: new Map() };
  for (const pod of snapshot.pods) {
    const { namespace, name } = pod.metadata ?? {};
    if (!name || pod.metadata?.deletionTimestamp) continue;
    const ref = { kind: 'Pod', namespace, name };
    const workload = index.podWorkload.get(`${namespace}/${name}`);
    const ctx: PodContext = {
      snapshot,
      options,
      pod,
      ref,
      workload,
      affected: workload && workload.ref.kind !== 'Pod' ? [workload.ref] : [],
      events: index.events.get(`Pod/${namespace}/${name}`) ?? [],
      perWorkload,
    };
    const add = (input: Omit<FindingInput, 'analyzer' | 'resource' | 'affected'>) =>
      findings.push(
        makeFinding(snapshot, { analyzer: ANALYZER, resource: ref, affected: ctx.affected, ...input }),
      );

    // An evicted pod is done: its controller has replaced it, and what evicted it is the node's
    // story (nodes.ts). The pod object only remains to be cleaned up.
    if (pod.status?.phase === 'Failed' && pod.status.reason === 'Evicted') {
      add(evicted(ctx));
      continue;
    }
    const pending = pendingFinding(ctx);
    if (pending) add(pending);
    const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
    for (const status of statuses) {
      const problem = containerFinding(ctx, status);
      if (problem) add(problem);
    }
  }
  return findings;
}

type Problem = Omit<FindingInput, 'analyzer' | 'resource' | 'affected'>;

function containerFinding(ctx: PodContext, status: V1ContainerStatus): Problem | undefined {
  const waiting = status.state?.waiting;
  const reason = waiting?.reason ?? '';
  if (IMAGE_PULL.has(reason)) return imagePull(ctx, status);
  const oomKilled = [status.state?.terminated, status.lastState?.terminated].find(
    (t) => t?.reason === 'OOMKilled',
  );
  if (oomKilled) return oom(ctx, status, reason === 'CrashLoopBackOff', epoch(oomKilled.finishedAt));
  if (reason === 'CrashLoopBackOff') return crashLoop(ctx, status);
  if (CONTAINER_ERRORS.has(reason)) {
    const last = START_ERRORS.has(reason) ? regressionOf(ctx, status.name, () => true) : undefined;
    const cure = last ? cureFor(ctx, { cause: 'command', regression: last }, last) : undefined;
    return {
      problem: `container-error:${status.name}`,
      severity: 'critical',
      title: `${status.name}: ${reason}`,
      detail: [waiting?.message ?? reason, ...(last ? describeLastGood(last) : [])],
      suggestedFix: cure
        ? `${cure.summary}: the revision that ran.`
        : 'Check the referenced ConfigMaps, Secrets and the container command.',
      ...(cure ? { recommendation: cure } : {}),
    };
  }
  return probeFailure(ctx, status) ?? restarts(ctx, status);
}

function imagePull(ctx: PodContext, status: V1ContainerStatus): Problem {
  const waiting = status.state!.waiting!;
  const image = specContainer(ctx.pod, status.name)?.image ?? status.image;
  const pulls = eventsFor(ctx, status.name, (e) => e.reason === 'Failed' || e.reason === 'BackOff');
  const last = regressionOf(ctx, status.name, (c) => c.field === 'image');
  const cure = last ? cureFor(ctx, { cause: 'image', regression: last }, last) : undefined;
  return {
    problem: `image-pull:${status.name}`,
    severity: 'critical',
    title: `${status.name} cannot pull image ${image} (${waiting.reason})`,
    detail: [
      `image: ${image}`,
      ...(waiting.message ? [`kubelet: ${waiting.message}`] : []),
      ...pulls.slice(-2).map(describeEvent),
      ...(last ? describeLastGood(last) : []),
    ],
    ...(cure ? { recommendation: cure } : {}),
    suggestedFix: cure
      ? `${cure.summary}: the image that ran; then publish the new image before rolling it out again.`
      : `Check the image name and tag, that it exists in the registry, and the pull secret.`,
    runbook: 'imagepullbackoff',
    since: firstEventTime(pulls),
  };
}

function crashLoop(ctx: PodContext, status: V1ContainerStatus): Problem {
  const last = status.lastState?.terminated;
  const detail = [`restarts: ${status.restartCount}`];
  if (last) {
    const hint = EXIT_CODE_HINTS[last.exitCode];
    detail.push(
      `last termination: ${last.reason ?? 'unknown'}, exit code ${last.exitCode}${hint ? ` (${hint})` : ''}` +
        (last.finishedAt ? ` at ${new Date(epoch(last.finishedAt)!).toISOString()}` : ''),
    );
    if (last.message) detail.push(`message: ${last.message}`);
  }
  const { namespace: ns, name } = ctx.ref;
  const logs = ctx.snapshot.logs?.[`${ns}/${name}/${status.name}`];
  const logError = ctx.snapshot.logErrors?.[`${ns}/${name}/${status.name}`];
  if (logs?.length) {
    detail.push(`last ${Math.min(logs.length, ctx.options.logLines)} log lines:`);
    for (const line of logs.slice(-ctx.options.logLines)) detail.push(`  ${line}`);
  } else if (logError) {
    detail.push(`previous log unavailable: ${logError}`);
  }
  const regression = regressionOf(ctx, status.name, () => true);
  if (regression) detail.push(...describeLastGood(regression));
  // The pod's own failure (its siblings run) is transient: a fresh pod is the fix. When every
  // pod of the template fails, a fresh one fails too: the cause is in the template.
  const facts: FaultFacts = regression
    ? { cause: 'command', regression }
    : { cause: siblingsRun(ctx) ? 'transient' : 'command', replaceable: replaceable(ctx) };
  const cure = cureFor(ctx, facts, regression);
  const logHint = `Read the previous run's log (kubectl logs ${name} -n ${ns} -c ${status.name} --previous)`;
  return {
    problem: `crashloop:${status.name}`,
    severity: 'critical',
    title: `${status.name} is crash-looping${last ? ` (exit code ${last.exitCode}, ${last.reason ?? 'unknown'})` : ''}`,
    detail,
    suggestedFix:
      cure?.kind === 'delete-pod'
        ? `Only this pod fails while its siblings run: delete it, its controller starts a fresh one. ${logHint} to see what happened.`
        : cure
          ? `${cure.summary}: the revision that ran. ${logHint} to fix the new revision.`
          : `${logHint} and fix the command, configuration or dependency it fails on.`,
    ...(cure ? { recommendation: cure } : {}),
    runbook: 'crashloopbackoff',
    since: epoch(status.lastState?.terminated?.startedAt) ?? epoch(ctx.pod.status?.startTime),
  };
}

function evicted(ctx: PodContext): Problem {
  const cure = cureFor(ctx, { cause: 'transient', replaceable: replaceable(ctx) }, undefined);
  return {
    problem: 'evicted',
    severity: 'info',
    title: `Evicted: ${firstLine(ctx.pod.status?.message ?? 'no message')}`,
    detail: [
      ...(ctx.pod.spec?.nodeName ? [`node: ${ctx.pod.spec.nodeName}`] : []),
      ...(ctx.pod.status?.message ? [`kubelet: ${ctx.pod.status.message}`] : []),
    ],
    suggestedFix: cure
      ? 'Its controller has started a replacement; delete the evicted pod to clean up, and see the node findings for the pressure that evicted it.'
      : 'Nothing recreates a bare pod: create it again once the node has room; see the node findings for the pressure that evicted it.',
    ...(cure ? { recommendation: cure } : {}),
    runbook: 'node-pressure',
    since: epoch(ctx.pod.status?.startTime),
  };
}

function oom(ctx: PodContext, status: V1ContainerStatus, looping: boolean, at: number | undefined): Problem {
  const container = specContainer(ctx.pod, status.name);
  const limit = container ? containerResources(container).memoryLimit : undefined;
  const samples = ctx.snapshot.usage.get(`${ctx.ref.namespace}/${ctx.ref.name}/${status.name}`) ?? [];
  const peak = samples.reduce((max, s) => Math.max(max, s.memoryBytes), 0);
  const detail = [`restarts: ${status.restartCount}`];
  detail.push(
    limit === undefined
      ? 'memory limit: none (killed by node memory pressure)'
      : `memory limit: ${formatBytes(limit)}`,
  );
  if (peak > 0) {
    detail.push(
      `peak memory usage seen: ${formatBytes(peak)}${limit ? ` (${Math.round((peak / limit) * 100)} % of the limit)` : ''}`,
    );
  }
  let recommendation;
  let suggestedFix = 'Find what uses the memory (a leak, a cache, a large request) or raise the limit.';
  const target = ctx.workload?.ref;
  if (limit !== undefined && target && TEMPLATED_KINDS.has(target.kind)) {
    // Above both the old limit (it was too small) and the observed peak, with headroom.
    const raised = memoryQuantity(Math.max(limit * 1.5, peak * ctx.options.memoryLimitFactor));
    recommendation = setResourcesOp(target, status.name, {}, { memory: raised });
    suggestedFix = `Raise the memory limit of ${status.name} to ${raised}, then check whether usage keeps growing (a leak).`;
  }
  return {
    problem: `oomkilled:${status.name}`,
    severity: looping ? 'critical' : 'warning',
    title: `${status.name} was OOMKilled${limit !== undefined ? ` at its ${formatBytes(limit)} memory limit` : ''}`,
    detail,
    suggestedFix,
    recommendation,
    runbook: 'oomkilled',
    since: at,
  };
}

function pendingFinding(ctx: PodContext): Problem | undefined {
  const { pod, snapshot, options } = ctx;
  if (pod.status?.phase !== 'Pending' || pod.spec?.nodeName) return undefined;
  const scheduled = pod.status.conditions?.find((c) => c.type === 'PodScheduled');
  const failed = ctx.events.filter((e) => e.reason === 'FailedScheduling');
  const created = epoch(pod.metadata?.creationTimestamp) ?? snapshot.now;
  const unschedulable = scheduled?.status === 'False';
  if (!unschedulable && failed.length === 0 && snapshot.now - created < options.graceMs) return undefined;
  const reason =
    (unschedulable ? scheduled.message : undefined) ??
    failed.at(-1)?.message ??
    'not scheduled yet, no reason given';
  const placement = unmatchedPlacement(pod, snapshot.nodes);
  return {
    problem: 'pending',
    severity: unschedulable || failed.length ? 'critical' : 'warning',
    title: `Pending: ${firstLine(reason)}`,
    detail: [
      `pending for ${formatDuration(snapshot.now - created)}`,
      ...(scheduled?.reason ? [`PodScheduled=${scheduled.status} (${scheduled.reason})`] : []),
      ...failed.slice(-2).map(describeEvent),
      ...(placement ? describePlacement(placement) : []),
    ],
    // No operation: which side is wrong (the selector or the nodes' labels) is a person's call.
    suggestedFix: placement
      ? `No node meets ${placement.unmet.map((r) => r.source).join(' and ')}: correct the pod template's node selector or affinity, or label a node that should run it (nearest: ${placement.nearest.map((n) => n.node).join(', ')}).`
      : /insufficient/i.test(reason)
        ? 'Lower the pod requests to what it uses, or add node capacity.'
        : 'Check node selectors, affinity, taints/tolerations and PersistentVolumeClaims against the nodes.',
    runbook: 'pending',
    since: epoch(scheduled?.lastTransitionTime) ?? created,
  };
}

function probeFailure(ctx: PodContext, status: V1ContainerStatus): Problem | undefined {
  // Events outlive the problem (an hour by default): readiness counts while the container is
  // not Ready, liveness while its failures are recent.
  const unhealthy = eventsFor(ctx, status.name, (e) => e.reason === 'Unhealthy');
  const liveness = unhealthy.filter(
    (e) => /^liveness/i.test(e.message ?? '') && ctx.snapshot.now - (eventTime(e) ?? 0) <= RECENT_MS,
  );
  const readiness = status.ready ? [] : unhealthy.filter((e) => /^readiness/i.test(e.message ?? ''));
  const container = specContainer(ctx.pod, status.name);
  const started = epoch(status.state?.running?.startedAt);
  const notReadyLong =
    started !== undefined && !status.ready && ctx.snapshot.now - started >= ctx.options.graceMs;
  const probe = liveness.length
    ? 'liveness'
    : readiness.length || (notReadyLong && container?.readinessProbe)
      ? 'readiness'
      : undefined;
  if (!probe) return undefined;
  const events = probe === 'liveness' ? liveness : readiness;
  const detail = [`ready: ${status.ready}, restarts: ${status.restartCount}`];
  if (notReadyLong) detail.push(`not Ready for ${formatDuration(ctx.snapshot.now - started!)}`);
  const spec = probe === 'liveness' ? container?.livenessProbe : container?.readinessProbe;
  if (spec) detail.push(`${probe} probe: ${describeProbe(spec)}`);
  const field = probe === 'liveness' ? 'livenessProbe' : 'readinessProbe';
  const fault = spec && container ? probeFault(spec, container, events) : undefined;
  // The rollout broke the probe by changing it, or by an image that no longer serves it.
  const regression = fault
    ? regressionOf(ctx, status.name, (c) => c.field === field || c.field === 'image')
    : undefined;
  if (fault) detail.push(fault.evidence);
  if (regression) detail.push(...describeLastGood(regression));
  detail.push(...events.slice(-3).map(describeEvent));
  const cure = fault
    ? cureFor(
        ctx,
        { cause: fault.cause, servedPort: fault.port !== undefined, ...(regression ? { regression } : {}) },
        regression,
        fault.port === undefined ? undefined : probePatch(status.name, field, spec!, fault.port),
      )
    : undefined;
  return {
    problem: `probe-${probe}:${status.name}`,
    severity: probe === 'liveness' || notReadyLong ? 'critical' : 'warning',
    title: `${status.name} fails its ${probe} probe`,
    detail,
    ...(cure ? { recommendation: cure } : {}),
    suggestedFix:
      cure?.kind === 'patch'
        ? `Point the ${probe} probe at port ${fault!.port}, the one port ${status.name} declares.`
        : cure
          ? `${cure.summary}: the revision whose ${probe} probe passed.`
          : fault?.cause === 'probe-path'
            ? `The ${probe} probe's path ${spec?.httpGet?.path ?? '/'} is not served by ${status.name}: set it to the health path the application serves.`
            : `Check that the probe's port and path match what ${status.name} serves, and that its delays and timeouts fit the start-up time.`,
    runbook: 'probe-failure',
    since: firstEventTime(events) ?? started,
  };
}

function restarts(ctx: PodContext, status: V1ContainerStatus): Problem | undefined {
  if (status.restartCount < ctx.options.restartThreshold) return undefined;
  const last = status.lastState?.terminated;
  return {
    problem: `restarts:${status.name}`,
    severity: 'warning',
    title: `${status.name} restarted ${status.restartCount} times`,
    detail: last ? [`last termination: ${last.reason ?? 'unknown'}, exit code ${last.exitCode}`] : [],
    suggestedFix: 'Read the previous log and the events to see why it keeps stopping.',
    runbook: 'crashloopbackoff',
    since: epoch(ctx.pod.status?.startTime),
  };
}

function specContainer(pod: V1Pod, name: string): V1Container | undefined {
  return (
    pod.spec?.containers.find((c) => c.name === name) ??
    pod.spec?.initContainers?.find((c) => c.name === name)
  );
}

/** Events about this container (fieldPath `spec.containers{name}`) or the pod as a whole. */
function eventsFor(ctx: PodContext, container: string, match: (e: CoreV1Event) => boolean): CoreV1Event[] {
  return ctx.events.filter((e) => {
    const path = e.involvedObject.fieldPath;
    return match(e) && (!path || path.endsWith(`{${container}}`));
  });
}

function eventTime(e: CoreV1Event): number | undefined {
  return epoch(e.lastTimestamp) ?? epoch(e.eventTime) ?? epoch(e.firstTimestamp);
}

function firstEventTime(events: CoreV1Event[]): number | undefined {
  let first: number | undefined;
  for (const e of events) {
    const t = epoch(e.firstTimestamp) ?? eventTime(e);
    if (t !== undefined && (first === undefined || t < first)) first = t;
  }
  return first;
}

function describeEvent(e: CoreV1Event): string {
  const count = e.count && e.count > 1 ? ` (×${e.count})` : '';
  return `event ${e.reason}${count}: ${firstLine(e.message ?? '')}`;
}

function describeProbe(probe: NonNullable<V1Container['readinessProbe']>): string {
  if (probe.httpGet) return `GET :${probe.httpGet.port}${probe.httpGet.path ?? '/'}`;
  if (probe.tcpSocket) return `TCP :${probe.tcpSocket.port}`;
  if (probe.grpc) return `gRPC :${probe.grpc.port}`;
  if (probe.exec) return `exec ${(probe.exec.command ?? []).join(' ')}`;
  return 'unknown handler';
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? '';
}

/**
 * The rollout that broke this pod's container and the revision that ran before it: the pod is
 * of the Deployment's current revision, and that revision changed the container in a way
 * `relevant` accepts (any field for a crash, the image for a pull, the probe or image for a probe).
 */
function regressionOf(
  ctx: PodContext,
  container: string,
  relevant: (change: TemplateChange) => boolean,
): LastGood | undefined {
  const { workload, pod, snapshot } = ctx;
  const deployment = workload?.deployment;
  if (!deployment) return undefined;
  let byContainer = ctx.perWorkload.lastGood.get(workload);
  if (!byContainer) ctx.perWorkload.lastGood.set(workload, (byContainer = new Map()));
  let last = byContainer.get(container);
  if (!byContainer.has(container)) {
    last = lastRevisionThatRan(
      deployment,
      indexSnapshot(snapshot).replicaSetsIn.get(deployment.metadata?.namespace ?? '') ?? [],
      workload.pods,
      snapshot.now,
      container,
    );
    byContainer.set(container, last);
  }
  if (!last) return undefined;
  const replicaSet = pod.metadata?.ownerReferences?.find((o) => o.kind === 'ReplicaSet')?.name;
  if (replicaSet !== last.current.replicaSet.metadata?.name) return undefined;
  return last.changes.some((c) => c.container === container && relevant(c)) ? last : undefined;
}

const replaceable = (ctx: PodContext): boolean =>
  ctx.workload !== undefined && TEMPLATED_KINDS.has(ctx.workload.ref.kind);

/** Whether another pod of the same owner (its ReplicaSet, or the workload) runs. */
function siblingsRun(ctx: PodContext): boolean {
  const { workload } = ctx;
  if (!workload) return false;
  let running = ctx.perWorkload.running.get(workload);
  if (!running) {
    ctx.perWorkload.running.set(workload, (running = new Map()));
    for (const p of workload.pods) {
      if (!podRuns(p, ctx.snapshot.now)) continue;
      for (const o of p.metadata?.ownerReferences ?? []) if (o.controller) addTo(running, o.name, p);
    }
  }
  const owner = ctx.pod.metadata?.ownerReferences?.find((o) => o.controller)?.name;
  return (running.get(owner) ?? []).some((p) => p !== ctx.pod);
}

/** The operation fixFor chooses, built for this pod's workload; undefined for 'none'. */
function cureFor(
  ctx: PodContext,
  facts: FaultFacts,
  last: LastGood | undefined,
  patch?: unknown,
): ProposedOperation | undefined {
  const target = ctx.workload?.ref;
  const kind = fixFor(facts);
  if (kind === 'delete-pod') return deletePodOp(ctx.ref);
  if (!target || kind === 'none') return undefined;
  if (kind === 'patch' && patch !== undefined) return patchOp(target, 'strategic', patch);
  if (!last) return undefined;
  const images = imagesToRestore(last);
  if (kind === 'set-image' && Object.keys(images).length) return setImageOp(target, images);
  return rolloutUndoOp(target, last.good.revision);
}

interface ProbeFault {
  cause: 'probe-port' | 'probe-path';
  /** The port to point the probe at: the container's only declared port. */
  port?: number;
  evidence: string;
}

/**
 * What the probe's failures say: a refused connection on a port the container does not declare,
 * or an HTTP status on its path. Undefined when the failures say neither (a timeout, an app that
 * answers 500 on a port it serves is the app's problem, not the probe's).
 */
function probeFault(probe: V1Probe, container: V1Container, events: CoreV1Event[]): ProbeFault | undefined {
  const port = probe.httpGet?.port ?? probe.tcpSocket?.port;
  const declared = container.ports ?? [];
  const text = events.map((e) => e.message ?? '').join('\n');
  const status = /HTTP probe failed with statuscode: (\d+)/.exec(text)?.[1];
  if (probe.httpGet && status === '404')
    return {
      cause: 'probe-path',
      evidence: `GET ${probe.httpGet.path ?? '/'} answers 404: nothing serves that path`,
    };
  // Declared ports are what the spec says the container serves; with none, nothing can be said.
  if (port === undefined || declared.length === 0 || !/connection refused/.test(text)) return undefined;
  const served = declared.some((p) =>
    typeof port === 'number' ? p.containerPort === port : p.name === port,
  );
  if (served) return undefined;
  const only = declared.length === 1 ? declared[0]!.containerPort : undefined;
  return {
    cause: 'probe-port',
    ...(only !== undefined && only !== port ? { port: only } : {}),
    evidence: `port ${port} refuses connections and is not among ${container.name}'s ports (${declared.map((p) => (p.name ? `${p.name}:${p.containerPort}` : String(p.containerPort))).join(', ')})`,
  };
}

/** A strategic merge of the Deployment's pod template: the probe's port, nothing else. */
function probePatch(
  container: string,
  field: 'livenessProbe' | 'readinessProbe',
  probe: V1Probe,
  port: number,
) {
  const handler = probe.httpGet ? { httpGet: { port } } : { tcpSocket: { port } };
  return { spec: { template: { spec: { containers: [{ name: container, [field]: handler }] } } } };
}
