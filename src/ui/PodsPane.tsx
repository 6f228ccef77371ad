// The pods pane: kubectl's columns plus live usage, coloured by health, filtered and sorted;
// only the rows that fit are rendered, however many pods there are.
import { Text } from 'ink';
import { useEffect, useRef, useState } from 'react';
import type { Health } from '../state/selectors.js';
import { breadcrumb, viewPods } from '../state/views.js';
import { useCockpit, useCockpitDerived, useCockpitStore } from './context.js';
import { Pane, PANE_CHROME } from './Pane.js';
import { createPodsFramer, MARK, samePodsFrame } from './pods-frame.js';
import { useNow } from './useNow.js';

const HEALTH_COLOR: Record<Health, string> = {
  ok: 'green',
  warn: 'yellow',
  error: 'red',
  pending: 'cyan',
  terminating: 'gray',
};

export function PodsPane({ width, height, focused }: { width: number; height: number; focused: boolean }) {
  const store = useCockpitStore();
  const view = useCockpit((s) => s.ui.view);
  const filter = useCockpit((s) => s.ui.filter);
  const sortBy = useCockpit((s) => s.ui.sortBy);
  const podCount = useCockpit((s) => viewPods(s).size);
  const synced = useCockpit((s) => s.synced.pods);
  const forbidden = useCockpit((s) => s.forbidden.pods);
  const reconnecting = useCockpit((s) => s.connection.status === 'reconnecting');
  const lostReason = useCockpit((s) => s.connection.message);
  const allNamespaces = useCockpit((s) => s.connection.namespace === undefined);
  const skew = useCockpit((s) => s.connection.clockSkewMs ?? 0);
  const now = useNow(5_000) + skew;
  const bodyHeight = Math.max(0, height - 4 - (reconnecting ? 1 : 0));
  const [framer] = useState(createPodsFramer);
  // Re-rendered only when what it draws changes, not on every watch batch (see pods-frame.ts).
  const frame = useCockpitDerived(
    (s) =>
      framer({
        pods: viewPods(s),
        metrics: s.metrics,
        now,
        filter: s.ui.filter,
        sortBy: s.ui.sortBy,
        selectedKey: s.ui.selectedPodKey,
        width: width - PANE_CHROME - MARK.length,
        showNamespace: allNamespaces && !s.ui.view.owner,
        bodyHeight,
      }),
    samePodsFrame,
  );
  const { found, count: shownCount } = frame;
  // The store always names the row shown as selected (the metrics pane follows it). When that pod
  // goes away or is filtered out, the row now at its place is selected rather than the top one.
  const lastIndex = useRef(0);
  useEffect(() => {
    if (found >= 0) lastIndex.current = found;
    else if (shownCount > 0) {
      const key = framer.keyAt(Math.min(lastIndex.current, shownCount - 1));
      if (key) store.getState().setUi({ selectedPodKey: key });
    }
  }, [found, shownCount, framer, store]);

  const count = filter ? `${shownCount} of ${podCount}` : String(shownCount);
  const title = `${breadcrumb(view)}${filter ? ` /${filter}` : ''} (${count}) sort:${sortBy}`;
  let message: string | undefined;
  if (forbidden) message = forbidden;
  else if (!synced && podCount === 0) message = 'loading…';
  else if (shownCount === 0)
    message = filter
      ? `no pods match "${filter}"`
      : view.owner
        ? `no pods of ${breadcrumb({ kind: view.owner.kind })} ${view.owner.name}`
        : 'no pods';
  return (
    <Pane title={title} width={width} height={height} focused={focused}>
      {reconnecting && (
        <Text color="yellow" wrap="truncate">
          {lostReason ?? 'connection lost'} — showing the last known state, reconnecting…
        </Text>
      )}
      <Text dimColor wrap="truncate">
        {frame.header}
      </Text>
      {message ? (
        <Text color={forbidden ? 'red' : 'gray'} wrap="truncate">
          {' '}
          {message}
        </Text>
      ) : (
        frame.lines.map((line) => (
          <Text
            key={line.key}
            wrap="truncate"
            color={HEALTH_COLOR[line.health]}
            inverse={line.selected && focused}
            dimColor={reconnecting}
            bold={line.selected}
          >
            {line.text}
          </Text>
        ))
      )}
    </Pane>
  );
}
