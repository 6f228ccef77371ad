// Scaling: sustained (median) CPU utilization of requests far from the target suggests another
// replica count; bursty load (p95 well above the median) suggests an HPA instead. Every count is
// capped by the policy's maxReplicas. Workloads an HPA already scales are left to it.
import { formatCpu } from '../../kube/quantity.js';
import { makeFinding } from '../finding.js';
import { createHpaOp, scaleOp } from '../../workflow/proposed-operations.js';
import { containerResources } from '../resources.js';
import { historyShortfall } from '../stats.js';
import { containerHistories, replicasOf, type ContainerHistory } from '../usage.js';
import type { Workload } from '../snapshot-index.js';
import type { AnalyzeOptions, ClusterSnapshot, Finding } from '../../model/analysis.js';

const ANALYZER = 'scaling';
/** p95 at least this multiple of the median counts as bursty. */
const BURSTY = 1.5;

interface Utilization {
  container: string;
  request: number;
  p50: number;
  p95: number;
}

export function scaling(snapshot: ClusterSnapshot, options: AnalyzeOptions): Finding[] {
  // Per workload, the busiest container relative to its request is the one that needs replicas.
  const busiest = new Map<Workload, Utilization>();
  for (const history of containerHistories(snapshot)) {
    const { workload } = history;
    if (workload.hpa || !workload.deployment || historyShortfall(history.summary, options)) continue;
    const utilization = utilizationOf(history);
    if (!utilization) continue;
    const seen = busiest.get(workload);
    if (!seen || utilization.p50 > seen.p50) busiest.set(workload, utilization);
  }
  const findings: Finding[] = [];
  for (const [workload, utilization] of busiest) {
    const finding = advise(snapshot, options, workload, utilization);
    if (finding) findings.push(finding);
  }
  return findings;
}

function utilizationOf({ container, summary }: ContainerHistory): Utilization | undefined {
  const request = containerResources(container).cpuRequest;
  if (!request) return undefined;
  return { container: container.name, request, p50: summary.cpuP50 / request, p95: summary.cpuP95 / request };
}

function advise(
  snapshot: ClusterSnapshot,
  options: AnalyzeOptions,
  workload: Workload,
  u: Utilization,
): Finding | undefined {
  const replicas = replicasOf(workload);
  const percent = (x: number) => `${Math.round(x * 100)} %`;
  // The epsilon keeps float noise (3 × 1.6 / 0.6 = 8.000000000000002) from adding a replica.
  const needed = (utilization: number) =>
    Math.ceil((replicas * utilization) / options.targetUtilization - 1e-9);
  const cap = (n: number) => Math.max(1, Math.min(options.maxReplicas, n));
  const detail = [
    `${u.container}: CPU median ${percent(u.p50)}, p95 ${percent(u.p95)} of its ${formatCpu(u.request)} request`,
    `replicas: ${replicas}; target utilization ${percent(options.targetUtilization)}; policy cap ${options.maxReplicas}`,
  ];
  const base = { analyzer: ANALYZER, resource: workload.ref, detail };

  if (u.p50 >= options.scaleUpUtilization) {
    if (u.p95 >= u.p50 * BURSTY) {
      const min = cap(replicas);
      const max = cap(Math.max(needed(u.p95), min + 1));
      if (max <= min) return undefined;
      const target = Math.round(options.targetUtilization * 100);
      return makeFinding(snapshot, {
        ...base,
        problem: 'scale',
        severity: 'warning',
        title: `Bursty CPU load at ${percent(u.p50)} of requests (p95 ${percent(u.p95)}): autoscale ${min}–${max} replicas`,
        suggestedFix: `Create an HPA between ${min} and ${max} replicas at ${target} % CPU.`,
        recommendation: createHpaOp(workload.ref, min, max, target),
      });
    }
    const want = cap(needed(u.p50));
    const capped = needed(u.p50) > options.maxReplicas;
    if (want <= replicas) {
      return makeFinding(snapshot, {
        ...base,
        problem: 'scale',
        severity: 'warning',
        title: `Sustained CPU at ${percent(u.p50)} of requests and already at the policy's ${options.maxReplicas}-replica cap`,
        suggestedFix: 'Raise the requests (see right-sizing) or the policy cap.',
      });
    }
    return makeFinding(snapshot, {
      ...base,
      problem: 'scale',
      severity: 'warning',
      title: `Sustained CPU at ${percent(u.p50)} of requests: scale to ${want} replicas${capped ? ' (policy cap)' : ''}`,
      suggestedFix: `Scale to ${want} replicas, or create an HPA so it follows the load.`,
      recommendation: scaleOp(workload.ref, want),
    });
  }

  // Scale down on the peak, not the median, so the remaining replicas absorb the bursts.
  if (replicas > 1 && u.p95 < options.scaleDownUtilization) {
    const want = cap(needed(u.p95));
    if (want >= replicas) return undefined;
    return makeFinding(snapshot, {
      ...base,
      problem: 'scale',
      severity: 'info',
      title: `CPU peaks at ${percent(u.p95)} of requests: ${want} replicas would do`,
      suggestedFix: `Scale to ${want} replicas (or right-size the requests first; see right-sizing).`,
      recommendation: scaleOp(workload.ref, want),
    });
  }
  return undefined;
}
