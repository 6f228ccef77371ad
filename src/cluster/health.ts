// The connection status the status bar shows, from two sources: the watchers (a stream that
// failed, a relist that succeeded) and the API server's own /readyz. A quiet watch says nothing
// either way — a real server sends a bookmark about once a minute, and keeps doing so while its
// etcd hangs, because bookmarks come from its watch cache — so a hung backend behind a live
// API server is seen only through /readyz, which answers 500 (`[-]etcd failed`) about 4 s after
// etcd stops answering, and nothing at all before that.
import type { KubeConfig } from '@kubernetes/client-node';
import type { CockpitStore } from '../state/store.js';
import { TimeoutError, getRaw } from './http.js';

export interface ConnectionHealth {
  /** A watcher's list or stream answered: its part of the connection is fine. */
  watchOk(id: string): void;
  /** A watcher lost the server (network, a 5xx): `message` is one line. */
  watchLost(id: string, message: string): void;
  /** A stopped watcher no longer counts. */
  forget(id: string): void;
  /** What /readyz said: undefined when ready, else one line. */
  backend(problem: string | undefined): void;
}

/**
 * Combines the reports: `reconnecting` while any watcher has lost the server (its message first)
 * or /readyz fails, `connected` once a watcher has answered and nothing fails.
 */
export function createConnectionHealth(store: CockpitStore): ConnectionHealth {
  const lost = new Map<string, string>();
  const answered = new Set<string>();
  let backendProblem: string | undefined;
  const publish = (): void => {
    const [watchProblem] = lost.values();
    const message = watchProblem ?? backendProblem;
    const current = store.getState().connection;
    if (message !== undefined) {
      if (current.status !== 'reconnecting' || current.message !== message)
        store.getState().setConnection({ status: 'reconnecting', message });
    } else if (answered.size > 0 && current.status !== 'connected') {
      store.getState().setConnection({ status: 'connected', message: undefined });
    }
  };
  return {
    watchOk(id) {
      answered.add(id);
      lost.delete(id);
      publish();
    },
    watchLost(id, message) {
      lost.set(id, message);
      publish();
    },
    forget(id) {
      lost.delete(id);
      answered.delete(id);
    },
    backend(problem) {
      if (problem === backendProblem) return;
      backendProblem = problem;
      publish();
    },
  };
}

export interface ReadinessOptions {
  /** Between probes; default 5 s. */
  intervalMs?: number;
  /** A probe not answered this long counts as not ready; default 10 s (a real server takes ~4 s to say 500). */
  timeoutMs?: number;
}

export interface ReadinessProbe {
  /** Probes now (and resolves with what it found: undefined when ready). */
  probeNow(): Promise<string | undefined>;
  stop(): void;
}

/**
 * One line from a failed /readyz: the checks it names as failed (`[-]etcd failed: reason
 * withheld` → `etcd`), or the start of its body.
 */
export function readyzProblem(code: number, text: string): string {
  const failed = [...text.matchAll(/^\[-\]([^\s]+) failed/gm)].map((m) => m[1]!);
  return `API server not ready (/readyz ${code}${failed.length ? `: ${failed.join(', ')} failed` : text.trim() ? `: ${text.trim().split('\n')[0]!.slice(0, 80)}` : ''})`;
}

/**
 * Asks /readyz every intervalMs and reports to `health`. A 5xx or no answer within the timeout
 * is a problem; a refusal (401, 403, 404: some clusters do not let everyone read it) tells
 * nothing and is not one. A refused connection is left to the watchers, which say so already.
 */
export function startReadinessProbe(
  kubeConfig: KubeConfig,
  health: ConnectionHealth,
  options: ReadinessOptions = {},
): ReadinessProbe {
  const { intervalMs = 5_000, timeoutMs = 10_000 } = options;
  let stopped = false;
  let inFlight: Promise<string | undefined> | undefined;
  let timer: NodeJS.Timeout | undefined;
  const probe = async (): Promise<string | undefined> => {
    let problem: string | undefined;
    try {
      const { code, text } = await getRaw(kubeConfig, '/readyz', timeoutMs, undefined, 'text/plain');
      if (code >= 500) problem = readyzProblem(code, text);
    } catch (error) {
      // A refused or broken connection is the watchers' to report, with their own reason.
      if (!(error instanceof TimeoutError)) return undefined;
      problem = `API server not ready (/readyz: no answer within ${timeoutMs / 1000} s)`;
    }
    if (!stopped) health.backend(problem);
    return problem;
  };
  const probeNow = (): Promise<string | undefined> =>
    (inFlight ??= probe().finally(() => {
      inFlight = undefined;
    }));
  const loop = (): void => {
    if (stopped) return;
    void probeNow().finally(() => {
      if (stopped) return;
      timer = setTimeout(loop, intervalMs);
      timer.unref();
    });
  };
  loop();
  return {
    probeNow,
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
