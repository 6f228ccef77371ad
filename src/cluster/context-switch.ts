// `:ctx NAME`: another context of the same kubeconfig, as kubectl config use-context reads it
// (without writing the file), and the store emptied of what the old cluster told it.
import { KubeConfig } from './client-core.js';
import { initialState, type CockpitStore } from '../state/store.js';
import type { Connection } from './connect.js';

/** The contexts the kubeconfig defines, in its order: the `:ctx` pick list. */
export function contextNames(kubeConfig: KubeConfig): string[] {
  return kubeConfig.getContexts().map((c) => c.name);
}

/**
 * The connection to context `name`: its cluster and user, and its namespace (else `default`);
 * a view of all namespaces stays one. An unknown name is kubectl's line for it.
 */
export function connectionTo(
  kubeConfig: KubeConfig,
  name: string,
  allNamespaces: boolean,
): Connection | { error: string } {
  const context = kubeConfig.getContextObject(name);
  if (!context) return { error: `error: no context exists with the name: "${name}"` };
  const cluster = kubeConfig.getCluster(context.cluster);
  if (!cluster)
    return { error: `error: context "${name}" names cluster "${context.cluster}", which is not defined` };
  const switched = new KubeConfig();
  switched.loadFromOptions({
    clusters: kubeConfig.clusters,
    users: kubeConfig.users,
    contexts: kubeConfig.contexts,
    currentContext: name,
  });
  return {
    kubeConfig: switched,
    context: name,
    server: cluster.server,
    namespace: allNamespaces ? undefined : context.namespace?.trim() || 'default',
  };
}

/**
 * Empties the store of the old cluster's state (objects, metrics, logs, findings, the open
 * describe or log view) and names the new connection. What is the person's stays: the chat, the
 * panes' focus and filters, the queue's recommendations (the history directory is the same).
 */
export function resetForConnection(store: CockpitStore, connection: Connection): void {
  const fresh = initialState(connection);
  const { ui } = store.getState();
  store.setState({
    ...fresh,
    chat: store.getState().chat,
    recommendations: store.getState().recommendations,
    progress: store.getState().progress,
    auditFigures: store.getState().auditFigures,
    ui: {
      ...ui,
      selectedPodKey: undefined,
      selectedFindingId: undefined,
      overlay: 'none',
      confirm: undefined,
    },
  });
}
