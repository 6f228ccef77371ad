// A pick list (`:ns`, `:ctx`, a rejection's reason, a log's container): typing filters, the
// arrows choose, enter picks. Only the items that fit are drawn.
import { Text } from 'ink';
import { visibleWindow } from '../state/selectors.js';
import { useCockpit } from './context.js';
import { pickItems } from './input.js';
import { hintLine } from './keymap.js';
import { Overlay } from './Overlay.js';
import { overlayRows } from './ScrollOverlay.js';

export function PickOverlay({
  width,
  height,
  readOnly,
}: {
  width: number;
  height: number;
  readOnly: boolean;
}) {
  const pick = useCockpit((s) => s.ui.pick);
  if (!pick) return null;
  const items = pickItems(pick);
  const rows = Math.max(1, overlayRows(height) - 1);
  const { start, end } = visibleWindow(items.length, pick.index, rows);
  return (
    <Overlay width={width} height={height} title={pick.title}>
      <Text wrap="truncate">› {pick.filter}█</Text>
      {pick.items === undefined ? (
        <Text color="gray">reading…</Text>
      ) : items.length === 0 ? (
        <Text color="gray">nothing matches "{pick.filter}"</Text>
      ) : (
        items.slice(start, end).map((item, i) => (
          <Text key={item} wrap="truncate" inverse={start + i === pick.index} bold={start + i === pick.index}>
            {start + i === pick.index ? '›' : ' '} {item}
          </Text>
        ))
      )}
      {Array.from({ length: Math.max(0, rows - Math.max(1, end - start)) }, (_, i) => (
        <Text key={`pad${i}`}> </Text>
      ))}
      <Text color="gray" wrap="truncate">
        {hintLine(['pick'], readOnly, width - 4)}
      </Text>
    </Overlay>
  );
}
