// The metrics pane: cluster and node usage against allocatable, and the selected pod's CPU and
// memory over the collected window against its request and limit.
import { Box, Text } from 'ink';
import type { ReactNode } from 'react';
import { clusterUsage, nodeUsage, podSeries, type Usage } from '../state/selectors.js';
import { useCockpit } from './context.js';
import { bar, cpuText, fit, memText, sparkline } from './format.js';

function UsageLine({ label, usage, width }: { label: string; usage: Usage; width: number }) {
  const barWidth = Math.max(6, Math.floor((width - 34) / 2));
  const cpu = usage.cpuAllocatable ? usage.cpuMillis / usage.cpuAllocatable : 0;
  const mem = usage.memoryAllocatable ? usage.memoryBytes / usage.memoryAllocatable : 0;
  return (
    <Text wrap="truncate">
      {fit(label, 10)} cpu {bar(cpu, barWidth)} {fit(`${Math.round(cpu * 100)}%`, 4, 'right')} mem{' '}
      {bar(mem, barWidth)} {fit(`${Math.round(mem * 100)}%`, 4, 'right')}
    </Text>
  );
}

function limitsText(
  request: number | undefined,
  limit: number | undefined,
  format: (n: number | undefined) => string,
): string {
  return `req ${request === undefined ? '-' : format(request)} lim ${limit === undefined ? '-' : format(limit)}`;
}

export function MetricsPane({ width, height, focused }: { width: number; height: number; focused: boolean }) {
  const metrics = useCockpit((s) => s.metrics);
  const nodes = useCockpit((s) => s.nodes);
  const pods = useCockpit((s) => s.pods);
  const selected = useCockpit((s) => s.ui.selectedPodKey);
  const inner = width - 4;
  const lines: ReactNode[] = [];
  if (metrics.available === false) {
    lines.push(
      <Text key="na" color="yellow" wrap="wrap">
        {metrics.message}
      </Text>,
    );
  } else if (metrics.available === undefined) {
    lines.push(
      <Text key="wait" color="gray">
        waiting for metrics…
      </Text>,
    );
  } else {
    const cluster = clusterUsage({ nodes, metrics });
    if (cluster) lines.push(<UsageLine key="cluster" label="cluster" usage={cluster} width={inner} />);
    const series = selected ? podSeries({ pods, metrics }, selected) : undefined;
    const podLines = series ? 2 : 0;
    const nodeRoom = Math.max(0, height - 3 - lines.length - podLines);
    const perNode = nodeUsage({ nodes, metrics }).filter((n) => n.usage);
    if (perNode.length > 1)
      for (const n of perNode.slice(0, nodeRoom))
        lines.push(<UsageLine key={n.name} label={n.name} usage={n.usage!} width={inner} />);
    if (series && selected) {
      const name = selected.split('/')[1] ?? selected;
      const sparkWidth = Math.max(8, inner - 42);
      const cpuMax = Math.max(series.cpuLimit ?? series.cpuRequest ?? 0, ...series.cpu);
      const memMax = Math.max(series.memoryLimit ?? series.memoryRequest ?? 0, ...series.memory);
      lines.push(
        <Text key="cpu" wrap="truncate">
          {fit(name, 12)} cpu{' '}
          <Text color="cyan">{fit(sparkline(series.cpu, sparkWidth, cpuMax), sparkWidth)}</Text>{' '}
          {fit(cpuText(series.cpu.at(-1)), 6, 'right')}{' '}
          {limitsText(series.cpuRequest, series.cpuLimit, cpuText)}
        </Text>,
        <Text key="mem" wrap="truncate">
          {fit('', 12)} mem{' '}
          <Text color="magenta">{fit(sparkline(series.memory, sparkWidth, memMax), sparkWidth)}</Text>{' '}
          {fit(memText(series.memory.at(-1)), 6, 'right')}{' '}
          {limitsText(series.memoryRequest, series.memoryLimit, memText)}
        </Text>,
      );
    }
  }
  return (
    <Box
      flexDirection="column"
      width={width}
      height={height}
      borderStyle="round"
      borderColor={focused ? 'cyan' : 'gray'}
      paddingX={1}
    >
      <Text bold>metrics</Text>
      {lines.slice(0, Math.max(0, height - 3))}
    </Box>
  );
}
