// The built-in assistant: no network, no LLM, deterministic. It answers the operations plan's
// questions from the same analyzers the findings pane uses (one implementation of each
// diagnosis), and proposes changes as operations for the approval queue, never executing them.
import type { IntOrString, V1DeploymentStrategy, V1PodTemplateSpec } from '@kubernetes/client-node';
import { summarizePod } from '../kube/format.js';
import { formatBytes, formatCpu } from '../kube/quantity.js';
import { analyze } from '../analysis/analyze.js';
import { ASKED, findingQuality } from '../analysis/confidence.js';
import type { Quality } from '../model/quality.js';
import { resourceLabel } from '../analysis/format.js';
import { isErrorLine } from '../analysis/analyzers/log-errors.js';
import { createHpaOp, rolloutRestartOp, rolloutUndoOp, scaleOp } from '../workflow/proposed-operations.js';
import { resolveOptions } from '../analysis/options.js';
import { epoch, formatDuration } from '../analysis/time.js';
import type { ClusterSnapshot, Finding, ResourceRef } from '../model/analysis.js';
import type { Operation } from '../model/operation.js';
import { parseCommand } from '../workflow/command-parser.js';
import { parseQuestion, scaledReplicas, type Intent, type ScaleChange } from './offline-intents.js';

export interface OfflineAnswer {
  /** Markdown. */
  answer: string;
  proposals: Operation[];
  /** Each proposal's rule: the analyzer's that found it, else ASKED (the person asked for it). */
  quality?: ReadonlyMap<Operation, Quality>;
}

/** The finding each proposed operation came from, rated by its rule (read back in askOffline). */
const rated = new WeakMap<Operation, Quality>();
const fixOf = (f: Finding): Operation | undefined => {
  if (f.recommendation) rated.set(f.recommendation, findingQuality(f));
  return f.recommendation;
};

const CAPABILITIES = [
  '- "what\'s wrong with <name>?" · "check for pod failures" · "analyze cluster health"',
  '- "scale <deployment> to 3" · "scale <deployment> up by 100 %" · "scale <deployment> down by half"',
  '- "update <deployment> to image <image> with zero downtime"',
  '- "create an HPA for <deployment> at 50 % CPU between 1 and 3 replicas"',
  '- "switch the service to green" · "restart <deployment>" · "roll back <deployment>"',
  '- "show <name>\'s errors" · "what should <deployment>\'s resources be?"',
  '- "show top pods" · "what changed recently?"',
].join('\n');

/** A finding as a list item, its evidence one sub-item a line (quoted log lines included). */
const bullet = (f: Finding): string =>
  [
    `- **${f.severity}** ${f.title} (\`${resourceLabel(f.resource)}\`)`,
    ...f.detail.map((d) => `  - ${d.trim()}`),
  ].join('\n');

const withFix = (f: Finding): string =>
  [
    bullet(f),
    ...(f.suggestedFix ? [`  - fix: ${f.suggestedFix}`] : []),
    ...(f.recommendation ? [`  - proposed: ${f.recommendation.summary}`] : []),
    ...(f.runbook ? [`  - runbook: runbooks/${f.runbook}.md`] : []),
  ].join('\n');

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** An object named `name`, or one of its pods (`<name>-…`). */
const isOrBelongsTo = (objectName: string | undefined, name: string): boolean =>
  objectName === name || !!objectName?.startsWith(`${name}-`);

/** Whether a finding is about `name`: the object itself, its pods, or an object it involves. */
function concerns(f: Finding, name: string): boolean {
  return isOrBelongsTo(f.resource.name, name) || f.affected.some((a) => isOrBelongsTo(a.name, name));
}

function diagnose(snapshot: ClusterSnapshot, name?: string): OfflineAnswer {
  // Info findings (not enough history yet, unused objects) are not what "what's wrong" asks.
  const all = analyze(snapshot).filter((f) => f.severity !== 'info');
  const findings = name ? all.filter((f) => concerns(f, name)) : all;
  if (name && findings.length === 0) {
    const found = findObject(snapshot, name);
    return {
      answer: found
        ? `No problem found with \`${found.label}\`: ${found.state}.`
        : `There is no \`${name}\` in view (no deployment, statefulset, daemonset, service or pod of that name).`,
      proposals: [],
    };
  }
  if (findings.length === 0)
    return { answer: 'No problems found: every workload is running as expected.', proposals: [] };
  return {
    answer: `${name ? `What is wrong with \`${name}\`` : plural(findings.length, 'problem')}:\n\n${findings.map(withFix).join('\n')}`,
    proposals: proposalsOf(findings),
  };
}

/** Each distinct recommended operation once, worst finding first. */
function proposalsOf(findings: readonly Finding[]): Operation[] {
  const seen = new Set<string>();
  const out: Operation[] = [];
  for (const f of findings) {
    if (!f.recommendation || seen.has(f.recommendation.kubectl)) continue;
    seen.add(f.recommendation.kubectl);
    out.push(fixOf(f)!);
  }
  return out;
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
  const findings = analyze(snapshot).filter((f) => f.severity !== 'info');
  const critical = findings.filter((f) => f.severity === 'critical').length;
  const nodesDown = snapshot.nodes.length - ready;
  // A cluster with a node down or no node at all is not healthy, whatever the pods say.
  const verdict =
    critical === 0 && nodesDown === 0 && snapshot.nodes.length > 0
      ? findings.length === 0
        ? 'healthy'
        : `healthy, with ${plural(findings.length, 'warning')}`
      : [
          ...(snapshot.nodes.length === 0 ? ['no nodes'] : []),
          ...(nodesDown ? [`${plural(nodesDown, 'node')} not ready`] : []),
          ...(critical ? [`${plural(critical, 'critical problem')}`] : []),
        ].join(', ');
  const statuses = [...byStatus]
    .sort((a, b) => b[1] - a[1])
    .map(([s, n]) => `${n} ${s}`)
    .join(', ');
  return {
    answer: [
      `**Cluster health:** ${verdict}.`,
      '',
      `- nodes ready: ${ready}/${snapshot.nodes.length}`,
      `- pods: ${snapshot.pods.length} (${statuses || 'none'})`,
      `- deployments: ${snapshot.deployments.length}`,
      ...(findings.length ? ['', ...findings.map(bullet)] : []),
    ].join('\n'),
    proposals: proposalsOf(findings),
  };
}

/** A scalable workload of that name: a Deployment, else a StatefulSet. */
function workloadNamed(
  snapshot: ClusterSnapshot,
  name: string,
):
  | {
      ref: ResourceRef;
      replicas: number;
      readyReplicas: number;
      template?: V1PodTemplateSpec;
      strategy?: V1DeploymentStrategy;
    }
  | undefined {
  const deployment = snapshot.deployments.find((d) => d.metadata?.name === name);
  if (deployment)
    return {
      ref: { kind: 'Deployment', namespace: deployment.metadata?.namespace, name },
      replicas: deployment.spec?.replicas ?? 1,
      readyReplicas: deployment.status?.readyReplicas ?? 0,
      template: deployment.spec?.template,
      ...(deployment.spec?.strategy ? { strategy: deployment.spec.strategy } : {}),
    };
  const sts = snapshot.statefulSets?.find((s) => s.metadata?.name === name);
  if (sts)
    return {
      ref: { kind: 'StatefulSet', namespace: sts.metadata?.namespace, name },
      replicas: sts.spec?.replicas ?? 1,
      readyReplicas: sts.status?.readyReplicas ?? 0,
      template: sts.spec?.template,
    };
  return undefined;
}

/** Any object of that name the snapshot holds, with a one-line state. */
function findObject(snapshot: ClusterSnapshot, name: string): { label: string; state: string } | undefined {
  const workload = workloadNamed(snapshot, name);
  if (workload)
    return {
      label: resourceLabel(workload.ref),
      state: `${workload.readyReplicas}/${workload.replicas} ready`,
    };
  const pod = snapshot.pods.find((p) => p.metadata?.name === name);
  if (pod) {
    const s = summarizePod(pod);
    return {
      label: `pod/${pod.metadata?.namespace}/${name}`,
      state: `${s.status}, ${s.readyContainers}/${s.totalContainers} ready`,
    };
  }
  const service = snapshot.services?.find((x) => x.metadata?.name === name);
  if (service)
    return { label: `service/${service.metadata?.namespace}/${name}`, state: 'its endpoints are ready' };
  return undefined;
}

const notInView = (name: string): OfflineAnswer => ({
  answer: `There is no deployment or statefulset \`${name}\` in view.`,
  proposals: [],
});

const queued = (op: Operation, before: string): OfflineAnswer => ({
  answer: `Proposed: ${op.summary} (${before}). It is in the approval queue; nothing changes until it is approved.\n\n\`${op.kubectl}\``,
  proposals: [op],
});

function scale(snapshot: ClusterSnapshot, name: string, change: ScaleChange): OfflineAnswer {
  const workload = workloadNamed(snapshot, name);
  if (!workload) return notInView(name);
  const current = workload.replicas;
  const replicas = scaledReplicas(current, change);
  const cap = resolveOptions({}).maxReplicas;
  if (replicas > cap)
    return {
      answer: `That would be ${replicas} replicas of \`${name}\` (now ${current}); the policy caps proposals at ${cap}. Ask for at most ${cap}.`,
      proposals: [],
    };
  if (current === replicas)
    return { answer: `\`${name}\` already runs ${plural(replicas, 'replica')}.`, proposals: [] };
  const hpa = snapshot.hpas.find(
    (h) => h.spec?.scaleTargetRef?.name === name && h.metadata?.namespace === workload.ref.namespace,
  );
  const op = scaleOp(workload.ref, replicas);
  const answer = queued(op, `now ${current}`);
  // An HPA would undo a manual scale at its next sync: say so rather than let it surprise.
  if (hpa)
    answer.answer += `\n\nNote: HPA \`${hpa.metadata?.name}\` scales \`${name}\` between ${hpa.spec?.minReplicas ?? 1} and ${hpa.spec?.maxReplicas}; it will override a replica count outside that range.`;
  return answer;
}

/** kubectl's rounding of a rolling update's surge and unavailability (25 % each by default). */
function rollingBounds(strategy: V1DeploymentStrategy | undefined, replicas: number) {
  const value = (v: IntOrString | undefined, fallback: string, round: (n: number) => number): number => {
    const raw = v ?? fallback;
    return typeof raw === 'number' ? raw : round((Number(raw.replace('%', '')) / 100) * replicas);
  };
  return {
    maxSurge: value(strategy?.rollingUpdate?.maxSurge, '25%', Math.ceil),
    maxUnavailable: value(strategy?.rollingUpdate?.maxUnavailable, '25%', Math.floor),
  };
}

function setImage(snapshot: ClusterSnapshot, intent: Extract<Intent, { kind: 'set-image' }>): OfflineAnswer {
  const workload = workloadNamed(snapshot, intent.name);
  if (!workload) return notInView(intent.name);
  const containers = workload.template?.spec?.containers ?? [];
  const container = intent.container ?? (containers.length === 1 ? containers[0]!.name : undefined);
  if (!container)
    return {
      answer: `\`${intent.name}\` has ${plural(containers.length, 'container')} (${containers.map((c) => c.name).join(', ')}): say which one gets \`${intent.image}\`.`,
      proposals: [],
    };
  const current = containers.find((c) => c.name === container)?.image;
  if (current === intent.image)
    return { answer: `\`${intent.name}\` already runs \`${intent.image}\`.`, proposals: [] };
  const parsed = parseCommand(
    `kubectl set image ${workload.ref.kind.toLowerCase()}/${intent.name} -n ${workload.ref.namespace} ${container}=${intent.image}`,
  );
  if (parsed.kind !== 'mutating') return { answer: `Cannot propose that image change.`, proposals: [] };
  const answer = queued(parsed.operation, `now \`${current ?? 'unknown'}\``);
  if (intent.zeroDowntime) answer.answer += `\n\n${zeroDowntimeCheck(workload, container)}`;
  return answer;
}

/** What makes a rolling image change keep serving, checked against the workload as it is. */
function zeroDowntimeCheck(
  workload: NonNullable<ReturnType<typeof workloadNamed>>,
  container: string,
): string {
  const spec = workload.template?.spec?.containers.find((c) => c.name === container);
  const problems: string[] = [];
  if (workload.ref.kind === 'Deployment') {
    if (workload.strategy?.type === 'Recreate')
      problems.push('its strategy is `Recreate`: every old pod stops before a new one starts');
    else {
      const { maxSurge, maxUnavailable } = rollingBounds(workload.strategy, workload.replicas);
      if (maxUnavailable > 0 && workload.replicas - maxUnavailable < 1)
        problems.push(`\`maxUnavailable\` lets all ${workload.replicas} pods go at once`);
      if (maxSurge === 0 && maxUnavailable > 0 && workload.replicas === 1)
        problems.push('with 1 replica and no surge, the only pod stops before its successor is ready');
    }
  }
  if (!spec?.readinessProbe)
    problems.push(
      `container \`${container}\` has no readiness probe: a new pod takes traffic before it is ready`,
    );
  return problems.length
    ? `**Zero downtime is not assured:** ${problems.join('; ')}. Fix that first (or accept a short outage).`
    : '**Zero downtime:** a rolling update with a readiness probe: old pods keep serving until new ones are ready.';
}

function createHpa(
  snapshot: ClusterSnapshot,
  intent: Extract<Intent, { kind: 'create-hpa' }>,
): OfflineAnswer {
  const workload = workloadNamed(snapshot, intent.name);
  if (!workload) return notInView(intent.name);
  if (intent.min < 1 || intent.max < intent.min)
    return {
      answer: `An HPA needs 1 ≤ min ≤ max (got min ${intent.min}, max ${intent.max}).`,
      proposals: [],
    };
  if (!(intent.cpuPercent > 0 && intent.cpuPercent <= 100))
    return {
      answer: `The CPU target must be between 1 and 100 % (got ${intent.cpuPercent} %).`,
      proposals: [],
    };
  const existing = snapshot.hpas.find(
    (h) => h.spec?.scaleTargetRef?.name === intent.name && h.metadata?.namespace === workload.ref.namespace,
  );
  if (existing)
    return {
      answer: `\`${intent.name}\` already has HPA \`${existing.metadata?.name}\` (${existing.spec?.minReplicas ?? 1}–${existing.spec?.maxReplicas} replicas); a second one would fight it. Change that one instead.`,
      proposals: [],
    };
  // Utilization is measured against requests: without them the HPA cannot compute anything.
  const missing = (workload.template?.spec?.containers ?? [])
    .filter((c) => !c.resources?.requests?.cpu)
    .map((c) => c.name);
  if (missing.length)
    return {
      answer: `Not proposed: container${missing.length === 1 ? '' : 's'} ${missing.map((c) => `\`${c}\``).join(', ')} of \`${intent.name}\` ${missing.length === 1 ? 'has' : 'have'} no CPU request, so the HPA would report \`FailedGetResourceMetric\` and never scale. Set requests first (ask "what should ${intent.name}'s resources be?").`,
      proposals: [],
    };
  return queued(
    createHpaOp(workload.ref, intent.min, intent.max, intent.cpuPercent),
    `now ${plural(workload.replicas, 'replica')}`,
  );
}

/** Blue/green: the Service whose selector picks one colour, pointed at the other's pods. */
function switchService(
  snapshot: ClusterSnapshot,
  intent: Extract<Intent, { kind: 'switch-service' }>,
): OfflineAnswer {
  if (!snapshot.services)
    return { answer: 'The services are not in view, so I cannot tell which one to switch.', proposals: [] };
  const candidates = snapshot.services.flatMap((service) => {
    if (intent.service && service.metadata?.name !== intent.service) return [];
    const selector = service.spec?.selector ?? {};
    return Object.entries(selector)
      .filter(([, value]) => value !== intent.to)
      .flatMap(([key]) => {
        const wanted = { ...selector, [key]: intent.to };
        const pods = snapshot.pods.filter(
          (p) =>
            p.metadata?.namespace === service.metadata?.namespace &&
            Object.entries(wanted).every(([k, v]) => p.metadata?.labels?.[k] === v),
        );
        return pods.length ? [{ service, key, from: selector[key]!, pods }] : [];
      });
  });
  if (candidates.length === 0)
    return {
      answer: `No Service${intent.service ? ` \`${intent.service}\`` : ''} selects pods by a label that has \`${intent.to}\` pods to switch to.`,
      proposals: [],
    };
  if (candidates.length > 1)
    return {
      answer: `Several Services could switch to \`${intent.to}\`: ${candidates.map((c) => `\`${c.service.metadata?.namespace}/${c.service.metadata?.name}\` (${c.key})`).join(', ')}. Name the one ("switch <service> to ${intent.to}").`,
      proposals: [],
    };
  const { service, key, from, pods } = candidates[0]!;
  const ready = pods.filter((p) =>
    p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
  );
  if (ready.length === 0)
    return {
      answer: `Not proposed: none of the ${plural(pods.length, `\`${key}=${intent.to}\` pod`)} is ready; switching \`${service.metadata?.name}\` now would drop its traffic.`,
      proposals: [],
    };
  const parsed = parseCommand(
    `kubectl patch service/${service.metadata?.name} -n ${service.metadata?.namespace} --type=merge -p ${JSON.stringify(JSON.stringify({ spec: { selector: { [key]: intent.to } } }))}`,
  );
  if (parsed.kind !== 'mutating') return { answer: 'Cannot propose that switch.', proposals: [] };
  return queued(
    parsed.operation,
    `now \`${key}=${from}\`; ${ready.length}/${pods.length} \`${intent.to}\` pods ready`,
  );
}

/** Error lines of a workload's pods: crashed containers' last run and running ones' recent log. */
function errors(snapshot: ClusterSnapshot, name: string): OfflineAnswer {
  const pods = snapshot.pods.filter((p) => isOrBelongsTo(p.metadata?.name, name));
  if (pods.length === 0 && !workloadNamed(snapshot, name)) return notInView(name);
  const sections: string[] = [];
  for (const pod of pods) {
    const key = `${pod.metadata?.namespace}/${pod.metadata?.name}`;
    for (const container of pod.spec?.containers ?? []) {
      const lines = [
        ...(snapshot.logs?.[`${key}/${container.name}`] ?? []),
        ...(snapshot.recentLogs?.[`${key}/${container.name}`] ?? []),
      ].filter(isErrorLine);
      if (lines.length)
        sections.push(
          `- \`${key}\` (${container.name}):\n${[...new Set(lines)]
            .slice(-10)
            .map((l) => `  - \`${l.trim()}\``)
            .join('\n')}`,
        );
    }
  }
  const warnings = snapshot.events
    .filter((e) => e.type === 'Warning' && isOrBelongsTo(e.involvedObject?.name, name))
    .slice(-5)
    .map(
      (e) =>
        `- ${e.reason} · ${e.involvedObject?.kind?.toLowerCase()}/${e.involvedObject?.name}: ${e.message}`,
    );
  if (sections.length === 0 && warnings.length === 0)
    return {
      answer: `No error lines or warning events for \`${name}\` in view (the cockpit reads crashed containers' last run and running ones' recent log; for the whole log: \`kubectl logs deploy/${name}\`).`,
      proposals: [],
    };
  return {
    answer: [
      `**Errors of \`${name}\`:**`,
      '',
      ...(sections.length ? sections : ['- no error lines in the logs in view']),
      ...(warnings.length ? ['', '**Warning events:**', '', ...warnings] : []),
    ].join('\n'),
    proposals: [],
  };
}

function restart(snapshot: ClusterSnapshot, name: string): OfflineAnswer {
  const workload = workloadNamed(snapshot, name);
  if (!workload) return notInView(name);
  return queued(rolloutRestartOp(workload.ref), `${plural(workload.replicas, 'replica')}`);
}

function undo(snapshot: ClusterSnapshot, name: string): OfflineAnswer {
  const workload = workloadNamed(snapshot, name);
  if (!workload || workload.ref.kind !== 'Deployment')
    return { answer: `There is no deployment \`${name}\` in view to roll back.`, proposals: [] };
  return queued(rolloutUndoOp(workload.ref), 'to the previous revision');
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
    proposals: findings.flatMap((f) => (f.recommendation ? [fixOf(f)!] : [])),
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

/** Answers one question about the snapshot; says plainly what it cannot do. */
export function askOffline(question: string, snapshot: ClusterSnapshot): OfflineAnswer {
  const answer = answerOffline(question, snapshot);
  if (answer.proposals.length === 0) return answer;
  return { ...answer, quality: new Map(answer.proposals.map((op) => [op, rated.get(op) ?? ASKED])) };
}

function answerOffline(question: string, snapshot: ClusterSnapshot): OfflineAnswer {
  const intent = parseQuestion(question);
  switch (intent.kind) {
    case 'diagnose':
      return diagnose(snapshot, intent.name);
    case 'health':
      return clusterHealth(snapshot);
    case 'scale':
      return scale(snapshot, intent.name, intent.change);
    case 'set-image':
      return setImage(snapshot, intent);
    case 'create-hpa':
      return createHpa(snapshot, intent);
    case 'switch-service':
      return switchService(snapshot, intent);
    case 'errors':
      return errors(snapshot, intent.name);
    case 'restart':
      return restart(snapshot, intent.name);
    case 'undo':
      return undo(snapshot, intent.name);
    case 'resources':
      return resources(snapshot, intent.name);
    case 'top':
      return topPods(snapshot);
    case 'recent':
      return recentChanges(snapshot);
    case 'unsupported':
      return {
        answer: `The offline assistant cannot ${intent.what}. It reads the cluster and proposes changes for the approval queue; it never runs commands. What it can do:\n\n${CAPABILITIES}`,
        proposals: [],
      };
    case 'unknown':
      return {
        answer: `I did not understand that. The offline assistant answers from the cluster's state, without an LLM. Ask:\n\n${CAPABILITIES}`,
        proposals: [],
      };
  }
}
