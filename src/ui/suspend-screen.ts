// The terminal handed to a child process (`e`'s editor) and taken back: Ink stops drawing and
// reading keys and gives up raw mode (its suspendTerminal), the alternate screen is left, and on
// the way back both are restored and Ink redraws the whole frame.
import type { FullScreen } from './fullscreen.js';

export interface Suspendable {
  /** Ink's instance: raw mode off, its input listener detached, no frames, then a full redraw. */
  suspendTerminal(run: () => Promise<void>): Promise<void>;
}

/** The part of a TTY stream's libuv handle that says whether Node is reading the terminal. */
interface ReadHandle {
  reading?: boolean;
  readStop?(): number;
  readStart?(): number;
}

/**
 * Stops Node reading the terminal and returns what starts it again. Ink only detaches its
 * listener; Node's stream goes on reading the fd into its buffer while nobody listens (seen in
 * tmux: the editor never got the line typed into it). This does what net.Socket's own pause
 * does for a socket: the handle stops and says so. It waits a turn of the event loop first (the
 * stream's read-ahead, queued when Ink let go, would start it again at once), and the restart is
 * ours to do: the stream still counts its last read as pending, so a new listener starts none.
 */
async function stopReading(stdin: NodeJS.ReadStream): Promise<() => void> {
  await new Promise((resolve) => setImmediate(resolve));
  const handle = (stdin as unknown as { _handle?: ReadHandle })._handle;
  if (!handle?.reading || typeof handle.readStop !== 'function' || typeof handle.readStart !== 'function')
    return () => {};
  handle.reading = false;
  handle.readStop();
  return () => {
    if (handle.reading) return;
    handle.reading = true;
    handle.readStart!();
  };
}

export async function suspendScreen<T>(
  ink: Suspendable,
  screen: FullScreen,
  run: () => Promise<T>,
  stdin: NodeJS.ReadStream = process.stdin,
): Promise<T> {
  let result: { value: T } | undefined;
  await ink.suspendTerminal(async () => {
    const startReading = await stopReading(stdin);
    const resume = screen.suspend();
    try {
      result = { value: await run() };
    } finally {
      resume();
      startReading();
    }
  });
  return result!.value;
}
