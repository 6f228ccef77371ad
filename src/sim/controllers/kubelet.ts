// Kubelet: walks each bound pod through pulling, starting and running its containers, and plays
// the fault model (docs/simulator.md): missing images, failing commands, OOM kills, readiness
// and liveness probes on ports the container does not serve, crash-after annotations.
import { bytes } from '../../cluster/quantity.js';
import type { SimContext } from '../context.js';
import { recordEvent } from '../events.js';
import { accessLine, crashLines, imageExists, pullError, startupLines } from '../images.js';
import type { KubeObject } from '../objects.js';
import { K } from '../resources.js';
import { ANNOTATION, annotationFor, containerUsage, parseDuration, type ContainerUsage } from '../usage.js';

const PULL_MS = 1_500;
const START_MS = 500;
const BACKOFF_START_MS = 10_000;
const BACKOFF_MAX_MS = 300_000;
/** How long a deleted pod stays Terminating at most, whatever its grace period. */
const TERMINATE_MS = 2_000;
/** Simulated time a failing command runs before it exits. */
const CRASH_RUN_MS = 2_000;
const TICK_MS = 5_000;
const LOG_EVERY_MS = 10_000;

interface Terminated {
  exitCode: number;
  reason: string;
  startedAt: string;
  finishedAt: string;
  containerID: string;
}

// Pod spec fragments as stored: untyped JSON the kubelet reads a few fields of.
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

interface ContainerRuntime {
  spec: Json;
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
}

export interface PodRuntime {
  uid: string;
  namespace: string;
  name: string;
  annotations: Record<string, string>;
  containers: ContainerRuntime[];
  timers: Set<NodeJS.Timeout>;
  podIP: string;
  startTime: string;
  /** The pod created by the scenario already running: it has no timeline to play. */
  static: boolean;
  crasher: boolean;
}

const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** Exit code of a container whose command fails by itself, undefined when it runs. */
function commandExitCode(spec: ContainerRuntime['spec']): number | undefined {
  const words = [...(spec.command ?? []), ...(spec.args ?? [])].map(String);
  if (words.length === 0) return undefined;
  if (words[0] === 'false' || words[0] === '/bin/false') return 1;
  const m = /\bexit\s+(\d+)/.exec(words.join(' '));
  if (m && Number(m[1]) !== 0) return Number(m[1]);
  return undefined;
}

/** Whether a probe reaches a port the container serves (its containerPorts, or an annotation). */
function probeSucceeds(
  probe: Json | undefined,
  spec: ContainerRuntime['spec'],
  served: string | undefined,
): boolean {
  if (!probe) return true;
  const port = probe.httpGet?.port ?? probe.tcpSocket?.port ?? probe.grpc?.port;
  if (port === undefined) return true;
  const ports: { containerPort: number; name?: string }[] = spec.ports ?? [];
  const servedPorts = served?.split(',').map((p) => p.trim()) ?? ports.map((p) => String(p.containerPort));
  if (typeof port === 'string' && !/^\d+$/.test(port)) {
    const named = ports.find((p) => p.name === port);
    return named !== undefined && servedPorts.includes(String(named.containerPort));
  }
  return servedPorts.includes(String(port));
}

function probeFailure(probe: Json, podIP: string, kind: string): string {
  const port = probe.httpGet?.port ?? probe.tcpSocket?.port;
  if (probe.httpGet)
    return `${kind} probe failed: Get "http://${podIP}:${port}${probe.httpGet.path ?? '/'}": dial tcp ${podIP}:${port}: connect: connection refused`;
  return `${kind} probe failed: dial tcp ${podIP}:${port}: connect: connection refused`;
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

  const later = (rt: PodRuntime, ms: number, fn: () => void): void => {
    const timer = clock.setTimeout(() => {
      rt.timers.delete(timer);
      if (runtimes.get(rt.uid) === rt) fn();
    }, ms);
    rt.timers.add(timer);
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
    const allReady = rt.containers.every((c) => c.ready);
    const anyStarted = rt.containers.some((c) => c.everStarted);
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
          : {
              reason,
              message: `containers with unready status: [${rt.containers
                .filter((c) => !c.ready)
                .map((c) => c.spec.name)
                .join(' ')}]`,
            }),
      };
    };
    const status = {
      phase: anyStarted ? 'Running' : 'Pending',
      conditions: [
        cond('PodReadyToStartContainers', true),
        cond('Initialized', true),
        cond('Ready', allReady, 'ContainersNotReady'),
        cond('ContainersReady', allReady, 'ContainersNotReady'),
        cond('PodScheduled', true),
      ],
      hostIP: '192.168.49.2',
      hostIPs: [{ ip: '192.168.49.2' }],
      podIP: rt.podIP,
      podIPs: [{ ip: rt.podIP }],
      startTime: rt.startTime,
      qosClass: pod.status?.qosClass ?? 'Burstable',
      containerStatuses: rt.containers.map((c) => containerStatus(rt, c)),
    };
    store.modify(K.pods, rt.namespace, rt.name, (p) => void (p.status = status));
  }

  function pull(rt: PodRuntime, c: ContainerRuntime): void {
    event(rt, 'Normal', 'Pulling', `Pulling image "${c.spec.image}"`, c);
    later(rt, PULL_MS, () => {
      if (!imageExists(c.spec.image)) {
        event(rt, 'Warning', 'Failed', pullError(c.spec.image), c);
        event(rt, 'Warning', 'Failed', 'Error: ErrImagePull', c);
        c.state = { kind: 'waiting', reason: 'ErrImagePull', message: pullError(c.spec.image) };
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
      event(rt, 'Normal', 'Created', `Created container: ${c.spec.name}`, c);
      event(rt, 'Normal', 'Started', `Started container ${c.spec.name}`, c);
      const startedAt = clock.now();
      c.state = { kind: 'running', startedAt };
      c.everStarted = true;
      log(rt, c, startupLines(c.spec.image, c.spec.ports?.[0]?.containerPort));
      writeStatus(rt);
      planRun(rt, c, startedAt);
    });
  }

  /** Schedules what happens to a running container: readiness, crashes, liveness kills, logs. */
  function planRun(rt: PodRuntime, c: ContainerRuntime, startedAt: number): void {
    const served = annotationFor(rt.annotations, ANNOTATION.servedPorts, c.spec.name);
    const readiness = c.spec.readinessProbe;
    const running = (): boolean => c.state.kind === 'running' && c.state.startedAt === startedAt;
    if (probeSucceeds(readiness, c.spec, served)) {
      later(rt, (readiness?.initialDelaySeconds ?? 0) * 1000 + 1000, () => {
        if (!running()) return;
        c.ready = true;
        writeStatus(rt);
      });
    } else {
      const period = (readiness.periodSeconds ?? 10) * 1000;
      const probe = (): void => {
        if (!running()) return;
        event(rt, 'Warning', 'Unhealthy', probeFailure(readiness, rt.podIP, 'Readiness'), c);
        later(rt, period, probe);
      };
      later(rt, (readiness.initialDelaySeconds ?? 0) * 1000 + period, probe);
    }
    const liveness = c.spec.livenessProbe;
    if (liveness && !probeSucceeds(liveness, c.spec, served)) {
      const killAfter =
        (liveness.initialDelaySeconds ?? 0) * 1000 +
        (liveness.periodSeconds ?? 10) * 1000 * (liveness.failureThreshold ?? 3);
      later(rt, killAfter, () => {
        if (!running()) return;
        event(rt, 'Warning', 'Unhealthy', probeFailure(liveness, rt.podIP, 'Liveness'), c);
        event(
          rt,
          'Normal',
          'Killing',
          `Container ${c.spec.name} failed liveness probe, will be restarted`,
          c,
        );
        crash(rt, c, 'Error', 137);
      });
    }
    const exitCode = commandExitCode(c.spec);
    const crashAfter = rt.crasher ? crashDelay(rt, c) : undefined;
    if (exitCode !== undefined) later(rt, CRASH_RUN_MS, () => running() && crash(rt, c, 'Error', exitCode));
    else if (crashAfter !== undefined) later(rt, crashAfter, () => running() && crash(rt, c, 'Error', 1));
    const chatter = (): void => {
      if (!running()) return;
      log(rt, c, [accessLine(c.spec.image, ++c.logCount)]);
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

  function crash(rt: PodRuntime, c: ContainerRuntime, reason: string, exitCode: number): void {
    const startedAt = c.state.kind === 'running' ? c.state.startedAt : clock.now();
    if (reason !== 'OOMKilled') log(rt, c, crashLines(c.spec.image, exitCode));
    const info: Terminated = {
      exitCode,
      reason,
      startedAt: iso(startedAt),
      finishedAt: clock.nowISO(),
      containerID: containerId(rt, c),
    };
    c.state = { kind: 'terminated', info };
    c.ready = false;
    writeStatus(rt);
    later(rt, 1000, () => {
      c.lastTerminated = info;
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
        event(rt, 'Normal', 'Pulled', `Container image "${c.spec.image}" already present on machine`, c);
        start(rt, c);
      });
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
        if (limit && usage && usage.memoryBytes >= limit) crash(rt, c, 'OOMKilled', 137);
      });
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
      timers: new Set(),
      podIP: pod.status?.podIP ?? `10.244.${Math.floor(nextIp / 250)}.${(nextIp++ % 250) + 2}`,
      startTime: pod.status?.startTime ?? clock.nowISO(),
      static: isStatic,
      crasher,
      containers: (pod.spec.containers ?? []).map((spec: ContainerRuntime['spec']) => ({
        spec,
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
    for (const c of rt.containers) pull(rt, c);
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
  });
  const tick = clock.setInterval(checkMemory, TICK_MS);
  return {
    runtimes,
    usageOf,
    stop() {
      unwatch();
      clock.clear(tick);
      for (const rt of runtimes.values()) for (const timer of rt.timers) clock.clear(timer);
    },
  };
}
