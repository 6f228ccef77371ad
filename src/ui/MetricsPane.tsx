// The metrics pane: cluster and node usage against allocatable, and the selected pod's CPU and
// memory over the collected window against its request and limit.
import { Text } from 'ink';
import type { ReactNode } from 'react';
import {
  clusterUsage,
  nodeUsage,
  podSeries,
  sameSeries,
  type PodSeries,
  type Usage,
} from '../state/selectors.js';
import { useCockpit, useCockpitDerived } from './context.js';
import { bar, cpuText, fit, memText, sparkline } from './format.js';
import { Pane, PANE_CHROME } from './Pane.js';

/** Below this inner width a usage takes two lines (cpu, mem) so its bars stay readable. */
const ONE_LINE_USAGE = 50;

/** The selected pod's name, CPU and memory lines. */
const POD_LINES = 3;

const pct = (fraction: number): string => fit(`${Math.round(fraction * 100)}%`, 4, 'right');

/** `label cpu [██··] 9%  mem [██··] 11%`, on one line or two depending on the width. */
function usageLines(label: string, usage: Usage, labelWidth: number, width: number): string[] {
  const cpu = usage.cpuAllocatable ? usage.cpuMillis / usage.cpuAllocatable : 0;
  const mem = usage.memoryAllocatable ? usage.memoryBytes / usage.memoryAllocatable : 0;
  const head = fit(label, labelWidth);
  if (width >= ONE_LINE_USAGE) {
    const barWidth = Math.floor((width - labelWidth - 21) / 2);
    return [`${head} cpu ${bar(cpu, barWidth)} ${pct(cpu)}  mem ${bar(mem, barWidth)} ${pct(mem)}`];
  }
  const barWidth = Math.max(4, width - labelWidth - 10);
  return [
    `${head} cpu ${bar(cpu, barWidth)} ${pct(cpu)}`,
    `${fit('', labelWidth)} mem ${bar(mem, barWidth)} ${pct(mem)}`,
  ];
}

function limitsText(request: number | undefined, limit: number | undefined, format: (n: number) => string) {
  return `req ${request === undefined ? '-' : format(request)} lim ${limit === undefined ? '-' : format(limit)}`;
}

/** The selected pod: its name, then a CPU and a memory sparkline scaled to its limit (or request). */
function PodLines({ podKey, series, width }: { podKey: string; series: PodSeries; width: number }) {
  const cpuLimits = limitsText(series.cpuRequest, series.cpuLimit, cpuText);
  const memLimits = limitsText(series.memoryRequest, series.memoryLimit, memText);
  const limitsWidth = Math.max(cpuLimits.length, memLimits.length);
  const sparkWidth = Math.max(4, width - 13 - limitsWidth);
  const samples = series.cpu.length;
  // Newest sample on the right, beside the current value; a pod not yet sampled shows "-" as the table does.
  const line = (
    label: string,
    values: number[],
    scale: number | undefined,
    color: string,
    format: (n: number | undefined) => string,
    limits: string,
  ) => (
    <Text key={label} wrap="truncate">
      {label}{' '}
      <Text color={color}>
        {fit(sparkline(values, sparkWidth, Math.max(scale ?? 0, ...values)), sparkWidth, 'right')}
      </Text>{' '}
      {fit(format(values.at(-1)), 7, 'right')} {limits}
    </Text>
  );
  return (
    <>
      <Text wrap="truncate">
        pod <Text bold>{podKey}</Text>
        <Text color="gray">
          {' '}
          · {samples === 0 ? 'no samples yet' : samples === 1 ? '1 sample' : `${samples} samples`}
        </Text>
      </Text>
      {line('cpu', series.cpu, series.cpuLimit ?? series.cpuRequest, 'cyan', cpuText, cpuLimits)}
      {line('mem', series.memory, series.memoryLimit ?? series.memoryRequest, 'magenta', memText, memLimits)}
    </>
  );
}

export function MetricsPane({ width, height, focused }: { width: number; height: number; focused: boolean }) {
  const metrics = useCockpit((s) => s.metrics);
  const nodes = useCockpit((s) => s.nodes);
  const selected = useCockpit((s) => s.ui.selectedPodKey);
  // The selected pod's series, not the pods: every watch batch makes a new pods map, and churn
  // rewrites the selected pod twice a second without changing what this pane draws.
  const selectedSeries = useCockpitDerived(
    (s) => (selected ? podSeries(s, selected) : undefined),
    sameSeries,
  );
  const inner = width - PANE_CHROME;
  const room = height - 3;
  let body: ReactNode;
  if (metrics.available === false) {
    // One clause per line, so a command to type is not broken across lines.
    body = (metrics.message ?? 'metrics API not available').split(' — ').map((clause, i) => (
      <Text key={i} color="yellow" wrap="wrap">
        {clause}
      </Text>
    ));
  } else if (metrics.available === undefined) {
    body = <Text color="gray">waiting for metrics…</Text>;
  } else {
    const cluster = clusterUsage({ nodes, metrics });
    const perNode = nodeUsage({ nodes, metrics }).filter((n) => n.usage);
    const labelWidth = Math.min(14, Math.max(7, ...perNode.map((n) => n.name.length)));
    const series = selectedSeries;
    // Lines are budgeted, not clipped: Ink squeezes overflowing lines on top of each other. The
    // selected pod comes first, then the cluster total, then nodes.
    const podLines = series ? POD_LINES : 0;
    const allCluster = cluster ? usageLines('cluster', cluster, labelWidth, inner) : [];
    const clusterLines = allCluster.length <= room - podLines ? allCluster : [];
    // Nodes get what the cluster total and the selected pod leave; one node is the cluster itself.
    const nodeRoom = Math.max(0, room - clusterLines.length - podLines);
    const shown = perNode.length > 1 ? perNode : [];
    const linesPerNode = inner >= ONE_LINE_USAGE ? 1 : 2;
    const fits =
      shown.length * linesPerNode <= nodeRoom
        ? shown.length
        : Math.max(0, Math.floor((nodeRoom - 1) / linesPerNode));
    const nodeLines = shown.slice(0, fits).flatMap((n) => usageLines(n.name, n.usage!, labelWidth, inner));
    if (fits < shown.length && nodeRoom > 0) nodeLines.push(`+${shown.length - fits} more nodes`);
    body = (
      <>
        {[...clusterLines, ...nodeLines].map((text, i) => (
          <Text key={i} wrap="truncate">
            {text}
          </Text>
        ))}
        {series && selected && <PodLines podKey={selected} series={series} width={inner} />}
      </>
    );
  }
  return (
    <Pane title="metrics" width={width} height={height} focused={focused}>
      {body}
    </Pane>
  );
}
