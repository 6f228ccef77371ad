// Nodes that cannot run pods (k8sgpt's node analyzer, popeye's node lint): NotReady or Unknown
// (since when, and why), memory/disk/PID pressure, network unavailable, any other condition a
// node-problem-detector raises, cordoned nodes, and taints that keep pending pods off the node.
import type { CoreV1Event, V1Node, V1NodeCondition, V1Pod, V1Taint } from '@kubernetes/client-node';
import { describeCondition, describeEvent, latestEvent } from '../event-evidence.js';
import { toleratesAll } from '../../kube/scheduling.js';
import { makeFinding, type FindingInput } from '../finding.js';
import { addTo } from '../selector-index.js';
import { indexSnapshot } from '../snapshot-index.js';
import { epoch } from '../time.js';
import type { ClusterSnapshot, Finding, ResourceRef, Severity } from '../../model/analysis.js';

const ANALYZER = 'nodes';

type Problem = Omit<FindingInput, 'analyzer' | 'resource'>;

const CONDITION_FIXES: Record<string, { severity: Severity; fix: string }> = {
  MemoryPressure: {
    severity: 'warning',
    fix: 'The kubelet evicts pods (BestEffort first) until memory is free: find the pods using the most (kubectl top pods -A --sort-by=memory), give them limits, or add memory.',
  },
  DiskPressure: {
    severity: 'warning',
    fix: 'Free disk on the node (unused images, container logs, emptyDir data) or grow it; the kubelet evicts pods and collects images until it is below the threshold.',
  },
  PIDPressure: {
    severity: 'warning',
    fix: 'A pod forks without bound: find it (ps on the node), fix it, and set the kubelet podPidsLimit.',
  },
  NetworkUnavailable: {
    severity: 'critical',
    fix: "The node's network is not configured: check the CNI plugin's pods on it (kubectl get pods -n kube-system -o wide).",
  },
};

/** Taints the node lifecycle controller sets for a condition or a cordon: those findings cover them. */
const CONDITION_TAINTS = new Set([
  'node.kubernetes.io/not-ready',
  'node.kubernetes.io/unreachable',
  'node.kubernetes.io/unschedulable',
  'node.kubernetes.io/memory-pressure',
  'node.kubernetes.io/disk-pressure',
  'node.kubernetes.io/pid-pressure',
  'node.kubernetes.io/network-unavailable',
]);

/** Taints a cluster is expected to carry (pods of other namespaces tolerate them): said only when they block. */
const ROLE_TAINTS = new Set(['node-role.kubernetes.io/control-plane', 'node-role.kubernetes.io/master']);

const podsRun = (n: number) => (n === 1 ? '1 pod runs on it' : `${n} pods run on it`);

const describeTaint = (t: V1Taint) => `${t.key}${t.value ? `=${t.value}` : ''}:${t.effect}`;

export function nodes(snapshot: ClusterSnapshot): Finding[] {
  const { events } = indexSnapshot(snapshot);
  const podsOnNode = new Map<string, V1Pod[]>();
  const pending: { pod: V1Pod; event: CoreV1Event; message: string }[] = [];
  for (const pod of snapshot.pods) {
    const node = pod.spec?.nodeName;
    if (node) addTo(podsOnNode, node, pod);
    else if (pod.status?.phase === 'Pending') {
      const failed = latestEvent(events.get(`Pod/${pod.metadata?.namespace}/${pod.metadata?.name}`), [
        'FailedScheduling',
      ]);
      if (failed?.message) pending.push({ pod, event: failed, message: failed.message });
    }
  }
  const podRef = (p: V1Pod): ResourceRef => ({
    kind: 'Pod',
    namespace: p.metadata?.namespace,
    name: p.metadata?.name ?? '',
  });
  const findings: Finding[] = [];
  for (const node of snapshot.nodes) {
    const name = node.metadata?.name;
    if (!name) continue;
    const resource = { kind: 'Node', name };
    const running = podsOnNode.get(name) ?? [];
    const problems: Problem[] = [];
    const conditions = node.status?.conditions ?? [];
    const ready = conditions.find((c) => c.type === 'Ready');
    if (ready && ready.status !== 'True') problems.push(notReady(node, ready, running.map(podRef)));
    for (const c of conditions) {
      if (c.type === 'Ready' || c.status === 'False') continue;
      // A node that stopped reporting has every condition Unknown: NotReady says it once.
      if (c.status === 'Unknown' && ready?.status === 'Unknown') continue;
      const known = CONDITION_FIXES[c.type];
      problems.push({
        problem: `condition:${c.type}`,
        severity: known?.severity ?? 'warning',
        title: `Node ${c.type}=${c.status}${c.reason ? ` (${c.reason})` : ''}`,
        detail: [describeCondition(c), podsRun(running.length)],
        affected: running.map(podRef),
        suggestedFix:
          known?.fix ??
          `Check what raises ${c.type} on the node (node-problem-detector, kubectl describe node ${name}).`,
        runbook: 'node-pressure',
        since: epoch(c.lastTransitionTime),
      });
    }
    if (node.spec?.unschedulable) {
      const blocked = pending.filter((p) => /were unschedulable/.test(p.message));
      problems.push({
        problem: 'cordoned',
        severity: blocked.length ? 'warning' : 'info',
        title: `Node is cordoned (unschedulable)${blocked.length ? `: ${blocked.length} pending pods cannot go there` : ''}`,
        detail: [
          'spec.unschedulable: true',
          ...blocked
            .slice(0, 3)
            .map(
              (p) => `pod ${p.pod.metadata?.namespace}/${p.pod.metadata?.name}: ${describeEvent(p.event)}`,
            ),
        ],
        affected: blocked.map((p) => podRef(p.pod)),
        // Not a ProposedOperation kind: uncordon is a workflow operation the analyzers cannot propose.
        suggestedFix: `If maintenance is over: kubectl uncordon ${name}.`,
        runbook: 'node-pressure',
        since: epoch(node.spec.taints?.find((t) => t.key === 'node.kubernetes.io/unschedulable')?.timeAdded),
      });
    }
    for (const taint of node.spec?.taints ?? []) {
      if (taint.effect === 'PreferNoSchedule' || CONDITION_TAINTS.has(taint.key)) continue;
      const blocked = pending.filter(
        (p) =>
          !toleratesAll(p.pod.spec?.tolerations, taint) &&
          /untolerated taint/.test(p.message) &&
          (!p.message.includes('{') || p.message.includes(`{${taint.key}:`)),
      );
      const anyTolerates =
        ROLE_TAINTS.has(taint.key) || snapshot.pods.some((p) => toleratesAll(p.spec?.tolerations, taint));
      if (blocked.length === 0 && anyTolerates) continue;
      problems.push({
        problem: `taint:${taint.key}:${taint.effect}`,
        severity: blocked.length ? 'warning' : 'info',
        title: blocked.length
          ? `Taint ${describeTaint(taint)} keeps ${blocked.length} pending pod${blocked.length === 1 ? '' : 's'} off the node`
          : `Taint ${describeTaint(taint)}: no pod tolerates it`,
        detail: [
          `taint: ${describeTaint(taint)}`,
          ...blocked
            .slice(0, 3)
            .map(
              (p) => `pod ${p.pod.metadata?.namespace}/${p.pod.metadata?.name}: ${describeEvent(p.event)}`,
            ),
        ],
        affected: blocked.map((p) => podRef(p.pod)),
        suggestedFix: `Remove the taint if it is left over (kubectl taint nodes ${name} ${taint.key}:${taint.effect}-), or add a toleration for it to the workloads meant to run there.`,
        runbook: 'node-pressure',
        since: epoch(taint.timeAdded),
      });
    }
    for (const problem of problems)
      findings.push(makeFinding(snapshot, { analyzer: ANALYZER, resource, ...problem }));
  }
  return findings;
}

function notReady(node: V1Node, ready: V1NodeCondition, affected: ResourceRef[]): Problem {
  const taints = (node.spec?.taints ?? []).filter((t) => CONDITION_TAINTS.has(t.key)).map(describeTaint);
  return {
    problem: 'not-ready',
    severity: 'critical',
    title: `Node is ${ready.status === 'Unknown' ? 'unreachable (Ready=Unknown)' : 'NotReady'}${ready.reason ? `: ${ready.reason}` : ''}`,
    detail: [
      describeCondition(ready),
      `${podsRun(affected.length)}${ready.status === 'Unknown' ? ' (evicted after their 300 s not-ready/unreachable toleration)' : ''}`,
      ...(taints.length ? [`taints: ${taints.join(', ')}`] : []),
    ],
    affected,
    suggestedFix: `Check the kubelet and container runtime on ${node.metadata?.name} (minikube ssh -- sudo journalctl -u kubelet -n 50), and its disk and memory.`,
    runbook: 'node-pressure',
    since: epoch(ready.lastTransitionTime),
  };
}
