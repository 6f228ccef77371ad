// Handing the terminal to the editor: Ink suspended around the run, the alternate screen left
// before it and entered again after (even when the run fails), and ctrl-c meanwhile the child's.
import { describe, expect, it } from 'vitest';
import { enterFullScreen } from '../../src/ui/fullscreen.js';
import { suspendScreen } from '../../src/ui/suspend-screen.js';

const LEAVE = '\x1b[?25h\x1b[?1049l';
const ENTER = '\x1b[?1049h\x1b[?25l\x1b[H';

function terminal() {
  const written: string[] = [];
  const stream = { write: (text: string) => written.push(text) > 0 } as unknown as NodeJS.WriteStream;
  const signals: string[] = [];
  const screen = enterFullScreen(stream, (signal) => signals.push(signal));
  const events: string[] = [];
  const ink = {
    async suspendTerminal(run: () => Promise<void>) {
      events.push('ink paused');
      try {
        await run();
      } finally {
        events.push('ink resumed');
      }
    },
  };
  return { written, signals, screen, events, ink };
}

describe('suspendScreen', () => {
  it("leaves the alternate screen for the run and comes back, inside Ink's suspension", async () => {
    const t = terminal();
    try {
      const result = await suspendScreen(t.ink, t.screen, async () => {
        t.events.push(`run on ${t.written.at(-1) === LEAVE ? 'the normal screen' : 'the alternate screen'}`);
        return 7;
      });
      expect(result).toBe(7);
      expect(t.events).toEqual(['ink paused', 'run on the normal screen', 'ink resumed']);
      expect(t.written).toEqual([ENTER, LEAVE, ENTER]);
    } finally {
      t.screen.leave();
    }
  });

  it('comes back when the run fails, and ctrl-c during the run does not quit the cockpit', async () => {
    const t = terminal();
    try {
      await expect(
        suspendScreen(t.ink, t.screen, async () => {
          process.emit('SIGINT', 'SIGINT');
          throw new Error('editor crashed');
        }),
      ).rejects.toThrow('editor crashed');
      expect(t.signals).toEqual([]);
      expect(t.written.at(-1)).toBe(ENTER);
      // Back on screen, ctrl-c quits again.
      process.emit('SIGINT', 'SIGINT');
      expect(t.signals).toEqual(['SIGINT']);
    } finally {
      t.screen.leave();
    }
  });

  it('Node stops reading the terminal while the child has it, and reads again after', async () => {
    const t = terminal();
    const calls: string[] = [];
    const handle = {
      reading: true,
      readStop: () => (calls.push('stop'), 0),
      readStart: () => (calls.push('start'), 0),
    };
    const stdin = { _handle: handle } as unknown as NodeJS.ReadStream;
    try {
      await suspendScreen(
        t.ink,
        t.screen,
        async () => {
          calls.push(`run (reading: ${handle.reading})`);
        },
        stdin,
      );
      expect(calls).toEqual(['stop', 'run (reading: false)', 'start']);
      expect(handle.reading).toBe(true);
    } finally {
      t.screen.leave();
    }
  });
});
