// What each scrolling overlay shows, as lines: pure, so the input handler clamps a scroll to the
// same content the overlay draws, and the chat pages by what its pane holds.
import { findingQuality } from '../analysis/confidence.js';
import { figuresTable, type Figures } from '../audit/metrics.js';
import { resourceLabel } from '../analysis/format.js';
import type { Finding } from '../model/analysis.js';
import type { ChatMessage, CockpitState, Confirmation, Inspection } from '../state/types.js';
import { refLabel, shortName } from '../state/views.js';
import { bindings, CONTEXT_TITLE, keysLabel, type KeyContext } from './keymap.js';
import { renderMarkdown, type Line } from './markdown.js';

const plain = (texts: readonly string[], color?: string): Line[] =>
  texts.map((text) => (text ? [{ text, ...(color ? { color } : {}) }] : []));

/** Words of `text` in lines of at most `width` (a word longer than that stands alone). */
export function wrapWords(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  return [...lines, line];
}

const KEYS_COLUMN = 19;

/** `?`: the key table grouped by context, only what this cockpit binds, help wrapped to `width`. */
export function helpLines(readOnly: boolean, width = 76): Line[] {
  const lines: Line[] = [];
  const table = bindings(readOnly);
  for (const context of Object.keys(CONTEXT_TITLE) as KeyContext[]) {
    const group = table.filter((b) => b.context === context);
    if (group.length === 0) continue;
    if (lines.length) lines.push([]);
    lines.push([{ text: CONTEXT_TITLE[context], bold: true }]);
    for (const b of group) {
      const help = wrapWords(
        b.help + (b.dangerous ? ' (not bound read-only)' : ''),
        Math.max(10, width - KEYS_COLUMN),
      );
      help.forEach((text, i) =>
        lines.push([
          { text: (i === 0 ? `  ${keysLabel(b)}` : '').padEnd(KEYS_COLUMN - 1) + ' ', color: 'cyan' },
          { text },
        ]),
      );
    }
  }
  if (readOnly)
    lines.push([], [{ text: 'read-only: keys that change the cluster are not bound', color: 'yellow' }]);
  return lines;
}

export function findingLines(finding: Finding | undefined): Line[] {
  if (!finding) return plain(['the finding is resolved']);
  return plain([
    `${finding.severity} · ${resourceLabel(finding.resource)} · ${finding.source} · seen ${finding.count}×`,
    '',
    ...finding.detail.map((d) => `• ${d}`),
    ...(finding.affected.length ? ['', `affects: ${finding.affected.map(resourceLabel).join(', ')}`] : []),
    ...(finding.suggestedFix ? ['', `fix: ${finding.suggestedFix}`] : []),
    ...(finding.recommendation
      ? ['', `recommendation: ${finding.recommendation.summary}`, `  ${finding.recommendation.kubectl}`]
      : []),
    ...(finding.runbook ? ['', `runbook: runbooks/${finding.runbook}.md`] : []),
    ...((q) => ['', `confidence: ${q.confidence} (${q.rule}): ${q.rationale}`])(findingQuality(finding)),
  ]);
}

export interface RecordView {
  recommendations: CockpitState['recommendations'];
  progress: CockpitState['progress'];
  selectedId: string | undefined;
  body: string | undefined;
}

export const recordView = (state: CockpitState): RecordView => ({
  recommendations: state.recommendations,
  progress: state.progress,
  selectedId: state.ui.selectedRecommendationId,
  body: state.ui.recommendationBody,
});

export function recommendationLines(view: RecordView, width: number): Line[] {
  const rec = view.recommendations.find((r) => r.id === view.selectedId);
  if (!rec) return plain(['the recommendation is gone']);
  const progress = view.progress[rec.id];
  return [
    ...plain([
      `${rec.tier}${rec.emergency ? ` · EMERGENCY: ${rec.emergency}` : ''} · ${rec.status}${progress ? ` (${progress})` : ''} · ${rec.source} · ${rec.target}${rec.confidence ? ` · confidence ${rec.confidence}` : ''}`,
      `approvers: ${rec.approvers.join(', ') || 'none'} (${rec.requiredApprovers} needed) · record ${rec.id} (aiops-tui phr show ${rec.id})`,
    ]),
    ...plain([`$ ${rec.operation.kubectl}`], 'green'),
    ...renderMarkdown(view.body ?? '', Math.max(10, width)),
  ];
}

const diffColor = (line: string): string | undefined =>
  line.startsWith('+') ? 'green' : line.startsWith('-') ? 'red' : line.startsWith('@@') ? 'cyan' : undefined;

export function confirmLines(confirm: Confirmation | undefined): Line[] {
  return (confirm?.lines ?? []).map((text) =>
    text ? [{ text, ...(diffColor(text) ? { color: diffColor(text)! } : {}) }] : [],
  );
}

export function inspectionLines(inspection: Inspection | undefined): Line[] {
  if (!inspection) return plain(['nothing to show']);
  if (inspection.error) return plain([inspection.error], 'red');
  if (!inspection.lines)
    return plain([`reading ${shortName(inspection.ref.kind)} ${refLabel(inspection.ref)}…`], 'gray');
  return plain(inspection.lines);
}

/** The lines the open overlay scrolls over. */
/**
 * The `m` overlay: the operations plan's figures as the trail computes them, each row's value
 * wrapped under its column rather than cut (`≥ 80 % of decided recommendati…`).
 */
export function figuresLines(figures: Figures | undefined, width: number): Line[] {
  if (!figures || figures.records === 0) return plain(['no Prompt History Records yet (history/prompts/)']);
  return plain(
    figuresTable(figures)
      .trimEnd()
      .split('\n')
      .flatMap((row) => {
        const column = /^(.*?\S)( {2,})\S/.exec(row);
        if (row.length <= width || !column) return [row];
        const at = column[1]!.length + column[2]!.length;
        const [first = '', ...rest] = wrapWords(row.slice(at), Math.max(10, width - at));
        return [row.slice(0, at) + first, ...rest.map((more) => ' '.repeat(at) + more)];
      }),
  );
}

export function overlayLines(state: CockpitState, width: number, readOnly: boolean): Line[] {
  switch (state.ui.confirm ? 'confirm' : state.ui.overlay) {
    case 'help':
      return helpLines(readOnly, width - 4);
    case 'detail':
      return findingLines(state.findings.find((f) => f.id === state.ui.selectedFindingId));
    case 'recommendation':
      return recommendationLines(recordView(state), width - 4);
    case 'confirm':
      return confirmLines(state.ui.confirm);
    case 'inspect':
      return inspectionLines(state.inspection);
    case 'report':
      return figuresLines(state.auditFigures, width - 4);
    default:
      return [];
  }
}

/** The chat's transcript as styled lines of a width. */
export function transcriptLines(messages: readonly ChatMessage[], width: number): Line[] {
  const lines: Line[] = [];
  for (const m of messages) {
    if (lines.length > 0) lines.push([]);
    if (m.role === 'user') lines.push(...renderMarkdown(`**› ${m.text.replace(/\*/g, '')}**`, width));
    else if (m.role === 'error')
      lines.push(...renderMarkdown(m.text, width).map((l) => l.map((s) => ({ ...s, color: 'red' }))));
    else lines.push(...renderMarkdown(m.text || '…', width));
  }
  return lines;
}

/** A scroll kept inside its content: the last screenful at most, never past the top. */
export const clampScroll = (scroll: number, total: number, rows: number): number =>
  Math.max(0, Math.min(scroll, total - rows));
