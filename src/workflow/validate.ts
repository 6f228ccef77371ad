// After a change, the workload is watched for the policy's stability window: every pod ready,
// no new restarts, no crash or pull failure, usage within its limits. The window is measured on
// the server's clock (its Date header), so 60 s means 60 simulated seconds on a fast simulator.
import { Metrics, type KubeConfig, type V1Deployment, type V1Pod } from '@kubernetes/client-node';
import { bytes, cpuMillis } from '../cluster/quantity.js';
import type { ObjectClient } from './objects.js';

export interface WorkloadRef {
  namespace: string;
  name: string;
}

/** Pre/post figures of a workload, as recorded in the PHR. */
export type WorkloadMetrics = {
  replicas: number;
  ready_replicas: number;
  restarts: number;
  cpu_millis: number;
  memory_bytes: number;
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
}

const BAD_WAITING = new Set([
  'CrashLoopBackOff',
  'ImagePullBackOff',
  'ErrImagePull',
  'CreateContainerConfigError',
]);

export class WorkloadProbe {
  private readonly metricsApi: Metrics;
  constructor(
    kubeConfig: KubeConfig,
    private readonly objects: ObjectClient,
  ) {
    this.metricsApi = new Metrics(kubeConfig);
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
    };
  }

  private async usage(namespace: string, pods: V1Pod[]) {
    const totals = { cpu_millis: 0, memory_bytes: 0 };
    let overLimit: string | undefined;
    try {
      const list = await this.metricsApi.getPodMetrics(namespace);
      const byName = new Map(pods.map((p) => [p.metadata!.name!, p]));
      for (const item of list.items) {
        const pod = byName.get(item.metadata.name);
        if (!pod) continue;
        for (const c of item.containers) {
          const cpu = cpuMillis(c.usage.cpu) ?? 0;
          const mem = bytes(c.usage.memory) ?? 0;
          totals.cpu_millis += cpu;
          totals.memory_bytes += mem;
          const limit = bytes(pod.spec?.containers.find((s) => s.name === c.name)?.resources?.limits?.memory);
          if (limit && mem > limit)
            overLimit = `${item.metadata.name}/${c.name} uses more memory than its limit`;
        }
      }
    } catch {
      // No metrics API: readiness and restarts still decide.
    }
    return { totals, overLimit };
  }
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
  { windowMs, pollMs = 500, signal, onProgress }: ValidationOptions,
): Promise<ValidationResult> {
  let first: number | undefined;
  let stableSince: number | undefined;
  for (;;) {
    if (signal?.aborted) throw new Error('validation stopped');
    const h = await probe.health(ref);
    // A halted rollout waits for the architect: its time does not count against the deadline.
    if (h.paused || first === undefined) first = h.serverTime;
    const restarted = [...h.restartsByPod].find(([pod, n]) => n > (baseline.get(pod) ?? 0));
    const failure =
      h.failing ?? (restarted ? `${restarted[0]} restarted (${restarted[1]} restarts)` : undefined);
    if (failure) return { ok: false, detail: failure, post: h.metrics };
    if (h.unsettled || h.paused) stableSince = undefined;
    else stableSince ??= h.serverTime;
    const stableFor = stableSince === undefined ? 0 : h.serverTime - stableSince;
    if (stableFor >= windowMs)
      return {
        ok: true,
        detail: `${h.metrics.ready_replicas}/${h.metrics.replicas} ready, no new restarts for ${Math.round(windowMs / 1000)} s`,
        post: h.metrics,
      };
    if (h.serverTime - first >= 2 * windowMs)
      return {
        ok: false,
        detail: `not stable after ${Math.round((2 * windowMs) / 1000)} s: ${h.unsettled}`,
        post: h.metrics,
      };
    onProgress?.(
      h.paused
        ? `paused, c continues (${h.unsettled ?? 'rolled out'})`
        : (h.unsettled ?? `stable ${Math.round(stableFor / 1000)} s of ${Math.round(windowMs / 1000)} s`),
    );
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, pollMs);
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
}
