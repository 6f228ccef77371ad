// Right-sizing (operations plan, decision 6): request = p95 × 1.3 of the pooled history; memory
// limit above the observed peak plus headroom (p95-based memory advice OOMs: krr #110, #379);
// raised only for material changes over a long-enough history; HPA-scaled workloads skipped.
import { formatBytes, formatCpu } from '../../kube/quantity.js';
import { makeFinding } from '../finding.js';
import { setResourcesOp } from '../../workflow/proposed-operations.js';
import {
  containerResources,
  cpuQuantity,
  memoryQuantity,
  roundCpuMillis,
  roundMemoryBytes,
  TEMPLATED_KINDS,
} from '../resources.js';
import { historyShortfall } from '../stats.js';
import { formatDuration } from '../time.js';
import { containerHistories, replicasOf, type ContainerHistory } from '../usage.js';
import type { Workload } from '../snapshot-index.js';
import type { AnalyzeOptions, ClusterSnapshot, Finding, ResourceAmounts } from '../../model/analysis.js';

const ANALYZER = 'right-sizing';
const GI = 2 ** 30;

export function rightSizing(snapshot: ClusterSnapshot, options: AnalyzeOptions): Finding[] {
  if (snapshot.usage.size === 0) {
    if (snapshot.pods.length === 0) return [];
    return [
      makeFinding(snapshot, {
        analyzer: ANALYZER,
        problem: 'no-metrics',
        resource: { kind: 'Cluster', name: 'metrics' },
        severity: 'info',
        title: 'No usage metrics: right-sizing and scaling advice need metrics.k8s.io',
        detail: ['no CPU or memory samples were collected for any container'],
        suggestedFix: 'Install metrics-server (minikube: minikube addons enable metrics-server).',
      }),
    ];
  }
  const findings: Finding[] = [];
  const tooShort = new Map<Workload, string[]>();
  for (const history of containerHistories(snapshot)) {
    const { workload, container, summary } = history;
    if (workload.hpa && !options.includeHpaScaled) continue;
    const shortfall = historyShortfall(summary, options);
    if (shortfall) {
      const lines = tooShort.get(workload) ?? [];
      tooShort.set(workload, [...lines, `${container.name}: ${shortfall}`]);
      continue;
    }
    const finding = containerAdvice(snapshot, options, history);
    if (finding) findings.push(finding);
  }
  for (const [workload, lines] of tooShort) {
    findings.push(
      makeFinding(snapshot, {
        analyzer: ANALYZER,
        problem: 'history-too-short',
        resource: workload.ref,
        severity: 'info',
        title: 'Not enough usage history to right-size yet',
        detail: lines,
      }),
    );
  }
  return findings;
}

interface Recommended {
  cpuRequest: number;
  memoryRequest: number;
  memoryLimit: number;
  cpuLimit: number | undefined;
}

/** The recommended amounts, already rounded the way they will be applied. */
function recommend(history: ContainerHistory, options: AnalyzeOptions): Recommended {
  const { summary, container } = history;
  const current = containerResources(container);
  const cpuRequest = roundCpuMillis(summary.cpuP95 * options.requestFactor);
  const memoryRequest = roundMemoryBytes(summary.memoryP95 * options.requestFactor);
  const memoryLimit = roundMemoryBytes(
    Math.max(summary.memoryPeak * options.memoryLimitFactor, memoryRequest),
  );
  // CPU limits throttle; only keep one (with headroom) where the container has one today.
  const cpuLimit =
    current.cpuLimit === undefined ? undefined : roundCpuMillis(cpuRequest * options.cpuLimitFactor);
  return { cpuRequest, memoryRequest, memoryLimit, cpuLimit };
}

function material(current: number | undefined, next: number, minimum: number, ratio: number): boolean {
  if (current === undefined || current === 0) return true;
  const change = Math.abs(next - current);
  return change >= minimum && change / current >= ratio;
}

function containerAdvice(
  snapshot: ClusterSnapshot,
  options: AnalyzeOptions,
  history: ContainerHistory,
): Finding | undefined {
  const { workload, container, summary } = history;
  const current = containerResources(container);
  const next = recommend(history, options);
  const { materialRatio: ratio, materialCpuMillis: cpuMin, materialMemoryBytes: memMin } = options;
  const changed = {
    cpuRequest: material(current.cpuRequest, next.cpuRequest, cpuMin, ratio),
    cpuLimit: next.cpuLimit !== undefined && material(current.cpuLimit, next.cpuLimit, cpuMin, ratio),
    memoryRequest: material(current.memoryRequest, next.memoryRequest, memMin, ratio),
    memoryLimit: material(current.memoryLimit, next.memoryLimit, memMin, ratio),
  };
  if (!Object.values(changed).some(Boolean)) return undefined;

  const replicas = replicasOf(workload);
  const cores = (next.cpuRequest - (current.cpuRequest ?? 0)) / 1000;
  const gib = (next.memoryRequest - (current.memoryRequest ?? 0)) / GI;
  const underProvisioned =
    (current.memoryLimit !== undefined && next.memoryLimit > current.memoryLimit) ||
    (current.cpuRequest !== undefined && summary.cpuP95 > current.cpuRequest);
  const requests: ResourceAmounts = {
    cpu: cpuQuantity(next.cpuRequest),
    memory: memoryQuantity(next.memoryRequest),
  };
  const limits: ResourceAmounts = {
    ...(next.cpuLimit !== undefined ? { cpu: cpuQuantity(next.cpuLimit) } : {}),
    memory: memoryQuantity(next.memoryLimit),
  };
  const show = (value: number | undefined, format: (n: number) => string) =>
    value === undefined ? 'none' : format(value);
  const signed = (n: number, unit: string) => `${n > 0 ? '+' : ''}${n.toFixed(2)} ${unit}`;
  const detail = [
    `history: ${summary.samples} samples over ${formatDuration(summary.spanMs)}, ${workload.pods.length} pods now`,
    `cpu: p95 ${formatCpu(summary.cpuP95)}; request ${show(current.cpuRequest, formatCpu)} → ${formatCpu(next.cpuRequest)}` +
      (next.cpuLimit !== undefined
        ? `; limit ${show(current.cpuLimit, formatCpu)} → ${formatCpu(next.cpuLimit)}`
        : ''),
    `memory: p95 ${formatBytes(summary.memoryP95)}, peak ${formatBytes(summary.memoryPeak)}; request ${show(current.memoryRequest, formatBytes)} → ${formatBytes(next.memoryRequest)}; limit ${show(current.memoryLimit, formatBytes)} → ${formatBytes(next.memoryLimit)}`,
    `requests per replica: ${signed(cores, 'cores')}, ${signed(gib, 'GiB')}; over ${replicas} replicas: ${signed(cores * replicas, 'cores')}, ${signed(gib * replicas, 'GiB')}`,
  ];
  if (workload.hpa)
    detail.push(
      'caveat: an HPA scales this workload on utilization of requests; changing requests moves its target',
    );
  return makeFinding(snapshot, {
    analyzer: ANALYZER,
    problem: `resources:${container.name}`,
    resource: workload.ref,
    severity: underProvisioned ? 'warning' : 'info',
    title: `${container.name} is ${underProvisioned ? 'under' : 'over'}-provisioned: requests cpu ${formatCpu(next.cpuRequest)}, memory ${formatBytes(next.memoryRequest)} (${signed(cores * replicas, 'cores')}, ${signed(gib * replicas, 'GiB')} in total)`,
    detail,
    suggestedFix: `Set requests to p95 + ${Math.round((options.requestFactor - 1) * 100)} % and the memory limit above the observed peak.`,
    recommendation: TEMPLATED_KINDS.has(workload.ref.kind)
      ? setResourcesOp(workload.ref, container.name, requests, limits)
      : undefined,
  });
}
