// A region kept for a pane another issue fills (chat, findings, approvals), saying what comes there.
import { Box, Text } from 'ink';

export function ReservedPane({
  title,
  purpose,
  width,
  height,
  focused,
}: {
  title: string;
  purpose: string;
  width: number;
  height: number;
  focused: boolean;
}) {
  return (
    <Box
      flexDirection="column"
      width={width}
      height={height}
      borderStyle="round"
      borderColor={focused ? 'cyan' : 'gray'}
      paddingX={1}
    >
      <Text bold wrap="truncate">
        {title}
      </Text>
      {height > 3 && (
        <Text color="gray" wrap="truncate">
          {purpose}
        </Text>
      )}
    </Box>
  );
}
