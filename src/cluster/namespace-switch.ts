// `:ns NAME` reaches the cluster only for a namespace that exists: one GET of it first, as
// kubectl's `get namespace NAME` would, so a typo is a notice rather than an empty pods pane.
import type { KubeConfig } from '@kubernetes/client-node';
import { ApiError, getJson } from '../cluster/http.js';
import type { CockpitStore } from '../state/store.js';

const CHECK_TIMEOUT_MS = 5_000;

/**
 * The cockpit's `onNamespaceChange`: switches at once for all namespaces, else after the
 * namespace is read back. A 404 leaves the view where it was, with kubectl's words for it;
 * any other answer (403 for a user who may not read namespaces, a timeout) switches anyway and
 * lets the watchers say what they find.
 */
export function namespaceSwitcher(
  kubeConfig: KubeConfig,
  store: CockpitStore,
  setNamespace: (namespace: string | undefined) => void,
): (namespace: string | undefined) => Promise<void> {
  return async (namespace) => {
    if (namespace === undefined) return setNamespace(undefined);
    try {
      await getJson(kubeConfig, `/api/v1/namespaces/${encodeURIComponent(namespace)}`, CHECK_TIMEOUT_MS);
    } catch (error) {
      if (error instanceof ApiError && error.code === 404) {
        const current = store.getState().connection.namespace;
        store.getState().setUi({
          notice: `namespaces "${namespace}" not found (still showing ${current === undefined ? 'all namespaces' : `namespace ${current}`})`,
        });
        return;
      }
    }
    setNamespace(namespace);
  };
}

/**
 * The `:ns` pick list: the namespaces the API server lists, sorted. A refusal (403 for a user who
 * may only read their own namespace) or any other failure is a one-line notice and an empty list.
 */
export function namespaceLister(kubeConfig: KubeConfig, store: CockpitStore): () => Promise<string[]> {
  return async () => {
    try {
      const list = (await getJson(kubeConfig, '/api/v1/namespaces', CHECK_TIMEOUT_MS)) as {
        items?: { metadata?: { name?: string } }[];
      };
      return (list.items ?? [])
        .map((n) => n.metadata?.name)
        .filter((n): n is string => Boolean(n))
        .sort();
    } catch (error) {
      const line = (error as Error).message.split('\n')[0];
      store.getState().setUi({
        notice:
          error instanceof ApiError && error.code === 403
            ? `Error from server (Forbidden): ${line} (type :ns NAME)`
            : `cannot list namespaces: ${line}`,
      });
      return [];
    }
  };
}
