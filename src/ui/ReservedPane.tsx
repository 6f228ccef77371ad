// A region kept for a pane another issue fills (chat, findings, approvals), saying what comes there.
import { Text } from 'ink';
import { Pane } from './Pane.js';

export interface ReservedPaneProps {
  title: string;
  purpose: string;
  width: number;
  height: number;
  focused: boolean;
}

export function ReservedPane({ title, purpose, ...frame }: ReservedPaneProps) {
  return (
    <Pane title={title} {...frame}>
      <Text color="gray" wrap="truncate">
        {purpose}
      </Text>
    </Pane>
  );
}
