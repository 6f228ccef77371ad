// List + watch for one kind, into the store through the batcher. Resumes from the last
// resourceVersion after a stream ends; relists after 410 Gone or a lost connection (a restarted
// API server may have started its resourceVersions afresh); a 403 is shown for this kind only.
import { Watch, type KubeConfig } from '@kubernetes/client-node';
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
  metadata: { name: string; namespace?: string; resourceVersion?: string };
}

export const objectKey = (obj: KubeItem): string =>
  obj.metadata.namespace ? `${obj.metadata.namespace}/${obj.metadata.name}` : obj.metadata.name;

export interface WatcherOptions {
  kubeConfig: KubeConfig;
  namespace: string | undefined;
  store: CockpitStore;
  batcher: Batcher;
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
  const { kubeConfig, namespace, store, batcher } = options;
  const spec = KINDS[kind];
  const path = `${spec.prefix}${spec.namespaced && namespace ? `/namespaces/${namespace}` : ''}/${spec.plural}`;
  let stopped = false;
  let resourceVersion: string | undefined;
  let abort: AbortController | undefined;
  let wake: (() => void) | undefined;

  const pause = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  async function relist(): Promise<void> {
    const objects = new Map<string, unknown>();
    let token: string | undefined;
    do {
      const query = `?limit=${PAGE}${token ? `&continue=${encodeURIComponent(token)}` : ''}`;
      const page = await getJson<ObjectList>(kubeConfig, path + query, undefined, trackClockSkew(store));
      for (const item of page.items) {
        objects.set(objectKey(item), item);
        batcher.push({ kind, type: 'upsert', key: objectKey(item), object: item });
      }
      token = page.metadata.continue || undefined;
      resourceVersion = page.metadata.resourceVersion;
    } while (token && !stopped);
    batcher.push({ kind, type: 'replace', objects });
  }

  function watchOnce(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const query: Record<string, string | boolean> = { allowWatchBookmarks: true };
      if (resourceVersion) query.resourceVersion = resourceVersion;
      new Watch(kubeConfig)
        .watch(
          path,
          query,
          (type, obj: KubeItem & { code?: number; reason?: string; message?: string }) => {
            if (type === 'ERROR') {
              reject(new ApiError(obj.code ?? 500, obj.reason ?? 'Error', obj.message ?? 'watch error'));
              abort?.abort();
              return;
            }
            resourceVersion = obj.metadata?.resourceVersion ?? resourceVersion;
            if (type === 'BOOKMARK') return;
            if (type === 'DELETED') batcher.push({ kind, type: 'delete', key: objectKey(obj) });
            else batcher.push({ kind, type: 'upsert', key: objectKey(obj), object: obj });
          },
          (error: unknown) => (error ? reject(error) : resolve()),
        )
        .then((controller) => {
          abort = controller;
          if (stopped) controller.abort();
        }, reject);
    });
  }

  async function run(): Promise<void> {
    let backoff = BACKOFF_MIN_MS;
    while (!stopped) {
      try {
        if (resourceVersion === undefined) await relist();
        if (stopped) return;
        if (store.getState().forbidden[kind]) store.getState().setForbidden(kind, undefined);
        if (store.getState().connection.status !== 'connected')
          store.getState().setConnection({ status: 'connected', message: undefined });
        backoff = BACKOFF_MIN_MS;
        await watchOnce();
      } catch (error) {
        if (stopped) return;
        const code = codeOf(error);
        if (code === 403) {
          const where = spec.namespaced
            ? `in namespace ${namespace ?? 'all namespaces'}`
            : 'at the cluster scope';
          store.getState().setForbidden(kind, `forbidden: list ${spec.plural} ${where}`);
          resourceVersion = undefined;
          await pause(FORBIDDEN_RETRY_MS);
          continue;
        }
        if (code === 410) {
          resourceVersion = undefined;
          continue;
        }
        if ((error as Error)?.name === 'TimeoutError' || (error as Error)?.name === 'AbortError') continue;
        // Connection trouble: keep what we have (the UI dims it) and relist when back.
        resourceVersion = undefined;
        const message = (error as Error)?.message?.split('\n')[0] ?? String(error);
        store.getState().setConnection({ status: 'reconnecting', message: `connection lost: ${message}` });
        await pause(backoff * (0.75 + Math.random() * 0.5));
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
