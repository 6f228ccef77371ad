// List + watch for one kind, into the store through the batcher. Each stream asks for bookmarks
// and for an end after timeoutSeconds (5–10 min, as client-go does); a stream the server ends on
// that time is resumed from the last resourceVersion (the bookmark the server sends before it).
// Silence is not death: a real server sends a bookmark about once a minute and events only when
// something changes, so a quiet stream stays open; only a stream the server has not ended well
// after its timeout (a dead connection) is given up and resumed. Relists after 410 Gone, a lost
// connection, a stream the server closed early or a resourceVersion that went backwards (an API
// server restarted with a fresh store); a 403 (or a 404: a kind not served) is kept for this kind
// only. Objects are trimmed (kinds.ts) before the store sees them: Secrets keep their keys only. The connection status
// goes through ConnectionHealth, which also hears the API server's /readyz (a hung etcd behind a
// live API server shows only there). client-node's Watch is used directly rather than
// makeInformer, whose error and stop handling cannot express these cases.
import type { KubeConfig } from '@kubernetes/client-node';
import { openWatch } from './watch-stream.js';
import { describeError } from '../cli/errors.js';
import type { Batcher } from '../state/batcher.js';
import type { CockpitStore } from '../state/store.js';
import type { WatchedKind } from '../state/types.js';
import { createConnectionHealth, type ConnectionHealth } from './health.js';
import { ApiError, getJson, trackClockSkew } from './http.js';
import { KIND_SPECS, listPath, trimObject, type KubeItem } from './kinds.js';

export const WATCHED_KINDS = Object.keys(KIND_SPECS) as WatchedKind[];

/** Page size of the initial list: the first page reaches the screen before the rest loads. */
const PAGE = 500;
const BACKOFF_MIN_MS = 500;
const BACKOFF_MAX_MS = 10_000;
const FORBIDDEN_RETRY_MS = 30_000;
/** client-go's: a watch asks the server to end it after 5 min × (1 + random), so streams rotate. */
const MIN_WATCH_TIMEOUT_S = 300;
/** How long past its timeoutSeconds a stream the server has not ended is trusted. */
const DEAD_STREAM_GRACE_MS = 30_000;

interface ObjectList {
  metadata: { resourceVersion?: string; continue?: string };
  items: KubeItem[];
}

/** resourceVersions are opaque, but etcd's are increasing integers; NaN compares false. */
const wentBackwards = (next: string | undefined, since: string | undefined): boolean =>
  Number(next) < Number(since);

export const objectKey = (obj: KubeItem): string =>
  obj.metadata.namespace ? `${obj.metadata.namespace}/${obj.metadata.name}` : obj.metadata.name;

export interface WatcherOptions {
  kubeConfig: KubeConfig;
  namespace: string | undefined;
  store: CockpitStore;
  batcher: Batcher;
  /** Where the connection status goes; default: one of its own on `store`. */
  health?: ConnectionHealth;
  /** timeoutSeconds of each stream; default 300–600 s, random per stream. */
  timeoutSeconds?: number;
  /**
   * A stream not ended by the server this long after its timeoutSeconds is taken for a dead
   * connection and resumed from its resourceVersion; default 30 s.
   */
  deadStreamGraceMs?: number;
}

export interface Watcher {
  stop(): void;
}

function codeOf(error: unknown): number | undefined {
  if (error instanceof ApiError) return error.code;
  const e = error as { statusCode?: number; code?: number };
  return typeof e?.statusCode === 'number' ? e.statusCode : typeof e?.code === 'number' ? e.code : undefined;
}

let watcherIds = 0;

export function startWatcher(kind: WatchedKind, options: WatcherOptions): Watcher {
  const { kubeConfig, namespace, store, batcher, deadStreamGraceMs = DEAD_STREAM_GRACE_MS } = options;
  const health = options.health ?? createConnectionHealth(store);
  const id = `${kind}#${++watcherIds}`;
  const timeoutOf = (): number =>
    options.timeoutSeconds ?? Math.floor(MIN_WATCH_TIMEOUT_S * (1 + Math.random()));
  const spec = KIND_SPECS[kind];
  const path = listPath(kind, namespace);
  const trim = <T extends KubeItem>(obj: T): T => trimObject(kind, obj);
  const where = !spec.namespaced
    ? 'at the cluster scope'
    : namespace
      ? `in namespace ${namespace}`
      : 'in all namespaces';
  const onServerTime = trackClockSkew(store);
  let stopped = false;
  let resourceVersion: string | undefined;
  let abort: AbortController | undefined;
  let wake: (() => void) | undefined;
  let listedAt = -Infinity;

  const pause = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const timer = setTimeout(resolve, ms * (0.75 + Math.random() * 0.5));
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  /** Lists in pages, each pushed as it arrives so the first screen does not wait for the rest. */
  async function relist(): Promise<void> {
    const objects = new Map<string, unknown>();
    let token: string | undefined;
    let listVersion: string | undefined;
    do {
      const query = `?limit=${PAGE}${token ? `&continue=${encodeURIComponent(token)}` : ''}`;
      const page = await getJson<ObjectList>(kubeConfig, path + query, undefined, onServerTime);
      if (stopped) return;
      for (const item of page.items) {
        const key = objectKey(item);
        const object = trim(item);
        objects.set(key, object);
        batcher.push({ kind, type: 'upsert', key, object });
      }
      // The first page of the first list is the first screen: it does not wait for the batch timer.
      if (token === undefined && !store.getState().synced[kind]) batcher.flush();
      token = page.metadata.continue || undefined;
      listVersion = page.metadata.resourceVersion;
    } while (token);
    batcher.push({ kind, type: 'replace', objects });
    resourceVersion = listVersion;
  }

  /**
   * One watch stream from `resourceVersion`. Resolves `expired` when the server ended it on its
   * timeoutSeconds, or when it had not ended well after it (a dead connection): both resume from
   * the same version. Resolves `ended` when the server closed it early: a server that restarts
   * closes its streams, and one restarted with a fresh store may already be past our version,
   * which no resourceVersion check can tell, so only a relist is safe then.
   */
  function watchOnce(): Promise<'expired' | 'ended'> {
    const since = resourceVersion;
    const timeoutSeconds = timeoutOf();
    const openedAt = performance.now();
    let answered = false;
    let failed = false;
    let dead = false;
    let done = false;
    let deadTimer: NodeJS.Timeout | undefined;
    return new Promise<'expired' | 'ended'>((resolve, reject) => {
      const query: Record<string, string | number | boolean> = { allowWatchBookmarks: true, timeoutSeconds };
      if (since) query.resourceVersion = since;
      const fail = (error: Error): void => {
        failed = true;
        reject(error);
        abort?.abort();
      };
      const limitMs = timeoutSeconds * 1000 + deadStreamGraceMs;
      // A quiet stream is not a dead one: the stream's own inactivity limit is ours.
      openWatch(
        kubeConfig,
        path,
        query,
        (type, event) => {
          const obj = event as KubeItem & { code?: number; reason?: string; message?: string };
          if (stopped || failed) return;
          if (type === 'ERROR') {
            fail(new ApiError(obj.code ?? 500, obj.reason ?? 'Error', obj.message ?? 'watch error'));
            return;
          }
          const version = obj.metadata?.resourceVersion;
          if (wentBackwards(version, since)) {
            fail(new ApiError(410, 'Restarted', `resourceVersion went back from ${since} to ${version}`));
            return;
          }
          resourceVersion = version ?? resourceVersion;
          if (type === 'BOOKMARK') return;
          if (type === 'DELETED') batcher.push({ kind, type: 'delete', key: objectKey(obj) });
          else batcher.push({ kind, type: 'upsert', key: objectKey(obj), object: trim(obj) });
        },
        (error: unknown) => {
          done = true;
          clearTimeout(deadTimer);
          const elapsed = performance.now() - openedAt;
          // The server keeps its word: it ends the stream on timeoutSeconds (it started counting
          // after we did, so never sooner by our clock, give or take a timer's slack).
          if (dead || (answered && (error as Error | null)?.name === 'TimeoutError')) resolve('expired');
          else if (!error) resolve(elapsed >= timeoutSeconds * 1000 - 250 ? 'expired' : 'ended');
          else reject(error as Error);
        },
        { inactivityMs: Math.min(limitMs, 2 ** 31 - 1) },
      ).then((controller) => {
        answered = true;
        abort = controller;
        if (stopped || failed) {
          controller.abort();
          return;
        }
        if (done) return; // refused (a non-200) or already over: run() hears it from the rejection
        health.watchOk(id);
        deadTimer = setTimeout(() => {
          dead = true;
          controller.abort();
        }, limitMs);
        deadTimer.unref();
      }, reject);
    });
  }

  async function run(): Promise<void> {
    let backoff = BACKOFF_MIN_MS;
    while (!stopped) {
      try {
        if (resourceVersion === undefined) {
          // Relists come back to back only in a loop (a server that ends every stream at once,
          // 410 after 410): one a second at most.
          if (performance.now() - listedAt < 1_000) await pause(BACKOFF_MIN_MS);
          if (stopped) return;
          listedAt = performance.now();
          await relist();
          if (stopped) return;
          if (store.getState().forbidden[kind]) store.getState().setForbidden(kind, undefined);
          health.watchOk(id);
          backoff = BACKOFF_MIN_MS;
        }
        if ((await watchOnce()) === 'ended') resourceVersion = undefined;
      } catch (error) {
        if (stopped) return;
        resourceVersion = undefined;
        const code = codeOf(error);
        if (code === 410) continue;
        // A kind the server does not serve (an API group the cluster lacks) is refused as for
        // RBAC: known as such, retried now and then, and no sign of a connection problem.
        if (code === 403 || code === 404) {
          const refusal = code === 403 ? 'forbidden' : 'not served';
          store.getState().setForbidden(kind, `${refusal}: list ${spec.plural} ${where}`);
          // The server answered, so the connection is fine even if every kind is refused.
          health.watchOk(id);
          await pause(FORBIDDEN_RETRY_MS);
          continue;
        }
        // Connection trouble: keep what we have (the UI dims it) and relist when back.
        health.watchLost(id, `connection lost: ${describeError(error)}`);
        await pause(backoff);
        backoff = Math.min(BACKOFF_MAX_MS, backoff * 2);
      }
    }
  }

  void run();
  return {
    stop() {
      stopped = true;
      health.forget(id);
      abort?.abort();
      wake?.();
    },
  };
}
