// The top line: where the cockpit is connected, how, how fresh the data is, and who answers chat.
import { Text } from 'ink';
import { Fragment } from 'react';
import { humanDuration } from '../kube/format.js';
import { useCockpit } from './context.js';
import { useNow } from './useNow.js';

const STATUS_COLOR = {
  connecting: 'yellow',
  connected: 'green',
  reconnecting: 'yellow',
  failed: 'red',
} as const;

/** What the status says; `connecting…` until the first answer (the frame is up before it). */
const STATUS_TEXT = {
  connecting: 'connecting…',
  connected: 'connected',
  reconnecting: 'reconnecting',
  failed: 'failed',
} as const;

const BRAND = 'aiops-tui';
const SEPARATOR = ' · ';

/** "last event 12s ago" as of `now`; an event since that tick is "0s ago". */
export function lastEventText(lastEventAt: number | undefined, now: number): string {
  return lastEventAt === undefined
    ? 'no events yet'
    : `last event ${humanDuration(Math.max(0, now - lastEventAt))} ago`;
}

export function StatusBar({ width, readOnly = false }: { width: number; readOnly?: boolean }) {
  const chatBackend = useCockpit((s) => s.chat.backend);
  const context = useCockpit((s) => s.connection.context);
  const namespace = useCockpit((s) => s.connection.namespace);
  const status = useCockpit((s) => s.connection.status);
  // Every 5 s, with the panes' ages (one frame for all, see useNow): a frame a second for this
  // line alone was most of an idle cockpit's CPU. The text, not the time, is selected: each watch
  // batch moves lastEventAt, and a batch that leaves "last event 0s ago" as it was draws nothing.
  const now = useNow(5_000);
  const lastEvent = useCockpit((s) => lastEventText(s.connection.lastEventAt, now));
  const segments: { text: string; color?: string }[] = [
    { text: `ctx ${context}` },
    { text: namespace === undefined ? 'all namespaces' : `ns ${namespace}` },
    { text: STATUS_TEXT[status], color: STATUS_COLOR[status] },
    { text: lastEvent },
    { text: `chat: ${chatBackend}` },
  ];
  // Said second, after the context: it decides what the keys can do.
  if (readOnly) segments.splice(2, 0, { text: 'read-only', color: 'yellow' });
  // Whole segments only, in order of importance: one that does not fit is left out, never cut
  // mid-word ("ch…"); the chat's backend and the event age go first on a narrow terminal.
  const shown = segments.filter(
    (_, i) => segments.slice(0, i + 1).reduce((n, s) => n + s.text.length, 0) + i * SEPARATOR.length <= width,
  );
  // The name goes first when there is room for it; what the cockpit is connected to matters more.
  const length = shown.reduce((n, s) => n + s.text.length + SEPARATOR.length, 0) - SEPARATOR.length;
  const brand = shown.length === segments.length && length + BRAND.length + SEPARATOR.length <= width;
  return (
    <Text wrap="truncate">
      {brand && (
        <Text bold color="cyan">
          {BRAND}
          {SEPARATOR}
        </Text>
      )}
      {shown.map((s, i) => (
        <Fragment key={i}>
          {i > 0 && SEPARATOR}
          <Text color={s.color}>{s.text}</Text>
        </Fragment>
      ))}
    </Text>
  );
}
