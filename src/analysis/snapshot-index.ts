// Indexes built once per snapshot (memoized), so each analyzer is linear in the snapshot:
// workloads and their pods, events per object, HPAs per target, usage pooled per workload.
// Workloads are Deployments (through their ReplicaSets), StatefulSets, DaemonSets, CronJobs (a
// Job a CronJob owns counts as the CronJob), Jobs, and bare pods, each with its pod template.
import type {
  CoreV1Event,
  V1CronJob,
  V1DaemonSet,
  V1Deployment,
  V1Job,
  V1ObjectMeta,
  V1Pod,
  V1PodSpec,
  V1ReplicaSet,
  V1StatefulSet,
  V2HorizontalPodAutoscaler,
} from '@kubernetes/client-node';
import { refKey } from './finding.js';
import { epoch } from './time.js';
import type { ClusterSnapshot, ResourceRef, UsageSample } from '../model/analysis.js';

/** What owns pods: a Deployment (through its ReplicaSet), another controller, or a bare pod. */
export interface Workload {
  ref: ResourceRef;
  deployment?: V1Deployment;
  statefulSet?: V1StatefulSet;
  daemonSet?: V1DaemonSet;
  cronJob?: V1CronJob;
  /** The Jobs of a Job or CronJob workload (a CronJob's, oldest first by creation). */
  jobs: V1Job[];
  pods: V1Pod[];
  /** The pod spec the workload stamps out (the controller's template, else a current pod's). */
  spec?: V1PodSpec;
  hpa?: V2HorizontalPodAutoscaler;
}

export interface SnapshotIndex {
  workloads: Map<string, Workload>;
  /** Pod `namespace/name` → the pod (built on first use: only the log check needs it). */
  pods(): Map<string, V1Pod>;
  /** Pod `namespace/name` → its workload. */
  podWorkload: Map<string, Workload>;
  /** `Kind/namespace/name` of a pod's controlling owner (a Job, a ReplicaSet …) → its pods. */
  podsByOwner: Map<string, V1Pod[]>;
  /** Namespace → its ReplicaSets (a Deployment's revisions are among those of its namespace). */
  replicaSetsIn: Map<string, V1ReplicaSet[]>;
  /** `Kind/namespace/name` of the involved object → its events. */
  events: Map<string, CoreV1Event[]>;
  /** Usage histories of all pods (current and gone) of a workload, per container name. */
  usage(): Map<Workload, Map<string, (readonly UsageSample[])[]>>;
}

const memo = new WeakMap<ClusterSnapshot, SnapshotIndex>();

export function indexSnapshot(snapshot: ClusterSnapshot): SnapshotIndex {
  let index = memo.get(snapshot);
  if (!index) memo.set(snapshot, (index = buildIndex(snapshot)));
  return index;
}

function stripLastSegment(name: string): string | undefined {
  const dash = name.lastIndexOf('-');
  return dash > 0 ? name.slice(0, dash) : undefined;
}

function buildIndex(snapshot: ClusterSnapshot): SnapshotIndex {
  const workloads = new Map<string, Workload>();
  const workloadFor = (ref: ResourceRef): Workload => {
    const key = refKey(ref);
    let workload = workloads.get(key);
    if (!workload) workloads.set(key, (workload = { ref, pods: [], jobs: [] }));
    return workload;
  };
  const templated = (kind: string, metadata: V1ObjectMeta | undefined, spec: V1PodSpec | undefined) => {
    const { namespace, name } = metadata ?? {};
    if (!name) return undefined;
    const workload = workloadFor({ kind, namespace, name });
    workload.spec = spec;
    return workload;
  };

  for (const deployment of snapshot.deployments) {
    const workload = templated('Deployment', deployment.metadata, deployment.spec?.template?.spec);
    if (workload) workload.deployment = deployment;
  }
  for (const statefulSet of snapshot.statefulSets ?? []) {
    const workload = templated('StatefulSet', statefulSet.metadata, statefulSet.spec?.template?.spec);
    if (workload) workload.statefulSet = statefulSet;
  }
  for (const daemonSet of snapshot.daemonSets ?? []) {
    const workload = templated('DaemonSet', daemonSet.metadata, daemonSet.spec?.template?.spec);
    if (workload) workload.daemonSet = daemonSet;
  }
  for (const cronJob of snapshot.cronJobs ?? []) {
    const workload = templated('CronJob', cronJob.metadata, cronJob.spec?.jobTemplate?.spec?.template?.spec);
    if (workload) workload.cronJob = cronJob;
  }
  // Job `namespace/name` → its workload: the owning CronJob's, else the Job's own.
  const byJob = new Map<string, Workload>();
  const jobsByAge = [...(snapshot.jobs ?? [])].sort(
    (a, b) => (epoch(a.metadata?.creationTimestamp) ?? 0) - (epoch(b.metadata?.creationTimestamp) ?? 0),
  );
  for (const job of jobsByAge) {
    const { namespace, name } = job.metadata ?? {};
    if (!name) continue;
    const owner = job.metadata?.ownerReferences?.find((o) => o.controller && o.kind === 'CronJob');
    const workload = owner
      ? workloadFor({ kind: 'CronJob', namespace, name: owner.name })
      : templated('Job', job.metadata, job.spec?.template?.spec)!;
    workload.spec ??= job.spec?.template?.spec;
    workload.jobs.push(job);
    byJob.set(`${namespace}/${name}`, workload);
  }

  // ReplicaSet `namespace/name` → the workload its pods belong to.
  const byReplicaSet = new Map<string, Workload>();
  const replicaSetsIn = new Map<string, V1ReplicaSet[]>();
  for (const rs of snapshot.replicaSets) {
    const { namespace, name } = rs.metadata ?? {};
    const inNamespace = replicaSetsIn.get(namespace ?? '');
    if (inNamespace) inNamespace.push(rs);
    else replicaSetsIn.set(namespace ?? '', [rs]);
    if (!name) continue;
    const owner = rs.metadata?.ownerReferences?.find((o) => o.controller && o.kind === 'Deployment');
    const ref = owner
      ? { kind: 'Deployment', namespace, name: owner.name }
      : { kind: 'ReplicaSet', namespace, name };
    byReplicaSet.set(`${namespace}/${name}`, workloadFor(ref));
  }

  const podWorkload = new Map<string, Workload>();
  const podsByOwner = new Map<string, V1Pod[]>();
  for (const pod of snapshot.pods) {
    const { namespace, name } = pod.metadata ?? {};
    if (!name) continue;
    const owner = pod.metadata?.ownerReferences?.find((o) => o.controller);
    let workload: Workload;
    if (owner) {
      const ownerKey = `${owner.kind}/${namespace}/${owner.name}`;
      const siblings = podsByOwner.get(ownerKey);
      if (siblings) siblings.push(pod);
      else podsByOwner.set(ownerKey, [pod]);
    }
    if (owner?.kind === 'ReplicaSet') {
      workload =
        byReplicaSet.get(`${namespace}/${owner.name}`) ??
        workloadFor({ kind: 'ReplicaSet', namespace, name: owner.name });
    } else if (owner?.kind === 'Job' && byJob.has(`${namespace}/${owner.name}`)) {
      workload = byJob.get(`${namespace}/${owner.name}`)!;
    } else if (owner) {
      workload = workloadFor({ kind: owner.kind, namespace, name: owner.name });
    } else {
      workload = workloadFor({ kind: 'Pod', namespace, name });
    }
    workload.pods.push(pod);
    workload.spec ??= pod.spec;
    podWorkload.set(`${namespace}/${name}`, workload);
  }

  for (const hpa of snapshot.hpas) {
    const target = hpa.spec?.scaleTargetRef;
    if (!target) continue;
    const workload = workloads.get(
      refKey({ kind: target.kind, namespace: hpa.metadata?.namespace, name: target.name }),
    );
    if (workload) workload.hpa = hpa;
  }

  const events = new Map<string, CoreV1Event[]>();
  for (const event of snapshot.events) {
    const object = event.involvedObject;
    const key = `${object.kind}/${object.namespace ?? event.metadata?.namespace ?? ''}/${object.name}`;
    const list = events.get(key);
    if (list) list.push(event);
    else events.set(key, [event]);
  }

  // A gone pod is found through its name: `<replicaset>-<suffix>`, `<job>-<suffix>` or
  // `<statefulset>-<ordinal>`.
  const byOwnerName = new Map<string, Workload>([...byReplicaSet, ...byJob]);
  for (const workload of workloads.values()) {
    if (workload.ref.kind !== 'Pod' && workload.ref.kind !== 'Deployment') {
      byOwnerName.set(`${workload.ref.namespace}/${workload.ref.name}`, workload);
    }
  }
  const resolveGonePod = (namespace: string, pod: string): Workload | undefined => {
    const owner = stripLastSegment(pod);
    if (!owner) return undefined;
    const found = byOwnerName.get(`${namespace}/${owner}`);
    if (found) return found;
    const deployment = stripLastSegment(owner);
    return deployment
      ? workloads.get(refKey({ kind: 'Deployment', namespace, name: deployment }))
      : undefined;
  };

  let pooled: Map<Workload, Map<string, (readonly UsageSample[])[]>> | undefined;
  const usage = (): Map<Workload, Map<string, (readonly UsageSample[])[]>> => {
    if (pooled) return pooled;
    pooled = new Map();
    for (const [key, samples] of snapshot.usage) {
      const [namespace = '', pod = '', container = ''] = key.split('/');
      const workload = podWorkload.get(`${namespace}/${pod}`) ?? resolveGonePod(namespace, pod);
      if (!workload) continue;
      let containers = pooled.get(workload);
      if (!containers) pooled.set(workload, (containers = new Map()));
      const list = containers.get(container);
      if (list) list.push(samples);
      else containers.set(container, [samples]);
    }
    return pooled;
  };

  let podsByKey: Map<string, V1Pod> | undefined;
  const pods = (): Map<string, V1Pod> => {
    if (podsByKey) return podsByKey;
    podsByKey = new Map();
    for (const pod of snapshot.pods) podsByKey.set(`${pod.metadata?.namespace}/${pod.metadata?.name}`, pod);
    return podsByKey;
  };

  return { workloads, pods, podWorkload, podsByOwner, replicaSetsIn, events, usage };
}
