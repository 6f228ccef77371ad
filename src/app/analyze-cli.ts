// `aiops-tui analyze`: the built-in findings once, for scripts and CI. Exit code 1 when a
// critical finding exists (as popeye and k8sgpt in pipelines), 2 when the cluster is unreachable.
import { ApiException, type KubeConfig } from '@kubernetes/client-node';
import { CliError, describeError } from '../cli/errors.js';
import {
  CLUSTER_HELP,
  CLUSTER_OPTIONS,
  OUTPUT_HELP,
  OUTPUT_OPTIONS,
  command,
  formatData,
  outputFormat,
  parseCommandLine,
  usageLine,
  type CommandSpec,
  type Options,
} from '../cli/usage.js';
import { loadConnection } from '../cluster/connect.js';
import { analyze } from '../analysis/analyze.js';
import { fetchSnapshot, type FetchOptions } from '../analysis/fetch-snapshot.js';
import { findingsTable } from '../analysis/format.js';

export const ANALYZE = command({
  forms: ['analyze'],
  summary:
    'aiops-tui analyze — findings of the built-in analyzers, once, for scripts and CI. Exit 1 when one is critical, 2 when the cluster cannot be read.',
  options: {
    ...CLUSTER_OPTIONS,
    ...OUTPUT_OPTIONS,
    // Running containers' recent logs feed the log-errors check (at most 20 reads a run).
    'no-recent-logs': { type: 'boolean' },
  },
  help: {
    ...CLUSTER_HELP,
    ...OUTPUT_HELP,
    'no-recent-logs': "skip reading running containers' recent logs (the log-errors check)",
  },
});
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
  const { values, help } = parseCommandLine(ANALYZE, argv);
  if (help) {
    io.stdout(help);
    return 0;
  }
  const format = outputFormat(values);
  const { snapshot, contextName, server, namespace } = await snapshotForCli(values, io, 'analyze', ANALYZE, {
    recentLogs: !values['no-recent-logs'],
  });
  const findings = analyze(snapshot);
  if (format === 'text') io.stdout(findingsTable(findings));
  else
    io.stdout(formatData(format, { context: contextName, server, namespace: namespace ?? null, findings }));
  return findings.some((f) => f.severity === 'critical') ? 1 : 0;
}

export interface ClusterFlags {
  namespace?: string;
  'all-namespaces'?: boolean;
  kubeconfig?: string;
  context?: string;
}

/** The cluster flags every non-interactive command shares, turned into one snapshot. */
export async function snapshotForCli<O extends Options>(
  values: ClusterFlags,
  io: AnalyzeIo,
  name: string,
  spec: CommandSpec<O>,
  fetch: FetchOptions = {},
) {
  if (values.namespace && values['all-namespaces'])
    throw new CliError(`-n and -A exclude each other (usage: ${usageLine(spec)})`);
  const {
    kubeConfig,
    context: contextName,
    server,
    namespace,
  } = loadConnection({
    kubeconfig: values.kubeconfig,
    context: values.context,
    namespace: values.namespace,
    allNamespaces: values['all-namespaces'] ?? false,
  });
  let result;
  try {
    result = await withTimeout(fetchSnapshot(kubeConfig, namespace, fetch), LIST_TIMEOUT_MS);
  } catch (error) {
    throw new CliError(`cannot list pods from context "${contextName}" at ${server}: ${reason(error)}`);
  }
  for (const note of result.skipped) io.stderr(`aiops-tui ${name}: skipped ${note}\n`);
  for (const note of result.notes) io.stderr(`aiops-tui ${name}: ${note}\n`);
  return { snapshot: result.snapshot, kubeConfig, contextName, server, namespace };
}

/**
 * The kubeconfig kubectl would use (--kubeconfig, else KUBECONFIG's files merged, else
 * ~/.kube/config, else a pod's service account), at --context: one line when there is none.
 */
export function loadKubeConfig(file: string | undefined, context: string | undefined): KubeConfig {
  return loadConnection({ kubeconfig: file, context }).kubeConfig;
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
