// The cockpit's frame: status bar, the resource view (pods, deploy, svc …) and metrics panes, the regions kept for chat, findings
// and approvals, and the footer. Layout follows the terminal size it is given.
import { Box, Text, useApp, useInput, usePaste } from 'ink';
import type { ReactNode } from 'react';
import type { PaneId } from '../state/types.js';
import { useCockpit, useCockpitStore } from './context.js';
import { Footer } from './Footer.js';
import { FiguresOverlay } from './FiguresOverlay.js';
import { FindingDetail } from './FindingDetail.js';
import { FindingsPane } from './FindingsPane.js';
import { HelpOverlay } from './HelpOverlay.js';
import { handleKey, handlePaste, type InputContext } from './input.js';
import { specialKey } from './keymap.js';
import { MetricsPane } from './MetricsPane.js';
import type { PaneFrame } from './Pane.js';
import { PodsPane } from './PodsPane.js';
import { StatusBar } from './StatusBar.js';
import { ApprovalsPane } from './ApprovalsPane.js';
import { ChatPane, chatRoom } from './ChatPane.js';
import { ConfirmOverlay } from './ConfirmOverlay.js';
import type { UiActions } from './input.js';
import { RecommendationDetail } from './RecommendationDetail.js';
import { InspectOverlay } from './InspectOverlay.js';
import { LogsView } from './LogsView.js';
import { ObjectPane } from './ObjectPane.js';
import { PickOverlay } from './PickOverlay.js';
import { overlayRows } from './ScrollOverlay.js';
import { PANE_CHROME } from './Pane.js';

export const MIN_WIDTH = 60;
export const MIN_HEIGHT = 16;
/** At this width and above the side column sits beside the pods pane. */
const WIDE = 130;
/** Room the pods table wants beside the side column: every column, with NAMESPACE. */
const PODS_WANT = 123;
/** Below this body height the reserved panes give their rows to the pods. */
const ROOM_FOR_RESERVED = 20;
/** From this body height the row of side panes has a line of content (the top finding). */
const ROOM_FOR_A_LINE = 26;

export interface AppProps {
  width: number;
  height: number;
  onNamespaceChange(namespace: string | undefined): void;
  onQuit?(): void;
  actions?: UiActions;
  /** `--read-only`: the dangerous bindings do not exist (keymap.ts). */
  readOnly?: boolean;
}

/** The panes under metrics, in focus order. */
const SIDE_PANES: { id: PaneId; view(frame: PaneFrame): ReactNode }[] = [
  { id: 'chat', view: (f) => <ChatPane {...f} /> },
  { id: 'findings', view: (f) => <FindingsPane {...f} /> },
  { id: 'approvals', view: (f) => <ApprovalsPane {...f} /> },
];

/** Where each region goes at a terminal size. Wide: pods left, a side column of metrics and the
 * side panes right. Narrow: pods, then metrics, then the side panes in a row of three, which
 * give their rows to the pods on short terminals. A focused side pane gets room to be used:
 * taller in the side column; in the narrow layout it takes the metrics' place at full width. */
function layout(width: number, height: number, focus: PaneId) {
  const body = height - 2;
  const sideFocused = SIDE_PANES.some((p) => p.id === focus);
  if (width >= WIDE) {
    // From 150 columns the side column is wide enough to name a recommendation's operation whole.
    const sideWidth = Math.max(width >= 150 ? 52 : 44, Math.min(64, width - PODS_WANT));
    const paneHeight = Math.max(3, Math.min(10, Math.floor((body - 10) / SIDE_PANES.length)));
    const focusedHeight = sideFocused
      ? Math.max(paneHeight, Math.min(body - 2 * paneHeight - 8, Math.floor(body / 2)))
      : paneHeight;
    return {
      wide: true,
      body,
      pods: { width: width - sideWidth, height: body },
      metrics: { width: sideWidth, height: body - (SIDE_PANES.length - 1) * paneHeight - focusedHeight },
      sidePane: { width: sideWidth, height: paneHeight },
      focusedPane: { width: sideWidth, height: focusedHeight },
    };
  }
  const roomy = body >= ROOM_FOR_RESERVED;
  // A third of a tall terminal, so nodes show beside the selected pod; 7 rows at 80×24.
  const metricsHeight = roomy ? Math.max(7, Math.min(14, Math.floor(body / 3))) : 6;
  const paneHeight = body >= ROOM_FOR_A_LINE ? 4 : roomy ? 3 : 0;
  const bottom = sideFocused
    ? Math.max(metricsHeight + paneHeight, Math.floor(body / 2) + 1)
    : metricsHeight + paneHeight;
  return {
    wide: false,
    body,
    pods: { width, height: body - bottom },
    metrics: { width, height: metricsHeight },
    sidePane: { width: Math.floor(width / SIDE_PANES.length), height: paneHeight },
    focusedPane: { width, height: bottom },
  };
}

export function App({ width, height, onNamespaceChange, onQuit, actions, readOnly = false }: AppProps) {
  const store = useCockpitStore();
  const { exit } = useApp();
  const focus = useCockpit((s) => s.ui.focus);
  const overlay = useCockpit((s) => s.ui.overlay);
  const view = useCockpit((s) => s.ui.view.kind);
  const picking = useCockpit((s) => s.ui.pick !== undefined);
  const at = layout(width, height, focus);
  const chat = focus === 'chat' ? at.focusedPane : at.sidePane;
  const ctx: InputContext = {
    store,
    pageSize: Math.max(1, at.pods.height - 5),
    quit: () => {
      onQuit?.();
      exit();
    },
    onNamespaceChange,
    ...(actions ? { actions } : {}),
    readOnly,
    room: {
      overlayRows: overlayRows(at.body),
      overlayWidth: width,
      chatRows: chatRoom(chat.height),
      chatWidth: Math.max(10, chat.width - PANE_CHROME),
    },
  };
  useInput((input, key) => {
    // Esc followed at once by a key arrives as that key with meta: it is both.
    if (key.meta && !key.escape && input.length === 1) {
      handleKey(ctx, '', 'esc');
      handleKey(ctx, input, undefined);
      return;
    }
    handleKey(ctx, input, specialKey(input, key));
  });
  usePaste((text) => handlePaste(ctx, text));
  if (width < MIN_WIDTH || height < MIN_HEIGHT) {
    return (
      <Text color="yellow">
        terminal too small (need {MIN_WIDTH}×{MIN_HEIGHT}, have {width}×{height})
      </Text>
    );
  }
  const focusedSide = SIDE_PANES.find((p) => p.id === focus);
  const sidePanes =
    at.sidePane.height > 0 &&
    SIDE_PANES.map((p) => (
      <Box key={p.id}>
        {p.view({ ...(p.id === focus ? at.focusedPane : at.sidePane), focused: focus === p.id })}
      </Box>
    ));
  const frame = { width, height: at.body, readOnly };
  const overlays = {
    help: () => <HelpOverlay {...frame} />,
    detail: () => <FindingDetail {...frame} />,
    report: () => <FiguresOverlay {...frame} />,
    recommendation: () => <RecommendationDetail {...frame} />,
    confirm: () => <ConfirmOverlay {...frame} />,
    inspect: () => <InspectOverlay {...frame} />,
    logs: () => <LogsView {...frame} />,
  };
  const resource =
    view === 'pods' ? (
      <PodsPane {...at.pods} focused={focus === 'pods'} />
    ) : (
      <ObjectPane kind={view} {...at.pods} focused={focus === 'pods'} />
    );
  return (
    <Box flexDirection="column" width={width} height={height}>
      <StatusBar width={width} readOnly={readOnly} />
      {picking ? (
        <PickOverlay {...frame} />
      ) : overlay !== 'none' ? (
        overlays[overlay]()
      ) : (
        <Box flexDirection={at.wide ? 'row' : 'column'} height={at.body}>
          {resource}
          {!at.wide && focusedSide ? (
            focusedSide.view({ ...at.focusedPane, focused: true })
          ) : (
            <Box flexDirection="column" width={at.metrics.width}>
              <MetricsPane {...at.metrics} focused={focus === 'metrics'} />
              <Box flexDirection={at.wide ? 'column' : 'row'}>{sidePanes}</Box>
            </Box>
          )}
        </Box>
      )}
      <Footer width={width} readOnly={readOnly} />
    </Box>
  );
}
