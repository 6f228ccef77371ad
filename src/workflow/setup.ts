// The workflow's parts wired for one cluster and one history directory: used by the cockpit and
// by the `approve`/`reject`/`rollback`/`propose`/`queue` commands alike.
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import { openHistory } from '../audit/history.js';
import type { Recommendation } from '../state/types.js';
import { Executor } from './executor.js';
import { loadPolicy, type Policy } from './policy.js';
import { Queue } from './queue.js';
import { WorkloadProbe } from './validate.js';

export interface WorkflowOptions {
  kubeConfig: KubeConfig;
  historyDir: string;
  /** --policy FILE; absent: the XDG default, or the built-in defaults. */
  policyPath?: string;
  /** A policy already loaded (the cockpit validates it before the screen opens). */
  policy?: Policy;
  /** --approver NAME; absent: the OS user. */
  approver?: string;
  publish?(recommendations: Recommendation[]): void;
  onProgress?(id: string, text: string | undefined): void;
  /** The cluster's clock (epoch ms): records, windows and findings' times then agree. */
  now?: () => number;
}

/** kubectl and helm: the copies the package unpacked into .tools/bin, else those on PATH. */
function tool(name: string): string {
  const bundled = join(import.meta.dirname, '..', '..', '.tools', 'bin', name);
  return existsSync(bundled) ? bundled : name;
}

export function defaultApprover(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? 'unknown';
  }
}

export function createWorkflow(options: WorkflowOptions): Queue {
  const policy = options.policy ?? loadPolicy(options.policyPath);
  // External tools get the cockpit's cluster and credentials in a private file.
  const dir = mkdtempSync(join(tmpdir(), 'aiops-tui-'));
  const kubeconfigPath = join(dir, 'kubeconfig');
  writeFileSync(kubeconfigPath, options.kubeConfig.exportConfig(), { mode: 0o600 });
  const executor = new Executor(options.kubeConfig, {
    kubectl: tool('kubectl'),
    helm: tool('helm'),
    kubeconfigPath,
    context: options.kubeConfig.getCurrentContext(),
  });
  return new Queue({
    history: openHistory(options.historyDir, options.now ? { now: () => new Date(options.now!()) } : {}),
    policy,
    approver: options.approver ?? defaultApprover(),
    executor,
    probe: new WorkloadProbe(options.kubeConfig, executor.objects),
    ...(options.publish ? { publish: options.publish } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    ...(options.now ? { now: options.now } : {}),
  });
}
