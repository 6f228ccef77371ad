// How kubectl words things: a pod's STATUS reason, READY count, RESTARTS and AGE. Ported from
// the Kubernetes printers (pkg/printers/internalversion) so the simulator's server-side tables
// and the cockpit's pods pane say exactly what `kubectl get pods` says.

/** The fields of a pod these functions read; client-node's V1Pod and raw JSON both fit. */
export interface PodLike {
  metadata?: { deletionTimestamp?: string | Date; creationTimestamp?: string | Date };
  spec?: { containers?: unknown[]; initContainers?: { name?: string; restartPolicy?: string }[] };
  status?: {
    phase?: string;
    reason?: string;
    conditions?: { type: string; status: string; reason?: string }[];
    initContainerStatuses?: ContainerStatusLike[];
    containerStatuses?: ContainerStatusLike[];
  };
}

interface ContainerStatusLike {
  name?: string;
  ready?: boolean;
  started?: boolean;
  restartCount?: number;
  state?: {
    waiting?: { reason?: string };
    running?: unknown;
    terminated?: { reason?: string; exitCode?: number; signal?: number };
  };
  lastState?: { terminated?: { finishedAt?: string | Date } };
}

export interface PodSummary {
  /** kubectl's STATUS column. */
  status: string;
  readyContainers: number;
  totalContainers: number;
  restarts: number;
  /** Epoch ms of the most recent container termination, for "(5m ago)". */
  lastRestartAt: number | undefined;
}

const conditionTrue = (pod: PodLike, type: string): boolean =>
  pod.status?.conditions?.some((c) => c.type === type && c.status === 'True') ?? false;

/** Restarts and the latest termination over some containers. */
class RestartTally {
  count = 0;
  lastAt: number | undefined;
  add(c: ContainerStatusLike): void {
    this.count += c.restartCount ?? 0;
    const finished = c.lastState?.terminated?.finishedAt;
    if (finished) this.lastAt = Math.max(this.lastAt ?? 0, new Date(finished).getTime());
  }
}

/** kubectl get pods' READY, STATUS and RESTARTS for one pod, as printPod in printers.go (1.29+). */
export function summarizePod(pod: PodLike): PodSummary {
  const status = pod.status ?? {};
  const phase = status.phase;
  let reason = status.reason || phase || 'Unknown';
  if (status.conditions?.some((c) => c.type === 'PodScheduled' && c.reason === 'SchedulingGated'))
    reason = 'SchedulingGated';

  // Sidecars (init containers with restartPolicy Always) run beside the app containers and count with them.
  const initSpecs = pod.spec?.initContainers ?? [];
  const sidecars = new Set(initSpecs.filter((c) => c.restartPolicy === 'Always').map((c) => c.name));
  const totalContainers = (pod.spec?.containers?.length ?? 0) + sidecars.size;
  let readyContainers = 0;
  const all = new RestartTally();
  const ofSidecars = new RestartTally();

  let initializing = false;
  const inits = status.initContainerStatuses ?? [];
  for (let i = 0; i < inits.length; i++) {
    const c = inits[i]!;
    const sidecar = sidecars.has(c.name);
    all.add(c);
    if (sidecar) ofSidecars.add(c);
    const term = c.state?.terminated;
    const waiting = c.state?.waiting;
    if (term && term.exitCode === 0) continue;
    if (sidecar && c.started) {
      if (c.ready) readyContainers++;
      continue;
    }
    if (term) {
      reason = term.reason
        ? `Init:${term.reason}`
        : term.signal
          ? `Init:Signal:${term.signal}`
          : `Init:ExitCode:${term.exitCode ?? 0}`;
    } else if (waiting?.reason && waiting.reason !== 'PodInitializing') {
      reason = `Init:${waiting.reason}`;
    } else {
      reason = `Init:${i}/${initSpecs.length || inits.length}`;
    }
    initializing = true;
    break;
  }

  let tally = all;
  if (!initializing || conditionTrue(pod, 'Initialized')) {
    tally = ofSidecars;
    let hasRunning = false;
    const containers = status.containerStatuses ?? [];
    for (let i = containers.length - 1; i >= 0; i--) {
      const c = containers[i]!;
      tally.add(c);
      const waiting = c.state?.waiting;
      const term = c.state?.terminated;
      if (waiting?.reason) reason = waiting.reason;
      else if (term?.reason) reason = term.reason;
      else if (term) reason = term.signal ? `Signal:${term.signal}` : `ExitCode:${term.exitCode ?? 0}`;
      else if (c.ready && c.state?.running) {
        hasRunning = true;
        readyContainers++;
      }
    }
    if (reason === 'Completed' && hasRunning) reason = conditionTrue(pod, 'Ready') ? 'Running' : 'NotReady';
  }

  if (pod.metadata?.deletionTimestamp) {
    if (status.reason === 'NodeLost') reason = 'Unknown';
    else if (phase !== 'Succeeded' && phase !== 'Failed') reason = 'Terminating';
  }
  return {
    status: reason,
    readyContainers,
    totalContainers,
    restarts: tally.count,
    lastRestartAt: tally.lastAt,
  };
}

/** kubectl's RESTARTS cell: "3" or "3 (2m ago)". */
export function formatRestarts(summary: PodSummary, now: number): string {
  if (summary.restarts === 0 || summary.lastRestartAt === undefined) return String(summary.restarts);
  // A restart stamped a moment ahead of our idea of the server's clock is "0s ago", not "<invalid>".
  return `${summary.restarts} (${humanDuration(Math.max(0, now - summary.lastRestartAt))} ago)`;
}

/** kubectl's AGE format (k8s.io/apimachinery duration.HumanDuration). */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) return seconds % 60 === 0 ? `${minutes}m` : `${minutes}m${seconds % 60}s`;
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) return minutes % 60 === 0 ? `${hours}h` : `${hours}h${minutes % 60}m`;
  if (hours < 48) return `${hours}h`;
  const days = Math.floor(hours / 24);
  if (hours < 24 * 8) return hours % 24 === 0 ? `${days}d` : `${days}d${hours % 24}h`;
  if (hours < 24 * 365 * 2) return `${days}d`;
  const years = Math.floor(days / 365);
  if (hours < 24 * 365 * 8) return days % 365 === 0 ? `${years}y` : `${years}y${days % 365}d`;
  return `${years}y`;
}

/** Age of an object from its creationTimestamp, "<unknown>" when it has none. */
export function ageOf(created: string | Date | undefined, now: number): string {
  if (!created) return '<unknown>';
  return humanDuration(now - new Date(created).getTime());
}
