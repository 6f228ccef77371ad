// Connecting as kubectl does: --kubeconfig, else KUBECONFIG (several files), else
// ~/.kube/config, else the in-cluster service account; --context; -n / the context's namespace.
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { KubeConfig } from './client-core.js';
import { CliError, describeError } from '../cli/errors.js';
import { ApiError, getJson } from './http.js';

export interface ConnectOptions {
  kubeconfig?: string;
  context?: string;
  namespace?: string;
  allNamespaces?: boolean;
}

/** Where kubeconfig lookup reads from; tests pass their own instead of the process's. */
export interface ConnectEnvironment {
  env: NodeJS.ProcessEnv;
  home: string;
  /** Root under which a pod's service account is mounted: '' in a pod, a directory in tests. */
  serviceAccountRoot: string;
}

const PROCESS_ENVIRONMENT: ConnectEnvironment = { env: process.env, home: homedir(), serviceAccountRoot: '' };
const SERVICE_ACCOUNT_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';

export interface Connection {
  kubeConfig: KubeConfig;
  context: string;
  server: string;
  /** undefined: all namespaces. */
  namespace: string | undefined;
}

/** Parses one kubeconfig file; relative certificate paths resolve against its directory. */
function readKubeConfig(file: string): KubeConfig {
  const kc = new KubeConfig();
  // An empty file is an empty config to kubectl; client-node would fail on it.
  if (readFileSync(file, 'utf8').trim() !== '') kc.loadFromFile(file);
  return kc;
}

/**
 * KUBECONFIG's files merged by kubectl's rules: missing files are skipped, the first file to
 * define a cluster, user or context name wins, and so does the first current-context.
 * (client-node's loadFromDefault throws on duplicates and on a missing file, and lets the last
 * file's current-context win.)
 */
function mergeKubeConfigs(files: readonly string[]): KubeConfig {
  const merged = new KubeConfig();
  const firstByName = <T extends { name: string }>(lists: T[][]): T[] => {
    const seen = new Map<string, T>();
    for (const item of lists.flat()) if (!seen.has(item.name)) seen.set(item.name, item);
    return [...seen.values()];
  };
  const configs = files.filter((f) => existsSync(f)).map(readKubeConfig);
  merged.loadFromOptions({
    clusters: firstByName(configs.map((c) => c.clusters)),
    users: firstByName(configs.map((c) => c.users)),
    contexts: firstByName(configs.map((c) => c.contexts)),
    currentContext: configs.map((c) => c.currentContext).find(Boolean) ?? '',
  });
  return merged;
}

function loadKubeConfig(file: string | undefined, environment: ConnectEnvironment): KubeConfig {
  if (file) {
    if (!existsSync(file)) throw new Error(`kubeconfig ${file} does not exist`);
    return readKubeConfig(file);
  }
  const list = environment.env.KUBECONFIG?.split(delimiter).filter(Boolean) ?? [];
  if (list.length > 0) return mergeKubeConfigs(list);
  const home = join(environment.home, '.kube', 'config');
  if (existsSync(home)) return readKubeConfig(home);
  const root = environment.serviceAccountRoot;
  if (environment.env.KUBERNETES_SERVICE_HOST && existsSync(root + SERVICE_ACCOUNT_TOKEN)) {
    const kc = new KubeConfig();
    kc.loadFromCluster(root);
    return kc;
  }
  // client-node would fall back to http://localhost:8080, which only ever confuses.
  throw new Error(
    `no kubeconfig: KUBECONFIG is unset, ${home} does not exist and this is not a pod (pass --kubeconfig FILE or set KUBECONFIG)`,
  );
}

export function loadConnection(
  options: ConnectOptions,
  environment: ConnectEnvironment = PROCESS_ENVIRONMENT,
): Connection {
  let kc: KubeConfig;
  try {
    kc = loadKubeConfig(options.kubeconfig, environment);
  } catch (error) {
    throw new CliError(`cannot load kubeconfig: ${describeError(error)}`);
  }
  const known = kc.getContexts().map((c) => c.name);
  if (options.context) {
    if (!kc.getContextObject(options.context)) {
      throw new CliError(
        `context "${options.context}" not found in kubeconfig (known: ${known.join(', ') || 'none'})`,
      );
    }
    kc.setCurrentContext(options.context);
  }
  const context = kc.getCurrentContext();
  if (!context || !kc.getContextObject(context)) {
    throw new CliError(
      `no current context in the kubeconfig; pass --context (known: ${known.join(', ') || 'none'})`,
    );
  }
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new CliError(`context "${context}" names a cluster the kubeconfig does not define`);
  const contextNamespace = kc.getContextObject(context)?.namespace?.trim();
  const namespace = options.allNamespaces ? undefined : options.namespace || contextNamespace || 'default';
  return { kubeConfig: kc, context, server: cluster.server, namespace };
}

/** One cheap request so a dead or misconfigured cluster is one line before full screen. */
export async function preflight(connection: Connection, timeoutMs = 5_000): Promise<void> {
  const where = `${connection.server} (context ${connection.context})`;
  try {
    await getJson(connection.kubeConfig, '/version', timeoutMs);
  } catch (error) {
    // An HTTP answer means the server is there but refused us (credentials, a proxy in the way).
    if (error instanceof ApiError && error.code > 0)
      throw new CliError(`the API server ${where} answered ${error.code}: ${error.message}`);
    throw new CliError(`cannot reach the API server ${where}: ${describeError(error)}`);
  }
}
