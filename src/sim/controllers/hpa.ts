// HorizontalPodAutoscaler controller (autoscaling/v2, resource metrics): the real algorithm's
// desired = ceil(current × usage / target), a 10 % tolerance, min/max, and a scale-down
// stabilization window.
import { bytes, cpuMillis, parseQuantity } from '../../cluster/quantity.js';
import type { SimContext } from '../context.js';
import { recordEvent } from '../events.js';
import { K } from '../resources.js';
import { matchesLabelSelector } from '../selectors.js';
import { METRICS_INTERVAL_MS } from './metrics.js';

const TOLERANCE = 0.1;
const STABILIZATION_MS = 300_000;

interface MetricSpec {
  type: string;
  resource?: {
    name: 'cpu' | 'memory';
    target: { type: string; averageUtilization?: number; averageValue?: string };
  };
}

export function startHpaController(ctx: SimContext): () => void {
  const { store, clock } = ctx;
  const recommendations = new Map<string, { at: number; replicas: number }[]>();

  function reconcile(): void {
    const now = clock.now();
    for (const hpa of store.list(K.hpas)) {
      const ns = hpa.metadata.namespace!;
      const ref = hpa.spec.scaleTargetRef ?? {};
      if (ref.kind !== 'Deployment') continue;
      const target = store.get(K.deployments, ns, ref.name);
      if (!target) continue;
      const pods = store
        .list(K.pods, ns)
        .filter(
          (p) =>
            matchesLabelSelector(target.spec.selector, p.metadata.labels) &&
            !p.metadata.deletionTimestamp &&
            p.status?.phase === 'Running',
        );
      const current = target.spec.replicas ?? 1;
      const proposals: number[] = [];
      const currentMetrics: unknown[] = [];
      for (const m of (hpa.spec.metrics ?? []) as MetricSpec[]) {
        if (m.type !== 'Resource' || !m.resource) continue;
        const name = m.resource.name;
        const parse = name === 'cpu' ? cpuMillis : bytes;
        let used = 0;
        let requested = 0;
        let counted = 0;
        for (const pod of pods) {
          const metrics = store.get(K.podMetrics, ns, pod.metadata.name);
          if (!metrics) continue;
          counted++;
          for (const c of pod.spec.containers ?? []) {
            used +=
              parse(metrics.containers?.find((x: { name: string }) => x.name === c.name)?.usage?.[name]) ?? 0;
            requested += parse(c.resources?.requests?.[name]) ?? 0;
          }
        }
        if (counted === 0) continue;
        const averageValue = used / counted;
        let ratio: number;
        if (m.resource.target.type === 'Utilization' && requested > 0) {
          const utilization = Math.round((used / requested) * 100);
          ratio = utilization / (m.resource.target.averageUtilization ?? 80);
          currentMetrics.push({
            type: 'Resource',
            resource: {
              name,
              current: {
                averageUtilization: utilization,
                averageValue:
                  name === 'cpu' ? `${Math.round(averageValue)}m` : String(Math.round(averageValue)),
              },
            },
          });
        } else {
          const targetValue =
            parse(m.resource.target.averageValue) ?? parseQuantity(m.resource.target.averageValue) ?? 1;
          ratio = averageValue / targetValue;
          currentMetrics.push({
            type: 'Resource',
            resource: {
              name,
              current: {
                averageValue:
                  name === 'cpu' ? `${Math.round(averageValue)}m` : String(Math.round(averageValue)),
              },
            },
          });
        }
        proposals.push(Math.abs(ratio - 1) > TOLERANCE ? Math.ceil(counted * ratio) : current);
      }
      const desired = proposals.length > 0 ? Math.max(...proposals) : current;
      const min = hpa.spec.minReplicas ?? 1;
      const max = hpa.spec.maxReplicas;
      const limited = Math.min(max, Math.max(min, desired));
      const key = `${ns}/${hpa.metadata.name}`;
      const history = (recommendations.get(key) ?? []).filter((r) => now - r.at < STABILIZATION_MS);
      history.push({ at: now, replicas: limited });
      recommendations.set(key, history);
      // Scale down only to the highest recommendation of the window.
      const next =
        limited < current ? Math.min(current, Math.max(...history.map((r) => r.replicas))) : limited;
      if (next !== current) {
        store.modify(K.deployments, ns, ref.name, (d) => void (d.spec.replicas = next));
        recordEvent(
          ctx,
          hpa,
          'Normal',
          'SuccessfulRescale',
          `New size: ${next}; reason: ${next > current ? 'cpu resource utilization (percentage of request) above target' : 'All metrics below target'}`,
          'horizontal-pod-autoscaler',
        );
      }
      const nowIso = clock.nowISO();
      store.modify(K.hpas, ns, hpa.metadata.name, (h) => {
        h.status = {
          currentReplicas: pods.length,
          desiredReplicas: next,
          currentMetrics,
          ...(next !== current
            ? { lastScaleTime: nowIso }
            : h.status?.lastScaleTime
              ? { lastScaleTime: h.status.lastScaleTime }
              : {}),
          conditions: [
            {
              type: 'AbleToScale',
              status: 'True',
              reason: 'ReadyForNewScale',
              message: 'recommended size matches current size',
              lastTransitionTime: nowIso,
            },
            {
              type: 'ScalingActive',
              status: currentMetrics.length ? 'True' : 'False',
              reason: currentMetrics.length ? 'ValidMetricFound' : 'FailedGetResourceMetric',
              message: currentMetrics.length
                ? 'the HPA was able to successfully calculate a replica count'
                : 'no metrics returned from resource metrics API',
              lastTransitionTime: nowIso,
            },
            {
              type: 'ScalingLimited',
              status: desired > max || desired < min ? 'True' : 'False',
              reason:
                desired > max ? 'TooManyReplicas' : desired < min ? 'TooFewReplicas' : 'DesiredWithinRange',
              message:
                desired > max
                  ? 'the desired replica count is more than the maximum replica count'
                  : 'the desired count is within the acceptable range',
              lastTransitionTime: nowIso,
            },
          ],
        };
      });
    }
  }
  const timer = clock.setInterval(reconcile, METRICS_INTERVAL_MS);
  return () => clock.clear(timer);
}
