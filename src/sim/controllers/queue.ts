// A deduplicating work queue drained on the next macrotask. Store watch listeners run inside the
// write that triggered them, so controllers queue keys and reconcile afterwards, never re-entrantly;
// a burst of changes to one object is one reconcile.
export interface WorkQueue {
  add(key: string): void;
  stop(): void;
}

export function workQueue(
  reconcile: (key: string) => void,
  onError: (key: string, error: unknown) => void,
): WorkQueue {
  let pending = new Set<string>();
  let scheduled: NodeJS.Immediate | undefined;
  let stopped = false;
  const drain = (): void => {
    scheduled = undefined;
    const keys = pending;
    pending = new Set();
    for (const key of keys) {
      if (stopped) return;
      try {
        reconcile(key);
      } catch (error) {
        onError(key, error);
      }
    }
  };
  return {
    add(key) {
      if (stopped) return;
      pending.add(key);
      scheduled ??= setImmediate(drain);
    },
    stop() {
      stopped = true;
      if (scheduled) clearImmediate(scheduled);
    },
  };
}

export const objectKey = (namespace: string | undefined, name: string): string =>
  `${namespace ?? ''}/${name}`;

export function splitKey(key: string): [string | undefined, string] {
  const i = key.indexOf('/');
  const ns = key.slice(0, i);
  return [ns || undefined, key.slice(i + 1)];
}
