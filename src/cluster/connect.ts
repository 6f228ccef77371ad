// Connecting as kubectl does: --kubeconfig, else KUBECONFIG (several files), else
// ~/.kube/config, else the in-cluster service account; --context; -n / the context's namespace.
import { existsSync } from 'node:fs';
import { KubeConfig } from '@kubernetes/client-node';
import { CliError, describeError } from '../cli-errors.js';
import { getJson } from './http.js';

export interface ConnectOptions {
  kubeconfig?: string;
  context?: string;
  namespace?: string;
  allNamespaces?: boolean;
}

export interface Connection {
  kubeConfig: KubeConfig;
  context: string;
  server: string;
  /** undefined: all namespaces. */
  namespace: string | undefined;
}

export function loadConnection(options: ConnectOptions): Connection {
  const kc = new KubeConfig();
  try {
    if (options.kubeconfig) {
      if (!existsSync(options.kubeconfig)) throw new Error(`kubeconfig ${options.kubeconfig} does not exist`);
      kc.loadFromFile(options.kubeconfig);
    } else {
      kc.loadFromDefault();
    }
  } catch (error) {
    throw new CliError(`cannot load kubeconfig: ${describeError(error)}`);
  }
  if (options.context) {
    if (!kc.getContextObject(options.context)) {
      const known = kc.getContexts().map((c) => c.name);
      throw new CliError(
        `context "${options.context}" not found in kubeconfig (known: ${known.join(', ') || 'none'})`,
      );
    }
    kc.setCurrentContext(options.context);
  }
  const context = kc.getCurrentContext();
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new CliError(`context "${context || '(none)'}" has no cluster; check the kubeconfig`);
  const contextNamespace = kc.getContextObject(context)?.namespace;
  const namespace = options.allNamespaces ? undefined : (options.namespace ?? contextNamespace ?? 'default');
  return { kubeConfig: kc, context, server: cluster.server, namespace };
}

/** One cheap request so a dead or misconfigured cluster is one line before full screen. */
export async function preflight(connection: Connection, timeoutMs = 5_000): Promise<void> {
  try {
    await getJson(connection.kubeConfig, '/version', timeoutMs);
  } catch (error) {
    throw new CliError(
      `cannot reach the API server ${connection.server} (context ${connection.context}): ${describeError(error)}`,
    );
  }
}
