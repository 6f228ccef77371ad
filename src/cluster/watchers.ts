// List + watch for one kind, into the store through the batcher. Resumes from the last
// resourceVersion after a stream fell silent; relists after 410 Gone, a lost connection, a stream
// the server closed or a resourceVersion that went backwards (an API server restarted with a
// fresh store); a 403 is shown for this kind only. client-node's Watch is used directly rather
// than makeInformer, whose error and stop handling cannot express these cases.
import { Watch, type KubeConfig } from '@kubernetes/client-node';
import { describeError } from '../cli-errors.js';
import type { Batcher } from '../state/batcher.js';
import type { CockpitStore } from '../state/store.js';
import type { WatchedKind } from '../state/types.js';
import { ApiError, getJson, trackClockSkew } from './http.js';

const KINDS: Record<WatchedKind, { prefix: string; plural: string; namespaced: boolean }> = {
  pods: { prefix: '/api/v1', plural: 'pods', namespaced: true },
  deployments: { prefix: '/apis/apps/v1', plural: 'deployments', namespaced: true },
  replicasets: { prefix: '/apis/apps/v1', plural: 'replicasets', namespaced: true },
  events: { prefix: '/api/v1', plural: 'events', namespaced: true },
  nodes: { prefix: '/api/v1', plural: 'nodes', namespaced: false },
};

export const WATCHED_KINDS = Object.keys(KINDS) as WatchedKind[];

/** Page size of the initial list: the first page reaches the screen before the rest loads. */
const PAGE = 500;
const BACKOFF_MIN_MS = 500;
const BACKOFF_MAX_MS = 10_000;
const FORBIDDEN_RETRY_MS = 30_000;

interface ObjectList {
  metadata: { resourceVersion?: string; continue?: string };
  items: KubeItem[];
}
interface KubeItem {
  metadata: { name: string; namespace?: string; resourceVersion?: string; managedFields?: unknown };
}

/** Drops what nothing reads and real clusters attach to every object (often half its size). */
function trim(obj: KubeItem): KubeItem {
  delete obj.metadata.managedFields;
  return obj;
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
  /** A stream silent this long is re-opened from its resourceVersion; default 30 s. */
  idleTimeoutMs?: number;
}

export interface Watcher {
  stop(): void;
}

function codeOf(error: unknown): number | undefined {
  if (error instanceof ApiError) return error.code;
  const e = error as { statusCode?: number; code?: number };
  return typeof e?.statusCode === 'number' ? e.statusCode : typeof e?.code === 'number' ? e.code : undefined;
}

export function startWatcher(kind: WatchedKind, options: WatcherOptions): Watcher {
  const { kubeConfig, namespace, store, batcher, idleTimeoutMs = 30_000 } = options;
  const spec = KINDS[kind];
  const path = `${spec.prefix}${spec.namespaced && namespace ? `/namespaces/${namespace}` : ''}/${spec.plural}`;
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
        objects.set(key, trim(item));
        batcher.push({ kind, type: 'upsert', key, object: item });
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
   * One watch stream from `resourceVersion`. Resolves `idle` when the stream fell silent for
   * idleTimeoutMs (resume from the same version) and `ended` when the server closed it: a server
   * that restarts closes its streams, and one restarted with a fresh store may already be past our
   * version, which no resourceVersion check can tell, so only a relist is safe then.
   */
  function watchOnce(): Promise<'idle' | 'ended'> {
    const since = resourceVersion;
    let answered = false;
    let failed = false;
    let idle = false;
    let idleTimer: NodeJS.Timeout | undefined;
    return new Promise<'idle' | 'ended'>((resolve, reject) => {
      const query: Record<string, string | boolean> = { allowWatchBookmarks: true };
      if (since) query.resourceVersion = since;
      const fail = (error: Error): void => {
        failed = true;
        reject(error);
        abort?.abort();
      };
      // client-node aborts a stream silent for 30 s itself; this makes the limit ours to choose.
      const resetIdle = (): void => {
        clearTimeout(idleTimer);
        idleTimer = setTimeout(() => {
          idle = true;
          abort?.abort();
        }, idleTimeoutMs);
      };
      new Watch(kubeConfig)
        .watch(
          path,
          query,
          (type, obj: KubeItem & { code?: number; reason?: string; message?: string }) => {
            if (stopped || failed) return;
            resetIdle();
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
            clearTimeout(idleTimer);
            // A silent stream the server did answer is a quiet kind, not a lost connection.
            if (answered && (idle || (error as Error | null)?.name === 'TimeoutError')) resolve('idle');
            else if (!error) resolve('ended');
            else reject(error as Error);
          },
        )
        .then((controller) => {
          answered = true;
          abort = controller;
          if (stopped || failed) controller.abort();
          else resetIdle();
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
          if (store.getState().connection.status !== 'connected')
            store.getState().setConnection({ status: 'connected', message: undefined });
          backoff = BACKOFF_MIN_MS;
        }
        if ((await watchOnce()) === 'ended') resourceVersion = undefined;
      } catch (error) {
        if (stopped) return;
        resourceVersion = undefined;
        const code = codeOf(error);
        if (code === 410) continue;
        if (code === 403) {
          store.getState().setForbidden(kind, `forbidden: list ${spec.plural} ${where}`);
          // The server answered, so the connection is fine even if every kind is refused.
          if (store.getState().connection.status !== 'connected')
            store.getState().setConnection({ status: 'connected', message: undefined });
          await pause(FORBIDDEN_RETRY_MS);
          continue;
        }
        // Connection trouble: keep what we have (the UI dims it) and relist when back.
        store
          .getState()
          .setConnection({ status: 'reconnecting', message: `connection lost: ${describeError(error)}` });
        await pause(backoff);
        backoff = Math.min(BACKOFF_MAX_MS, backoff * 2);
      }
    }
  }

  void run();
  return {
    stop() {
      stopped = true;
      abort?.abort();
      wake?.();
    },
  };
}
