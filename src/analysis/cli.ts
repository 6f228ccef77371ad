// `aiops-tui analyze`: the built-in findings once, for scripts and CI. Exit code 1 when a
// critical finding exists (as popeye and k8sgpt in pipelines), 2 when the cluster is unreachable.
import { ApiException, KubeConfig } from '@kubernetes/client-node';
import { parseArgs } from 'node:util';
import { CliError, describeError } from '../cli-errors.js';
import { analyze } from './analyze.js';
import { fetchSnapshot, type FetchOptions } from './fetch-snapshot.js';
import { findingsTable } from './format.js';

const USAGE =
  'usage: aiops-tui analyze [-n NAMESPACE | -A] [--kubeconfig FILE] [--context NAME] [--json] [--no-recent-logs]';
const LIST_TIMEOUT_MS = 15_000;

export interface AnalyzeIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

export const processIo: AnalyzeIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

export async function analyzeMain(argv: string[], io: AnalyzeIo = processIo): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        ...CLUSTER_OPTIONS,
        json: { type: 'boolean' },
        // Running containers' recent logs feed the log-errors check (at most 20 reads a run).
        'no-recent-logs': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new CliError(`${describeError(error)} (${USAGE})`);
  }
  if (values.help) {
    io.stdout(USAGE + '\n');
    return 0;
  }
  const { snapshot, contextName, server, namespace } = await snapshotForCli(values, io, 'analyze', USAGE, {
    recentLogs: !values['no-recent-logs'],
  });
  const findings = analyze(snapshot);
  if (values.json) {
    const report = { context: contextName, server, namespace: namespace ?? null, findings };
    io.stdout(JSON.stringify(report, null, 2) + '\n');
  } else {
    io.stdout(findingsTable(findings));
  }
  return findings.some((f) => f.severity === 'critical') ? 1 : 0;
}

/** The flags every non-interactive command that reads the cluster takes, kubectl's way. */
export const CLUSTER_OPTIONS = {
  namespace: { type: 'string', short: 'n' },
  'all-namespaces': { type: 'boolean', short: 'A' },
  kubeconfig: { type: 'string' },
  context: { type: 'string' },
} as const;

export interface ClusterFlags {
  namespace?: string;
  'all-namespaces'?: boolean;
  kubeconfig?: string;
  context?: string;
}

/** The cluster flags every non-interactive command shares, turned into one snapshot. */
export async function snapshotForCli(
  values: ClusterFlags,
  io: AnalyzeIo,
  command: string,
  usage: string,
  fetch: FetchOptions = {},
) {
  if (values.namespace && values['all-namespaces'])
    throw new CliError(`-n and -A exclude each other (${usage})`);
  const kc = loadKubeConfig(values.kubeconfig, values.context);
  const contextName = kc.getCurrentContext();
  const server = kc.getCurrentCluster()?.server ?? 'no server';
  const namespace = values['all-namespaces']
    ? undefined
    : (values.namespace ?? kc.getContextObject(contextName)?.namespace ?? 'default');
  let result;
  try {
    result = await withTimeout(fetchSnapshot(kc, namespace, fetch), LIST_TIMEOUT_MS);
  } catch (error) {
    throw new CliError(`cannot list pods from context "${contextName}" at ${server}: ${reason(error)}`);
  }
  for (const note of result.skipped) io.stderr(`aiops-tui ${command}: skipped ${note}\n`);
  for (const note of result.notes) io.stderr(`aiops-tui ${command}: ${note}\n`);
  return { snapshot: result.snapshot, contextName, server, namespace };
}

export function loadKubeConfig(file: string | undefined, context: string | undefined): KubeConfig {
  const kc = new KubeConfig();
  try {
    if (file) kc.loadFromFile(file);
    else kc.loadFromDefault();
  } catch (error) {
    throw new CliError(`cannot load kubeconfig ${file ?? '(default)'}: ${describeError(error)}`);
  }
  if (context) {
    if (!kc.getContextObject(context))
      throw new CliError(`context "${context}" not found in kubeconfig ${file ?? ''}`.trim());
    kc.setCurrentContext(context);
  }
  if (!kc.getCurrentCluster()) {
    throw new CliError(
      `kubeconfig ${file ?? '(default)'} has no cluster for context "${kc.getCurrentContext()}"`,
    );
  }
  return kc;
}

/** One line: the HTTP status and the API's message, or the network error's cause. */
function reason(error: unknown): string {
  if (error instanceof ApiException) {
    try {
      const status = JSON.parse(String(error.body)) as { message?: string };
      return `HTTP ${error.code}${status.message ? `: ${status.message}` : ''}`;
    } catch {
      return `HTTP ${error.code}`;
    }
  }
  const cause = (error as { cause?: unknown } | undefined)?.cause;
  return cause instanceof Error ? `${describeError(error)} (${describeError(cause)})` : describeError(error);
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms / 1000} s`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
