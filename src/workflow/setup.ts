// The workflow's parts wired for one cluster and one history directory: used by the cockpit and
// by the `approve`/`reject`/`rollback`/`propose`/`queue` commands alike.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import { ClusterAnchor } from '../audit/anchors.js';
import type { ClusterClock } from '../audit/clock.js';
import { openHistory } from '../audit/history.js';
import type { AllowedSigners, Signer } from '../audit/identity.js';
import { privateFile } from '../audit/private-dir.js';
import type { Recommendation } from '../state/types.js';
import { Executor } from './executor.js';
import { floorOf } from './floors.js';
import type { Policy } from './policy.js';
import { Queue, type QueueOptions } from './queue.js';
import { createNotifier, type Notification } from './notify.js';
import { WorkloadProbe } from './validate.js';
import { packageRoot } from '../cli/package-root.js';

export interface WorkflowOptions {
  kubeConfig: KubeConfig;
  historyDir: string;
  policy: Policy;
  /** This process's person: every event they cause is signed with this key. */
  signer: Signer;
  allowedSigners: AllowedSigners;
  /** Commit finished records and the checkpoint (default: when the history directory is in a git repository). */
  gitCommit?: boolean;
  /** A finished record that could not be committed: the trail has it, git does not. */
  onCommitError?(message: string): void;
  publish?(recommendations: Recommendation[]): void;
  onProgress?(id: string, text: string | undefined): void;
  /** The wall clock (epoch ms): records' times and approval windows (default Date.now). */
  now?: () => number;
  /** The cluster's clock, which findings' times are read on: kept beside the wall times. */
  cluster?: ClusterClock;
  /** Answers the kagent tasks this process holds paused (the cockpit's kagent pause registry). */
  answerKagent?: QueueOptions['answerKagent'];
  /** The cockpit's bell and desktop notification: escalations reach the terminal through it. */
  notifyTerminal?(notification: Notification): void;
  /** Which process this is, as records name their owner (tests stand in for a dead one). */
  process?: QueueOptions['process'];
}

/** kubectl and helm: the copies the package unpacked into .tools/bin, else those on PATH. */
function tool(name: string): string {
  const bundled = join(packageRoot(), '.tools', 'bin', name);
  return existsSync(bundled) ? bundled : name;
}

/** Whether a directory (or the nearest existing parent) is inside a git work tree. */
export function insideGitWorkTree(dir: string): boolean {
  for (let at = resolve(dir); ; at = dirname(at)) {
    if (existsSync(join(at, '.git'))) return true;
    if (dirname(at) === at) return false;
  }
}

export function createWorkflow(options: WorkflowOptions): Queue {
  const { policy, signer } = options;
  // External tools get the cockpit's cluster and credentials in a private file.
  const kubeconfigPath = privateFile('kubeconfig', options.kubeConfig.exportConfig());
  const executor = new Executor(options.kubeConfig, {
    kubectl: tool('kubectl'),
    helm: tool('helm'),
    kubeconfigPath,
    context: options.kubeConfig.getCurrentContext(),
  });
  const anchor = new ClusterAnchor(options.kubeConfig, policy.anchor_namespace, signer);
  const history = openHistory(options.historyDir, {
    ...(options.now ? { now: () => new Date(options.now!()) } : {}),
    ...(options.cluster ? { clusterNow: () => new Date(options.cluster!.now()) } : {}),
    signer,
    allowedSigners: options.allowedSigners,
    floorOf,
    gitCommit: options.gitCommit ?? insideGitWorkTree(options.historyDir),
    ...(options.onCommitError ? { onCommitError: options.onCommitError } : {}),
    onHead: (head) => anchor.update(head),
  });
  const notifier = createNotifier(policy.escalation, {
    ...(options.notifyTerminal ? { terminal: options.notifyTerminal } : {}),
  });
  return new Queue({
    ...(notifier ? { notifier } : {}),
    history,
    policy,
    approver: signer.principal,
    executor,
    probe: new WorkloadProbe(options.kubeConfig, executor.objects),
    ...(options.publish ? { publish: options.publish } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    ...(options.now ? { now: options.now } : {}),
    ...(options.cluster ? { cluster: options.cluster } : {}),
    ...(options.answerKagent ? { answerKagent: options.answerKagent } : {}),
    ...(options.process ? { process: options.process } : {}),
    anchor,
  });
}
