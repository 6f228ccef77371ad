// The built-in assistant: no network, no LLM, deterministic. It answers the operations plan's
// questions from the same analyzers the findings pane uses (one implementation of each
// diagnosis), and proposes changes as operations for the approval queue, never executing them.
import { summarizePod } from '../cluster/kube-format.js';
import { formatBytes, formatCpu } from '../cluster/quantity.js';
import { analyze } from '../analysis/analyze.js';
import { resourceLabel } from '../analysis/format.js';
import { scaleOp } from '../analysis/operations.js';
import { epoch, formatDuration } from '../analysis/time.js';
import type { ClusterSnapshot, Finding } from '../analysis/types.js';
import type { Operation } from '../workflow/operations.js';

export interface OfflineAnswer {
  /** Markdown. */
  answer: string;
  proposals: Operation[];
}

const CAPABILITIES = [
  '- "why is <pod> failing?"',
  '- "check for pod failures"',
  '- "analyze cluster health"',
  '- "scale <deployment> to <N>"',
  '- "what should <deployment>\'s resources be?"',
  '- "show top pods"',
  '- "what changed recently?"',
].join('\n');

/** A finding as a list item, its evidence one sub-item a line (quoted log lines included). */
const bullet = (f: Finding): string =>
  [
    `- **${f.severity}** ${f.title} (\`${resourceLabel(f.resource)}\`)`,
    ...f.detail.map((d) => `  - ${d.trim()}`),
  ].join('\n');

function podFailures(snapshot: ClusterSnapshot, podName?: string): OfflineAnswer {
  const findings = analyze(snapshot, { only: ['pod-failures'] }).filter(
    (f) => !podName || f.resource.name === podName || f.resource.name.startsWith(podName),
  );
  if (findings.length === 0) {
    return {
      answer: podName
        ? `No failure found for \`${podName}\`: it is running as expected.`
        : 'No pod failures: every pod is running or completing as expected.',
      proposals: [],
    };
  }
  const lines = findings.map((f) =>
    [
      bullet(f),
      ...(f.suggestedFix ? [`  - fix: ${f.suggestedFix}`] : []),
      ...(f.runbook ? [`  - runbook: runbooks/${f.runbook}.md`] : []),
    ].join('\n'),
  );
  return {
    answer: `${podName ? `Why \`${podName}\` is failing` : `${findings.length} pod problem${findings.length === 1 ? '' : 's'}`}:\n\n${lines.join('\n')}`,
    proposals: findings.flatMap((f) => (f.recommendation ? [f.recommendation] : [])),
  };
}

function clusterHealth(snapshot: ClusterSnapshot): OfflineAnswer {
  const byStatus = new Map<string, number>();
  for (const pod of snapshot.pods) {
    const status = summarizePod(pod).status;
    byStatus.set(status, (byStatus.get(status) ?? 0) + 1);
  }
  const ready = snapshot.nodes.filter((n) =>
    n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
  ).length;
  const findings = analyze(snapshot, { only: ['pod-failures', 'workloads'] });
  const critical = findings.filter((f) => f.severity === 'critical');
  const statuses = [...byStatus]
    .sort((a, b) => b[1] - a[1])
    .map(([s, n]) => `${n} ${s}`)
    .join(', ');
  return {
    answer: [
      `**Cluster health:** ${critical.length === 0 ? 'healthy' : `${critical.length} critical problem${critical.length === 1 ? '' : 's'}`}.`,
      '',
      `- nodes ready: ${ready}/${snapshot.nodes.length}`,
      `- pods: ${snapshot.pods.length} (${statuses || 'none'})`,
      `- deployments: ${snapshot.deployments.length}`,
      ...(findings.length ? ['', ...findings.map(bullet)] : []),
    ].join('\n'),
    proposals: findings.flatMap((f) => (f.recommendation ? [f.recommendation] : [])),
  };
}

function scale(snapshot: ClusterSnapshot, name: string, replicas: number): OfflineAnswer {
  const deployment = snapshot.deployments.find((d) => d.metadata?.name === name);
  if (!deployment) return { answer: `There is no deployment \`${name}\` in view.`, proposals: [] };
  const target = { kind: 'Deployment', namespace: deployment.metadata?.namespace, name };
  const current = deployment.spec?.replicas ?? 1;
  if (current === replicas)
    return {
      answer: `\`${name}\` already runs ${replicas} replica${replicas === 1 ? '' : 's'}.`,
      proposals: [],
    };
  const op = scaleOp(target, replicas);
  return {
    answer: `Proposed: ${op.summary} (now ${current}). It is in the approval queue; nothing changes until it is approved.\n\n\`${op.kubectl}\``,
    proposals: [op],
  };
}

function resources(snapshot: ClusterSnapshot, name: string): OfflineAnswer {
  const findings = analyze(snapshot, { only: ['right-sizing'] }).filter(
    (f) => f.resource.name === name || f.affected.some((a) => a.name === name),
  );
  if (findings.length === 0)
    return {
      answer: `\`${name}\`'s requests and limits fit its observed usage; no change is worth making.`,
      proposals: [],
    };
  return {
    answer: findings
      .map((f) => [bullet(f), ...(f.suggestedFix ? [`  - ${f.suggestedFix}`] : [])].join('\n'))
      .join('\n'),
    proposals: findings.flatMap((f) => (f.recommendation ? [f.recommendation] : [])),
  };
}

function topPods(snapshot: ClusterSnapshot): OfflineAnswer {
  const rows = snapshot.pods.map((pod) => {
    const key = `${pod.metadata?.namespace}/${pod.metadata?.name}`;
    let cpu = 0;
    let mem = 0;
    for (const c of pod.spec?.containers ?? []) {
      const last = snapshot.usage.get(`${key}/${c.name}`)?.at(-1);
      cpu += last?.cpuMillis ?? 0;
      mem += last?.memoryBytes ?? 0;
    }
    return { key, cpu, mem };
  });
  const top = rows
    .filter((r) => r.cpu > 0 || r.mem > 0)
    .sort((a, b) => b.cpu - a.cpu)
    .slice(0, 10);
  if (top.length === 0)
    return {
      answer:
        'No usage metrics yet (metrics.k8s.io answers within a scrape interval; on minikube: `minikube addons enable metrics-server`).',
      proposals: [],
    };
  return {
    answer: [
      '| pod | CPU | memory |',
      '|---|---|---|',
      ...top.map((r) => `| ${r.key} | ${formatCpu(r.cpu)} | ${formatBytes(r.mem)} |`),
    ].join('\n'),
    proposals: [],
  };
}

function recentChanges(snapshot: ClusterSnapshot): OfflineAnswer {
  const since = snapshot.now - 15 * 60_000;
  const events = snapshot.events
    .map((e) => ({
      e,
      at:
        epoch(e.lastTimestamp) ??
        epoch(e.eventTime as unknown as string) ??
        epoch(e.metadata?.creationTimestamp) ??
        0,
    }))
    .filter(({ at }) => at >= since)
    .sort((a, b) => b.at - a.at)
    .slice(0, 15);
  const rollouts = snapshot.deployments.map(
    (d) =>
      `- \`${d.metadata?.namespace}/${d.metadata?.name}\`: revision ${d.metadata?.annotations?.['deployment.kubernetes.io/revision'] ?? '?'}, ${d.status?.readyReplicas ?? 0}/${d.spec?.replicas ?? 1} ready`,
  );
  return {
    answer: [
      '**Events in the last 15 minutes** (newest first):',
      '',
      ...(events.length
        ? events.map(
            ({ e, at }) =>
              `- ${formatDuration(snapshot.now - at)} ago · ${e.type} ${e.reason} · ${e.involvedObject?.kind?.toLowerCase()}/${e.involvedObject?.name}: ${e.message}`,
          )
        : ['- none']),
      '',
      '**Deployments:**',
      '',
      ...(rollouts.length ? rollouts : ['- none']),
    ].join('\n'),
    proposals: [],
  };
}

/** Answers one question about the snapshot; anything else gets the list of what it can answer. */
export function askOffline(question: string, snapshot: ClusterSnapshot): OfflineAnswer {
  const q = question
    .trim()
    .toLowerCase()
    .replace(/[?.!]+$/, '');
  let m: RegExpExecArray | null;
  if ((m = /^why is (?:pod )?([a-z0-9][a-z0-9.-]*) (?:failing|crashing|not ready|broken|down)$/.exec(q)))
    return podFailures(snapshot, m[1]);
  if (/(check|look) (for )?(pod )?(failures|problems|errors)|failing pods|what is (failing|wrong)/.test(q))
    return podFailures(snapshot);
  if (/(cluster )?health|how is the cluster/.test(q)) return clusterHealth(snapshot);
  if ((m = /^scale (?:deployment[/ ])?([a-z0-9][a-z0-9.-]*) to (\d+)(?: replicas?)?$/.exec(q)))
    return scale(snapshot, m[1]!, Number(m[2]));
  if (
    (m =
      /resources? (?:should|for) (?:deployment[/ ])?([a-z0-9][a-z0-9.-]*)|what should (?:deployment[/ ])?([a-z0-9][a-z0-9.-]*?)(?:'s)? resources be/.exec(
        q,
      ))
  )
    return resources(snapshot, (m[1] ?? m[2])!);
  if (/top pods|busiest pods|pods? (using|by) (the most )?(cpu|memory)/.test(q)) return topPods(snapshot);
  if (/what changed|recent (changes|events)|what happened/.test(q)) return recentChanges(snapshot);
  return {
    answer: `The offline assistant answers from the cluster's state, without an LLM. Ask:\n\n${CAPABILITIES}`,
    proposals: [],
  };
}
