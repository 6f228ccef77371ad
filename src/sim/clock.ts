// Simulated time: runs `speed` times faster than the wall clock, starting at the wall clock's now.
// Controllers schedule with it so `--speed 60` turns a minute of crash-loop back-off into a second.
export class SimClock {
  private readonly wallStart = Date.now();
  private readonly simStart: number;
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    readonly speed = 1,
    simStart = Date.now(),
  ) {
    if (!(speed > 0)) throw new Error(`speed must be a positive number, got ${speed}`);
    this.simStart = simStart;
  }

  /** Simulated epoch milliseconds. */
  now(): number {
    return this.simStart + (Date.now() - this.wallStart) * this.speed;
  }

  /** RFC 3339 with seconds, as the API server writes timestamps. */
  nowISO(): string {
    return new Date(this.now()).toISOString().replace(/\.\d{3}Z$/, 'Z');
  }

  /** Runs `fn` after `simMs` of simulated time. */
  setTimeout(fn: () => void, simMs: number): NodeJS.Timeout {
    const timer = setTimeout(
      () => {
        this.timers.delete(timer);
        fn();
      },
      Math.max(0, simMs / this.speed),
    );
    timer.unref();
    this.timers.add(timer);
    return timer;
  }

  /** Runs `fn` every `simMs` of simulated time. */
  setInterval(fn: () => void, simMs: number): NodeJS.Timeout {
    const timer = setInterval(fn, Math.max(1, simMs / this.speed));
    timer.unref();
    this.timers.add(timer);
    return timer;
  }

  clear(timer: NodeJS.Timeout): void {
    clearTimeout(timer);
    this.timers.delete(timer);
  }

  /** Cancels every pending timer (simulator shutdown). */
  stop(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}
