// Security posture of each workload's pod template (one finding per workload and check, so a
// thousand replicas of one template are one finding): root, privileged, host access, image
// tags, unset requests/limits, missing probes, secret literals in env, the default service account.
import type { V1Container, V1PodSpec } from '@kubernetes/client-node';
import { makeFinding } from '../finding.js';
import { indexSnapshot, type Workload } from '../snapshot-index.js';
import type { AnalyzeOptions, ClusterSnapshot, Finding, Severity } from '../../model/analysis.js';

const ANALYZER = 'security';
const SECRET_NAME = /PASSWORD|PASSWD|TOKEN|SECRET|API_?KEY|PRIVATE_?KEY|CREDENTIAL/i;

interface Check {
  problem: string;
  severity: Severity;
  title: string;
  fix: string;
  /** Init containers run once and exit: probes do not apply to them. */
  appContainersOnly?: boolean;
  /** Evidence lines, empty when the check passes. */
  evidence(spec: V1PodSpec, containers: V1Container[]): string[];
}

/** Lists the containers a predicate picks out as "name: why" lines. */
function perContainer(why: (c: V1Container, spec: V1PodSpec) => string | undefined) {
  return (spec: V1PodSpec, containers: V1Container[]): string[] =>
    containers.flatMap((c) => {
      const reason = why(c, spec);
      return reason ? [`${c.name}: ${reason}`] : [];
    });
}

function imageTagProblem(image: string | undefined): string | undefined {
  if (!image) return 'no image';
  if (image.includes('@')) return undefined;
  const lastSegment = image.slice(image.lastIndexOf('/') + 1);
  const colon = lastSegment.indexOf(':');
  if (colon < 0) return `${image} has no tag (means latest)`;
  return lastSegment.slice(colon + 1) === 'latest' ? `${image} uses the latest tag` : undefined;
}

const CHECKS: Check[] = [
  {
    problem: 'privileged',
    severity: 'critical',
    title: 'Privileged container',
    fix: 'Remove privileged: true; grant the specific capabilities it needs instead.',
    evidence: perContainer((c) => (c.securityContext?.privileged ? 'privileged: true' : undefined)),
  },
  {
    problem: 'host-namespaces',
    severity: 'warning',
    title: "Shares the node's namespaces",
    fix: 'Remove hostNetwork/hostPID/hostIPC unless this is a node agent that needs them.',
    evidence: (spec) =>
      (['hostNetwork', 'hostPID', 'hostIPC'] as const)
        .filter((field) => spec[field])
        .map((field) => `${field}: true`),
  },
  {
    problem: 'host-path',
    severity: 'warning',
    title: "Mounts the node's filesystem (hostPath)",
    fix: 'Use a PersistentVolumeClaim, ConfigMap or emptyDir instead of hostPath.',
    evidence: (spec) =>
      (spec.volumes ?? [])
        .filter((v) => v.hostPath)
        .map((v) => `volume ${v.name}: hostPath ${v.hostPath!.path}`),
  },
  {
    problem: 'runs-as-root',
    severity: 'warning',
    title: 'May run as root',
    fix: 'Set securityContext.runAsNonRoot: true and a non-zero runAsUser.',
    evidence: perContainer((c, spec) => {
      const user = c.securityContext?.runAsUser ?? spec.securityContext?.runAsUser;
      if (user === 0) return 'runAsUser: 0';
      const nonRoot = c.securityContext?.runAsNonRoot ?? spec.securityContext?.runAsNonRoot;
      return nonRoot || (user !== undefined && user > 0) ? undefined : 'runAsNonRoot not set';
    }),
  },
  {
    problem: 'no-security-context',
    severity: 'info',
    title: 'No securityContext',
    fix: 'Add a securityContext: runAsNonRoot, allowPrivilegeEscalation: false, readOnlyRootFilesystem, drop ALL capabilities.',
    evidence: perContainer((c, spec) =>
      c.securityContext || spec.securityContext ? undefined : 'neither the pod nor the container sets one',
    ),
  },
  {
    problem: 'image-tag',
    severity: 'warning',
    title: 'Image not pinned (latest or untagged)',
    fix: 'Pin each image to a version tag or, better, a digest.',
    evidence: perContainer((c) => imageTagProblem(c.image)),
  },
  {
    problem: 'missing-requests',
    severity: 'warning',
    title: 'Missing resource requests',
    fix: 'Set CPU and memory requests (see the right-sizing findings once usage history exists).',
    evidence: perContainer((c) => {
      const requests = { ...c.resources?.limits, ...c.resources?.requests };
      const missing = ['cpu', 'memory'].filter((r) => requests[r] === undefined);
      return missing.length ? `no ${missing.join(' or ')} request` : undefined;
    }),
  },
  {
    problem: 'missing-limits',
    severity: 'info',
    title: 'Missing memory limit',
    fix: 'Set a memory limit above the observed peak so one container cannot exhaust the node.',
    evidence: perContainer((c) =>
      c.resources?.limits?.['memory'] === undefined ? 'no memory limit' : undefined,
    ),
  },
  {
    problem: 'missing-probes',
    severity: 'info',
    title: 'Missing health probes',
    fix: 'Add a readinessProbe (and a livenessProbe for hangs) so traffic and restarts follow health.',
    appContainersOnly: true,
    evidence: perContainer((c) => {
      const missing = [!c.readinessProbe && 'readiness', !c.livenessProbe && 'liveness'].filter(Boolean);
      return missing.length ? `no ${missing.join(' or ')} probe` : undefined;
    }),
  },
  {
    problem: 'secret-env',
    severity: 'warning',
    title: 'Secret-looking value as a literal env var',
    fix: 'Move the value into a Secret and reference it with valueFrom.secretKeyRef.',
    // Names only: the evidence must not repeat the secret.
    evidence: perContainer((c) => {
      const names = (c.env ?? []).filter((e) => e.value && SECRET_NAME.test(e.name)).map((e) => e.name);
      return names.length ? `literal ${names.join(', ')}` : undefined;
    }),
  },
  {
    problem: 'default-service-account',
    severity: 'info',
    title: 'Default service account with its token mounted',
    fix: 'Use a dedicated service account, or set automountServiceAccountToken: false when it never calls the API.',
    evidence: (spec) => {
      const account = spec.serviceAccountName ?? 'default';
      return account === 'default' && spec.automountServiceAccountToken !== false
        ? ['serviceAccountName: default, automountServiceAccountToken not false']
        : [];
    },
  },
];

export function security(snapshot: ClusterSnapshot, _options: AnalyzeOptions): Finding[] {
  const findings: Finding[] = [];
  for (const workload of indexSnapshot(snapshot).workloads.values()) {
    if (workload.spec) findings.push(...checkWorkload(snapshot, workload, workload.spec));
  }
  return findings;
}

function checkWorkload(snapshot: ClusterSnapshot, workload: Workload, spec: V1PodSpec): Finding[] {
  const containers = [...(spec.initContainers ?? []), ...spec.containers];
  const findings: Finding[] = [];
  for (const check of CHECKS) {
    const evidence = check.evidence(spec, check.appContainersOnly ? spec.containers : containers);
    if (evidence.length === 0) continue;
    findings.push(
      makeFinding(snapshot, {
        analyzer: ANALYZER,
        problem: check.problem,
        resource: workload.ref,
        severity: check.severity,
        title: check.title,
        detail: evidence,
        suggestedFix: check.fix,
      }),
    );
  }
  return findings;
}
