// The cockpit's frame: status bar, pods and metrics panes, the regions kept for chat, findings
// and approvals, and the footer. Layout follows the terminal size it is given.
import { Box, Text, useApp, useInput } from 'ink';
import { useCockpit, useCockpitStore } from './context.js';
import { Footer } from './Footer.js';
import { HelpOverlay } from './HelpOverlay.js';
import { handleKey } from './input.js';
import { specialKey } from './keymap.js';
import { MetricsPane } from './MetricsPane.js';
import { PodsPane } from './PodsPane.js';
import { ReservedPane } from './ReservedPane.js';
import { StatusBar } from './StatusBar.js';

export const MIN_WIDTH = 60;
export const MIN_HEIGHT = 16;
/** At this width and above the side column sits beside the pods pane. */
const WIDE = 130;
/** Room the pods table wants beside the side column. */
const PODS_WANT = 126;

export interface AppProps {
  width: number;
  height: number;
  onNamespaceChange(namespace: string | undefined): void;
  onQuit?(): void;
}

const RESERVED = [
  { id: 'chat', title: 'chat', purpose: 'ask kubectl-ai or the offline assistant' },
  { id: 'findings', title: 'findings', purpose: 'analyzer and kagent findings' },
  { id: 'approvals', title: 'approvals', purpose: 'recommendations awaiting a decision' },
] as const;

export function App({ width, height, onNamespaceChange, onQuit }: AppProps) {
  const store = useCockpitStore();
  const { exit } = useApp();
  const focus = useCockpit((s) => s.ui.focus);
  const overlay = useCockpit((s) => s.ui.overlay);
  const bodyHeight = height - 2;
  const wide = width >= WIDE;
  const podsHeight = wide ? bodyHeight : Math.max(6, bodyHeight - 7 - 3);
  useInput((input, key) => {
    const ctx = {
      store,
      pageSize: Math.max(1, podsHeight - 5),
      quit: () => {
        onQuit?.();
        exit();
      },
      onNamespaceChange,
    };
    // Esc followed at once by a key arrives as that key with meta: it is both.
    if (key.meta && !key.escape && input.length === 1) {
      handleKey(ctx, '', 'esc');
      handleKey(ctx, input, undefined);
      return;
    }
    handleKey(ctx, input, specialKey(input, key));
  });
  if (width < MIN_WIDTH || height < MIN_HEIGHT) {
    return (
      <Text color="yellow">
        terminal too small (need {MIN_WIDTH}×{MIN_HEIGHT}, have {width}×{height})
      </Text>
    );
  }
  const sideWidth = wide ? Math.max(44, Math.min(64, width - PODS_WANT)) : width;
  const podsWidth = wide ? width - sideWidth : width;
  const reservedHeight = wide ? Math.max(3, Math.min(6, Math.floor((bodyHeight - 10) / 3))) : 3;
  const metricsHeight = wide ? bodyHeight - 3 * reservedHeight : 7;
  const side = (
    <Box flexDirection="column" width={sideWidth}>
      <MetricsPane width={sideWidth} height={metricsHeight} focused={focus === 'metrics'} />
      {wide ? (
        RESERVED.map((r) => (
          <ReservedPane
            key={r.id}
            title={r.title}
            purpose={r.purpose}
            width={sideWidth}
            height={reservedHeight}
            focused={focus === r.id}
          />
        ))
      ) : (
        <Box width={width}>
          {RESERVED.map((r) => (
            <ReservedPane
              key={r.id}
              title={r.title}
              purpose={r.purpose}
              width={Math.floor(width / 3)}
              height={3}
              focused={focus === r.id}
            />
          ))}
        </Box>
      )}
    </Box>
  );
  return (
    <Box flexDirection="column" width={width} height={height}>
      <StatusBar width={width} />
      {overlay === 'help' ? (
        <HelpOverlay width={width} height={bodyHeight} />
      ) : (
        <Box flexDirection={wide ? 'row' : 'column'} height={bodyHeight}>
          <PodsPane width={podsWidth} height={podsHeight} focused={focus === 'pods'} />
          {side}
        </Box>
      )}
      <Footer width={width} />
    </Box>
  );
}
