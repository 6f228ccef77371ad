// The terminal handed to a child process (`e`'s editor) and taken back: Ink stops drawing and
// reading keys and gives up raw mode (its suspendTerminal), the alternate screen is left, and on
// the way back both are restored and Ink redraws the whole frame.
import type { FullScreen } from './fullscreen.js';

export interface Suspendable {
  /** Ink's instance: raw mode off, its input listener detached, no frames, then a full redraw. */
  suspendTerminal(run: () => Promise<void>): Promise<void>;
}

export async function suspendScreen<T>(
  ink: Suspendable,
  screen: FullScreen,
  run: () => Promise<T>,
): Promise<T> {
  let result: { value: T } | undefined;
  await ink.suspendTerminal(async () => {
    const resume = screen.suspend();
    try {
      result = { value: await run() };
    } finally {
      resume();
    }
  });
  return result!.value;
}
