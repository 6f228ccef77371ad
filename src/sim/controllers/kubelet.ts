// Kubelet: walks each bound pod through mounting its volumes, pulling, starting and running its
// containers, and plays the fault model (docs/simulator.md): missing images and tags, missing
// ConfigMaps/Secrets and keys, commands the image does not have, failing commands, OOM kills,
// probes on ports or paths the container does not serve, crash-after and error-rate annotations.
import { bytes } from '../../kube/quantity.js';
import type { SimContext } from '../context.js';
import { recordEvent } from '../events.js';
import {
  accessLine,
  crashLines,
  errorLines,
  imageProfile,
  processOutcome,
  pullImage,
  servesPath,
  startupLines,
  type ImageProfile,
  type ProcessOutcome,
} from '../images.js';
import type { KubeObject } from '../objects.js';
import { parseDuration } from '../../kube/duration.js';
import { K } from '../resources.js';
import {
  ANNOTATION,
  annotationFor,
  containerUsage,
  isErrorLine,
  parseRate,
  type ContainerUsage,
} from '../usage.js';

const PULL_MS = 1_500;
const START_MS = 500;
const BACKOFF_START_MS = 10_000;
const BACKOFF_MAX_MS = 300_000;
/** The volume manager's retry back-off: 500 ms doubling to 2m2s (exponentialbackoff). */
const MOUNT_BACKOFF_START_MS = 500;
const MOUNT_BACKOFF_MAX_MS = 122_000;
/** How often a pod sync retries a container whose configuration could not be resolved. */
const CONFIG_RETRY_MS = 10_000;
/** How long a deleted pod stays Terminating at most, whatever its grace period. */
const TERMINATE_MS = 2_000;
/** Simulated time a failing command runs before it exits. */
const CRASH_RUN_MS = 2_000;
const TICK_MS = 5_000;
const LOG_EVERY_MS = 10_000;
/** How often a log-rate container writes its due lines (simulated ms). */
const LOG_RATE_TICK_MS = 20;
/** containerd's time for a container that never started (`Started: Thu, 01 Jan 1970`). */
const NEVER_STARTED = '1970-01-01T00:00:00Z';

interface Terminated {
  exitCode: number;
  reason: string;
  message?: string;
  startedAt: string;
  finishedAt: string;
  containerID: string;
}

// Pod spec fragments as stored: untyped JSON the kubelet reads a few fields of.
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

interface ContainerRuntime {
  spec: Json;
  profile: ImageProfile | undefined;
  restartCount: number;
  backoffMs: number;
  state:
    | { kind: 'waiting'; reason: string; message?: string }
    | { kind: 'running'; startedAt: number }
    | { kind: 'terminated'; info: Terminated };
  ready: boolean;
  lastTerminated?: Terminated;
  everStarted: boolean;
  logCount: number;
  /** The pending retry of a start that failed on its configuration. */
  configRetry?: NodeJS.Timeout;
}

export interface PodRuntime {
  uid: string;
  namespace: string;
  name: string;
  annotations: Record<string, string>;
  restartPolicy: 'Always' | 'OnFailure' | 'Never';
  volumes: Json[];
  containers: ContainerRuntime[];
  timers: Set<NodeJS.Timeout>;
  podIP: string;
  startTime: string;
  /** Volumes mounted and the sandbox up: containers can be pulled and started. */
  sandboxReady: boolean;
  mountBackoffMs: number;
  mountRetry?: NodeJS.Timeout;
  /** The pod created by the scenario already running: it has no timeline to play. */
  static: boolean;
  crasher: boolean;
}

const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** The data keys of a ConfigMap or Secret, undefined when it does not exist. */
export type ConfigLookup = (kind: 'configmap' | 'secret', name: string) => ReadonlySet<string> | undefined;

/**
 * Why the kubelet cannot build a container's environment (CreateContainerConfigError), in its
 * words (pkg/kubelet/kubelet_pods.go makeEnvironmentVariables: envFrom first, then env in
 * order), or undefined when every non-optional reference resolves.
 */
export function containerConfigError(
  spec: Json,
  namespace: string,
  lookup: ConfigLookup,
): string | undefined {
  for (const from of (spec.envFrom ?? []) as Json[]) {
    const ref = from.configMapRef
      ? { kind: 'configmap' as const, ...from.configMapRef }
      : from.secretRef && { kind: 'secret' as const, ...from.secretRef };
    if (ref && !ref.optional && !lookup(ref.kind, ref.name)) return `${ref.kind} "${ref.name}" not found`;
  }
  for (const env of (spec.env ?? []) as Json[]) {
    const source = env.valueFrom ?? {};
    const ref = source.configMapKeyRef
      ? { kind: 'configmap' as const, title: 'ConfigMap', ...source.configMapKeyRef }
      : source.secretKeyRef && { kind: 'secret' as const, title: 'Secret', ...source.secretKeyRef };
    if (!ref || ref.optional) continue;
    const keys = lookup(ref.kind, ref.name);
    if (!keys) return `${ref.kind} "${ref.name}" not found`;
    if (!keys.has(ref.key)) return `couldn't find key ${ref.key} in ${ref.title} ${namespace}/${ref.name}`;
  }
  return undefined;
}

/** Why a configMap or secret volume cannot be set up (pkg/volume/configmap, pkg/volume/secret). */
export function volumeSetUpError(volume: Json, lookup: ConfigLookup): string | undefined {
  const source = volume.configMap
    ? { kind: 'configmap' as const, name: volume.configMap.name, ...volume.configMap }
    : volume.secret && { kind: 'secret' as const, ...volume.secret, name: volume.secret.secretName };
  if (!source || source.optional) return undefined;
  const keys = lookup(source.kind, source.name);
  if (!keys) return `${source.kind} "${source.name}" not found`;
  const missing = ((source.items ?? []) as Json[]).find((item) => !keys.has(item.key));
  if (!missing) return undefined;
  return source.kind === 'configmap'
    ? `configmap references non-existent config key: ${missing.key}`
    : `references non-existent secret key: ${missing.key}`;
}

/** Whether a container that exited is started again (spec.restartPolicy). */
export function restartsAfterExit(policy: PodRuntime['restartPolicy'], exitCode: number): boolean {
  return policy === 'Always' || (policy === 'OnFailure' && exitCode !== 0);
}

/**
 * Why a probe fails, undefined when it succeeds: a port nothing listens on (the served-ports
 * annotation, else the ports the image's process opens, else the declared ports), a path the
 * process does not serve (404), or a port that speaks no HTTP.
 */
export function probeFailure(
  probe: Json | undefined,
  spec: Json,
  profile: ImageProfile | undefined,
  served: string | undefined,
  podIP: string,
): string | undefined {
  if (!probe) return undefined;
  const port = probe.httpGet?.port ?? probe.tcpSocket?.port ?? probe.grpc?.port;
  if (port === undefined) return undefined;
  const declared: { containerPort: number; name?: string }[] = spec.ports ?? [];
  const listening =
    served?.split(',').map((p) => p.trim()) ??
    (profile?.ports ?? declared.map((p) => p.containerPort)).map(String);
  const number =
    typeof port === 'string' && !/^\d+$/.test(port)
      ? declared.find((p) => p.name === port)?.containerPort
      : Number(port);
  const target = `${podIP}:${number ?? port}`;
  const path = probe.httpGet?.path ?? '/';
  const url = `http://${target}${path}`;
  if (number === undefined || !listening.includes(String(number)))
    return probe.httpGet
      ? `Get "${url}": dial tcp ${target}: connect: connection refused`
      : `dial tcp ${target}: connect: connection refused`;
  if (!probe.httpGet) return undefined;
  if (profile?.httpPaths?.length === 0) return `Get "${url}": EOF`;
  if (!servesPath(profile, path)) return 'HTTP probe failed with statuscode: 404';
  return undefined;
}

/** A container as the pod phase sees it: waiting after a termination counts as stopped. */
export type ContainerPhase = 'waiting' | 'running' | 'succeeded' | 'failed' | 'restarting';

/** The pod phase from its containers and restart policy (pkg/kubelet/kubelet_pods.go getPhase). */
export function podPhase(policy: PodRuntime['restartPolicy'], containers: readonly ContainerPhase[]): string {
  const count = (...kinds: ContainerPhase[]) => containers.filter((c) => kinds.includes(c)).length;
  const stopped = count('succeeded', 'failed', 'restarting');
  if (containers.length === 0 || count('waiting') > 0) return 'Pending';
  if (count('running') > 0) return 'Running';
  if (policy === 'Always') return 'Running';
  if (stopped === count('succeeded')) return 'Succeeded';
  return policy === 'Never' ? 'Failed' : 'Running';
}

const isTerminalPhase = (phase: string | undefined): boolean => phase === 'Succeeded' || phase === 'Failed';

function containerPhase(c: ContainerRuntime): ContainerPhase {
  if (c.state.kind === 'running') return 'running';
  if (c.state.kind === 'terminated') return c.state.info.exitCode === 0 ? 'succeeded' : 'failed';
  return c.lastTerminated ? 'restarting' : 'waiting';
}

export interface Kubelet {
  runtimes: ReadonlyMap<string, PodRuntime>;
  usageOf(rt: PodRuntime, container: number, now: number): ContainerUsage | undefined;
  stop(): void;
}

export function startKubelet(ctx: SimContext): Kubelet {
  const { store, clock, logs } = ctx;
  const runtimes = new Map<string, PodRuntime>();
  const crashersByOwner = new Set<string>();
  let nextIp = 10;

  const later = (rt: PodRuntime, ms: number, fn: () => void): NodeJS.Timeout => {
    const timer = clock.setTimeout(() => {
      rt.timers.delete(timer);
      if (runtimes.get(rt.uid) === rt) fn();
    }, ms);
    rt.timers.add(timer);
    return timer;
  };
  const cancel = (rt: PodRuntime, timer: NodeJS.Timeout | undefined): void => {
    if (!timer) return;
    clock.clear(timer);
    rt.timers.delete(timer);
  };

  const lookup =
    (namespace: string): ConfigLookup =>
    (kind, name) => {
      const obj = store.get(kind === 'configmap' ? K.configmaps : K.secrets, namespace, name);
      if (!obj) return undefined;
      return new Set([
        ...Object.keys(obj.data ?? {}),
        ...Object.keys(obj.binaryData ?? {}),
        ...Object.keys(obj.stringData ?? {}),
      ]);
    };

  const podOf = (rt: PodRuntime): KubeObject | undefined => store.get(K.pods, rt.namespace, rt.name);
  const fieldPath = (c: ContainerRuntime): string => `spec.containers{${c.spec.name}}`;
  const event = (
    rt: PodRuntime,
    type: 'Normal' | 'Warning',
    reason: string,
    message: string,
    c?: ContainerRuntime,
  ): void => {
    const pod = podOf(rt);
    if (pod) recordEvent(ctx, pod, type, reason, message, 'kubelet', c && fieldPath(c));
  };
  const log = (rt: PodRuntime, c: ContainerRuntime, lines: string[]): void => {
    for (const text of lines) logs.append(rt.namespace, rt.name, c.spec.name, { time: clock.now(), text });
  };
  const containerId = (rt: PodRuntime, c: ContainerRuntime): string =>
    `containerd://${rt.uid.replace(/-/g, '')}${c.restartCount}`.slice(0, 77);

  function containerStatus(rt: PodRuntime, c: ContainerRuntime): Record<string, unknown> {
    const state =
      c.state.kind === 'running'
        ? { running: { startedAt: iso(c.state.startedAt) } }
        : c.state.kind === 'terminated'
          ? { terminated: c.state.info }
          : { waiting: { reason: c.state.reason, ...(c.state.message ? { message: c.state.message } : {}) } };
    return {
      name: c.spec.name,
      image: c.spec.image,
      imageID: c.everStarted
        ? `${c.spec.image}@sha256:${rt.uid.replace(/-/g, '').padEnd(64, '0').slice(0, 64)}`
        : '',
      ...(c.everStarted ? { containerID: containerId(rt, c) } : {}),
      ready: c.ready,
      restartCount: c.restartCount,
      started: c.state.kind === 'running',
      state,
      lastState: c.lastTerminated ? { terminated: c.lastTerminated } : {},
    };
  }

  function writeStatus(rt: PodRuntime): void {
    const pod = podOf(rt);
    if (!pod || pod.metadata.uid !== rt.uid) return;
    const now = clock.nowISO();
    // A pod never leaves a terminal phase, whoever wrote it (generateAPIPodStatus: "Pod attempted
    // illegal phase transition" forces the API server's phase back).
    const phase = isTerminalPhase(pod.status?.phase)
      ? pod.status.phase
      : podPhase(rt.restartPolicy, rt.containers.map(containerPhase));
    const completed = phase === 'Succeeded' || phase === 'Failed';
    const allReady = rt.containers.every((c) => c.ready);
    const prev = (type: string) =>
      (pod.status?.conditions ?? []).find((c: { type: string }) => c.type === type);
    const cond = (type: string, ok: boolean, reason?: string) => {
      const p = prev(type);
      const status = ok ? 'True' : 'False';
      return {
        type,
        status,
        lastProbeTime: null,
        lastTransitionTime: p?.status === status ? p.lastTransitionTime : now,
        ...(ok || !reason
          ? {}
          : completed
            ? { reason: 'PodCompleted' }
            : {
                reason,
                message: `containers with unready status: [${rt.containers
                  .filter((c) => !c.ready)
                  .map((c) => c.spec.name)
                  .join(' ')}]`,
              }),
      };
    };
    const ips = rt.sandboxReady ? { podIP: rt.podIP, podIPs: [{ ip: rt.podIP }] } : {};
    const status = {
      phase,
      conditions: [
        cond('PodReadyToStartContainers', rt.sandboxReady && !completed),
        cond('Initialized', true),
        cond('Ready', allReady, 'ContainersNotReady'),
        cond('ContainersReady', allReady, 'ContainersNotReady'),
        cond('PodScheduled', true),
      ],
      hostIP: '192.168.49.2',
      hostIPs: [{ ip: '192.168.49.2' }],
      ...ips,
      startTime: rt.startTime,
      qosClass: pod.status?.qosClass ?? 'Burstable',
      containerStatuses: rt.containers.map((c) => containerStatus(rt, c)),
    };
    store.modify(K.pods, rt.namespace, rt.name, (p) => void (p.status = status));
  }

  /** Sets up the pod's configMap and secret volumes, retrying with back-off until they exist. */
  function mountVolumes(rt: PodRuntime): void {
    rt.mountRetry = undefined;
    const failures = rt.volumes.flatMap((v) => {
      const error = volumeSetUpError(v, lookup(rt.namespace));
      return error ? [`MountVolume.SetUp failed for volume "${v.name}" : ${error}`] : [];
    });
    if (failures.length > 0) {
      for (const message of failures) event(rt, 'Warning', 'FailedMount', message);
      rt.mountRetry = later(rt, rt.mountBackoffMs, () => mountVolumes(rt));
      rt.mountBackoffMs = Math.min(MOUNT_BACKOFF_MAX_MS, rt.mountBackoffMs * 2);
      return;
    }
    rt.sandboxReady = true;
    writeStatus(rt);
    for (const c of rt.containers) pull(rt, c);
  }

  const presentEvent = (rt: PodRuntime, c: ContainerRuntime): void =>
    event(rt, 'Normal', 'Pulled', `Container image "${c.spec.image}" already present on machine`, c);

  function pull(rt: PodRuntime, c: ContainerRuntime): void {
    const outcome = pullImage(c.spec.image);
    if (outcome.kind === 'present') {
      presentEvent(rt, c);
      start(rt, c);
      return;
    }
    event(rt, 'Normal', 'Pulling', `Pulling image "${c.spec.image}"`, c);
    later(rt, PULL_MS, () => {
      if (outcome.kind === 'failed') {
        event(rt, 'Warning', 'Failed', `Failed to pull image "${c.spec.image}": ${outcome.error}`, c);
        event(rt, 'Warning', 'Failed', 'Error: ErrImagePull', c);
        c.state = { kind: 'waiting', reason: 'ErrImagePull', message: outcome.error };
        writeStatus(rt);
        later(rt, Math.min(c.backoffMs, 5_000), () => {
          c.state = {
            kind: 'waiting',
            reason: 'ImagePullBackOff',
            message: `Back-off pulling image "${c.spec.image}"`,
          };
          event(rt, 'Normal', 'BackOff', `Back-off pulling image "${c.spec.image}"`, c);
          event(rt, 'Warning', 'Failed', 'Error: ImagePullBackOff', c);
          writeStatus(rt);
          later(rt, c.backoffMs, () => pull(rt, c));
          c.backoffMs = Math.min(BACKOFF_MAX_MS, c.backoffMs * 2);
        });
        return;
      }
      event(
        rt,
        'Normal',
        'Pulled',
        `Successfully pulled image "${c.spec.image}" in 1.204s (1.204s including waiting). Image size: 48213547 bytes.`,
        c,
      );
      c.backoffMs = BACKOFF_START_MS;
      start(rt, c);
    });
  }

  function start(rt: PodRuntime, c: ContainerRuntime): void {
    later(rt, START_MS, () => {
      c.configRetry = undefined;
      const configError = containerConfigError(c.spec, rt.namespace, lookup(rt.namespace));
      if (configError) {
        c.state = { kind: 'waiting', reason: 'CreateContainerConfigError', message: configError };
        event(rt, 'Warning', 'Failed', `Error: ${configError}`, c);
        writeStatus(rt);
        c.configRetry = later(rt, CONFIG_RETRY_MS, () => retryConfig(rt, c));
        return;
      }
      event(rt, 'Normal', 'Created', `Created container: ${c.spec.name}`, c);
      const outcome = processOutcome(c.profile, c.spec.command, c.spec.args);
      if (outcome.kind === 'start-error') {
        startFailed(rt, c, outcome.message);
        return;
      }
      event(rt, 'Normal', 'Started', `Started container ${c.spec.name}`, c);
      const startedAt = clock.now();
      c.state = { kind: 'running', startedAt };
      c.everStarted = true;
      log(
        rt,
        c,
        outcome.kind === 'exits'
          ? outcome.lines
          : startupLines(c.spec.image, c.spec.ports?.[0]?.containerPort),
      );
      writeStatus(rt);
      planRun(rt, c, startedAt, outcome);
    });
  }

  function retryConfig(rt: PodRuntime, c: ContainerRuntime): void {
    c.configRetry = undefined;
    presentEvent(rt, c);
    start(rt, c);
  }

  /** runc found no such executable: containerd's StartError, exit code 128, nothing ran. */
  function startFailed(rt: PodRuntime, c: ContainerRuntime, message: string): void {
    event(rt, 'Warning', 'Failed', `Error: ${message}`, c);
    c.everStarted = true;
    const info: Terminated = {
      exitCode: 128,
      reason: 'StartError',
      message,
      startedAt: NEVER_STARTED,
      finishedAt: clock.nowISO(),
      containerID: containerId(rt, c),
    };
    if (!restartsAfterExit(rt.restartPolicy, 128)) {
      finish(rt, c, info);
      return;
    }
    c.lastTerminated = info;
    c.state = { kind: 'waiting', reason: 'RunContainerError', message };
    writeStatus(rt);
    later(rt, 1000, () => backOff(rt, c));
  }

  /** Schedules what happens to a running container: readiness, exits, liveness kills, logs. */
  function planRun(rt: PodRuntime, c: ContainerRuntime, startedAt: number, outcome: ProcessOutcome): void {
    const served = annotationFor(rt.annotations, ANNOTATION.servedPorts, c.spec.name);
    const readiness = c.spec.readinessProbe;
    const running = (): boolean => c.state.kind === 'running' && c.state.startedAt === startedAt;
    if (outcome.kind === 'exits') {
      later(rt, CRASH_RUN_MS, () => running() && exited(rt, c, outcome.exitCode));
      return;
    }
    const readinessFailure = probeFailure(readiness, c.spec, c.profile, served, rt.podIP);
    if (readinessFailure === undefined) {
      later(rt, (readiness?.initialDelaySeconds ?? 0) * 1000 + 1000, () => {
        if (!running()) return;
        c.ready = true;
        writeStatus(rt);
      });
    } else {
      const period = (readiness.periodSeconds ?? 10) * 1000;
      const probe = (): void => {
        if (!running()) return;
        event(rt, 'Warning', 'Unhealthy', `Readiness probe failed: ${readinessFailure}`, c);
        later(rt, period, probe);
      };
      later(rt, (readiness.initialDelaySeconds ?? 0) * 1000 + period, probe);
    }
    const liveness = c.spec.livenessProbe;
    const livenessFailure = probeFailure(liveness, c.spec, c.profile, served, rt.podIP);
    if (livenessFailure !== undefined) {
      const killAfter =
        (liveness.initialDelaySeconds ?? 0) * 1000 +
        (liveness.periodSeconds ?? 10) * 1000 * (liveness.failureThreshold ?? 3);
      later(rt, killAfter, () => {
        if (!running()) return;
        event(rt, 'Warning', 'Unhealthy', `Liveness probe failed: ${livenessFailure}`, c);
        event(
          rt,
          'Normal',
          'Killing',
          `Container ${c.spec.name} failed liveness probe, will be restarted`,
          c,
        );
        exited(rt, c, 137);
      });
    }
    const crashAfter = rt.crasher ? crashDelay(rt, c) : undefined;
    if (crashAfter !== undefined) later(rt, crashAfter, () => running() && exited(rt, c, 1));
    const errorRate = parseRate(annotationFor(rt.annotations, ANNOTATION.errorRate, c.spec.name));
    const line = (): string[] => {
      const n = ++c.logCount;
      return isErrorLine(n, errorRate) ? errorLines(c.spec.image, n) : [accessLine(c.spec.image, n)];
    };
    // A log-rate pod writes that many lines per simulated second (benchmarks of `logs -f`).
    const rate = Number(annotationFor(rt.annotations, ANNOTATION.logRate, c.spec.name) ?? 0);
    if (rate > 0) {
      const since = clock.now();
      let written = 0;
      const burst = (): void => {
        if (!running()) return;
        const due = Math.floor(((clock.now() - since) * rate) / 1000) - written;
        for (let i = 0; i < due; i++) log(rt, c, line());
        written += Math.max(0, due);
        later(rt, LOG_RATE_TICK_MS, burst);
      };
      later(rt, LOG_RATE_TICK_MS, burst);
      return;
    }
    const chatter = (): void => {
      if (!running()) return;
      log(rt, c, line());
      later(rt, LOG_EVERY_MS, chatter);
    };
    later(rt, LOG_EVERY_MS, chatter);
  }

  /** A crash-after pod first fails after the annotated time, then each time shortly after start. */
  function crashDelay(rt: PodRuntime, c: ContainerRuntime): number | undefined {
    const after =
      parseDuration(annotationFor(rt.annotations, ANNOTATION.crashAfter, c.spec.name)) ??
      parseDuration(annotationFor(rt.annotations, ANNOTATION.crashOneAfter, c.spec.name));
    if (after === undefined) return undefined;
    return c.restartCount === 0 ? Math.max(0, Date.parse(rt.startTime) + after - clock.now()) : CRASH_RUN_MS;
  }

  /** The container's process ended: exit 0 is Completed, 137 after an OOM kill OOMKilled. */
  function exited(rt: PodRuntime, c: ContainerRuntime, exitCode: number, reason?: string): void {
    const startedAt = c.state.kind === 'running' ? c.state.startedAt : clock.now();
    if (reason !== 'OOMKilled' && exitCode !== 0) log(rt, c, crashLines(c.spec.image, exitCode));
    const info: Terminated = {
      exitCode,
      reason: reason ?? (exitCode === 0 ? 'Completed' : 'Error'),
      startedAt: iso(startedAt),
      finishedAt: clock.nowISO(),
      containerID: containerId(rt, c),
    };
    if (!restartsAfterExit(rt.restartPolicy, exitCode)) {
      finish(rt, c, info);
      return;
    }
    c.state = { kind: 'terminated', info };
    c.ready = false;
    writeStatus(rt);
    later(rt, 1000, () => {
      c.lastTerminated = info;
      backOff(rt, c);
    });
  }

  /** Stays terminated: the restart policy does not start it again. */
  function finish(rt: PodRuntime, c: ContainerRuntime, info: Terminated): void {
    c.state = { kind: 'terminated', info };
    c.ready = false;
    writeStatus(rt);
  }

  /** CrashLoopBackOff: waits 10 s, 20 s, 40 s … (capped at 300 s), then starts it again. */
  function backOff(rt: PodRuntime, c: ContainerRuntime): void {
    c.restartCount++;
    logs.rotate(rt.namespace, rt.name, c.spec.name);
    const backoff = c.backoffMs;
    c.backoffMs = Math.min(BACKOFF_MAX_MS, c.backoffMs * 2);
    const pod = podOf(rt);
    const message = `back-off ${Math.round(backoff / 1000)}s restarting failed container=${c.spec.name} pod=${rt.name}_${rt.namespace}(${rt.uid})`;
    c.state = { kind: 'waiting', reason: 'CrashLoopBackOff', message };
    event(
      rt,
      'Warning',
      'BackOff',
      `Back-off restarting failed container ${c.spec.name} in pod ${rt.name}_${rt.namespace}(${pod?.metadata.uid ?? rt.uid})`,
      c,
    );
    writeStatus(rt);
    later(rt, backoff, () => {
      presentEvent(rt, c);
      start(rt, c);
    });
  }

  function usageOf(rt: PodRuntime, index: number, now: number): ContainerUsage | undefined {
    const c = rt.containers[index];
    if (!c || c.state.kind !== 'running') return undefined;
    return containerUsage(rt.name, rt.annotations, c.spec as never, now, c.state.startedAt);
  }

  /** Memory above the limit is an OOM kill, checked on a tick like the kernel's cgroup events. */
  function checkMemory(): void {
    const now = clock.now();
    for (const rt of runtimes.values()) {
      if (rt.static) continue;
      rt.containers.forEach((c, i) => {
        const limit = bytes(c.spec.resources?.limits?.memory);
        const usage = usageOf(rt, i, now);
        if (limit && usage && usage.memoryBytes >= limit) exited(rt, c, 137, 'OOMKilled');
      });
    }
  }

  /**
   * A ConfigMap or Secret appeared or changed: pods waiting on one retry now, as the kubelet's
   * watch-based manager makes them (a retry whose timer is gone belongs to a terminating pod).
   */
  function configChanged(namespace: string | undefined): void {
    const pending = (rt: PodRuntime, timer: NodeJS.Timeout | undefined): timer is NodeJS.Timeout =>
      timer !== undefined && rt.timers.has(timer);
    for (const rt of runtimes.values()) {
      if (rt.namespace !== namespace) continue;
      if (pending(rt, rt.mountRetry)) {
        cancel(rt, rt.mountRetry);
        mountVolumes(rt);
      }
      for (const c of rt.containers) {
        if (!pending(rt, c.configRetry)) continue;
        cancel(rt, c.configRetry);
        retryConfig(rt, c);
      }
    }
  }

  function admit(pod: KubeObject): void {
    const uid = pod.metadata.uid!;
    if (runtimes.has(uid) || !pod.spec?.nodeName || pod.metadata.deletionTimestamp) return;
    const owner = pod.metadata.ownerReferences?.[0]?.uid ?? uid;
    const annotations = pod.metadata.annotations ?? {};
    let crasher = annotations[ANNOTATION.crashAfter] !== undefined;
    if (annotations[ANNOTATION.crashOneAfter] !== undefined && !crashersByOwner.has(owner)) {
      crashersByOwner.add(owner);
      crasher = true;
    }
    const isStatic = pod.status?.phase === 'Running';
    const started = Date.parse(pod.status?.startTime ?? '') || clock.now();
    const rt: PodRuntime = {
      uid,
      namespace: pod.metadata.namespace!,
      name: pod.metadata.name,
      annotations,
      restartPolicy: pod.spec.restartPolicy ?? 'Always',
      volumes: pod.spec.volumes ?? [],
      timers: new Set(),
      podIP: pod.status?.podIP ?? `10.244.${Math.floor(nextIp / 250)}.${(nextIp++ % 250) + 2}`,
      startTime: pod.status?.startTime ?? clock.nowISO(),
      sandboxReady: isStatic,
      mountBackoffMs: MOUNT_BACKOFF_START_MS,
      static: isStatic,
      crasher,
      containers: (pod.spec.containers ?? []).map((spec: Json) => ({
        spec,
        profile: imageProfile(spec.image),
        restartCount: 0,
        backoffMs: BACKOFF_START_MS,
        state: isStatic
          ? { kind: 'running', startedAt: started }
          : { kind: 'waiting', reason: 'ContainerCreating' },
        ready: isStatic,
        everStarted: isStatic,
        logCount: 0,
      })),
    };
    runtimes.set(uid, rt);
    if (isStatic) return;
    writeStatus(rt);
    mountVolumes(rt);
  }

  function terminate(pod: KubeObject): void {
    const rt = runtimes.get(pod.metadata.uid!);
    const grace = (pod.metadata.deletionGracePeriodSeconds ?? 30) * 1000;
    if (rt) {
      for (const timer of rt.timers) clock.clear(timer);
      rt.timers.clear();
      if (!rt.static)
        for (const c of rt.containers) event(rt, 'Normal', 'Killing', `Stopping container ${c.spec.name}`, c);
    }
    const finish = (): void => {
      runtimes.delete(pod.metadata.uid!);
      const current = store.get(K.pods, pod.metadata.namespace, pod.metadata.name);
      if (current?.metadata.uid === pod.metadata.uid)
        store.delete(K.pods, pod.metadata.namespace, pod.metadata.name);
      logs.forget(pod.metadata.namespace!, pod.metadata.name);
    };
    const timer = clock.setTimeout(finish, Math.min(grace, TERMINATE_MS));
    if (rt) rt.timers.add(timer);
  }

  /**
   * Someone else wrote a terminal phase (a pod status update through the API): the kubelet's sync
   * sees a terminal pod and stops its containers, keeping that phase (kubelet.go SyncPod).
   */
  function stopTerminal(pod: KubeObject): void {
    const rt = runtimes.get(pod.metadata.uid!);
    if (!rt || rt.static) return;
    const live = rt.containers.filter((c) => c.state.kind !== 'terminated');
    if (live.length === 0) return;
    for (const timer of rt.timers) clock.clear(timer);
    rt.timers.clear();
    for (const c of live) {
      if (c.state.kind === 'running') event(rt, 'Normal', 'Killing', `Stopping container ${c.spec.name}`, c);
      c.state = {
        kind: 'terminated',
        info: {
          exitCode: 137,
          reason: 'Error',
          startedAt: c.state.kind === 'running' ? iso(c.state.startedAt) : NEVER_STARTED,
          finishedAt: clock.nowISO(),
          containerID: containerId(rt, c),
        },
      };
      c.ready = false;
    }
    writeStatus(rt);
  }

  const terminating = new Set<string>();
  for (const pod of store.list(K.pods)) admit(pod);
  const unwatch = store.watch(K.pods, {}, (e) => {
    const pod = e.object;
    const uid = pod.metadata.uid!;
    if (e.type === 'DELETED') {
      const rt = runtimes.get(uid);
      if (rt) for (const timer of rt.timers) clock.clear(timer);
      runtimes.delete(uid);
      terminating.delete(uid);
      logs.forget(pod.metadata.namespace!, pod.metadata.name);
      return;
    }
    if (pod.metadata.deletionTimestamp) {
      if (!terminating.has(uid)) {
        terminating.add(uid);
        setImmediate(() => terminate(pod));
      }
      return;
    }
    if (!runtimes.has(uid) && pod.spec?.nodeName) setImmediate(() => admit(pod));
    else if (isTerminalPhase(pod.status?.phase)) setImmediate(() => stopTerminal(pod));
  });
  const unwatchConfig = [K.configmaps, K.secrets].map((kind) =>
    store.watch(kind, {}, (e) => {
      if (e.type !== 'DELETED') setImmediate(() => configChanged(e.object.metadata.namespace));
    }),
  );
  const tick = clock.setInterval(checkMemory, TICK_MS);
  return {
    runtimes,
    usageOf,
    stop() {
      unwatch();
      for (const stopWatching of unwatchConfig) stopWatching();
      clock.clear(tick);
      for (const rt of runtimes.values()) for (const timer of rt.timers) clock.clear(timer);
    },
  };
}
