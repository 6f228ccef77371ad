// The `?` overlay, generated from the key table so it can never disagree with what the keys do.
import { hintLine } from './keymap.js';
import { helpLines } from './overlay-lines.js';
import { ScrollOverlay } from './ScrollOverlay.js';

export function HelpOverlay({
  width,
  height,
  readOnly,
}: {
  width: number;
  height: number;
  readOnly: boolean;
}) {
  return (
    <ScrollOverlay
      title="keys (esc or ? closes)"
      lines={helpLines(readOnly, width - 4)}
      width={width}
      height={height}
      prompt={hintLine(['overlay'], readOnly, width - 40)}
    />
  );
}
