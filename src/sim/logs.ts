// Synthetic container logs, kept per container with the previous instance's lines, so
// `kubectl logs` and `kubectl logs --previous` have something true to show.
export interface LogLine {
  /** Simulated epoch milliseconds. */
  time: number;
  text: string;
}

const KEEP_LINES = 1000;

export type LogListener = (namespace: string, pod: string, container: string, line: LogLine) => void;

export class LogBook {
  private readonly current = new Map<string, LogLine[]>();
  private readonly previous = new Map<string, LogLine[]>();
  private readonly listeners = new Set<LogListener>();

  /** Called for every appended line (`kubectl logs -f`). */
  onAppend(listener: LogListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private static key(namespace: string, pod: string, container: string): string {
    return `${namespace}/${pod}/${container}`;
  }

  append(namespace: string, pod: string, container: string, line: LogLine): void {
    const key = LogBook.key(namespace, pod, container);
    let lines = this.current.get(key);
    if (!lines) this.current.set(key, (lines = []));
    lines.push(line);
    if (lines.length > KEEP_LINES) lines.splice(0, lines.length - KEEP_LINES);
    for (const listener of this.listeners) listener(namespace, pod, container, line);
  }

  /** A container restarted: its current log becomes the previous one. */
  rotate(namespace: string, pod: string, container: string): void {
    const key = LogBook.key(namespace, pod, container);
    this.previous.set(key, this.current.get(key) ?? []);
    this.current.set(key, []);
  }

  read(namespace: string, pod: string, container: string, previous = false): LogLine[] | undefined {
    const key = LogBook.key(namespace, pod, container);
    return (previous ? this.previous : this.current).get(key);
  }

  /** A pod was deleted: its logs go with it. */
  forget(namespace: string, pod: string): void {
    const prefix = `${namespace}/${pod}/`;
    for (const map of [this.current, this.previous]) {
      for (const key of map.keys()) if (key.startsWith(prefix)) map.delete(key);
    }
  }
}
