// How far to trust a recommendation: a confidence (high / medium / low) and a one-sentence
// rationale. For built-in findings it comes from the analyzer's rule (the table below, keyed
// `analyzer/problem` by the problem's name up to its first `:`; a test holds every rule of every
// analyzer to it). Evidence the cluster states itself (a registry's pull error, a missing
// object, a condition) is high; what is inferred from it is medium; heuristics are low. For
// kagent and kubectl-ai it is the agent's own, when it gives one, else medium "from the agent's
// answer". `report metrics` counts the share acted upon per confidence.
import type { Finding } from '../model/analysis.js';
import type { Confidence, Quality } from '../model/quality.js';

type Rated = [Confidence, string];

const SPEC_CHECK = 'read from the pod spec; whether it matters is the team’s security policy';

/** Every rule of every built-in analyzer: its confidence and why. */
// prettier-ignore
export const RULE_CONFIDENCE: Readonly<Record<string, Rated>> = {
  'pod-failures/image-pull': ['high', 'The kubelet’s pull error names the image and the registry’s answer.'],
  'pod-failures/crashloop': ['high', 'The exit code and the previous run’s last log lines show why it exits.'],
  'pod-failures/container-error': ['high', 'The runtime’s own error (exit 127, StartError, config error) names what fails.'],
  'pod-failures/oomkilled': ['high', 'The last termination says OOMKilled against the container’s memory limit.'],
  'pod-failures/probe-liveness': ['medium', 'The probe events show it failing; probe or app at fault is inferred from the declared ports.'],
  'pod-failures/probe-readiness': ['medium', 'The probe events show it failing; probe or app at fault is inferred from the declared ports.'],
  'pod-failures/probe-startup': ['medium', 'The probe events show it failing; probe or app at fault is inferred from the declared ports.'],
  'pod-failures/pending': ['high', 'The scheduler’s FailedScheduling message says which constraint no node meets.'],
  'pod-failures/evicted': ['high', 'The pod’s status says Evicted and its controller has replaced it.'],
  'pod-failures/restarts': ['low', 'A restart count above a threshold says that it restarts, not why.'],
  'workloads/stuck-rollout': ['high', 'The Deployment’s Progressing condition reports ProgressDeadlineExceeded.'],
  'workloads/below-desired': ['medium', 'Fewer ready replicas than desired past the grace period; the pods’ findings say why.'],
  'workloads/at-max': ['medium', 'The HPA has sat at its maximum; the need for more is inferred from utilization.'],
  'workloads/thrashing': ['low', 'Replica counts flipping in a short window is a pattern, not a measured cause.'],
  'controllers/missing-service': ['high', 'The StatefulSet names a governing Service the API does not have.'],
  'controllers/missing-storage-class': ['high', 'The claim template names a StorageClass the API does not have.'],
  'controllers/not-ready': ['medium', 'Fewer ready pods than desired past the grace period; the cause is inferred.'],
  'controllers/no-nodes': ['medium', 'No node matches the DaemonSet’s selector and tolerations as the node list reads.'],
  'controllers/unavailable': ['medium', 'The DaemonSet’s status counts unavailable pods; their own findings say why.'],
  'controllers/misscheduled': ['high', 'The DaemonSet’s status counts pods on nodes it should not run on.'],
  'controllers/job-failed': ['high', 'The Job’s Failed condition and its pod’s exit code say it failed.'],
  'controllers/job-retrying': ['medium', 'Attempts are failing but retries are left: it may still succeed.'],
  'controllers/suspended': ['high', 'The CronJob’s spec.suspend is true.'],
  'controllers/invalid-schedule': ['high', 'The schedule does not parse as cron.'],
  'controllers/not-running': ['medium', 'No run since one was due; a deadline or the controller may explain it.'],
  'controllers/last-job-failed': ['high', 'The CronJob’s last Job has a Failed condition.'],
  'config-references/missing-object': ['high', 'The referenced ConfigMap or Secret is absent from the API’s list.'],
  'config-references/missing-key': ['high', 'The referenced key is absent from the object the API lists.'],
  'config-references/unused': ['low', 'No pod template in view references it, but something outside the cluster may.'],
  'services/no-endpoints': ['medium', 'A Service without a selector has no endpoints; they may be managed elsewhere.'],
  'services/no-matching-pods': ['medium', 'The selector matches no pod (certain); the pods it was meant for are inferred.'],
  'services/no-ready-endpoints': ['high', 'The EndpointSlices hold no ready endpoint for the Service.'],
  'services/unready-endpoints': ['medium', 'Some endpoints are not ready; they may be starting.'],
  'services/target-port': ['high', 'The targetPort is not a port any selected pod declares.'],
  'services/load-balancer-pending': ['medium', 'No external address yet; the cloud controller may still be provisioning it.'],
  'ingress/ingress-class': ['high', 'The Ingress names a class the API does not have.'],
  'ingress/backend-service': ['high', 'The backend Service does not exist.'],
  'ingress/backend-port': ['high', 'The backend port is not one the Service declares.'],
  'ingress/tls-secret': ['high', 'The TLS Secret does not exist.'],
  'storage/missing-claim': ['high', 'The pod mounts a claim the API does not have.'],
  'storage/pending': ['high', 'The claim is Pending, its class checked against the API and the provisioner’s event.'],
  'storage/lost': ['high', 'The claim’s phase is Lost.'],
  'storage/mount': ['medium', 'A mount event names the volume; the node or driver behind it is not visible.'],
  'storage/failed': ['high', 'The volume’s phase is Failed.'],
  'storage/released': ['low', 'Released long ago: left-over storage, perhaps kept on purpose.'],
  'nodes/not-ready': ['high', 'The node’s Ready condition is not True.'],
  'nodes/condition': ['high', 'The node reports the pressure condition itself.'],
  'nodes/cordoned': ['medium', 'Cordoned on purpose or forgotten: the object cannot say which.'],
  'nodes/taint': ['medium', 'Pending pods do not tolerate the taint; whether taint or pods should change is a choice.'],
  'autoscalers/target-missing': ['high', 'The HPA’s scale target does not exist.'],
  'autoscalers/min-above-max': ['high', 'minReplicas is above maxReplicas in the spec.'],
  'autoscalers/scaling-inactive': ['high', 'The HPA’s ScalingActive condition is False with the controller’s reason.'],
  'autoscalers/capped': ['medium', 'The HPA is held at its maximum; the need for more is inferred.'],
  'autoscalers/multiple-hpas': ['high', 'Two HPAs target the same workload.'],
  'autoscalers/missing-request': ['medium', 'Utilization needs a request (certain); the request proposed is from observed usage.'],
  'disruption-budgets/no-pods': ['high', 'The budget’s selector matches no pod.'],
  'disruption-budgets/blocks-eviction': ['high', 'The budget allows no disruption with every pod healthy: each eviction is refused.'],
  'disruption-budgets/overlapping': ['high', 'Two budgets select the same pods, which the eviction API refuses.'],
  'log-errors/errors': ['low', 'Error lines in a running container’s log are a heuristic: the app may log errors it handles.'],
  'right-sizing/resources': ['medium', 'p95 + 30 % of the usage history, memory above its peak; a short history or a coming peak misleads.'],
  'right-sizing/history-too-short': ['low', 'Too few samples: nothing is recommended yet.'],
  'right-sizing/no-metrics': ['high', 'No sample came from metrics.k8s.io.'],
  'scaling/scale': ['medium', 'Sustained (median) CPU utilization of requests over the history; a change in load can undo it.'],
  'security/privileged': ['high', `Privileged mode, ${SPEC_CHECK}.`],
  'security/host-namespaces': ['high', `Host namespaces, ${SPEC_CHECK}.`],
  'security/host-path': ['high', `A hostPath volume, ${SPEC_CHECK}.`],
  'security/runs-as-root': ['high', `Running as root, ${SPEC_CHECK}.`],
  'security/no-security-context': ['high', `No security context, ${SPEC_CHECK}.`],
  'security/image-tag': ['high', `A mutable image tag, ${SPEC_CHECK}.`],
  'security/missing-requests': ['high', `No requests, ${SPEC_CHECK}.`],
  'security/missing-limits': ['high', `No limits, ${SPEC_CHECK}.`],
  'security/missing-probes': ['high', `No probes, ${SPEC_CHECK}.`],
  'security/secret-env': ['high', `A Secret in an environment variable, ${SPEC_CHECK}.`],
  'security/default-service-account': ['high', `The default service account, ${SPEC_CHECK}.`],
};

/** A pod's fix can be weaker than its diagnosis: deleting one pod of a healthy ReplicaSet may not last. */
const FIX_CONFIDENCE: Readonly<Partial<Record<string, Rated>>> = {
  'delete-pod': [
    'medium',
    'Judged transient (one pod of a healthy ReplicaSet): a recreated pod may fail again.',
  ],
};

const RANK: Record<Confidence, number> = { high: 0, medium: 1, low: 2 };

/** The rule of a built-in finding: its analyzer and its problem's name (the id's tail, up to its first `:`). */
export function ruleOf(finding: Pick<Finding, 'id' | 'analyzer'>): string {
  const problem = finding.id.split(':')[2] ?? '';
  return `${finding.analyzer}/${problem}`;
}

const AGENT_RATIONALE = 'from the agent’s answer';

/** A confidence and rationale for a finding: the agent's (kagent), else its analyzer's rule. */
export function findingQuality(finding: Finding): Quality {
  if (finding.source === 'kagent')
    return finding.quality ?? { confidence: 'medium', rationale: AGENT_RATIONALE, rule: 'kagent' };
  const rule = ruleOf(finding);
  const rated = RULE_CONFIDENCE[rule] ?? ['medium', 'A built-in rule without a rating of its own.'];
  // An evicted pod is dead for good: deleting it is certain, not a bet on a transient cause.
  const fix =
    finding.recommendation && rule !== 'pod-failures/evicted'
      ? FIX_CONFIDENCE[finding.recommendation.kind]
      : undefined;
  const [confidence, rationale] = fix && RANK[fix[0]] > RANK[rated[0]] ? fix : rated;
  return { confidence, rationale, rule };
}

/** What the offline assistant proposes because it was asked ("scale X to 3"): the person's diagnosis. */
export const ASKED: Quality = {
  confidence: 'high',
  rationale: 'The change asked for in the chat, checked against the cluster before it was proposed.',
  rule: 'offline-assistant/asked',
};

/**
 * An agent's own rating in its answer text ("confidence: high", "**Confidence:** low — because
 * …"), else medium from the answer. `rule` names the agent.
 */
export function agentQuality(rule: string, answer: string): Quality {
  const m = /\bconfidence\b\W{0,6}(high|medium|low)\b[\s*_)–—:.,-]*([^\n]*)/i.exec(answer);
  if (!m) return { confidence: 'medium', rationale: AGENT_RATIONALE, rule };
  const said = m[2]!.trim().replace(/^(because|as)\s+/i, '');
  return {
    confidence: m[1]!.toLowerCase() as Confidence,
    rationale: said ? said.slice(0, 200) : AGENT_RATIONALE,
    rule,
  };
}
