// The chat: the transcript (questions, streamed Markdown answers, one-line errors) above the
// input line. Typing goes to the input while the pane has focus, also while an answer comes.
import { Box, Text } from 'ink';
import { useMemo } from 'react';
import type { ChatMessage } from '../state/types.js';
import { useCockpit } from './context.js';
import { renderMarkdown, type Line } from './markdown.js';
import { MarkdownLines } from './MarkdownLines.js';
import { Pane, PANE_CHROME, type PaneFrame } from './Pane.js';

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

export function ChatPane({ width, height, focused }: PaneFrame) {
  const chat = useCockpit((s) => s.chat);
  const inner = Math.max(10, width - PANE_CHROME);
  const lines = useMemo(() => transcriptLines(chat.messages, inner), [chat.messages, inner]);
  const room = Math.max(0, height - 4);
  const end = Math.max(0, lines.length - chat.scroll);
  const shown = lines.slice(Math.max(0, end - room), end);
  const title = `chat · ${chat.backend}${chat.scroll > 0 ? ` · ↑${chat.scroll}` : ''}`;
  return (
    <Pane title={title} width={width} height={height} focused={focused}>
      <Box flexDirection="column" flexGrow={1} overflow="hidden">
        {chat.messages.length === 0 ? (
          <Text color="gray" wrap="truncate">
            ask about the cluster: "check for pod failures", "scale frontend to 2"
          </Text>
        ) : (
          <MarkdownLines lines={shown} />
        )}
      </Box>
      <Text wrap="truncate" color={focused ? 'white' : 'gray'}>
        {/* What is typed while an answer comes stays in sight: never hidden, so never merged unseen. */}
        {`${chat.running ? '… answering (esc cancels) ' : ''}› ${chat.input}${focused ? '█' : ''}`}
      </Text>
    </Pane>
  );
}
