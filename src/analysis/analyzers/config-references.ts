// Config references: a workload's pod template that needs a ConfigMap or Secret (or one of its
// keys) that does not exist — through env valueFrom, envFrom, volumes (configMap, secret,
// projected) or imagePullSecrets — and, low priority, ConfigMaps/Secrets nothing references
// (popeye's unused check). "Does not exist" is only said from a list of that kind. The fix names
// exactly what to create; values are the user's to fill, never guessed.
import { CHECKPOINT_CONFIGMAP } from '../../audit/checkpoint.js';
import type { CoreV1Event, V1ConfigMap, V1Pod, V1PodSpec, V1Secret } from '@kubernetes/client-node';
import { makeFinding } from '../finding.js';
import { indexSnapshot, type Workload } from '../snapshot-index.js';
import { epoch } from '../time.js';
import type { ClusterSnapshot, Finding, ResourceRef } from '../../model/analysis.js';

const ANALYZER = 'config-references';
export type ConfigKind = 'ConfigMap' | 'Secret';

/** One place a pod spec needs a ConfigMap or Secret. */
export interface ConfigReference {
  kind: ConfigKind;
  name: string;
  /** The key it reads; absent when the whole object is used (envFrom, a volume without items). */
  key?: string;
  optional: boolean;
  /** Where, for a person: "container app env DB_HOST", "volume config", "imagePullSecrets". */
  via: string;
  /** An image pull secret: the pod still starts, pulls are anonymous. */
  pull?: boolean;
}

/** Every ConfigMap/Secret reference of a pod spec, in spec order. */
export function podSpecReferences(spec: V1PodSpec): ConfigReference[] {
  const refs: ConfigReference[] = [];
  for (const c of [...(spec.initContainers ?? []), ...spec.containers]) {
    for (const env of c.env ?? []) {
      const via = `container ${c.name} env ${env.name}`;
      const cm = env.valueFrom?.configMapKeyRef;
      if (cm?.name)
        refs.push({ kind: 'ConfigMap', name: cm.name, key: cm.key, optional: !!cm.optional, via });
      const secret = env.valueFrom?.secretKeyRef;
      if (secret?.name)
        refs.push({ kind: 'Secret', name: secret.name, key: secret.key, optional: !!secret.optional, via });
    }
    for (const from of c.envFrom ?? []) {
      const via = `container ${c.name} envFrom`;
      if (from.configMapRef?.name)
        refs.push({
          kind: 'ConfigMap',
          name: from.configMapRef.name,
          optional: !!from.configMapRef.optional,
          via,
        });
      if (from.secretRef?.name)
        refs.push({ kind: 'Secret', name: from.secretRef.name, optional: !!from.secretRef.optional, via });
    }
  }
  const withItems = (
    kind: ConfigKind,
    name: string | undefined,
    items: { key: string }[] | undefined,
    optional: boolean | undefined,
    via: string,
  ) => {
    if (!name) return;
    if (!items?.length) refs.push({ kind, name, optional: !!optional, via });
    for (const item of items ?? []) refs.push({ kind, name, key: item.key, optional: !!optional, via });
  };
  for (const volume of spec.volumes ?? []) {
    const via = `volume ${volume.name}`;
    const { configMap, secret, projected } = volume;
    if (configMap) withItems('ConfigMap', configMap.name, configMap.items, configMap.optional, via);
    if (secret) withItems('Secret', secret.secretName, secret.items, secret.optional, via);
    for (const source of projected?.sources ?? []) {
      if (source.configMap)
        withItems('ConfigMap', source.configMap.name, source.configMap.items, source.configMap.optional, via);
      if (source.secret)
        withItems('Secret', source.secret.name, source.secret.items, source.secret.optional, via);
    }
  }
  for (const pull of spec.imagePullSecrets ?? []) {
    if (pull.name)
      refs.push({ kind: 'Secret', name: pull.name, optional: false, via: 'imagePullSecrets', pull: true });
  }
  return refs;
}

/** The data keys of each known object, `Kind/namespace/name` → keys. */
type KeysByObject = Map<string, Set<string>>;

function keysByObject(
  configMaps: readonly V1ConfigMap[] | undefined,
  secrets: readonly V1Secret[] | undefined,
) {
  const keys: KeysByObject = new Map();
  for (const cm of configMaps ?? [])
    keys.set(
      `ConfigMap/${cm.metadata?.namespace}/${cm.metadata?.name}`,
      new Set([...Object.keys(cm.data ?? {}), ...Object.keys(cm.binaryData ?? {})]),
    );
  for (const secret of secrets ?? [])
    keys.set(
      `Secret/${secret.metadata?.namespace}/${secret.metadata?.name}`,
      new Set(Object.keys(secret.data ?? {})),
    );
  return keys;
}

/** What a non-optional reference lacks: the whole object, the key, or nothing. */
export function missingPart(
  ref: ConfigReference,
  keys: Set<string> | undefined,
): 'object' | 'key' | undefined {
  if (ref.optional) return undefined;
  if (!keys) return 'object';
  return ref.key !== undefined && !keys.has(ref.key) ? 'key' : undefined;
}

export function configReferences(snapshot: ClusterSnapshot): Finding[] {
  const known: Record<ConfigKind, boolean> = {
    ConfigMap: snapshot.configMaps !== undefined,
    Secret: snapshot.secrets !== undefined,
  };
  if (!known.ConfigMap && !known.Secret) return [];
  const index = indexSnapshot(snapshot);
  const keys = keysByObject(snapshot.configMaps, snapshot.secrets);
  const findings: Finding[] = [];
  for (const workload of index.workloads.values()) {
    if (!workload.spec) continue;
    const namespace = workload.ref.namespace;
    // Missing references grouped per object: one finding says everything one object lacks.
    const byObject = new Map<string, { refs: ConfigReference[]; missing: 'object' | 'key' }>();
    for (const ref of podSpecReferences(workload.spec)) {
      if (!known[ref.kind]) continue;
      const objectKey = `${ref.kind}/${namespace}/${ref.name}`;
      const missing = missingPart(ref, keys.get(objectKey));
      if (!missing) continue;
      const group = byObject.get(objectKey);
      if (group) group.refs.push(ref);
      else byObject.set(objectKey, { refs: [ref], missing });
    }
    for (const { refs, missing } of byObject.values())
      findings.push(missingFinding(snapshot, workload, refs, missing, keys, index.events));
  }
  findings.push(...unusedFindings(snapshot, known));
  return findings;
}

function missingFinding(
  snapshot: ClusterSnapshot,
  workload: Workload,
  refs: ConfigReference[],
  missing: 'object' | 'key',
  keys: KeysByObject,
  events: Map<string, CoreV1Event[]>,
): Finding {
  const { kind, name } = refs[0]!;
  const namespace = workload.ref.namespace;
  const object = `${kind} ${namespace}/${name}`;
  const lackedKeys = [...new Set(refs.flatMap((r) => (r.key === undefined ? [] : [r.key])))];
  const pullOnly = refs.every((r) => r.pull);
  const detail = refs.map((r) =>
    missing === 'object'
      ? `${r.via} needs ${object}${r.key !== undefined ? ` key ${r.key}` : ''}: the ${kind} does not exist`
      : `${r.via} needs key ${r.key} of ${object}: the key does not exist`,
  );
  if (missing === 'key') {
    const present = [...(keys.get(`${kind}/${namespace}/${name}`) ?? [])].sort();
    detail.push(`${object} has keys: ${present.length ? present.slice(0, 20).join(', ') : '(none)'}`);
  }
  const volumes = refs.flatMap((r) => (r.via.startsWith('volume ') ? [r.via.slice('volume '.length)] : []));
  const stuck = stuckPods(workload, events, name, volumes);
  detail.push(...stuck.lines.slice(0, 3));
  if (stuck.lines.length > 3) detail.push(`… ${stuck.lines.length - 3} more pods stuck the same way`);
  const scaledToZero = (workload.deployment?.spec?.replicas ?? workload.statefulSet?.spec?.replicas) === 0;
  return makeFinding(snapshot, {
    analyzer: ANALYZER,
    problem: `missing-${missing}:${kind}/${name}`,
    resource: workload.ref,
    severity: pullOnly || (scaledToZero && stuck.pods.length === 0) ? 'warning' : 'critical',
    title:
      missing === 'object'
        ? `${kind} ${name} does not exist but the pod template needs it`
        : `${kind} ${name} lacks key${lackedKeys.length > 1 ? 's' : ''} ${lackedKeys.join(', ')}`,
    detail,
    affected: [{ kind, namespace, name }, ...stuck.pods],
    suggestedFix: createCommand(kind, name, namespace, lackedKeys, missing, pullOnly),
    runbook: 'missing-config',
    since: stuck.since,
  });
}

/** The command that creates what is missing, with placeholders for what only the user knows. */
export function createCommand(
  kind: ConfigKind,
  name: string,
  namespace: string | undefined,
  keys: string[],
  missing: 'object' | 'key',
  pull: boolean,
): string {
  const ns = namespace ? ` -n ${namespace}` : '';
  if (pull)
    return `Create the image pull secret (registry and credentials are yours to fill): kubectl create secret docker-registry ${name}${ns} --docker-server=<registry> --docker-username=<user> --docker-password=<password>; or remove it from imagePullSecrets if the images are public.`;
  if (missing === 'key') {
    const field = kind === 'Secret' ? 'stringData' : 'data';
    const data = Object.fromEntries(keys.map((k) => [k, '<value>']));
    return `Add the missing key${keys.length > 1 ? 's' : ''} (value unknown: fill in <value>): kubectl patch ${kind.toLowerCase()} ${name}${ns} --type merge -p '${JSON.stringify({ [field]: data })}'; or, if the reference has a typo, fix the key name in the pod template.`;
  }
  const literals = keys.map((k) => ` --from-literal=${k}=<value>`).join('');
  const create =
    kind === 'Secret'
      ? `kubectl create secret generic ${name}${ns}${literals}`
      : `kubectl create configmap ${name}${ns}${literals}`;
  const which = keys.length
    ? ` (value${keys.length > 1 ? 's' : ''} unknown: fill in <value>)`
    : ' with the keys the application reads (the pod template does not name them; add --from-literal=KEY=<value> or --from-file=<path>)';
  return `Create ${kind} ${name}${which}: ${create}; or, if the name has a typo, fix the reference in the pod template.`;
}

interface Stuck {
  lines: string[];
  pods: ResourceRef[];
  since: number | undefined;
}

/**
 * The workload's pods the missing object holds back: CreateContainerConfigError naming it, or a
 * FailedMount naming it or one of the volumes it backs (a missing item key names only the volume).
 */
function stuckPods(
  workload: Workload,
  events: Map<string, CoreV1Event[]>,
  object: string,
  volumes: string[],
): Stuck {
  const stuck: Stuck = { lines: [], pods: [], since: undefined };
  const earliest = (t: number | undefined) => {
    if (t !== undefined && (stuck.since === undefined || t < stuck.since)) stuck.since = t;
  };
  for (const pod of workload.pods) {
    const { namespace, name = '' } = pod.metadata ?? {};
    const configError = [
      ...(pod.status?.initContainerStatuses ?? []),
      ...(pod.status?.containerStatuses ?? []),
    ]
      .map((s) => ({ status: s, waiting: s.state?.waiting }))
      .find(
        (s) =>
          s.waiting?.reason === 'CreateContainerConfigError' && (s.waiting.message ?? '').includes(object),
      );
    const mount = (events.get(`Pod/${namespace}/${name}`) ?? []).find(
      (e) =>
        e.reason === 'FailedMount' &&
        [`"${object}"`, ...volumes.map((v) => `volume "${v}"`)].some((needle) =>
          (e.message ?? '').includes(needle),
        ),
    );
    if (!configError && !(mount && creating(pod))) continue;
    stuck.pods.push({ kind: 'Pod', namespace, name });
    if (configError) {
      stuck.lines.push(
        `pod ${name} container ${configError.status.name}: CreateContainerConfigError: ${configError.waiting?.message ?? ''}`,
      );
      earliest(epoch(pod.metadata?.creationTimestamp));
    } else {
      stuck.lines.push(
        `pod ${name}: ContainerCreating, event FailedMount${mount!.count && mount!.count > 1 ? ` (×${mount!.count})` : ''}: ${mount!.message}`,
      );
      earliest(epoch(mount!.firstTimestamp) ?? epoch(pod.metadata?.creationTimestamp));
    }
  }
  return stuck;
}

function creating(pod: V1Pod): boolean {
  return pod.status?.phase === 'Pending' && !!pod.spec?.nodeName;
}

const SYSTEM_NAMESPACES = new Set(['kube-system', 'kube-public', 'kube-node-lease']);
/** Secret types whose users are not pod specs (service accounts, helm, the kubelet's pulls). */
const UNTRACKED_SECRET_TYPES = new Set([
  'kubernetes.io/service-account-token',
  'helm.sh/release.v1',
  'kubernetes.io/dockerconfigjson',
  'kubernetes.io/dockercfg',
  'bootstrap.kubernetes.io/token',
]);

/**
 * ConfigMaps no pod is meant to reference: the cluster CA every namespace gets, and the audit
 * trail's own cluster anchor.
 */
const UNREFERENCED_BY_DESIGN = new Set(['kube-root-ca.crt', CHECKPOINT_CONFIGMAP]);

/** Unused ConfigMaps and Secrets: said only when every kind with a pod template is known. */
function unusedFindings(snapshot: ClusterSnapshot, known: Record<ConfigKind, boolean>): Finding[] {
  const templatesKnown =
    snapshot.statefulSets !== undefined &&
    snapshot.daemonSets !== undefined &&
    snapshot.jobs !== undefined &&
    snapshot.cronJobs !== undefined;
  if (!templatesKnown) return [];
  const used = new Set<string>();
  const markUsed = (namespace: string | undefined, spec: V1PodSpec | undefined) => {
    if (spec) for (const ref of podSpecReferences(spec)) used.add(`${ref.kind}/${namespace}/${ref.name}`);
  };
  // A pod stamped from a template read here says nothing new: only the others are read.
  const templated = new Set<string>();
  const lists = {
    ReplicaSet: snapshot.replicaSets,
    StatefulSet: snapshot.statefulSets,
    DaemonSet: snapshot.daemonSets,
    Job: snapshot.jobs,
  };
  for (const d of snapshot.deployments) markUsed(d.metadata?.namespace, d.spec?.template?.spec);
  for (const [kind, list] of Object.entries(lists))
    for (const o of list ?? []) {
      const spec = o.spec?.template?.spec;
      markUsed(o.metadata?.namespace, spec);
      if (spec) templated.add(`${kind}/${o.metadata?.namespace}/${o.metadata?.name}`);
    }
  for (const cj of snapshot.cronJobs ?? [])
    markUsed(cj.metadata?.namespace, cj.spec?.jobTemplate?.spec?.template?.spec);
  for (const pod of snapshot.pods) {
    const owner = pod.metadata?.ownerReferences?.find((o) => o.controller);
    if (!owner || !templated.has(`${owner.kind}/${pod.metadata?.namespace}/${owner.name}`))
      markUsed(pod.metadata?.namespace, pod.spec);
  }
  for (const ing of snapshot.ingresses ?? [])
    for (const tls of ing.spec?.tls ?? []) used.add(`Secret/${ing.metadata?.namespace}/${tls.secretName}`);

  const findings: Finding[] = [];
  const candidates: { kind: ConfigKind; metadata: V1ConfigMap['metadata'] }[] = [];
  if (known.ConfigMap)
    for (const cm of snapshot.configMaps ?? [])
      if (!UNREFERENCED_BY_DESIGN.has(cm.metadata?.name ?? ''))
        candidates.push({ kind: 'ConfigMap', metadata: cm.metadata });
  // TLS secrets are an Ingress's: only judged when the ingresses are known.
  if (known.Secret)
    for (const s of snapshot.secrets ?? [])
      if (!UNTRACKED_SECRET_TYPES.has(s.type ?? '') && (s.type !== 'kubernetes.io/tls' || snapshot.ingresses))
        candidates.push({ kind: 'Secret', metadata: s.metadata });
  for (const { kind, metadata } of candidates) {
    const { namespace, name = '' } = metadata ?? {};
    if (!namespace || SYSTEM_NAMESPACES.has(namespace) || metadata?.ownerReferences?.length) continue;
    if (used.has(`${kind}/${namespace}/${name}`)) continue;
    findings.push(
      makeFinding(snapshot, {
        analyzer: ANALYZER,
        problem: 'unused',
        resource: { kind, namespace, name },
        severity: 'info',
        title: `${kind} ${name} is not referenced by any pod or pod template`,
        detail: [
          `no pod, Deployment, ReplicaSet, StatefulSet, DaemonSet, Job or CronJob in ${namespace} references it${kind === 'Secret' ? ' (nor an Ingress TLS section)' : ''}`,
          ...(epoch(metadata?.creationTimestamp) !== undefined
            ? [`created ${new Date(epoch(metadata?.creationTimestamp)!).toISOString()}`]
            : []),
        ],
        suggestedFix: `If nothing outside the cluster's pod specs reads it (an operator, a service account), delete it: kubectl delete ${kind.toLowerCase()} ${name} -n ${namespace}`,
      }),
    );
  }
  return findings;
}
