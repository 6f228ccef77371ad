// `kubectl describe` for the kinds the cockpit lists: the same sections in the same order and
// the same words, ported from kubectl 1.34 (staging/src/k8s.io/kubectl/pkg/describe/describe.go)
// and checked against the real kubectl on the simulator. Pure: the caller reads the object and
// what its description needs (events, a Deployment's ReplicaSets, a node's pods …) and passes
// them in. Text goes through one tab writer (tabwriter.ts), as kubectl's does.
//
// Deviations from kubectl, on purpose:
// - times are printed in UTC (+0000), not the local zone; ages are from `now` (the server's
//   clock as the cockpit knows it), not the local clock;
// - events with the same timestamp keep the server's order (Go's sort is not stable);
// - a service-account token Secret shows its token's byte count, not the token;
// - values that may hold secrets (env literals, ConfigMap data, annotations) pass through the
//   caller's `redact` (kubectl prints them as they are);
// - a node's Lease is not read (the line says so).
import type {
  CoreV1Event,
  V1ConfigMap,
  V1Container,
  V1ContainerState,
  V1ContainerStatus,
  V1CronJob,
  V1DaemonSet,
  V1Deployment,
  V1EndpointSlice,
  V1Ingress,
  V1IngressBackend,
  V1Job,
  V1LabelSelector,
  V1Node,
  V1PersistentVolumeClaim,
  V1Pod,
  V1PodTemplateSpec,
  V1Probe,
  V1ReplicaSet,
  V1Secret,
  V1Service,
  V1StatefulSet,
  V1Toleration,
  V1Volume,
  V2HorizontalPodAutoscaler,
} from '@kubernetes/client-node';
import { humanDuration } from './format.js';
import { cpuMillis, parseQuantity } from './quantity.js';
import { tabwrite } from './tabwriter.js';

/** The kinds kubectl's vocabulary here covers: each has its printer and its describer. */
export type ResourceKind =
  | 'pods'
  | 'deployments'
  | 'replicasets'
  | 'statefulsets'
  | 'daemonsets'
  | 'jobs'
  | 'cronjobs'
  | 'services'
  | 'ingresses'
  | 'configmaps'
  | 'secrets'
  | 'persistentvolumeclaims'
  | 'nodes'
  | 'events'
  | 'horizontalpodautoscalers';

/** What a description reads besides the object; each list is only needed by some kinds. */
export interface DescribeInput {
  kind: ResourceKind;
  /** The object as the API server serves it (JSON: timestamps are strings). */
  object: unknown;
  /** Events whose involvedObject is the object; undefined: not read (no Events section). */
  events?: readonly CoreV1Event[];
  /** Deployments: the ReplicaSets in its namespace (those it controls are picked here). */
  replicaSets?: readonly V1ReplicaSet[];
  /** Controllers: the pods their selector matches; nodes: the pods on the node; PVCs: the namespace's pods. */
  pods?: readonly V1Pod[];
  /** Services and Ingresses: the EndpointSlices of the Services involved. */
  endpointSlices?: readonly V1EndpointSlice[];
  /** Ingresses: the Services its backends name. */
  services?: readonly V1Service[];
  /** Epoch ms the ages are computed against. */
  now: number;
  /** Masks a secret in a value shown beside its key (env literals, ConfigMap data, annotations). */
  redact?: (key: string, value: string) => string;
}

/** kubectl describe's text of the object, as lines (no trailing empty line). */
export function describeObject(input: DescribeInput): string[] {
  const w = new PrefixWriter();
  DESCRIBERS[input.kind](w, input.object as never, input);
  const text = tabwrite(w.text());
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

type Describer<T> = (w: PrefixWriter, object: T, input: DescribeInput) => void;

/** kubectl's PrefixWriter: each level indents by two spaces. */
class PrefixWriter {
  private readonly parts: string[] = [];
  write(level: number, text: string): void {
    this.parts.push('  '.repeat(level) + text);
  }
  text(): string {
    return this.parts.join('');
  }
}

// ---- formatting helpers (kubectl's, in Go's words) ----

type Time = Date | string | undefined | null;
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const two = (n: number): string => String(n).padStart(2, '0');

/** Go's time.RFC1123Z in UTC: `Tue, 01 Dec 2026 14:25:30 +0000`; Go's zero time when unset. */
export function rfc1123z(time: Time): string {
  const ms = time ? new Date(time).getTime() : NaN;
  if (!Number.isFinite(ms)) return 'Mon, 01 Jan 0001 00:00:00 +0000';
  const d = new Date(ms);
  return `${DAYS[d.getUTCDay()]}, ${two(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} +0000`;
}

const since = (time: Time, now: number): string => {
  const ms = time ? new Date(time).getTime() : NaN;
  return Number.isFinite(ms) ? humanDuration(now - ms) : '<unknown>';
};

const orNone = (s: string | undefined): string => (s ? s : '<none>');
const goBool = (b: boolean | undefined): string => (b ? 'true' : 'false');
const titleBool = (b: boolean | undefined): string => (b ? 'True' : 'False');
/** Go's `%v` of a string slice: `[a b]`. */
const goList = (items: readonly string[] | undefined): string => `[${(items ?? []).join(' ')}]`;
const sortedKeys = (record: Record<string, unknown> | undefined): string[] =>
  Object.keys(record ?? {}).sort(compare);
/** Go compares strings bytewise; for the ASCII of keys that is code-unit order. */
const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** labels.FormatLabels: `k=v` pairs sorted as strings, `<none>` when empty. */
export function formatLabels(labels: Record<string, string> | undefined): string {
  const pairs = Object.entries(labels ?? {}).map(([k, v]) => `${k}=${v}`);
  return pairs.length ? pairs.sort(compare).join(',') : '<none>';
}

/** A LabelSelector as labels.Selector.String(): requirements sorted by key; '' when empty. */
export function selectorString(selector: V1LabelSelector | undefined): string {
  const reqs: [string, string][] = Object.entries(selector?.matchLabels ?? {}).map(([k, v]) => [
    k,
    `${k}=${v}`,
  ]);
  for (const e of selector?.matchExpressions ?? []) {
    const values = [...(e.values ?? [])].sort(compare).join(',');
    const text =
      e.operator === 'In'
        ? `${e.key} in (${values})`
        : e.operator === 'NotIn'
          ? `${e.key} notin (${values})`
          : e.operator === 'Exists'
            ? e.key
            : `!${e.key}`;
    reqs.push([e.key, text]);
  }
  return reqs
    .sort((a, b) => compare(a[0], b[0]))
    .map(([, text]) => text)
    .join(',');
}

/** metav1.FormatLabelSelector: `<none>` for an empty selector. */
const formatLabelSelector = (selector: V1LabelSelector | undefined): string =>
  orNone(selectorString(selector));

const MAX_ANNOTATION_LEN = 140;

function printLabels(
  w: PrefixWriter,
  title: string,
  labels: Record<string, string> | undefined,
  initialIndent = '',
  innerIndent = '\t',
): void {
  w.write(0, `${initialIndent}${title}:${innerIndent}`);
  const keys = sortedKeys(labels);
  if (keys.length === 0) return w.write(0, '<none>\n');
  keys.forEach((key, i) => {
    if (i !== 0) w.write(0, initialIndent + innerIndent);
    w.write(0, `${key}=${labels![key]}\n`);
  });
}

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

function printAnnotations(
  w: PrefixWriter,
  title: string,
  annotations: Record<string, string> | undefined,
  input: DescribeInput,
): void {
  w.write(0, `${title}:\t`);
  const keys = sortedKeys(annotations).filter((k) => k !== LAST_APPLIED);
  if (keys.length === 0) return w.write(0, '<none>\n');
  keys.forEach((key, i) => {
    if (i !== 0) w.write(0, '\t');
    const value = redacted(input, key, annotations![key]!.replace(/\n$/, ''));
    if (value.length + key.length + 2 > MAX_ANNOTATION_LEN || value.includes('\n')) {
      w.write(0, `${key}:\n`);
      for (const s of value.split('\n')) w.write(0, `\t  ${shorten(s, MAX_ANNOTATION_LEN - 2)}\n`);
    } else {
      w.write(0, `${key}: ${value}\n`);
    }
  });
}

const shorten = (s: string, max: number): string => (s.length > max ? `${s.slice(0, max)}...` : s);
const redacted = (input: DescribeInput, key: string, value: string): string =>
  input.redact ? input.redact(key, value) : value;

function printTolerations(
  w: PrefixWriter,
  title: string,
  tolerations: V1Toleration[] | undefined,
  indent = '',
): void {
  w.write(0, `${indent}${title}:\t`);
  if (!tolerations?.length) return w.write(0, '<none>\n');
  [...tolerations]
    .sort((a, b) => compare(a.key ?? '', b.key ?? ''))
    .forEach((t, i) => {
      if (i !== 0) w.write(0, `${indent}\t`);
      let text = t.key ?? '';
      if (t.value) text += `=${t.value}`;
      if (t.effect) text += `:${t.effect}`;
      if (t.operator === 'Exists' && !t.value) text += t.key || t.effect ? ' op=Exists' : 'op=Exists';
      if (t.tolerationSeconds !== undefined && t.tolerationSeconds !== null)
        text += ` for ${t.tolerationSeconds}s`;
      w.write(0, `${text}\n`);
    });
}

function controlledBy(
  meta: { ownerReferences?: { controller?: boolean; kind: string; name: string }[] } | undefined,
): string {
  const ref = meta?.ownerReferences?.find((r) => r.controller);
  return ref ? `${ref.kind}/${ref.name}` : '';
}

function describeEvents(w: PrefixWriter, input: DescribeInput): void {
  const events = input.events;
  if (!events) return;
  if (events.length === 0) return w.write(0, 'Events:\t<none>\n');
  // Sorted by lastTimestamp, as kubectl's SortableEvents (stably: equal times keep their order).
  const at = (e: CoreV1Event): number => {
    const t = e.lastTimestamp ? new Date(e.lastTimestamp).getTime() : NaN;
    return Number.isFinite(t) ? t : -Infinity;
  };
  const sorted = [...events].sort((a, b) => at(a) - at(b));
  w.write(0, 'Events:\n  Type\tReason\tAge\tFrom\tMessage\n');
  w.write(1, '----\t------\t----\t----\t-------\n');
  for (const e of sorted) {
    const first = e.eventTime ? since(e.eventTime, input.now) : since(e.firstTimestamp, input.now);
    let interval = first;
    if (e.series)
      interval = `${since(e.series.lastObservedTime, input.now)} (x${e.series.count} over ${first})`;
    else if ((e.count ?? 0) > 1)
      interval = `${since(e.lastTimestamp, input.now)} (x${e.count} over ${first})`;
    const source = e.source?.component || e.reportingComponent || '';
    w.write(1, `${e.type ?? ''}\t${e.reason ?? ''}\t${interval}\t${source}\t${(e.message ?? '').trim()}\n`);
  }
}

// ---- containers and pod templates ----

const intOrString = (v: number | string | undefined): string => (v === undefined ? '' : String(v));

function probeText(probe: V1Probe): string {
  const attrs = `delay=${probe.initialDelaySeconds ?? 0}s timeout=${probe.timeoutSeconds ?? 1}s period=${probe.periodSeconds ?? 10}s #success=${probe.successThreshold ?? 1} #failure=${probe.failureThreshold ?? 3}`;
  if (probe.exec) return `exec ${goList(probe.exec.command)} ${attrs}`;
  if (probe.httpGet) {
    const g = probe.httpGet;
    const port = intOrString(g.port as number | string);
    const host = port
      ? g.host?.includes(':')
        ? `[${g.host}]:${port}`
        : `${g.host ?? ''}:${port}`
      : (g.host ?? '');
    return `http-get ${(g.scheme ?? '').toLowerCase()}://${host}${g.path ?? ''} ${attrs}`;
  }
  if (probe.tcpSocket)
    return `tcp-socket ${probe.tcpSocket.host ?? ''}:${intOrString(probe.tcpSocket.port as number | string)} ${attrs}`;
  if (probe.grpc) return `grpc <pod>:${probe.grpc.port} ${probe.grpc.service ?? ''} ${attrs}`;
  return `unknown ${attrs}`;
}

function portsText(container: V1Container, host: boolean): string {
  return (container.ports ?? [])
    .map((p) => {
      const text = `${host ? (p.hostPort ?? 0) : p.containerPort}/${p.protocol ?? 'TCP'}`;
      return p.name ? `${text} (${p.name})` : text;
    })
    .join(', ');
}

function describeState(w: PrefixWriter, name: string, state: V1ContainerState | undefined): void {
  if (state?.running) {
    w.write(2, `${name}:\tRunning\n`);
    w.write(3, `Started:\t${rfc1123z(state.running.startedAt)}\n`);
  } else if (state?.waiting) {
    w.write(2, `${name}:\tWaiting\n`);
    if (state.waiting.reason) w.write(3, `Reason:\t${state.waiting.reason}\n`);
  } else if (state?.terminated) {
    const t = state.terminated;
    w.write(2, `${name}:\tTerminated\n`);
    if (t.reason) w.write(3, `Reason:\t${t.reason}\n`);
    if (t.message) w.write(3, `Message:\t${t.message}\n`);
    w.write(3, `Exit Code:\t${t.exitCode}\n`);
    if ((t.signal ?? 0) > 0) w.write(3, `Signal:\t${t.signal}\n`);
    w.write(3, `Started:\t${rfc1123z(t.startedAt)}\n`);
    w.write(3, `Finished:\t${rfc1123z(t.finishedAt)}\n`);
  } else {
    w.write(2, `${name}:\tWaiting\n`);
  }
}

function describeResources(
  w: PrefixWriter,
  resources: { limits?: Record<string, string>; requests?: Record<string, string> } | undefined,
  level: number,
): void {
  for (const [title, list] of [
    ['Limits', resources?.limits],
    ['Requests', resources?.requests],
  ] as const) {
    const names = sortedKeys(list);
    if (names.length) w.write(level, `${title}:\n`);
    for (const name of names) w.write(level + 1, `${name}:\t${list![name]}\n`);
  }
}

type EnvResolver = ((fieldPath: string) => string) | undefined;

/** The pod fields a downward-API env var can name (fieldpath.ExtractFieldPathAsString). */
function podFieldResolver(pod: V1Pod): EnvResolver {
  return (path) => {
    const meta = pod.metadata ?? {};
    const keyed = /^metadata\.(labels|annotations)\['(.*)'\]$/.exec(path);
    if (keyed) return (keyed[1] === 'labels' ? meta.labels : meta.annotations)?.[keyed[2]!] ?? '';
    const fields: Record<string, string | undefined> = {
      'metadata.name': meta.name,
      'metadata.namespace': meta.namespace,
      'metadata.uid': meta.uid,
      'spec.nodeName': pod.spec?.nodeName,
      'spec.serviceAccountName': pod.spec?.serviceAccountName,
      'status.podIP': pod.status?.podIP,
      'status.hostIP': pod.status?.hostIP,
    };
    return fields[path] ?? '';
  };
}

function describeEnv(w: PrefixWriter, c: V1Container, resolve: EnvResolver, input: DescribeInput): void {
  if (c.envFrom?.length) {
    w.write(2, 'Environment Variables from:\n');
    for (const e of c.envFrom) {
      const [from, name, optional] = e.configMapRef
        ? ['ConfigMap', e.configMapRef.name, e.configMapRef.optional]
        : e.secretRef
          ? ['Secret', e.secretRef.name, e.secretRef.optional]
          : ['', '', false];
      const what = e.prefix ? `${from} with prefix '${e.prefix}'` : from;
      w.write(3, `${name ?? ''}\t${what}\tOptional: ${goBool(optional)}\n`);
    }
  }
  w.write(2, `Environment:${c.env?.length ? '' : '\t<none>'}\n`);
  for (const e of c.env ?? []) {
    const from = e.valueFrom;
    if (!from) {
      redacted(input, e.name, e.value ?? '')
        .split('\n')
        .forEach((s, i) => w.write(3, i === 0 ? `${e.name}:\t${s}\n` : `\t${s}\n`));
    } else if (from.fieldRef) {
      const value = resolve ? resolve(from.fieldRef.fieldPath) : '';
      w.write(3, `${e.name}:\t${value} (${from.fieldRef.apiVersion ?? 'v1'}:${from.fieldRef.fieldPath})\n`);
    } else if (from.resourceFieldRef) {
      w.write(
        3,
        `${e.name}:\t${resourceFieldValue(c, from.resourceFieldRef)} (${from.resourceFieldRef.resource})\n`,
      );
    } else if (from.secretKeyRef) {
      const ref = from.secretKeyRef;
      w.write(
        3,
        `${e.name}:\t<set to the key '${ref.key}' in secret '${ref.name ?? ''}'>\tOptional: ${goBool(ref.optional)}\n`,
      );
    } else if (from.configMapKeyRef) {
      const ref = from.configMapKeyRef;
      w.write(
        3,
        `${e.name}:\t<set to the key '${ref.key}' of config map '${ref.name ?? ''}'>\tOptional: ${goBool(ref.optional)}\n`,
      );
    }
  }
}

/** A resourceFieldRef's value (resourcehelper.ExtractContainerResourceValue), divisor 1. */
function resourceFieldValue(c: V1Container, ref: { resource: string; divisor?: string }): string {
  const [kind, name] = ref.resource.split('.') as ['limits' | 'requests', string];
  const raw = c.resources?.[kind]?.[name];
  if (raw === undefined) return ref.resource.startsWith('limits.') ? 'node allocatable' : '0';
  const divisor = parseQuantity(ref.divisor ?? '1') || 1;
  const value = parseQuantity(raw) ?? 0;
  return String(Math.ceil(value / divisor));
}

function describeMounts(w: PrefixWriter, c: V1Container): void {
  w.write(2, `Mounts:${c.volumeMounts?.length ? '' : '\t<none>'}\n`);
  for (const m of [...(c.volumeMounts ?? [])].sort((a, b) => compare(a.mountPath, b.mountPath))) {
    const flags = [m.readOnly ? 'ro' : 'rw', ...(m.subPath ? [`path=${JSON.stringify(m.subPath)}`] : [])];
    w.write(3, `${m.mountPath} from ${m.name} (${flags.join(',')})\n`);
  }
  if (c.volumeDevices?.length) {
    w.write(2, 'Devices:\n');
    for (const d of [...c.volumeDevices].sort((a, b) => compare(a.devicePath, b.devicePath)))
      w.write(3, `${d.devicePath} from ${d.name}\n`);
  }
}

function describeContainers(
  w: PrefixWriter,
  label: string,
  containers: V1Container[] | undefined,
  statuses: V1ContainerStatus[] | undefined,
  resolve: EnvResolver,
  space: string,
  input: DescribeInput,
): void {
  const byName = new Map((statuses ?? []).map((s) => [s.name, s]));
  w.write(0, `${space}${label}:${containers?.length ? '' : ' <none>'}\n`);
  const nameIndent = space ? ' ' : '';
  for (const c of containers ?? []) {
    const status = byName.get(c.name);
    w.write(1, `${nameIndent}${c.name}:\n`);
    if (status) w.write(2, `Container ID:\t${status.containerID ?? ''}\n`);
    w.write(2, `Image:\t${c.image ?? ''}\n`);
    if (status) w.write(2, `Image ID:\t${status.imageID ?? ''}\n`);
    const ports = portsText(c, false);
    w.write(2, ports.includes(',') ? `Ports:\t${ports}\n` : `Port:\t${orNone(ports)}\n`);
    const hostPorts = portsText(c, true);
    w.write(
      2,
      hostPorts.includes(',') ? `Host Ports:\t${hostPorts}\n` : `Host Port:\t${orNone(hostPorts)}\n`,
    );
    for (const [title, list] of [
      ['Command', c.command],
      ['Args', c.args],
    ] as const) {
      if (!list?.length) continue;
      w.write(2, `${title}:\n`);
      for (const item of list) for (const s of item.split('\n')) w.write(3, `${s}\n`);
    }
    if (status) {
      describeState(w, 'State', status.state);
      if (status.lastState?.terminated) describeState(w, 'Last State', status.lastState);
      w.write(2, `Ready:\t${titleBool(status.ready)}\n`);
      w.write(2, `Restart Count:\t${status.restartCount ?? 0}\n`);
    }
    describeResources(w, c.resources as never, 2);
    if (c.livenessProbe) w.write(2, `Liveness:\t${probeText(c.livenessProbe)}\n`);
    if (c.readinessProbe) w.write(2, `Readiness:\t${probeText(c.readinessProbe)}\n`);
    if (c.startupProbe) w.write(2, `Startup:\t${probeText(c.startupProbe)}\n`);
    describeEnv(w, c, resolve, input);
    describeMounts(w, c);
  }
}

function describeVolumes(w: PrefixWriter, volumes: V1Volume[] | undefined, space: string): void {
  if (!volumes?.length) return w.write(0, `${space}Volumes:\t<none>\n`);
  w.write(0, `${space}Volumes:\n`);
  for (const v of volumes) {
    w.write(1, `${space ? ' ' : ''}${v.name}:\n`);
    const fields = (type: string, ...rest: [string, unknown][]): void =>
      w.write(2, `Type:\t${type}\n${rest.map(([k, value]) => `    ${k}:\t${value}\n`).join('')}`);
    if (v.hostPath)
      fields(
        'HostPath (bare host directory volume)',
        ['Path', v.hostPath.path],
        ['HostPathType', v.hostPath.type || '<none>'],
      );
    else if (v.emptyDir)
      fields(
        "EmptyDir (a temporary directory that shares a pod's lifetime)",
        ['Medium', v.emptyDir.medium ?? ''],
        [
          'SizeLimit',
          v.emptyDir.sizeLimit && parseQuantity(v.emptyDir.sizeLimit) ? v.emptyDir.sizeLimit : '<unset>',
        ],
      );
    else if (v.secret)
      fields(
        'Secret (a volume populated by a Secret)',
        ['SecretName', v.secret.secretName ?? ''],
        ['Optional', goBool(v.secret.optional)],
      );
    else if (v.configMap)
      fields(
        'ConfigMap (a volume populated by a ConfigMap)',
        ['Name', v.configMap.name ?? ''],
        ['Optional', goBool(v.configMap.optional)],
      );
    else if (v.persistentVolumeClaim)
      fields(
        'PersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)',
        ['ClaimName', v.persistentVolumeClaim.claimName],
        ['ReadOnly', goBool(v.persistentVolumeClaim.readOnly)],
      );
    else if (v.nfs)
      fields(
        'NFS (an NFS mount that lasts the lifetime of a pod)',
        ['Server', v.nfs.server],
        ['Path', v.nfs.path],
        ['ReadOnly', goBool(v.nfs.readOnly)],
      );
    else if (v.downwardAPI) {
      w.write(2, 'Type:\tDownwardAPI (a volume populated by information about the pod)\n    Items:\n');
      for (const item of v.downwardAPI.items ?? []) {
        if (item.fieldRef) w.write(3, `${item.fieldRef.fieldPath} -> ${item.path}\n`);
        if (item.resourceFieldRef) w.write(3, `${item.resourceFieldRef.resource} -> ${item.path}\n`);
      }
    } else if (v.projected) {
      w.write(2, 'Type:\tProjected (a volume that contains injected data from multiple sources)\n');
      for (const s of v.projected.sources ?? []) {
        if (s.secret)
          w.write(2, `SecretName:\t${s.secret.name ?? ''}\n    Optional:\t${goBool(s.secret.optional)}\n`);
        else if (s.downwardAPI) w.write(2, 'DownwardAPI:\ttrue\n');
        else if (s.configMap)
          w.write(
            2,
            `ConfigMapName:\t${s.configMap.name ?? ''}\n    Optional:\t${goBool(s.configMap.optional)}\n`,
          );
        else if (s.serviceAccountToken)
          w.write(2, `TokenExpirationSeconds:\t${s.serviceAccountToken.expirationSeconds ?? 3607}\n`);
      }
    } else if (v.csi) {
      w.write(
        2,
        `Type:\tCSI (a Container Storage Interface (CSI) volume source)\n    Driver:\t${v.csi.driver}\n    FSType:\t${v.csi.fsType ?? ''}\n    ReadOnly:\t${goBool(v.csi.readOnly)}\n`,
      );
    } else if (v.ephemeral) {
      w.write(
        2,
        'Type:\tEphemeralVolume (an inline specification for a volume that gets created and deleted with the pod)\n',
      );
    } else {
      w.write(1, '<unknown>\n');
    }
  }
}

function describePodTemplate(
  w: PrefixWriter,
  template: V1PodTemplateSpec | undefined,
  input: DescribeInput,
): void {
  w.write(0, 'Pod Template:\n');
  if (!template) return w.write(1, '<unset>\n');
  printLabels(w, '  Labels', template.metadata?.labels);
  if (Object.keys(template.metadata?.annotations ?? {}).length)
    printAnnotations(w, '  Annotations', template.metadata?.annotations, input);
  const spec = template.spec;
  if (spec?.serviceAccountName) w.write(1, `Service Account:\t${spec.serviceAccountName}\n`);
  if (spec?.initContainers?.length)
    describeContainers(w, 'Init Containers', spec.initContainers, undefined, undefined, '  ', input);
  describeContainers(w, 'Containers', spec?.containers, undefined, undefined, '  ', input);
  describeVolumes(w, spec?.volumes, '  ');
  if (spec?.priorityClassName) w.write(1, `Priority Class Name:\t${spec.priorityClassName}\n`);
  printLabels(w, '  Node-Selectors', spec?.nodeSelector);
  printTolerations(w, 'Tolerations', spec?.tolerations, '  ');
}

/** Running / Waiting / Succeeded / Failed among the pods `uid` controls (getPodStatusForController). */
function podCounts(pods: readonly V1Pod[] | undefined, uid: string | undefined): string {
  const n = { Running: 0, Pending: 0, Succeeded: 0, Failed: 0 };
  for (const pod of pods ?? []) {
    const owner = pod.metadata?.ownerReferences?.find((r) => r.controller);
    if (!owner || owner.uid !== uid) continue;
    const phase = pod.status?.phase as keyof typeof n | undefined;
    if (phase && phase in n) n[phase]++;
  }
  return `${n.Running} Running / ${n.Pending} Waiting / ${n.Succeeded} Succeeded / ${n.Failed} Failed`;
}

/** The pod's QoS class: the status's, else computed as qos.GetPodQOS does. */
function qosClass(pod: V1Pod): string {
  if (pod.status?.qosClass) return pod.status.qosClass;
  const containers = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])];
  let any = false;
  let guaranteed = true;
  for (const c of containers) {
    const requests = c.resources?.requests ?? {};
    const limits = c.resources?.limits ?? {};
    if (Object.keys(requests).length || Object.keys(limits).length) any = true;
    for (const r of ['cpu', 'memory']) {
      const limit = limits[r];
      const request = requests[r] ?? limit;
      if (!limit || parseQuantity(limit) !== parseQuantity(request)) guaranteed = false;
    }
  }
  if (!any) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

// ---- the kinds ----

const describePod: Describer<V1Pod> = (w, pod, input) => {
  const meta = pod.metadata ?? {};
  const spec = pod.spec;
  const status = pod.status ?? {};
  w.write(0, `Name:\t${meta.name}\n`);
  w.write(0, `Namespace:\t${meta.namespace}\n`);
  if (spec?.priority !== undefined && spec.priority !== null) w.write(0, `Priority:\t${spec.priority}\n`);
  if (spec?.priorityClassName) w.write(0, `Priority Class Name:\t${spec.priorityClassName}\n`);
  if (spec?.runtimeClassName) w.write(0, `Runtime Class Name:\t${spec.runtimeClassName}\n`);
  if (spec?.serviceAccountName) w.write(0, `Service Account:\t${spec.serviceAccountName}\n`);
  w.write(0, spec?.nodeName ? `Node:\t${spec.nodeName}/${status.hostIP ?? ''}\n` : 'Node:\t<none>\n');
  if (status.startTime) w.write(0, `Start Time:\t${rfc1123z(status.startTime)}\n`);
  printLabels(w, 'Labels', meta.labels);
  printAnnotations(w, 'Annotations', meta.annotations, input);
  if (meta.deletionTimestamp && status.phase !== 'Failed' && status.phase !== 'Succeeded') {
    w.write(0, `Status:\tTerminating (lasts ${since(meta.deletionTimestamp, input.now)})\n`);
    w.write(0, `Termination Grace Period:\t${meta.deletionGracePeriodSeconds ?? 0}s\n`);
  } else {
    w.write(0, `Status:\t${status.phase ?? ''}\n`);
  }
  if (status.reason) w.write(0, `Reason:\t${status.reason}\n`);
  if (status.message) w.write(0, `Message:\t${status.message}\n`);
  const seccomp = spec?.securityContext?.seccompProfile;
  if (seccomp) {
    w.write(0, `SeccompProfile:\t${seccomp.type}\n`);
    if (seccomp.type === 'Localhost') w.write(0, `LocalhostProfile:\t${seccomp.localhostProfile ?? ''}\n`);
  }
  w.write(0, `IP:\t${status.podIP ?? ''}\n`);
  if (!status.podIPs?.length) w.write(0, 'IPs:\t<none>\n');
  else {
    w.write(0, 'IPs:\n');
    for (const ip of status.podIPs) w.write(1, `IP:\t${ip.ip}\n`);
  }
  const owner = controlledBy(meta);
  if (owner) w.write(0, `Controlled By:\t${owner}\n`);
  if (status.nominatedNodeName) w.write(0, `NominatedNodeName:\t${status.nominatedNodeName}\n`);
  const resolve = podFieldResolver(pod);
  if (spec?.initContainers?.length)
    describeContainers(
      w,
      'Init Containers',
      spec.initContainers,
      status.initContainerStatuses,
      resolve,
      '',
      input,
    );
  describeContainers(w, 'Containers', spec?.containers, status.containerStatuses, resolve, '', input);
  if (spec?.ephemeralContainers?.length)
    describeContainers(
      w,
      'Ephemeral Containers',
      spec.ephemeralContainers as V1Container[],
      status.ephemeralContainerStatuses,
      resolve,
      '',
      input,
    );
  if (spec?.readinessGates?.length) {
    w.write(0, 'Readiness Gates:\n  Type\tStatus\n');
    for (const g of spec.readinessGates) {
      const found = status.conditions?.find((c) => c.type === g.conditionType);
      w.write(1, `${g.conditionType} \t${found ? found.status : '<none>'} \n`);
    }
  }
  if (status.conditions?.length) {
    w.write(0, 'Conditions:\n  Type\tStatus\n');
    for (const c of status.conditions) w.write(1, `${c.type} \t${c.status} \n`);
  }
  describeVolumes(w, spec?.volumes, '');
  w.write(0, `QoS Class:\t${qosClass(pod)}\n`);
  printLabels(w, 'Node-Selectors', spec?.nodeSelector);
  printTolerations(w, 'Tolerations', spec?.tolerations);
  const spread = [...(spec?.topologySpreadConstraints ?? [])].sort((a, b) =>
    compare(a.topologyKey, b.topologyKey),
  );
  if (spread.length) {
    w.write(0, 'Topology Spread Constraints:\t');
    spread.forEach((t, i) => {
      if (i !== 0) w.write(0, '\t');
      const selector = t.labelSelector ? ` for selector ${formatLabelSelector(t.labelSelector)}` : '';
      w.write(
        0,
        `${t.topologyKey}:${t.whenUnsatisfiable} when max skew ${t.maxSkew} is exceeded${selector}\n`,
      );
    });
  }
  describeEvents(w, input);
};

const describeDeployment: Describer<V1Deployment> = (w, d, input) => {
  const meta = d.metadata ?? {};
  const spec = d.spec;
  const status = d.status ?? {};
  w.write(0, `Name:\t${meta.name}\n`);
  w.write(0, `Namespace:\t${meta.namespace}\n`);
  w.write(0, `CreationTimestamp:\t${rfc1123z(meta.creationTimestamp)}\n`);
  printLabels(w, 'Labels', meta.labels);
  printAnnotations(w, 'Annotations', meta.annotations, input);
  w.write(0, `Selector:\t${selectorString(spec?.selector)}\n`);
  w.write(
    0,
    `Replicas:\t${spec?.replicas ?? 1} desired | ${status.updatedReplicas ?? 0} updated | ${status.replicas ?? 0} total | ${status.availableReplicas ?? 0} available | ${status.unavailableReplicas ?? 0} unavailable\n`,
  );
  w.write(0, `StrategyType:\t${spec?.strategy?.type ?? ''}\n`);
  w.write(0, `MinReadySeconds:\t${spec?.minReadySeconds ?? 0}\n`);
  const ru = spec?.strategy?.rollingUpdate;
  if (ru)
    w.write(
      0,
      `RollingUpdateStrategy:\t${intOrString(ru.maxUnavailable as number | string)} max unavailable, ${intOrString(ru.maxSurge as number | string)} max surge\n`,
    );
  describePodTemplate(w, spec?.template, input);
  if (status.conditions?.length) {
    w.write(0, 'Conditions:\n  Type\tStatus\tReason\n');
    w.write(1, '----\t------\t------\n');
    for (const c of status.conditions) w.write(1, `${c.type} \t${c.status}\t${c.reason ?? ''}\n`);
  }
  const { oldSets, newSet } = deploymentReplicaSets(d, input.replicaSets ?? []);
  if (oldSets.length || newSet) {
    w.write(0, `OldReplicaSets:\t${replicaSetList(oldSets)}\n`);
    w.write(0, `NewReplicaSet:\t${replicaSetList(newSet ? [newSet] : [])}\n`);
  }
  describeEvents(w, input);
};

/** A pod template without the pod-template-hash label, for comparing a ReplicaSet's with its Deployment's. */
const templateKey = (template: V1PodTemplateSpec | undefined): string => {
  const labels = { ...template?.metadata?.labels };
  delete labels['pod-template-hash'];
  return JSON.stringify(canonical({ ...template, metadata: { ...template?.metadata, labels } }));
};
const canonical = (value: unknown): unknown =>
  Array.isArray(value)
    ? value.map(canonical)
    : value && typeof value === 'object'
      ? Object.fromEntries(
          Object.entries(value)
            .filter(([, v]) => v !== undefined)
            .sort(([a], [b]) => compare(a, b))
            .map(([k, v]) => [k, canonical(v)]),
        )
      : value;

/**
 * The ReplicaSets a Deployment controls, split as deploymentutil does: the new one has the
 * Deployment's template (the oldest such); the old ones are the others (only those with pods).
 */
export function deploymentReplicaSets(
  d: V1Deployment,
  all: readonly V1ReplicaSet[],
): { oldSets: V1ReplicaSet[]; newSet: V1ReplicaSet | undefined } {
  const owned = all
    .filter((rs) => rs.metadata?.ownerReferences?.some((r) => r.controller && r.uid === d.metadata?.uid))
    .sort((a, b) =>
      compare(String(a.metadata?.creationTimestamp ?? ''), String(b.metadata?.creationTimestamp ?? '')),
    );
  const key = templateKey(d.spec?.template);
  const newSet = owned.find((rs) => templateKey(rs.spec?.template) === key);
  const oldSets = owned.filter(
    (rs) => rs !== newSet && (rs.spec?.replicas ?? 0) + (rs.status?.replicas ?? 0) > 0,
  );
  return { oldSets, newSet };
}

const replicaSetList = (sets: V1ReplicaSet[]): string =>
  orNone(
    sets
      .map(
        (rs) =>
          `${rs.metadata?.name} (${rs.status?.replicas ?? 0}/${rs.spec?.replicas ?? 1} replicas created)`,
      )
      .join(', '),
  );

const describeReplicaSet: Describer<V1ReplicaSet> = (w, rs, input) => {
  const meta = rs.metadata ?? {};
  w.write(0, `Name:\t${meta.name}\n`);
  w.write(0, `Namespace:\t${meta.namespace}\n`);
  w.write(0, `Selector:\t${formatLabelSelector(rs.spec?.selector)}\n`);
  printLabels(w, 'Labels', meta.labels);
  printAnnotations(w, 'Annotations', meta.annotations, input);
  const owner = controlledBy(meta);
  if (owner) w.write(0, `Controlled By:\t${owner}\n`);
  w.write(0, `Replicas:\t${rs.status?.replicas ?? 0} current / ${rs.spec?.replicas ?? 1} desired\n`);
  w.write(0, `Pods Status:\t${podCounts(input.pods, meta.uid)}\n`);
  describePodTemplate(w, rs.spec?.template, input);
  if (rs.status?.conditions?.length) {
    w.write(0, 'Conditions:\n  Type\tStatus\tReason\n');
    w.write(1, '----\t------\t------\n');
    for (const c of rs.status.conditions) w.write(1, `${c.type} \t${c.status}\t${c.reason ?? ''}\n`);
  }
  describeEvents(w, input);
};

const describeStatefulSet: Describer<V1StatefulSet> = (w, ss, input) => {
  const meta = ss.metadata ?? {};
  const spec = ss.spec;
  w.write(0, `Name:\t${meta.name}\n`);
  w.write(0, `Namespace:\t${meta.namespace}\n`);
  w.write(0, `CreationTimestamp:\t${rfc1123z(meta.creationTimestamp)}\n`);
  w.write(0, `Selector:\t${selectorString(spec?.selector)}\n`);
  printLabels(w, 'Labels', meta.labels);
  printAnnotations(w, 'Annotations', meta.annotations, input);
  w.write(0, `Replicas:\t${spec?.replicas ?? 1} desired | ${ss.status?.replicas ?? 0} total\n`);
  w.write(0, `Update Strategy:\t${spec?.updateStrategy?.type ?? ''}\n`);
  const ru = spec?.updateStrategy?.rollingUpdate;
  if (ru && ru.partition !== undefined && ru.partition !== null) {
    w.write(1, `Partition:\t${ru.partition}\n`);
    if (ru.maxUnavailable !== undefined)
      w.write(1, `MaxUnavailable:\t${intOrString(ru.maxUnavailable as number | string)}\n`);
  }
  w.write(0, `Pods Status:\t${podCounts(input.pods, meta.uid)}\n`);
  describePodTemplate(w, spec?.template, input);
  const claims = spec?.volumeClaimTemplates ?? [];
  if (!claims.length) w.write(0, 'Volume Claims:\t<none>\n');
  else {
    w.write(0, 'Volume Claims:\n');
    for (const pvc of claims) {
      w.write(1, `Name:\t${pvc.metadata?.name ?? ''}\n`);
      w.write(1, `StorageClass:\t${claimClass(pvc)}\n`);
      printLabels(w, 'Labels', pvc.metadata?.labels, '  ');
      printLabels(w, 'Annotations', pvc.metadata?.annotations, '  ');
      w.write(1, `Capacity:\t${pvc.spec?.resources?.requests?.storage ?? '<default>'}\n`);
      w.write(1, `Access Modes:\t${goList(pvc.spec?.accessModes)}\n`);
    }
  }
  describeEvents(w, input);
};

const describeDaemonSet: Describer<V1DaemonSet> = (w, ds, input) => {
  const meta = ds.metadata ?? {};
  const status = ds.status;
  w.write(0, `Name:\t${meta.name}\n`);
  w.write(0, `Namespace:\t${meta.namespace}\n`);
  w.write(0, `Selector:\t${selectorString(ds.spec?.selector)}\n`);
  w.write(0, `Node-Selector:\t${formatLabels(ds.spec?.template?.spec?.nodeSelector)}\n`);
  printLabels(w, 'Labels', meta.labels);
  printAnnotations(w, 'Annotations', meta.annotations, input);
  w.write(0, `Desired Number of Nodes Scheduled: ${status?.desiredNumberScheduled ?? 0}\n`);
  w.write(0, `Current Number of Nodes Scheduled: ${status?.currentNumberScheduled ?? 0}\n`);
  w.write(0, `Number of Nodes Scheduled with Up-to-date Pods: ${status?.updatedNumberScheduled ?? 0}\n`);
  w.write(0, `Number of Nodes Scheduled with Available Pods: ${status?.numberAvailable ?? 0}\n`);
  w.write(0, `Number of Nodes Misscheduled: ${status?.numberMisscheduled ?? 0}\n`);
  w.write(0, `Pods Status:\t${podCounts(input.pods, meta.uid)}\n`);
  describePodTemplate(w, ds.spec?.template, input);
  describeEvents(w, input);
};

const describeJob: Describer<V1Job> = (w, job, input) => {
  const meta = job.metadata ?? {};
  const spec = job.spec;
  const status = job.status ?? {};
  w.write(0, `Name:\t${meta.name}\n`);
  w.write(0, `Namespace:\t${meta.namespace}\n`);
  w.write(0, `Selector:\t${selectorString(spec?.selector)}\n`);
  printLabels(w, 'Labels', meta.labels);
  printAnnotations(w, 'Annotations', meta.annotations, input);
  const owner = controlledBy(meta);
  if (owner) w.write(0, `Controlled By:\t${owner}\n`);
  if (spec?.parallelism !== undefined) w.write(0, `Parallelism:\t${spec.parallelism}\n`);
  w.write(0, `Completions:\t${spec?.completions ?? '<unset>'}\n`);
  if (spec?.completionMode) w.write(0, `Completion Mode:\t${spec.completionMode}\n`);
  if (spec?.suspend !== undefined) w.write(0, `Suspend:\t${goBool(spec.suspend)}\n`);
  if (spec?.backoffLimit !== undefined) w.write(0, `Backoff Limit:\t${spec.backoffLimit}\n`);
  if (spec?.ttlSecondsAfterFinished !== undefined)
    w.write(0, `TTL Seconds After Finished:\t${spec.ttlSecondsAfterFinished}\n`);
  if (status.startTime) w.write(0, `Start Time:\t${rfc1123z(status.startTime)}\n`);
  if (status.completionTime) w.write(0, `Completed At:\t${rfc1123z(status.completionTime)}\n`);
  if (status.startTime && status.completionTime)
    w.write(
      0,
      `Duration:\t${humanDuration(new Date(status.completionTime).getTime() - new Date(status.startTime).getTime())}\n`,
    );
  if (spec?.activeDeadlineSeconds !== undefined)
    w.write(0, `Active Deadline Seconds:\t${spec.activeDeadlineSeconds}s\n`);
  const ready = status.ready === undefined || status.ready === null ? '' : ` (${status.ready} Ready)`;
  w.write(
    0,
    `Pods Statuses:\t${status.active ?? 0} Active${ready} / ${status.succeeded ?? 0} Succeeded / ${status.failed ?? 0} Failed\n`,
  );
  if (spec?.completionMode === 'Indexed')
    w.write(0, `Completed Indexes:\t${status.completedIndexes || '<none>'}\n`);
  describePodTemplate(w, spec?.template, input);
  describeEvents(w, input);
};

const describeCronJob: Describer<V1CronJob> = (w, cj, input) => {
  const meta = cj.metadata ?? {};
  const spec = cj.spec;
  w.write(0, `Name:\t${meta.name}\n`);
  w.write(0, `Namespace:\t${meta.namespace}\n`);
  printLabels(w, 'Labels', meta.labels);
  printAnnotations(w, 'Annotations', meta.annotations, input);
  w.write(0, `Schedule:\t${spec?.schedule ?? ''}\n`);
  w.write(0, `Concurrency Policy:\t${spec?.concurrencyPolicy ?? ''}\n`);
  w.write(0, `Suspend:\t${spec?.suspend === undefined ? '<unset>' : titleBool(spec.suspend)}\n`);
  w.write(0, `Successful Job History Limit:\t${spec?.successfulJobsHistoryLimit ?? '<unset>'}\n`);
  w.write(0, `Failed Job History Limit:\t${spec?.failedJobsHistoryLimit ?? '<unset>'}\n`);
  w.write(
    0,
    `Starting Deadline Seconds:\t${spec?.startingDeadlineSeconds !== undefined ? `${spec.startingDeadlineSeconds}s` : '<unset>'}\n`,
  );
  const job = spec?.jobTemplate?.spec;
  w.write(0, `Selector:\t${job?.selector ? selectorString(job.selector) : '<unset>'}\n`);
  w.write(0, `Parallelism:\t${job?.parallelism ?? '<unset>'}\n`);
  w.write(0, `Completions:\t${job?.completions ?? '<unset>'}\n`);
  if (job?.activeDeadlineSeconds !== undefined)
    w.write(0, `Active Deadline Seconds:\t${job.activeDeadlineSeconds}s\n`);
  describePodTemplate(w, job?.template, input);
  w.write(
    0,
    `Last Schedule Time:\t${cj.status?.lastScheduleTime ? rfc1123z(cj.status.lastScheduleTime) : '<unset>'}\n`,
  );
  const active = cj.status?.active ?? [];
  w.write(0, `Active Jobs:\t${active.length ? active.map((j) => j.name).join(', ') : '<none>'}\n`);
  describeEvents(w, input);
};

/** formatEndpointSlices: ready addresses (with the port of `portName`), at most 3 then "+ N more...". */
export function formatEndpoints(slices: readonly V1EndpointSlice[], portName: string | undefined): string {
  if (!slices.length) return '<none>';
  const list: string[] = [];
  let count = 0;
  let more = false;
  const add = (text: string, ready: boolean): void => {
    if (list.length === 3) more = true;
    if (!ready) return;
    if (!more) list.push(text);
    count++;
  };
  for (const slice of slices) {
    if (!slice.ports?.length) {
      for (const e of slice.endpoints ?? []) add(e.addresses[0] ?? '', e.conditions?.ready ?? true);
      continue;
    }
    for (const port of slice.ports) {
      if (portName !== undefined && (port.name ?? '') !== portName) continue;
      for (const e of slice.endpoints ?? []) {
        const addr = e.addresses[0] ?? '';
        add(`${addr.includes(':') ? `[${addr}]` : addr}:${port.port}`, e.conditions?.ready ?? true);
      }
    }
  }
  const text = list.join(',');
  return more ? `${text} + ${count - 3} more...` : text;
}

const describeService: Describer<V1Service> = (w, svc, input) => {
  const meta = svc.metadata ?? {};
  const spec = svc.spec ?? {};
  const slices = (input.endpointSlices ?? []).filter(
    (s) => s.metadata?.labels?.['kubernetes.io/service-name'] === meta.name,
  );
  w.write(0, `Name:\t${meta.name}\n`);
  w.write(0, `Namespace:\t${meta.namespace}\n`);
  printLabels(w, 'Labels', meta.labels);
  printAnnotations(w, 'Annotations', meta.annotations, input);
  w.write(0, `Selector:\t${formatLabels(spec.selector)}\n`);
  w.write(0, `Type:\t${spec.type ?? ''}\n`);
  if (spec.ipFamilyPolicy) w.write(0, `IP Family Policy:\t${spec.ipFamilyPolicy}\n`);
  w.write(0, `IP Families:\t${spec.ipFamilies?.length ? spec.ipFamilies.join(',') : '<none>'}\n`);
  w.write(0, `IP:\t${spec.clusterIP ?? ''}\n`);
  w.write(0, `IPs:\t${spec.clusterIPs?.length ? spec.clusterIPs.join(',') : '<none>'}\n`);
  if (spec.externalIPs?.length) w.write(0, `External IPs:\t${spec.externalIPs.join(',')}\n`);
  if (spec.loadBalancerIP) w.write(0, `Desired LoadBalancer IP:\t${spec.loadBalancerIP}\n`);
  if (spec.externalName) w.write(0, `External Name:\t${spec.externalName}\n`);
  const lb = svc.status?.loadBalancer?.ingress ?? [];
  if (lb.length)
    w.write(
      0,
      `LoadBalancer Ingress:\t${lb.map((i) => (i.ip ? `${i.ip}${i.ipMode ? ` (${i.ipMode})` : ''}` : (i.hostname ?? ''))).join(', ')}\n`,
    );
  for (const p of spec.ports ?? []) {
    const name = p.name || '<unset>';
    const protocol = p.protocol ?? 'TCP';
    w.write(0, `Port:\t${name}\t${p.port}/${protocol}\n`);
    w.write(0, `TargetPort:\t${intOrString((p.targetPort ?? p.port) as number | string)}/${protocol}\n`);
    if (p.nodePort) w.write(0, `NodePort:\t${name}\t${p.nodePort}/${protocol}\n`);
    w.write(0, `Endpoints:\t${formatEndpoints(slices, p.name ?? '')}\n`);
  }
  w.write(0, `Session Affinity:\t${spec.sessionAffinity ?? ''}\n`);
  if (spec.externalTrafficPolicy) w.write(0, `External Traffic Policy:\t${spec.externalTrafficPolicy}\n`);
  if (spec.internalTrafficPolicy) w.write(0, `Internal Traffic Policy:\t${spec.internalTrafficPolicy}\n`);
  if (spec.healthCheckNodePort) w.write(0, `HealthCheck NodePort:\t${spec.healthCheckNodePort}\n`);
  if (spec.loadBalancerSourceRanges?.length)
    w.write(0, `LoadBalancer Source Ranges:\t${spec.loadBalancerSourceRanges.join(',')}\n`);
  if (spec.trafficDistribution) w.write(0, `Traffic Distribution:\t${spec.trafficDistribution}\n`);
  describeEvents(w, input);
};

function ingressBackend(backend: V1IngressBackend, input: DescribeInput): string {
  if (backend.service) {
    const ref = backend.service;
    const text = `${ref.name}:${ref.port?.number ? ref.port.number : (ref.port?.name ?? '')}`;
    const service = input.services?.find((s) => s.metadata?.name === ref.name);
    if (!service) return `${text} (<error: services "${ref.name}" not found>)`;
    let portName = '';
    for (const sp of service.spec?.ports ?? []) {
      if ((ref.port?.number && ref.port.number === sp.port) || (ref.port?.name && ref.port.name === sp.name))
        portName = sp.name ?? '';
    }
    const slices = (input.endpointSlices ?? []).filter(
      (s) => s.metadata?.labels?.['kubernetes.io/service-name'] === ref.name,
    );
    return `${text} (${formatEndpoints(slices, portName)})`;
  }
  if (backend.resource)
    return `APIGroup: ${backend.resource.apiGroup ?? '<none>'}, Kind: ${backend.resource.kind}, Name: ${backend.resource.name}`;
  return '';
}

const describeIngress: Describer<V1Ingress> = (w, ing, input) => {
  const meta = ing.metadata ?? {};
  const spec = ing.spec ?? {};
  w.write(0, `Name:\t${meta.name}\n`);
  printLabels(w, 'Labels', meta.labels);
  w.write(0, `Namespace:\t${meta.namespace}\n`);
  const addresses = new Set(
    (ing.status?.loadBalancer?.ingress ?? []).map((i) => i.ip || i.hostname || '').filter(Boolean),
  );
  w.write(0, `Address:\t${[...addresses].sort(compare).join(',')}\n`);
  w.write(0, `Ingress Class:\t${spec.ingressClassName ?? '<none>'}\n`);
  const defaultBackend = spec.defaultBackend ? ingressBackend(spec.defaultBackend, input) : '<default>';
  w.write(0, `Default backend:\t${defaultBackend}\n`);
  if (spec.tls?.length) {
    w.write(0, 'TLS:\n');
    for (const t of spec.tls)
      w.write(
        1,
        t.secretName
          ? `${t.secretName} terminates ${(t.hosts ?? []).join(',')}\n`
          : `SNI routes ${(t.hosts ?? []).join(',')}\n`,
      );
  }
  w.write(0, 'Rules:\n  Host\tPath\tBackends\n');
  w.write(1, '----\t----\t--------\n');
  let count = 0;
  for (const rule of spec.rules ?? []) {
    if (!rule.http) continue;
    count++;
    w.write(1, `${rule.host || '*'}\t\n`);
    for (const path of rule.http.paths)
      w.write(2, `\t${path.path ?? ''} \t${ingressBackend(path.backend, input)}\n`);
  }
  if (count === 0) w.write(1, `*\t*\t${defaultBackend}\n`);
  printAnnotations(w, 'Annotations', meta.annotations, input);
  describeEvents(w, input);
};

const describeConfigMap: Describer<V1ConfigMap> = (w, cm, input) => {
  const meta = cm.metadata ?? {};
  w.write(0, `Name:\t${meta.name}\n`);
  w.write(0, `Namespace:\t${meta.namespace}\n`);
  printLabels(w, 'Labels', meta.labels);
  printAnnotations(w, 'Annotations', meta.annotations, input);
  w.write(0, '\nData\n====\n');
  for (const key of sortedKeys(cm.data)) {
    w.write(0, `${key}:\n----\n`);
    w.write(0, `${redacted(input, key, cm.data![key]!)}\n`);
    w.write(0, '\n');
  }
  w.write(0, '\nBinaryData\n====\n');
  for (const key of sortedKeys(cm.binaryData))
    w.write(0, `${key}: ${base64Bytes(cm.binaryData![key]!)} bytes\n`);
  w.write(0, '\n');
  describeEvents(w, input);
};

const base64Bytes = (value: string): number => Buffer.from(value, 'base64').length;

const describeSecret: Describer<V1Secret> = (w, secret, input) => {
  const meta = secret.metadata ?? {};
  w.write(0, `Name:\t${meta.name}\n`);
  w.write(0, `Namespace:\t${meta.namespace}\n`);
  printLabels(w, 'Labels', meta.labels);
  printAnnotations(w, 'Annotations', meta.annotations, input);
  w.write(0, `\nType:\t${secret.type ?? ''}\n`);
  w.write(0, '\nData\n====\n');
  // Never a value: even a service-account token (which kubectl prints) is only its size here.
  for (const key of sortedKeys(secret.data))
    w.write(0, `${key}:\t${base64Bytes(secret.data![key]!)} bytes\n`);
};

const claimClass = (pvc: V1PersistentVolumeClaim): string =>
  pvc.spec?.storageClassName ?? pvc.metadata?.annotations?.['volume.beta.kubernetes.io/storage-class'] ?? '';

/** Access modes as kubectl abbreviates them (storageutil.GetAccessModesAsString). */
function accessModes(modes: readonly string[] | undefined): string {
  const short: [string, string][] = [
    ['ReadWriteOnce', 'RWO'],
    ['ReadOnlyMany', 'ROX'],
    ['ReadWriteMany', 'RWX'],
    ['ReadWriteOncePod', 'RWOP'],
  ];
  return short
    .filter(([mode]) => modes?.includes(mode))
    .map(([, s]) => s)
    .join(',');
}

const describePvc: Describer<V1PersistentVolumeClaim> = (w, pvc, input) => {
  const meta = pvc.metadata ?? {};
  const spec = pvc.spec ?? {};
  w.write(0, `Name:\t${meta.name}\n`);
  w.write(0, `Namespace:\t${meta.namespace}\n`);
  w.write(0, `StorageClass:\t${claimClass(pvc)}\n`);
  w.write(
    0,
    meta.deletionTimestamp
      ? `Status:\tTerminating (lasts ${since(meta.deletionTimestamp, input.now)})\n`
      : `Status:\t${pvc.status?.phase ?? ''}\n`,
  );
  w.write(0, `Volume:\t${spec.volumeName ?? ''}\n`);
  printLabels(w, 'Labels', meta.labels);
  printAnnotations(w, 'Annotations', meta.annotations, input);
  w.write(0, `Finalizers:\t${goList(meta.finalizers)}\n`);
  const bound = Boolean(spec.volumeName);
  w.write(0, `Capacity:\t${bound ? (pvc.status?.capacity?.storage ?? '0') : ''}\n`);
  w.write(0, `Access Modes:\t${bound ? accessModes(pvc.status?.accessModes) : ''}\n`);
  if (spec.volumeMode) w.write(0, `VolumeMode:\t${spec.volumeMode}\n`);
  if (spec.dataSource) {
    w.write(0, 'DataSource:\n');
    if (spec.dataSource.apiGroup) w.write(1, `APIGroup:\t${spec.dataSource.apiGroup}\n`);
    w.write(1, `Kind:\t${spec.dataSource.kind}\n`);
    w.write(1, `Name:\t${spec.dataSource.name}\n`);
  }
  const users = (input.pods ?? [])
    .filter((p) => p.spec?.volumes?.some((v) => v.persistentVolumeClaim?.claimName === meta.name))
    .map((p) => p.metadata?.name ?? '')
    .sort(compare);
  w.write(0, 'Used By:\t');
  if (!users.length) w.write(0, '<none>\n');
  users.forEach((name, i) => w.write(0, `${i ? '\t' : ''}${name}\n`));
  if (pvc.status?.conditions?.length) {
    w.write(0, 'Conditions:\n');
    w.write(1, 'Type\tStatus\tLastProbeTime\tLastTransitionTime\tReason\tMessage\n');
    w.write(1, '----\t------\t-----------------\t------------------\t------\t-------\n');
    for (const c of pvc.status.conditions)
      w.write(
        1,
        `${c.type} \t${c.status} \t${rfc1123z(c.lastProbeTime)} \t${rfc1123z(c.lastTransitionTime)} \t${c.reason ?? ''} \t${c.message ?? ''}\n`,
      );
  }
  describeEvents(w, input);
};

/** A quantity sum as Quantity.String() prints it: CPU in cores or millicores, bytes binary-suffixed when exact. */
function quantityText(resource: string, value: number): string {
  if (value === 0) return '0';
  if (resource === 'cpu') {
    const millis = Math.round(value * 1000);
    return millis % 1000 === 0 ? String(millis / 1000) : `${millis}m`;
  }
  for (const [suffix, size] of [
    ['Ei', 2 ** 60],
    ['Pi', 2 ** 50],
    ['Ti', 2 ** 40],
    ['Gi', 2 ** 30],
    ['Mi', 2 ** 20],
    ['Ki', 2 ** 10],
  ] as const) {
    if (value >= size && value % size === 0) return `${value / size}${suffix}`;
  }
  return String(value);
}

/** A pod's effective requests and limits (resourcehelper.PodRequestsAndLimits, without overhead). */
function podResources(pod: V1Pod): { requests: Record<string, number>; limits: Record<string, number> } {
  const sum = (kind: 'requests' | 'limits'): Record<string, number> => {
    const total: Record<string, number> = {};
    for (const c of pod.spec?.containers ?? [])
      for (const [name, q] of Object.entries(c.resources?.[kind] ?? {}))
        total[name] = (total[name] ?? 0) + (parseQuantity(q) ?? 0);
    // An init container needs its own amount before the others start: the larger wins.
    for (const c of pod.spec?.initContainers ?? [])
      for (const [name, q] of Object.entries(c.resources?.[kind] ?? {}))
        total[name] = Math.max(total[name] ?? 0, parseQuantity(q) ?? 0);
    return total;
  };
  return { requests: sum('requests'), limits: sum('limits') };
}

const describeNode: Describer<V1Node> = (w, node, input) => {
  const meta = node.metadata ?? {};
  const status = node.status ?? {};
  w.write(0, `Name:\t${meta.name}\n`);
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(meta.labels ?? {})) {
    if (k.startsWith('node-role.kubernetes.io/') && k.length > 'node-role.kubernetes.io/'.length)
      roles.add(k.slice('node-role.kubernetes.io/'.length));
    else if (k === 'kubernetes.io/role' && v) roles.add(v);
  }
  w.write(0, `Roles:\t${roles.size ? [...roles].sort(compare).join(',') : '<none>'}\n`);
  printLabels(w, 'Labels', meta.labels);
  printAnnotations(w, 'Annotations', meta.annotations, input);
  w.write(0, `CreationTimestamp:\t${rfc1123z(meta.creationTimestamp)}\n`);
  const taints = [...(node.spec?.taints ?? [])].sort((a, b) =>
    compare(`${a.effect},${a.key}`, `${b.effect},${b.key}`),
  );
  w.write(0, 'Taints:\t');
  if (!taints.length) w.write(0, '<none>\n');
  taints.forEach((t, i) =>
    w.write(0, `${i ? '\t' : ''}${t.key}${t.value ? `=${t.value}` : ''}:${t.effect}\n`),
  );
  w.write(0, `Unschedulable:\t${goBool(node.spec?.unschedulable)}\n`);
  w.write(0, 'Lease:\tnot read by aiops-tui\n');
  if (status.conditions?.length) {
    w.write(0, 'Conditions:\n  Type\tStatus\tLastHeartbeatTime\tLastTransitionTime\tReason\tMessage\n');
    w.write(1, '----\t------\t-----------------\t------------------\t------\t-------\n');
    for (const c of status.conditions)
      w.write(
        1,
        `${c.type} \t${c.status} \t${rfc1123z(c.lastHeartbeatTime)} \t${rfc1123z(c.lastTransitionTime)} \t${c.reason ?? ''} \t${c.message ?? ''}\n`,
      );
  }
  w.write(0, 'Addresses:\n');
  for (const a of status.addresses ?? []) w.write(1, `${a.type}:\t${a.address}\n`);
  for (const [title, list] of [
    ['Capacity', status.capacity],
    ['Allocatable', status.allocatable],
  ] as const) {
    if (!Object.keys(list ?? {}).length) continue;
    w.write(0, `${title}:\n`);
    for (const name of sortedKeys(list)) w.write(0, `  ${name}:\t${list![name]}\n`);
  }
  const info = status.nodeInfo;
  w.write(0, 'System Info:\n');
  for (const [label, value] of [
    ['Machine ID', info?.machineID],
    ['System UUID', info?.systemUUID],
    ['Boot ID', info?.bootID],
    ['Kernel Version', info?.kernelVersion],
    ['OS Image', info?.osImage],
    ['Operating System', info?.operatingSystem],
    ['Architecture', info?.architecture],
    ['Container Runtime Version', info?.containerRuntimeVersion],
    ['Kubelet Version', info?.kubeletVersion],
    ['Kube-Proxy Version', info?.kubeProxyVersion],
  ])
    w.write(0, `  ${label}:\t${value ?? ''}\n`);
  if (node.spec?.podCIDR) w.write(0, `PodCIDR:\t${node.spec.podCIDR}\n`);
  if (node.spec?.podCIDRs?.length) w.write(0, `PodCIDRs:\t${node.spec.podCIDRs.join(',')}\n`);
  if (node.spec?.providerID) w.write(0, `ProviderID:\t${node.spec.providerID}\n`);
  if (input.pods) describeNodeResources(w, node, input.pods, input.now);
  else w.write(0, 'Pods:\tnot authorized\n');
  describeEvents(w, input);
};

function describeNodeResources(w: PrefixWriter, node: V1Node, allPods: readonly V1Pod[], now: number): void {
  const pods = allPods.filter((p) => p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed');
  const allocatable = Object.keys(node.status?.allocatable ?? {}).length
    ? node.status!.allocatable!
    : (node.status?.capacity ?? {});
  const cpuAlloc = (cpuMillis(allocatable.cpu) ?? 0) / 1000;
  const memAlloc = parseQuantity(allocatable.memory) ?? 0;
  const storageAlloc = parseQuantity(allocatable['ephemeral-storage']) ?? 0;
  const pct = (value: number, of: number): number => (of ? Math.trunc((value / of) * 100) : 0);
  // Go converts NaN/Inf to an int64 as the minimum value; with no allocatable we print 0 instead.
  w.write(0, `Non-terminated Pods:\t(${pods.length} in total)\n`);
  w.write(1, 'Namespace\tName\t\tCPU Requests\tCPU Limits\tMemory Requests\tMemory Limits\tAge\n');
  w.write(1, '---------\t----\t\t------------\t----------\t---------------\t-------------\t---\n');
  const totals = { requests: {} as Record<string, number>, limits: {} as Record<string, number> };
  for (const pod of pods) {
    const { requests, limits } = podResources(pod);
    for (const [kind, list] of [
      ['requests', requests],
      ['limits', limits],
    ] as const)
      for (const [name, v] of Object.entries(list)) totals[kind][name] = (totals[kind][name] ?? 0) + v;
    const cell = (resource: string, value: number, of: number): string =>
      `${quantityText(resource, value)} (${pct(value, of)}%)`;
    w.write(
      1,
      `${pod.metadata?.namespace}\t${pod.metadata?.name}\t\t${cell('cpu', requests.cpu ?? 0, cpuAlloc)}\t${cell('cpu', limits.cpu ?? 0, cpuAlloc)}\t${cell('memory', requests.memory ?? 0, memAlloc)}\t${cell('memory', limits.memory ?? 0, memAlloc)}\t${since(pod.metadata?.creationTimestamp, now)}\n`,
    );
  }
  w.write(0, 'Allocated resources:\n  (Total limits may be over 100 percent, i.e., overcommitted.)\n');
  w.write(1, 'Resource\tRequests\tLimits\n');
  w.write(1, '--------\t--------\t------\n');
  for (const [resource, of] of [
    ['cpu', cpuAlloc],
    ['memory', memAlloc],
    ['ephemeral-storage', storageAlloc],
  ] as const) {
    const req = totals.requests[resource] ?? 0;
    const lim = totals.limits[resource] ?? 0;
    w.write(
      1,
      `${resource}\t${quantityText(resource, req)} (${pct(req, of)}%)\t${quantityText(resource, lim)} (${pct(lim, of)}%)\n`,
    );
  }
}

const describeHpa: Describer<V2HorizontalPodAutoscaler> = (w, hpa, input) => {
  const meta = hpa.metadata ?? {};
  const spec = hpa.spec;
  const current = hpa.status?.currentMetrics ?? [];
  w.write(0, `Name:\t${meta.name}\n`);
  w.write(0, `Namespace:\t${meta.namespace}\n`);
  printLabels(w, 'Labels', meta.labels);
  printAnnotations(w, 'Annotations', meta.annotations, input);
  w.write(0, `CreationTimestamp:\t${rfc1123z(meta.creationTimestamp)}\n`);
  w.write(0, `Reference:\t${spec?.scaleTargetRef.kind}/${spec?.scaleTargetRef.name}\n`);
  w.write(0, 'Metrics:\t( current / target )\n');
  (spec?.metrics ?? []).forEach((metric, i) => {
    const now = current[i];
    const q = (v: string | number | undefined): string => (v === undefined ? '<unknown>' : String(v));
    if (metric.type === 'Resource' && metric.resource) {
      const r = metric.resource;
      w.write(1, `resource ${r.name} on pods`);
      if (r.target.averageValue !== undefined) {
        w.write(
          0,
          `:\t${q(now?.resource?.current.averageValue as string | undefined)} / ${r.target.averageValue}\n`,
        );
      } else {
        const c = now?.resource?.current;
        const cur =
          c?.averageUtilization !== undefined
            ? `${c.averageUtilization}% (${c.averageValue ?? '0'})`
            : '<unknown>';
        const target =
          r.target.averageUtilization !== undefined ? `${r.target.averageUtilization}%` : '<auto>';
        w.write(1, `(as a percentage of request):\t${cur} / ${target}\n`);
      }
    } else if (metric.type === 'ContainerResource' && metric.containerResource) {
      const r = metric.containerResource;
      w.write(1, `resource ${r.name} of container "${r.container}" on pods`);
      if (r.target.averageValue !== undefined) {
        w.write(
          0,
          `:\t${q(now?.containerResource?.current.averageValue as string | undefined)} / ${r.target.averageValue}\n`,
        );
      } else {
        const c = now?.containerResource?.current;
        const cur =
          c?.averageUtilization !== undefined
            ? `${c.averageUtilization}% (${c.averageValue ?? '0'})`
            : '<unknown>';
        const target =
          r.target.averageUtilization !== undefined ? `${r.target.averageUtilization}%` : '<auto>';
        w.write(1, `(as a percentage of request):\t${cur} / ${target}\n`);
      }
    } else if (metric.type === 'Pods' && metric.pods) {
      w.write(
        1,
        `"${metric.pods.metric.name}" on pods:\t${q(now?.pods?.current.averageValue as string | undefined)} / ${metric.pods.target.averageValue}\n`,
      );
    } else if (metric.type === 'Object' && metric.object) {
      const o = metric.object;
      w.write(1, `"${o.metric.name}" on ${o.describedObject.kind}/${o.describedObject.name} `);
      if (o.target.type === 'AverageValue')
        w.write(
          0,
          `(target average value):\t${q(now?.object?.current.averageValue as string | undefined)} / ${o.target.averageValue}\n`,
        );
      else
        w.write(
          0,
          `(target value):\t${q(now?.object?.current.value as string | undefined)} / ${o.target.value}\n`,
        );
    } else if (metric.type === 'External' && metric.external) {
      const e = metric.external;
      if (e.target.averageValue !== undefined)
        w.write(
          1,
          `"${e.metric.name}" (target average value):\t${q(now?.external?.current.averageValue as string | undefined)} / ${e.target.averageValue}\n`,
        );
      else
        w.write(
          1,
          `"${e.metric.name}" (target value):\t${q(now?.external?.current.value as string | undefined)} / ${e.target.value}\n`,
        );
    } else {
      w.write(1, `<unknown metric type "${metric.type}">\n`);
    }
  });
  w.write(0, `Min replicas:\t${spec?.minReplicas ?? '<unset>'}\n`);
  w.write(0, `Max replicas:\t${spec?.maxReplicas}\n`);
  const behavior = spec?.behavior;
  if (behavior) {
    w.write(0, 'Behavior:\n');
    for (const [direction, rules] of [
      ['Scale Up', behavior.scaleUp],
      ['Scale Down', behavior.scaleDown],
    ] as const) {
      if (!rules) continue;
      w.write(1, `${direction}:\n`);
      if (rules.stabilizationWindowSeconds !== undefined)
        w.write(2, `Stabilization Window: ${rules.stabilizationWindowSeconds} seconds\n`);
      if (rules.policies?.length) {
        w.write(2, `Select Policy: ${rules.selectPolicy ?? 'Max'}\n`);
        w.write(2, 'Policies:\n');
        for (const p of rules.policies)
          w.write(3, `- Type: ${p.type}\tValue: ${p.value}\tPeriod: ${p.periodSeconds} seconds\n`);
      }
    }
  }
  w.write(
    0,
    `${spec?.scaleTargetRef.kind} pods:\t${hpa.status?.currentReplicas ?? 0} current / ${hpa.status?.desiredReplicas ?? 0} desired\n`,
  );
  if (hpa.status?.conditions?.length) {
    w.write(0, 'Conditions:\n');
    w.write(1, 'Type\tStatus\tReason\tMessage\n');
    w.write(1, '----\t------\t------\t-------\n');
    for (const c of hpa.status.conditions)
      w.write(1, `${c.type}\t${c.status}\t${c.reason ?? ''}\t${c.message ?? ''}\n`);
  }
  describeEvents(w, input);
};

// ---- events: kubectl has no describer of its own for them and prints the object generically ----

/** smartLabelFor: `involvedObject` → `Involved Object`, `uid` → `UID`. */
export function smartLabel(field: string): string {
  if (/[^\p{L}-]/u.test(field)) return field;
  const parts = field.match(/[A-Z]+(?![a-z])|[A-Z]?[a-z]+|-/g) ?? [field];
  const acronyms = new Set(['API', 'URL', 'UID', 'OSB', 'GUID']);
  return parts
    .map((p) => (acronyms.has(p.toUpperCase()) ? p.toUpperCase() : p.charAt(0).toUpperCase() + p.slice(1)))
    .join(' ');
}

const SKIPPED = new Set([
  '.metadata.managedFields',
  '.metadata.name',
  '.metadata.namespace',
  '.metadata.labels',
  '.metadata.annotations',
]);

/** printUnstructuredContent: fields sorted, maps and lists nested, scalars as Go's `%v`. */
function printUnstructured(
  w: PrefixWriter,
  level: number,
  content: Record<string, unknown>,
  prefix: string,
): void {
  for (const field of Object.keys(content).sort(compare)) {
    const value = content[field];
    const path = `${prefix}.${field}`;
    if (SKIPPED.has(path)) continue;
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      w.write(level, `${smartLabel(field)}:\n`);
      printUnstructured(w, level + 1, value as Record<string, unknown>, path);
    } else if (Array.isArray(value)) {
      w.write(level, `${smartLabel(field)}:\n`);
      for (const child of value) {
        if (child && typeof child === 'object')
          printUnstructured(w, level + 1, child as Record<string, unknown>, path);
        else w.write(level + 1, `${goValue(child)}\n`);
      }
    } else {
      w.write(level, `${smartLabel(field)}:\t${goValue(value)}\n`);
    }
  }
}

const goValue = (v: unknown): string => (v === null || v === undefined ? '<nil>' : String(v));

const describeEvent: Describer<CoreV1Event & Record<string, unknown>> = (w, event, input) => {
  w.write(0, `Name:\t${event.metadata?.name}\n`);
  w.write(0, `Namespace:\t${event.metadata?.namespace}\n`);
  printLabels(w, 'Labels', event.metadata?.labels);
  printAnnotations(w, 'Annotations', event.metadata?.annotations, input);
  printUnstructured(w, 0, event, '');
  describeEvents(w, input);
};

const DESCRIBERS: { [K in ResourceKind]: Describer<never> } = {
  pods: describePod,
  deployments: describeDeployment,
  replicasets: describeReplicaSet,
  statefulsets: describeStatefulSet,
  daemonsets: describeDaemonSet,
  jobs: describeJob,
  cronjobs: describeCronJob,
  services: describeService,
  ingresses: describeIngress,
  configmaps: describeConfigMap,
  secrets: describeSecret,
  persistentvolumeclaims: describePvc,
  nodes: describeNode,
  events: describeEvent,
  horizontalpodautoscalers: describeHpa,
};
