// A medium or critical approval shows the exact change first: the server's dry run as a diff,
// which scrolls; `y` approves only once its last line has been on screen.
import { useCockpit } from './context.js';
import { hintLine } from './keymap.js';
import { confirmLines } from './overlay-lines.js';
import { ScrollOverlay } from './ScrollOverlay.js';

export function ConfirmOverlay({
  width,
  height,
  readOnly,
}: {
  width: number;
  height: number;
  readOnly: boolean;
}) {
  const confirm = useCockpit((s) => s.ui.confirm);
  const seen = useCockpit((s) => s.ui.confirmSeen);
  const scroll = useCockpit((s) => s.ui.overlayScroll);
  const lines = confirmLines(confirm);
  const unseen = !seen && scroll + Math.max(1, height - 4) < lines.length;
  return (
    <ScrollOverlay
      width={width}
      height={height}
      lines={lines}
      title={`approve: ${confirm?.title ?? ''}`}
      prompt={
        unseen
          ? 'scroll to the end (j/pgdn/G) before y · n or esc cancel'
          : hintLine(['confirm'], readOnly, width)
      }
    />
  );
}
