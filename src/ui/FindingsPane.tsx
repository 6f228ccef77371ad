// The findings pane: the analyzers' (and kagent's) findings, most severe first, one line each.
import { Text } from 'ink';
import type { Finding, Severity } from '../model/analysis.js';
import { humanDuration } from '../kube/format.js';
import { useCockpit } from './context.js';
import { clipWords } from './format.js';
import { Pane, PANE_CHROME, windowStart, type PaneFrame } from './Pane.js';
import { useNow } from './useNow.js';

export const SEVERITY_MARK: Record<Severity, { mark: string; color: string }> = {
  critical: { mark: '✖', color: 'red' },
  warning: { mark: '▲', color: 'yellow' },
  info: { mark: '●', color: 'blue' },
};

function counts(findings: readonly Finding[]): string {
  const n = { critical: 0, warning: 0, info: 0 };
  for (const f of findings) n[f.severity]++;
  return `${n.critical} critical · ${n.warning} warning · ${n.info} info`;
}

export function FindingsPane({ width, height, focused }: PaneFrame) {
  const findings = useCockpit((s) => s.findings);
  const selected = useCockpit((s) => s.ui.selectedFindingId);
  const skew = useCockpit((s) => s.connection.clockSkewMs ?? 0);
  const now = useNow(5_000) + skew;
  const room = Math.max(0, height - 3);
  const index = Math.max(
    0,
    findings.findIndex((f) => f.id === selected),
  );
  // Unfocused, the pane shows the most severe findings; focused, the window follows the selection.
  const start = windowStart(index, findings.length, room, focused);
  return (
    <Pane
      title={`findings (${findings.length}) ${counts(findings)}`}
      width={width}
      height={height}
      focused={focused}
    >
      {findings.length === 0 ? (
        <Text color="gray">no findings</Text>
      ) : (
        findings.slice(start, start + room).map((f) => {
          const { mark, color } = SEVERITY_MARK[f.severity];
          const isSelected = f.id === selected && focused;
          const text = `${f.title} · ${f.resource.kind.toLowerCase()} ${f.resource.name} · ${humanDuration(Math.max(0, now - f.firstSeen))}${f.source === 'kagent' ? ' · kagent' : ''}`;
          return (
            <Text key={f.id} wrap="truncate" inverse={isSelected}>
              <Text color={color}>{mark}</Text>
              {isSelected ? '›' : ' '}
              {clipWords(text, Math.max(1, width - PANE_CHROME - 2))}
            </Text>
          );
        })
      )}
    </Pane>
  );
}
