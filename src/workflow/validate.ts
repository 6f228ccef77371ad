// After a change, the workload is watched for the policy's stability window: every pod ready,
// no new restarts, no crash or pull failure, usage within its limits. The window is measured on
// the server's clock (its Date header), so 60 s means 60 simulated seconds on a fast simulator.
import { Metrics, VersionApi, type KubeConfig, type V1Deployment, type V1Pod } from '@kubernetes/client-node';
import { bytes, cpuMillis } from '../kube/quantity.js';
import type { ObjectClient } from './objects.js';

export interface WorkloadRef {
  namespace: string;
  name: string;
}

/**
 * Pre/post figures of a workload, as recorded in the PHR. Usage is null when it is unknown: no
 * metrics API (a real cluster without metrics-server answers 404 with a text body), or a pod
 * the metrics do not cover yet. Never 0, which would be a measurement.
 */
export type WorkloadMetrics = {
  replicas: number;
  ready_replicas: number;
  restarts: number;
  cpu_millis: number | null;
  memory_bytes: number | null;
};

interface Health {
  metrics: WorkloadMetrics;
  restartsByPod: Map<string, number>;
  /** Why the workload is failing right now, if it is. */
  failing?: string;
  /** Why it is not yet stable (rolling, pods not ready). */
  unsettled?: string;
  /** The rollout is halted (`p`): waiting is then not a failure. */
  paused: boolean;
  serverTime: number;
  /** Why cpu_millis and memory_bytes are null, when they are. */
  usageUnknown?: string;
}

const BAD_WAITING = new Set([
  'CrashLoopBackOff',
  'ImagePullBackOff',
  'ErrImagePull',
  'CreateContainerConfigError',
]);

export class WorkloadProbe {
  private readonly metricsApi: Metrics;
  private readonly version: VersionApi;
  constructor(
    kubeConfig: KubeConfig,
    private readonly objects: ObjectClient,
  ) {
    this.metricsApi = new Metrics(kubeConfig);
    this.version = kubeConfig.makeApiClient(VersionApi);
  }

  /** The server's clock (its Date header on /version, which every identity may read): where a window starts. */
  async serverTime(): Promise<number> {
    const answer = await this.version.getCodeWithHttpInfo();
    return Date.parse(answer.headers.date ?? '') || Date.now();
  }

  async health(ref: WorkloadRef): Promise<Health> {
    const answer = await this.objects.apps.readNamespacedDeploymentWithHttpInfo(ref);
    const deployment: V1Deployment = answer.data;
    const serverTime = Date.parse(answer.headers.date ?? '') || Date.now();
    const selector = Object.entries(deployment.spec?.selector?.matchLabels ?? {})
      .map(([k, v]) => `${k}=${v}`)
      .join(',');
    const pods = (
      await this.objects.core.listNamespacedPod({ namespace: ref.namespace, labelSelector: selector })
    ).items.filter((p) => !p.metadata?.deletionTimestamp);
    const usage = await this.usage(ref.namespace, pods);
    const restartsByPod = new Map(pods.map((p) => [p.metadata!.name!, restarts(p)]));
    const replicas = deployment.spec?.replicas ?? 1;
    const status = deployment.status ?? {};
    const metrics: WorkloadMetrics = {
      replicas,
      ready_replicas: status.readyReplicas ?? 0,
      restarts: [...restartsByPod.values()].reduce((a, b) => a + b, 0),
      ...usage.totals,
    };
    const failing = pods.map(podFailure).find(Boolean) ?? usage.overLimit;
    const rolled =
      (status.observedGeneration ?? 0) >= (deployment.metadata?.generation ?? 0) &&
      (status.updatedReplicas ?? 0) === replicas &&
      (status.replicas ?? 0) === replicas;
    const unsettled =
      !rolled || (status.readyReplicas ?? 0) < replicas
        ? `${status.readyReplicas ?? 0}/${replicas} ready, ${status.updatedReplicas ?? 0} updated`
        : undefined;
    return {
      metrics,
      restartsByPod,
      serverTime,
      paused: deployment.spec?.paused === true,
      ...(failing ? { failing } : {}),
      ...(unsettled ? { unsettled } : {}),
      ...(usage.unknown ? { usageUnknown: usage.unknown } : {}),
    };
  }

  private async usage(namespace: string, pods: V1Pod[]) {
    let cpu = 0;
    let memory = 0;
    let overLimit: string | undefined;
    let unknown: string | undefined;
    try {
      const list = await this.metricsApi.getPodMetrics(namespace);
      const byName = new Map(pods.map((p) => [p.metadata!.name!, p]));
      const measured = new Set<string>();
      for (const item of list.items) {
        const pod = byName.get(item.metadata.name);
        if (!pod) continue;
        measured.add(item.metadata.name);
        for (const c of item.containers) {
          const podCpu = cpuMillis(c.usage.cpu);
          const mem = bytes(c.usage.memory);
          if (podCpu === undefined || mem === undefined)
            unknown ??= `unreadable usage of ${item.metadata.name}`;
          cpu += podCpu ?? 0;
          memory += mem ?? 0;
          const limit = bytes(pod.spec?.containers.find((s) => s.name === c.name)?.resources?.limits?.memory);
          if (limit && mem !== undefined && mem > limit)
            overLimit = `${item.metadata.name}/${c.name} uses more memory than its limit`;
        }
      }
      const unmeasured = [...byName.keys()].filter((name) => !measured.has(name));
      if (unmeasured.length) unknown ??= `no metrics yet for ${unmeasured.join(', ')}`;
    } catch (error) {
      // No metrics API: readiness and restarts still decide; usage is unknown, not zero.
      unknown = `no metrics API (${metricsError(error)})`;
    }
    const totals = unknown
      ? { cpu_millis: null, memory_bytes: null }
      : { cpu_millis: cpu, memory_bytes: memory };
    return { totals, overLimit, unknown };
  }
}

/** client-node's Metrics client cannot parse a plain-text 404: say what the server said. */
function metricsError(error: unknown): string {
  const e = error as { code?: number; statusCode?: number; message?: string };
  const code = e.code ?? e.statusCode;
  if (typeof code === 'number') return `HTTP ${code}`;
  return (e.message ?? String(error)).split('\n')[0]!.slice(0, 120);
}

const restarts = (pod: V1Pod): number =>
  (pod.status?.containerStatuses ?? []).reduce((sum, c) => sum + c.restartCount, 0);

function podFailure(pod: V1Pod): string | undefined {
  for (const c of pod.status?.containerStatuses ?? []) {
    const reason = c.state?.waiting?.reason;
    if (reason && BAD_WAITING.has(reason)) return `${pod.metadata?.name}/${c.name}: ${reason}`;
    if (c.lastState?.terminated?.reason === 'OOMKilled' && c.restartCount > 0)
      return `${pod.metadata?.name}/${c.name} was OOMKilled`;
  }
  return undefined;
}

export interface ValidationOptions {
  windowMs: number;
  /** Real milliseconds between looks. */
  pollMs?: number;
  signal?: AbortSignal;
  /** Called at each look with a one-line state ("2/2 ready, 12 s of 60 s stable"). */
  onProgress?(text: string): void;
  /**
   * A halted rollout is what the change left on purpose (a pause, or a rollback to a paused
   * state): its time counts, and the pods that are there are watched for the window. (Waiting for
   * the resume, as other changes do, left these validating until someone pressed c.)
   */
  pausedIsExpected?: boolean;
  /**
   * When the window opened (server ms), as the trail recorded it: a validation resumed by another
   * process ends at that start plus the window, not a window after it resumed. What was not
   * watched in between is judged by what the server shows now: a restart since the baseline
   * counts (restart counts only grow), readiness then is taken from readiness now.
   */
  startedAt?: number;
}

export interface ValidationResult {
  ok: boolean;
  detail: string;
  post: WorkloadMetrics;
}

/**
 * Watches the workload until it has been stable for the window (ok), or it fails: a new restart,
 * a crash or pull failure, or still not settled when twice the window has passed.
 */
export async function validateWorkload(
  probe: WorkloadProbe,
  ref: WorkloadRef,
  baseline: Map<string, number>,
  { windowMs, pollMs = 500, signal, onProgress, pausedIsExpected = false, startedAt }: ValidationOptions,
): Promise<ValidationResult> {
  let first: number | undefined;
  let stableSince: number | undefined;
  // The first look may count from the recorded start; later ones count from when they saw it.
  let from = startedAt;
  for (;;) {
    if (signal?.aborted) throw new Error('validation stopped');
    const h = await probe.health(ref);
    const opened = Math.min(from ?? h.serverTime, h.serverTime);
    from = undefined;
    // A halted rollout waits for the architect: its time does not count against the deadline.
    const waiting = h.paused && !pausedIsExpected;
    if (waiting) first = h.serverTime;
    else first ??= opened;
    const restarted = [...h.restartsByPod].find(([pod, n]) => n > (baseline.get(pod) ?? 0));
    const failure =
      h.failing ?? (restarted ? `${restarted[0]} restarted (${restarted[1]} restarts)` : undefined);
    if (failure) return { ok: false, detail: failure, post: h.metrics };
    // Paused mid-rollout is settled for a pause: that is the state it was asked for.
    if ((h.unsettled && !(pausedIsExpected && h.paused)) || waiting) stableSince = undefined;
    else stableSince ??= opened;
    const stableFor = stableSince === undefined ? 0 : h.serverTime - stableSince;
    if (stableFor >= windowMs)
      return {
        ok: true,
        detail: `${h.metrics.ready_replicas}/${h.metrics.replicas} ready, no new restarts for ${Math.round(windowMs / 1000)} s (stable from ${new Date(stableSince!).toISOString()} to ${new Date(h.serverTime).toISOString()}, server clock)${h.usageUnknown ? `; cpu and memory usage unknown: ${h.usageUnknown}` : ''}`,
        post: h.metrics,
      };
    if (h.serverTime - first >= 2 * windowMs)
      return {
        ok: false,
        detail: `not stable after ${Math.round((2 * windowMs) / 1000)} s: ${h.unsettled ?? `stable for only ${Math.round(stableFor / 1000)} s of ${Math.round(windowMs / 1000)} s`}`,
        post: h.metrics,
      };
    onProgress?.(
      waiting
        ? `paused, c continues (${h.unsettled ?? 'rolled out'})`
        : (h.unsettled ?? `stable ${Math.round(stableFor / 1000)} s of ${Math.round(windowMs / 1000)} s`),
    );
    await nextLook(pollMs, signal);
  }
}

/** Waits until the next look, or less when the validation is stopped. */
function nextLook(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}

/** A pod a drain evicted, as it was listed before the eviction. */
export interface EvictedPod {
  namespace: string;
  name: string;
  /** Its controller (ownerReference with controller: true), which replaces it; none for a bare pod. */
  owner?: { apiVersion: string; kind: string; name: string; uid: string };
}

export interface DrainValidation {
  ok: boolean;
  detail: string;
}

const isReady = (p: V1Pod): boolean =>
  p.status?.phase === 'Running' &&
  (p.status.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');

/** Why a pod is not (yet) running Ready: `Pending: Unschedulable: 0/2 nodes are available: …`. */
function notReadyWhy(p: V1Pod): string {
  const phase = p.status?.phase ?? 'Pending';
  const scheduled = (p.status?.conditions ?? []).find((c) => c.type === 'PodScheduled');
  if (scheduled?.status === 'False')
    return `${phase}: ${scheduled.reason ?? 'not scheduled'}${scheduled.message ? `: ${scheduled.message}` : ''}`;
  const waiting = (p.status?.containerStatuses ?? []).map((c) => c.state?.waiting?.reason).find(Boolean);
  if (waiting) return `${phase}: ${waiting}`;
  return phase === 'Running' ? 'Running, not Ready' : phase;
}

/**
 * A drain is done when what it evicted runs again elsewhere: each evicted pod's controller has
 * its desired number of pods Running and Ready on nodes other than the drained one. Waits for
 * that within the window (the server's clock), and fails at once on a crash or pull failure of a
 * replacement, or at the window's end naming why (e.g. `Pending: Unschedulable: …`).
 */
export async function validateDrain(
  objects: ObjectClient,
  node: string,
  evicted: readonly EvictedPod[],
  { windowMs, pollMs = 500, signal, onProgress, startedAt }: ValidationOptions,
): Promise<DrainValidation> {
  const owners = new Map<string, NonNullable<EvictedPod['owner']> & { namespace: string; pods: number }>();
  for (const p of evicted) {
    if (!p.owner) continue;
    const o = owners.get(p.owner.uid) ?? { ...p.owner, namespace: p.namespace, pods: 0 };
    o.pods += 1;
    owners.set(p.owner.uid, o);
  }
  const bare = evicted.length - [...owners.values()].reduce((n, o) => n + o.pods, 0);
  const plural = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;
  let first: number | undefined;
  for (;;) {
    if (signal?.aborted) throw new Error('validation stopped');
    const answer = await objects.core.readNodeWithHttpInfo({ name: node });
    const serverTime = Date.parse(answer.headers.date ?? '') || Date.now();
    first ??= Math.min(startedAt ?? serverTime, serverTime);
    const waiting: string[] = [];
    const done: string[] = [];
    const pods = new Map<string, V1Pod[]>();
    for (const o of owners.values()) {
      const controller = (await objects.api
        .read({ apiVersion: o.apiVersion, kind: o.kind, metadata: { name: o.name, namespace: o.namespace } })
        .catch((error: unknown) => {
          if ((error as { code?: number }).code === 404) return null;
          throw error;
        })) as { spec?: { replicas?: number } } | null;
      const label = `${o.kind.toLowerCase()} ${o.namespace}/${o.name}`;
      // Gone (scaled away, deleted): nothing of it is to run again.
      if (!controller) {
        done.push(`${label} is gone`);
        continue;
      }
      if (!pods.has(o.namespace))
        pods.set(
          o.namespace,
          (await objects.core.listNamespacedPod({ namespace: o.namespace })).items.filter(
            (p) => !p.metadata?.deletionTimestamp,
          ),
        );
      const own = pods
        .get(o.namespace)!
        .filter((p) => p.metadata?.ownerReferences?.some((r) => r.uid === o.uid));
      const failure = own.map(podFailure).find(Boolean);
      if (failure) return { ok: false, detail: `a replacement of an evicted pod fails: ${failure}` };
      // Jobs and other controllers without replicas: one pod of each evicted one.
      const desired = controller.spec?.replicas ?? o.pods;
      const elsewhere = own.filter((p) => p.spec?.nodeName && p.spec.nodeName !== node && isReady(p));
      if (elsewhere.length >= desired) {
        const on = [...new Set(elsewhere.map((p) => p.spec!.nodeName!))].join(', ');
        done.push(`${label} ${elsewhere.length}/${desired} on ${on}`);
        continue;
      }
      const behind = own.filter((p) => !elsewhere.includes(p));
      waiting.push(
        `${label} ${elsewhere.length}/${desired} Ready elsewhere${behind.length ? `: ${behind.map((p) => `${p.metadata?.name} ${p.spec?.nodeName === node ? `still on ${node}` : notReadyWhy(p)}`).join('; ')}` : ''}`,
      );
    }
    const note = bare ? `; ${plural(bare, 'pod')} without a controller deleted for good` : '';
    if (waiting.length === 0)
      return {
        ok: true,
        detail: `${plural(evicted.length - bare, 'evicted pod')} running Ready elsewhere (${done.join('; ') || 'none'})${note}`,
      };
    if (serverTime - first >= windowMs)
      return {
        ok: false,
        detail: `evicted pods not running elsewhere after ${Math.round(windowMs / 1000)} s: ${waiting.join('; ')}`,
      };
    onProgress?.(`drained, waiting: ${waiting.join('; ')}`);
    await nextLook(pollMs, signal);
  }
}
