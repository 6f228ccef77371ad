// A region kept for a pane another issue fills (chat, findings, approvals), saying what comes there.
import { Text } from 'ink';
import { Pane, type PaneProps } from './Pane.js';

export function ReservedPane({ purpose, ...frame }: Omit<PaneProps, 'children'> & { purpose: string }) {
  return (
    <Pane {...frame}>
      <Text color="gray" wrap="truncate">
        {purpose}
      </Text>
    </Pane>
  );
}
