// HorizontalPodAutoscaler controller (autoscaling/v2, resource metrics): the real algorithm's
// desired = ceil(current × usage / target), a 10 % tolerance, min/max, a scale-down
// stabilization window, and the conditions and events the real controller writes when it cannot
// get the target's scale or compute a metric (pkg/controller/podautoscaler/horizontal.go).
import { bytes, cpuMillis, parseQuantity } from '../../kube/quantity.js';
import type { SimContext } from '../context.js';
import { recordEvent } from '../events.js';
import type { KubeObject } from '../objects.js';
import { K } from '../resources.js';
import { matchesLabelSelector } from '../../kube/labels.js';
import { METRICS_INTERVAL_MS } from './metrics.js';

const COMPONENT = 'horizontal-pod-autoscaler';
const TOLERANCE = 0.1;
const STABILIZATION_MS = 300_000;

/** The kinds with a scale subresource the HPA can drive, by kind: store key and plural. */
const SCALABLE: Record<string, { key: string; plural: string }> = {
  Deployment: { key: K.deployments, plural: 'deployments' },
  StatefulSet: { key: K.statefulsets, plural: 'statefulsets' },
  ReplicaSet: { key: K.replicasets, plural: 'replicasets' },
};

interface MetricSpec {
  type: string;
  resource?: {
    name: 'cpu' | 'memory';
    target: { type: string; averageUtilization?: number; averageValue?: string };
  };
}

interface Condition {
  type: string;
  status: 'True' | 'False';
  reason: string;
  message: string;
  lastTransitionTime?: string;
}

/** The first container without a request for the resource, as calculatePodRequests reports it. */
export function missingRequest(
  pods: {
    metadata: { name: string };
    spec?: { containers?: { name: string; resources?: { requests?: Record<string, string> } }[] };
  }[],
  resource: string,
): string | undefined {
  for (const pod of pods)
    for (const c of pod.spec?.containers ?? [])
      if (c.resources?.requests?.[resource] === undefined)
        return `missing request for ${resource} in container ${c.name} of Pod ${pod.metadata.name}`;
  return undefined;
}

/** What a metric is called in the rescale reason and the ValidMetricFound message. */
const metricName = (m: MetricSpec): string =>
  m.resource!.target.type === 'Utilization'
    ? `${m.resource!.name} resource utilization (percentage of request)`
    : `${m.resource!.name} resource`;

export function startHpaController(ctx: SimContext): () => void {
  const { store, clock } = ctx;
  const recommendations = new Map<string, { at: number; replicas: number }[]>();

  /** Writes conditions, keeping lastTransitionTime of those whose status did not change. */
  function writeStatus(hpa: KubeObject, fields: Record<string, unknown>, conditions: Condition[]): void {
    const now = clock.nowISO();
    const previous = (hpa.status?.conditions ?? []) as Condition[];
    const merged = [...previous];
    for (const c of conditions) {
      const before = previous.find((p) => p.type === c.type);
      const next = {
        ...c,
        lastTransitionTime: before?.status === c.status ? before.lastTransitionTime : now,
      };
      const i = merged.findIndex((p) => p.type === c.type);
      if (i >= 0) merged[i] = next;
      else merged.push(next);
    }
    store.modify(K.hpas, hpa.metadata.namespace, hpa.metadata.name, (h) => {
      h.status = { ...h.status, ...fields, conditions: merged };
      for (const [k, v] of Object.entries(fields)) if (v === undefined) delete h.status[k];
    });
  }

  function reconcileOne(hpa: KubeObject, now: number): void {
    const ns = hpa.metadata.namespace!;
    const ref = hpa.spec.scaleTargetRef ?? {};
    const scalable = SCALABLE[ref.kind];
    if (!scalable) return;
    const target = store.get(scalable.key, ns, ref.name);
    if (!target) {
      const error = `${scalable.plural}.apps "${ref.name}" not found`;
      recordEvent(ctx, hpa, 'Warning', 'FailedGetScale', error, COMPONENT);
      writeStatus(hpa, { desiredReplicas: hpa.status?.desiredReplicas ?? 0 }, [
        {
          type: 'AbleToScale',
          status: 'False',
          reason: 'FailedGetScale',
          message: `the HPA controller was unable to get the target's current scale: ${error}`,
        },
      ]);
      return;
    }
    const ableToGetScale: Condition = {
      type: 'AbleToScale',
      status: 'True',
      reason: 'SucceededGetScale',
      message: "the HPA controller was able to get the target's current scale",
    };
    const current = target.spec.replicas ?? 1;
    const currentReplicas = target.status?.replicas ?? 0;
    if (current === 0) {
      writeStatus(hpa, { currentReplicas, desiredReplicas: 0, currentMetrics: undefined }, [
        ableToGetScale,
        {
          type: 'ScalingActive',
          status: 'False',
          reason: 'ScalingDisabled',
          message: 'scaling is disabled since the replica count of the target is zero',
        },
      ]);
      return;
    }
    const selected = store
      .list(K.pods, ns)
      .filter(
        (p) =>
          matchesLabelSelector(target.spec.selector, p.metadata.labels) &&
          !p.metadata.deletionTimestamp &&
          p.status?.phase !== 'Failed' &&
          p.status?.phase !== 'Succeeded',
      );
    const running = selected.filter((p) => p.status?.phase === 'Running');
    const proposals: { replicas: number; name: string }[] = [];
    const currentMetrics: unknown[] = [];
    const errors: { reason: string; error: string }[] = [];
    const metrics = (hpa.spec.metrics ?? []) as MetricSpec[];
    for (const m of metrics) {
      if (m.type !== 'Resource' || !m.resource) continue;
      const name = m.resource.name;
      const utilization = m.resource.target.type === 'Utilization';
      const fail = (detail: string): void =>
        void errors.push({
          reason: 'FailedGetResourceMetric',
          error: `failed to get ${name} utilization: ${detail}`,
        });
      const parse = name === 'cpu' ? cpuMillis : bytes;
      const withMetrics = running
        .map((pod) => ({ pod, metrics: store.get(K.podMetrics, ns, pod.metadata.name) }))
        .filter((x) => x.metrics);
      if (withMetrics.length === 0) {
        fail(`unable to get metrics for resource ${name}: no metrics returned from resource metrics API`);
        continue;
      }
      const missing = utilization ? missingRequest(selected, name) : undefined;
      if (missing) {
        fail(missing);
        continue;
      }
      let used = 0;
      let requested = 0;
      for (const { pod, metrics: podMetrics } of withMetrics) {
        for (const c of pod.spec.containers ?? []) {
          const usage = podMetrics!.containers?.find((x: { name: string }) => x.name === c.name)?.usage?.[
            name
          ];
          used += parse(usage) ?? 0;
          requested += parse(c.resources?.requests?.[name]) ?? 0;
        }
      }
      const counted = withMetrics.length;
      const averageValue = used / counted;
      const shownValue = name === 'cpu' ? `${Math.round(averageValue)}m` : String(Math.round(averageValue));
      let ratio: number;
      if (utilization) {
        const percent = Math.round((used / requested) * 100);
        ratio = percent / (m.resource.target.averageUtilization ?? 80);
        currentMetrics.push({
          type: 'Resource',
          resource: { name, current: { averageUtilization: percent, averageValue: shownValue } },
        });
      } else {
        const targetValue =
          parse(m.resource.target.averageValue) ?? parseQuantity(m.resource.target.averageValue) ?? 1;
        ratio = averageValue / targetValue;
        currentMetrics.push({ type: 'Resource', resource: { name, current: { averageValue: shownValue } } });
      }
      proposals.push({
        replicas: Math.abs(ratio - 1) > TOLERANCE ? Math.ceil(counted * ratio) : current,
        name: metricName(m),
      });
    }
    if (proposals.length === 0) {
      // Every metric failed: the real controller records why and leaves the scale alone.
      const first = errors[0];
      if (first) {
        recordEvent(ctx, hpa, 'Warning', first.reason, first.error, COMPONENT);
        recordEvent(
          ctx,
          hpa,
          'Warning',
          'FailedComputeMetricsReplicas',
          `invalid metrics (${errors.length} invalid out of ${metrics.length}), first error is: ${first.error}`,
          COMPONENT,
        );
      }
      writeStatus(
        hpa,
        {
          currentReplicas,
          desiredReplicas: hpa.status?.desiredReplicas ?? current,
          currentMetrics: undefined,
        },
        [
          ableToGetScale,
          {
            type: 'ScalingActive',
            status: 'False',
            reason: first?.reason ?? 'FailedGetResourceMetric',
            message: `the HPA was unable to compute the replica count: ${first?.error ?? 'no metrics configured'}`,
          },
        ],
      );
      return;
    }
    const best = proposals.reduce((a, b) => (b.replicas > a.replicas ? b : a));
    const desired = best.replicas;
    const min = hpa.spec.minReplicas ?? 1;
    const max = hpa.spec.maxReplicas;
    const limited = Math.min(max, Math.max(min, desired));
    const key = `${ns}/${hpa.metadata.name}`;
    const history = (recommendations.get(key) ?? []).filter((r) => now - r.at < STABILIZATION_MS);
    history.push({ at: now, replicas: limited });
    recommendations.set(key, history);
    // Scale down only to the highest recommendation of the window.
    const next = limited < current ? Math.min(current, Math.max(...history.map((r) => r.replicas))) : limited;
    if (next !== current) {
      store.modify(scalable.key, ns, ref.name, (d) => void (d.spec.replicas = next));
      recordEvent(
        ctx,
        hpa,
        'Normal',
        'SuccessfulRescale',
        `New size: ${next}; reason: ${next > current ? `${best.name} above target` : 'All metrics below target'}`,
        COMPONENT,
      );
    }
    const able: Condition =
      next !== current
        ? {
            type: 'AbleToScale',
            status: 'True',
            reason: 'SucceededRescale',
            message: `the HPA controller was able to update the target scale to ${next}`,
          }
        : next !== limited
          ? {
              type: 'AbleToScale',
              status: 'True',
              reason: 'ScaleDownStabilized',
              message:
                'recent recommendations were higher than current one, applying the highest recent recommendation',
            }
          : {
              type: 'AbleToScale',
              status: 'True',
              reason: 'ReadyForNewScale',
              message: 'recommended size matches current size',
            };
    writeStatus(
      hpa,
      {
        currentReplicas,
        desiredReplicas: next,
        currentMetrics,
        lastScaleTime: next !== current ? clock.nowISO() : hpa.status?.lastScaleTime,
      },
      [
        able,
        {
          type: 'ScalingActive',
          status: 'True',
          reason: 'ValidMetricFound',
          message: `the HPA was able to successfully calculate a replica count from ${best.name}`,
        },
        desired > max
          ? {
              type: 'ScalingLimited',
              status: 'True',
              reason: 'TooManyReplicas',
              message: 'the desired replica count is more than the maximum replica count',
            }
          : desired < min
            ? {
                type: 'ScalingLimited',
                status: 'True',
                reason: 'TooFewReplicas',
                message: 'the desired replica count is less than the minimum replica count',
              }
            : {
                type: 'ScalingLimited',
                status: 'False',
                reason: 'DesiredWithinRange',
                message: 'the desired count is within the acceptable range',
              },
      ],
    );
  }

  function reconcile(): void {
    const now = clock.now();
    for (const hpa of store.list(K.hpas)) {
      try {
        reconcileOne(hpa, now);
      } catch (error) {
        console.error(`sim: hpa ${hpa.metadata.namespace}/${hpa.metadata.name}: ${String(error)}`);
      }
    }
  }
  const timer = clock.setInterval(reconcile, METRICS_INTERVAL_MS);
  return () => clock.clear(timer);
}
