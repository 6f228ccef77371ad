// The top line: where the cockpit is connected, how, and how fresh the data is.
import { Box, Text } from 'ink';
import { humanDuration } from '../cluster/kube-format.js';
import { useCockpit } from './context.js';
import { useNow } from './useNow.js';

const STATUS_COLOR = {
  connecting: 'yellow',
  connected: 'green',
  reconnecting: 'yellow',
  failed: 'red',
} as const;

export function StatusBar({ width }: { width: number }) {
  const connection = useCockpit((s) => s.connection);
  const now = useNow(1_000);
  const last =
    connection.lastEventAt === undefined
      ? 'no events yet'
      : `last event ${humanDuration(now - connection.lastEventAt)} ago`;
  return (
    <Box width={width}>
      <Text wrap="truncate">
        <Text bold color="cyan">
          aiops-tui
        </Text>{' '}
        ctx <Text bold>{connection.context}</Text> · ns <Text bold>{connection.namespace ?? 'all'}</Text> ·{' '}
        <Text color={STATUS_COLOR[connection.status]}>{connection.status}</Text> · {last} · ? help
      </Text>
    </Box>
  );
}
