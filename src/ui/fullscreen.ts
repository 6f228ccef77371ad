// The alternate screen, entered before the first frame and left on every way out: quit, crash,
// SIGINT, SIGTERM, SIGHUP. The terminal is never left in the alternate screen or without a cursor.
import { terminalNotification } from './terminal-notify.js';
const ENTER = '\x1b[?1049h\x1b[?25l\x1b[H';
const LEAVE = '\x1b[?25h\x1b[?1049l';
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

export interface FullScreen {
  /** Restores the terminal (once) and stops handling signals. */
  leave(): void;
  /** Bell and desktop notification, sanitized; nothing once the screen is left. */
  notify(title: string, body: string): void;
  /**
   * Hands the terminal to a child (an editor): the normal screen until the returned resume. A
   * ctrl-c meanwhile is the child's (the terminal sends it to both), not a reason to quit.
   */
  suspend(): () => void;
}

/** `onSignal` should end the app; its handler stays installed until `leave()`, so Ink's
 * signal-exit, seeing another listener, does not re-raise the signal and kill the process first. */
export function enterFullScreen(
  stream: NodeJS.WriteStream,
  onSignal: (signal: NodeJS.Signals) => void,
): FullScreen {
  let onScreen = true;
  let suspended = false;
  const restore = (): void => {
    if (!onScreen) return;
    onScreen = false;
    stream.write(LEAVE);
  };
  const handler = (signal: NodeJS.Signals): void => {
    if (suspended && signal === 'SIGINT') return;
    restore();
    onSignal(signal);
  };
  stream.write(ENTER);
  for (const signal of SIGNALS) process.on(signal, handler);
  process.on('exit', restore);
  return {
    notify(title, body) {
      if (onScreen) stream.write(terminalNotification(title, body));
    },
    leave() {
      restore();
      for (const signal of SIGNALS) process.off(signal, handler);
      process.off('exit', restore);
    },
    suspend() {
      if (!onScreen || suspended) return () => {};
      suspended = true;
      stream.write(LEAVE);
      return () => {
        if (!suspended) return;
        suspended = false;
        if (onScreen) stream.write(ENTER);
      };
    },
  };
}
