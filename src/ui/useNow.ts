// One clock for every pane that shows ages (issue 15 item 4: idle CPU). Each Ink frame re-lays and
// re-styles the whole screen, whatever changed, so an idle cockpit's cost is its number of frames.
// Separate intervals per pane made a frame each, at unrelated moments; here every tick falls on a
// wall-clock multiple of its interval and all the panes due at one instant are told in the same
// callback, so React draws them as one frame: ticks of 1 s, 5 s and 30 s make one frame a second,
// not three at odd times.
import { useEffect, useState } from 'react';

interface Subscriber {
  intervalMs: number;
  /** The tick (now ÷ interval, floored) it was last told of. */
  tick: number;
  set(now: number): void;
}

const subscribers = new Set<Subscriber>();
let timer: NodeJS.Timeout | undefined;
let timerAt = Infinity;

/** The wall-clock instant of the next tick of `intervalMs` after `now` (its next multiple). */
export function nextTick(now: number, intervalMs: number): number {
  return (Math.floor(now / intervalMs) + 1) * intervalMs;
}

/** Which subscribers a tick at `now` tells: those whose interval's multiple was crossed since. */
export function dueAt(now: number, subs: Iterable<Pick<Subscriber, 'intervalMs' | 'tick'>>): number[] {
  const due: number[] = [];
  let i = 0;
  for (const s of subs) {
    if (Math.floor(now / s.intervalMs) > s.tick) due.push(i);
    i++;
  }
  return due;
}

function arm(): void {
  if (subscribers.size === 0) {
    clearTimeout(timer);
    timer = undefined;
    timerAt = Infinity;
    return;
  }
  const now = Date.now();
  let at = Infinity;
  for (const s of subscribers) at = Math.min(at, nextTick(now, s.intervalMs));
  if (timer && timerAt <= at) return;
  clearTimeout(timer);
  timerAt = at;
  timer = setTimeout(fire, Math.max(0, at - now));
  timer.unref?.();
}

function fire(): void {
  timer = undefined;
  timerAt = Infinity;
  const now = Date.now();
  const subs = [...subscribers];
  for (const i of dueAt(now, subs)) {
    const s = subs[i]!;
    s.tick = Math.floor(now / s.intervalMs);
    s.set(now);
  }
  arm();
}

/**
 * The current time, refreshed on each wall-clock multiple of `intervalMs`: ages and "last event"
 * tick without store changes, in step with every other pane's clock.
 */
export function useNow(intervalMs: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const sub: Subscriber = { intervalMs, tick: Math.floor(Date.now() / intervalMs), set: setNow };
    subscribers.add(sub);
    arm();
    return () => {
      subscribers.delete(sub);
      arm();
    };
  }, [intervalMs]);
  return now;
}
