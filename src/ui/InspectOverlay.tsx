// `d` and `y` on a row: the object's describe or YAML, read by the inspection service, scrolling.
import { useMemo } from 'react';
import { refLabel, shortName } from '../state/views.js';
import { useCockpit } from './context.js';
import { hintLine } from './keymap.js';
import { inspectionLines } from './overlay-lines.js';
import { ScrollOverlay } from './ScrollOverlay.js';

export function InspectOverlay({
  width,
  height,
  readOnly,
}: {
  width: number;
  height: number;
  readOnly: boolean;
}) {
  const inspection = useCockpit((s) => s.inspection);
  const lines = useMemo(() => inspectionLines(inspection), [inspection]);
  const title = inspection
    ? `${inspection.mode} ${shortName(inspection.ref.kind)} ${refLabel(inspection.ref)}${inspection.lines ? '' : inspection.error ? ' (failed)' : ' (loading…)'}`
    : 'describe';
  return (
    <ScrollOverlay
      width={width}
      height={height}
      lines={lines}
      title={title}
      prompt={hintLine(['overlay'], readOnly, width - 40)}
    />
  );
}
