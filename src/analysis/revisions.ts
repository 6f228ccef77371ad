// A Deployment's revisions, read from its ReplicaSets as `kubectl rollout history` does, and the
// last one that ran: what a fault introduced by a rollout is undone to. Pure functions over the
// snapshot's objects.
import type {
  V1Container,
  V1Deployment,
  V1Pod,
  V1PodTemplateSpec,
  V1ReplicaSet,
} from '@kubernetes/client-node';
import { canonical } from '../audit/record-format.js';

export const REVISION = 'deployment.kubernetes.io/revision';
const HASH_LABEL = 'pod-template-hash';

export interface Revision {
  revision: number;
  replicaSet: V1ReplicaSet;
  /** Pods of this ReplicaSet available now (its status). */
  available: number;
}

/** A field of one container that differs between two revisions' templates. */
export interface TemplateChange {
  container: string;
  field: 'image' | 'command' | 'args' | 'env' | 'readinessProbe' | 'livenessProbe' | 'startupProbe' | 'ports';
  from: string;
  to: string;
}

export interface LastGood {
  /** The revision that failing pods belong to (the Deployment's current one). */
  current: Revision;
  /** The newest older revision that ran. */
  good: Revision;
  /** Why it counts as having run: its pods are available now, or only its template is known. */
  evidence: 'available' | 'template';
  /** What the current revision changed against it, container by container. */
  changes: TemplateChange[];
  /** Whether the templates differ in nothing but container images (set-image restores it). */
  onlyImages: boolean;
}

const revisionOf = (rs: V1ReplicaSet): number => Number(rs.metadata?.annotations?.[REVISION] ?? 0);

/** The ReplicaSets a Deployment controls, newest revision first. */
export function revisionsOf(deployment: V1Deployment, replicaSets: readonly V1ReplicaSet[]): Revision[] {
  const { namespace, name, uid } = deployment.metadata ?? {};
  return replicaSets
    .filter(
      (rs) =>
        rs.metadata?.namespace === namespace &&
        rs.metadata?.ownerReferences?.some(
          (o) => o.controller && o.kind === 'Deployment' && (uid ? o.uid === uid : o.name === name),
        ),
    )
    .map((rs) => ({ revision: revisionOf(rs), replicaSet: rs, available: rs.status?.availableReplicas ?? 0 }))
    .filter((r) => r.revision > 0)
    .sort((a, b) => b.revision - a.revision);
}

/** The revision the Deployment says it is at (its annotation), else the newest. */
export function currentRevision(
  deployment: V1Deployment,
  revisions: readonly Revision[],
): Revision | undefined {
  const said = Number(deployment.metadata?.annotations?.[REVISION] ?? 0);
  return revisions.find((r) => r.revision === said) ?? revisions[0];
}

/** The template without what the controller adds (the hash label): what a person wrote. */
function written(template: V1PodTemplateSpec | undefined): V1PodTemplateSpec {
  const copy = JSON.parse(JSON.stringify(template ?? {})) as V1PodTemplateSpec;
  delete copy.metadata?.labels?.[HASH_LABEL];
  return copy;
}

/** One spelling per value, undefined included (canonical drops it). */
const spelling = (value: unknown): string => canonical([value]);

const show = (value: unknown): string =>
  value === undefined ? '(none)' : typeof value === 'string' ? value : canonical(value);

const FIELDS: readonly TemplateChange['field'][] = [
  'image',
  'command',
  'args',
  'env',
  'readinessProbe',
  'livenessProbe',
  'startupProbe',
  'ports',
];

/** The container fields that differ from `older` to `newer`, in container order. */
export function templateChanges(
  older: V1PodTemplateSpec | undefined,
  newer: V1PodTemplateSpec | undefined,
): TemplateChange[] {
  const before = new Map((older?.spec?.containers ?? []).map((c) => [c.name, c]));
  const changes: TemplateChange[] = [];
  for (const container of newer?.spec?.containers ?? []) {
    const old = before.get(container.name);
    if (!old) continue;
    for (const field of FIELDS) {
      const from = old[field as keyof V1Container];
      const to = container[field as keyof V1Container];
      if (spelling(from) !== spelling(to))
        changes.push({ container: container.name, field, from: show(from), to: show(to) });
    }
  }
  return changes;
}

/** Whether the templates are the same once `newer`'s images are those of `older`. */
function differOnlyInImages(
  older: V1PodTemplateSpec | undefined,
  newer: V1PodTemplateSpec | undefined,
): boolean {
  const a = written(older);
  const b = written(newer);
  const all = (t: V1PodTemplateSpec) => [...(t.spec?.initContainers ?? []), ...(t.spec?.containers ?? [])];
  const images = new Map(all(a).map((c) => [c.name, c.image]));
  for (const c of all(b)) if (images.has(c.name)) c.image = images.get(c.name);
  return canonical(a) === canonical(b);
}

/** A restart within this long means the pod does not run yet, however Ready it looks now. */
const SETTLED_MS = 10 * 60_000;
/** Ready for less than this is not yet running: a command that fails exits within seconds. */
const READY_FOR_MS = 30_000;

/**
 * Whether a pod runs: Ready for a while, and no container restarted recently. A container that
 * crashes seconds after it starts is Ready until then (without a readiness probe to say
 * otherwise). A time the status does not give is taken as long ago.
 */
export function podRuns(pod: V1Pod, now: number): boolean {
  const ready = pod.status?.conditions?.find((c) => c.type === 'Ready');
  if (ready?.status !== 'True') return false;
  const since = (time: Date | string | undefined) =>
    time === undefined ? -Infinity : new Date(time).getTime();
  if (now - since(ready.lastTransitionTime) < READY_FOR_MS) return false;
  return (pod.status?.containerStatuses ?? []).every(
    (s) => s.restartCount === 0 || now - since(s.lastState?.terminated?.finishedAt) >= SETTLED_MS,
  );
}

/**
 * The last revision that ran before the current one, when the current one fails: none of its
 * pods runs (podRuns), while an older revision has available pods now (a rolling update keeps them), or
 * — its pods gone — is the newest older revision whose template differs in the failing
 * container's image, command or probes (what the rollout changed). `failing` names that
 * container (any container when not given); `pods` are the Deployment's pods.
 */
export function lastRevisionThatRan(
  deployment: V1Deployment,
  replicaSets: readonly V1ReplicaSet[],
  pods: readonly V1Pod[],
  now: number,
  failing?: string,
): LastGood | undefined {
  const revisions = revisionsOf(deployment, replicaSets);
  const current = currentRevision(deployment, revisions);
  if (!current) return undefined;
  const currentName = current.replicaSet.metadata?.name;
  const currentPods = pods.filter((p) => p.metadata?.ownerReferences?.some((o) => o.name === currentName));
  if (currentPods.some((p) => podRuns(p, now))) return undefined;
  const older = revisions.filter((r) => r.revision < current.revision);
  const template = current.replicaSet.spec?.template;
  const describe = (good: Revision, evidence: LastGood['evidence']): LastGood => ({
    current,
    good,
    evidence,
    changes: templateChanges(good.replicaSet.spec?.template, template),
    onlyImages: differOnlyInImages(good.replicaSet.spec?.template, template),
  });
  const running = older.find((r) => r.available > 0);
  if (running) return describe(running, 'available');
  const differing = older.find((r) =>
    templateChanges(r.replicaSet.spec?.template, template).some(
      (c) => failing === undefined || c.container === failing,
    ),
  );
  return differing ? describe(differing, 'template') : undefined;
}

/** Evidence lines: what the current revision changed, and which revision last ran. */
export function describeLastGood(last: LastGood): string[] {
  const lines = last.changes.map(
    (c) => `revision ${last.current.revision} changed ${c.container} ${c.field}: ${c.from} → ${c.to}`,
  );
  lines.push(
    last.evidence === 'available'
      ? `revision ${last.good.revision} last ran: ${last.good.available} pod${last.good.available === 1 ? '' : 's'} of ${last.good.replicaSet.metadata?.name} available now`
      : `revision ${last.good.revision} is the newest earlier revision (${last.good.replicaSet.metadata?.name}, no pods left) without that change`,
  );
  return lines;
}

/** The images of the revision that ran, for the containers whose image the current one changed. */
export function imagesToRestore(last: LastGood): Record<string, string> {
  const images: Record<string, string> = {};
  for (const c of last.changes) if (c.field === 'image') images[c.container] = c.from;
  return images;
}
