// The alternate screen, entered before the first frame and left on every way out: quit, crash,
// SIGINT, SIGTERM, SIGHUP. The terminal is never left in the alternate screen or without a cursor.
const ENTER = '\x1b[?1049h\x1b[?25l\x1b[H';
const LEAVE = '\x1b[?25h\x1b[?1049l';

export interface FullScreen {
  leave(): void;
}

export function enterFullScreen(
  stream: NodeJS.WriteStream,
  onSignal: (signal: NodeJS.Signals) => void,
): FullScreen {
  let active = true;
  const leave = (): void => {
    if (!active) return;
    active = false;
    stream.write(LEAVE);
    for (const signal of SIGNALS) process.off(signal, handlers[signal]);
    process.off('exit', leave);
  };
  const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
  const handlers = Object.fromEntries(
    SIGNALS.map((signal) => [
      signal,
      () => {
        leave();
        onSignal(signal);
      },
    ]),
  ) as Record<(typeof SIGNALS)[number], () => void>;
  stream.write(ENTER);
  for (const signal of SIGNALS) process.on(signal, handlers[signal]);
  process.on('exit', leave);
  return { leave };
}
