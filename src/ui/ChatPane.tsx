// The chat: the transcript (questions, streamed Markdown answers, one-line errors) above the
// input line. Typing goes to the input while the pane has focus, also while an answer comes.
import { Box, Text } from 'ink';
import { useMemo } from 'react';
import { useCockpit } from './context.js';
import { clampScroll, transcriptLines } from './overlay-lines.js';
import { MarkdownLines } from './MarkdownLines.js';
import { Pane, PANE_CHROME, type PaneFrame } from './Pane.js';

export { transcriptLines };

/** Transcript rows of a chat pane `height` rows tall (border, title, input line). */
export const chatRoom = (height: number): number => Math.max(0, height - 4);

export function ChatPane({ width, height, focused }: PaneFrame) {
  const chat = useCockpit((s) => s.chat);
  const inner = Math.max(10, width - PANE_CHROME);
  const lines = useMemo(() => transcriptLines(chat.messages, inner), [chat.messages, inner]);
  const room = chatRoom(height);
  // Scrolled at most to the transcript's first screenful: never past its top into blank lines.
  const scroll = clampScroll(chat.scroll, lines.length, room);
  const end = Math.max(0, lines.length - scroll);
  const shown = lines.slice(Math.max(0, end - room), end);
  const title = `chat · ${chat.backend}${scroll > 0 ? ` · ↑${scroll}` : ''}`;
  return (
    <Pane title={title} width={width} height={height} focused={focused}>
      {room > 0 && (
        <Box flexDirection="column" flexGrow={1} overflow="hidden">
          {chat.messages.length === 0 ? (
            <Text color="gray" wrap="truncate">
              ask about the cluster: "check for pod failures", "scale frontend to 2"
            </Text>
          ) : (
            <MarkdownLines lines={shown} />
          )}
        </Box>
      )}
      <Text wrap="truncate" color={focused ? 'white' : 'gray'}>
        {/* What is typed while an answer comes stays in sight: never hidden, so never merged unseen. */}
        {`${chat.running ? '… answering (esc cancels) ' : ''}› ${chat.input}${focused ? '█' : ''}`}
      </Text>
    </Pane>
  );
}
