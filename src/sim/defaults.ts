// The defaults a real API server fills in on every write, so objects read back look as kubectl
// expects and a ReplicaSet's template equals its Deployment's.
import type { KubeObject } from './objects.js';
import { K } from './resources.js';
import { defaultStorageClass } from './storage.js';
import type { ObjectStore } from './store.js';

type Spec = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function defaultPodSpec(spec: Spec | undefined): void {
  if (!spec) return;
  spec.restartPolicy ??= 'Always';
  spec.dnsPolicy ??= 'ClusterFirst';
  spec.schedulerName ??= 'default-scheduler';
  spec.terminationGracePeriodSeconds ??= 30;
  spec.securityContext ??= {};
  for (const c of [...(spec.initContainers ?? []), ...(spec.containers ?? [])] as Spec[]) {
    c.terminationMessagePath ??= '/dev/termination-log';
    c.terminationMessagePolicy ??= 'File';
    c.resources ??= {};
    const tag = typeof c.image === 'string' ? imageTag(c.image) : undefined;
    c.imagePullPolicy ??= !tag || tag === 'latest' ? 'Always' : 'IfNotPresent';
    for (const p of (c.ports ?? []) as Spec[]) p.protocol ??= 'TCP';
  }
}

/** The tag of an image reference, undefined when it has none (a digest counts as a tag). */
export function imageTag(image: string): string | undefined {
  if (image.includes('@')) return image.split('@')[1];
  const last = image.split('/').pop() ?? '';
  const colon = last.indexOf(':');
  return colon >= 0 ? last.slice(colon + 1) : undefined;
}

/**
 * DefaultTolerationSeconds admission: a pod that does not tolerate the node controller's
 * NoExecute taints tolerates them for 300 s, so it outlives a short node outage.
 */
function defaultTolerations(spec: Spec | undefined): void {
  if (!spec) return;
  const tolerations = (spec.tolerations ?? []) as Spec[];
  const added = ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable']
    .filter(
      (key) => !tolerations.some((t) => (!t.key || t.key === key) && (!t.effect || t.effect === 'NoExecute')),
    )
    .map((key) => ({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }));
  if (added.length > 0) spec.tolerations = [...tolerations, ...added];
}

let nextServiceIp = 1;

/** What the service REST storage allocates and defaults: IPs for all but ExternalName, node ports. */
function defaultService(obj: KubeObject): void {
  const spec = (obj.spec ??= {});
  spec.type ??= 'ClusterIP';
  spec.sessionAffinity ??= 'None';
  if (spec.type !== 'ExternalName') {
    if (spec.clusterIP === undefined) {
      spec.clusterIP = `10.96.${Math.floor(nextServiceIp / 250)}.${(nextServiceIp % 250) + 1}`;
      nextServiceIp++;
    }
    spec.clusterIPs ??= [spec.clusterIP];
    spec.ipFamilies ??= ['IPv4'];
    spec.ipFamilyPolicy ??= 'SingleStack';
    spec.internalTrafficPolicy ??= 'Cluster';
  }
  const external = spec.type === 'NodePort' || spec.type === 'LoadBalancer';
  if (external) spec.externalTrafficPolicy ??= 'Cluster';
  if (spec.type === 'LoadBalancer') spec.allocateLoadBalancerNodePorts ??= true;
  for (const p of (spec.ports ?? []) as Spec[]) {
    p.protocol ??= 'TCP';
    p.targetPort ??= p.port;
    // The default --service-node-port-range, 30000-32767.
    if (external) p.nodePort ??= 30000 + Math.floor(Math.random() * 2768);
  }
  obj.status ??= { loadBalancer: {} };
}

const DEFAULT_INGRESS_CLASS = 'ingressclass.kubernetes.io/is-default-class';

/**
 * The DefaultIngressClass admission plugin: an Ingress created without a class (and without the
 * old `kubernetes.io/ingress.class` annotation) gets the default IngressClass, the newest one
 * when several are marked default.
 */
function defaultIngressClass(ingress: KubeObject, classes: readonly KubeObject[]): void {
  if (ingress.spec?.ingressClassName || ingress.metadata.annotations?.['kubernetes.io/ingress.class']) return;
  const defaults = classes
    .filter((c) => c.metadata.annotations?.[DEFAULT_INGRESS_CLASS] === 'true')
    .sort((a, b) => String(b.metadata.creationTimestamp).localeCompare(String(a.metadata.creationTimestamp)));
  if (defaults[0]) (ingress.spec ??= {}).ingressClassName = defaults[0].metadata.name;
}

/**
 * Fills what the API server defaults. With `store` (object creation through the API), also what
 * admission plugins add from other objects: the default StorageClass of a claim that names none,
 * the default IngressClass of an Ingress that names none.
 */
export function applyDefaults(obj: KubeObject, store?: ObjectStore): void {
  switch (obj.kind) {
    case 'Pod':
      defaultPodSpec(obj.spec);
      defaultTolerations(obj.spec);
      obj.status ??= { phase: 'Pending', qosClass: 'Burstable' };
      break;
    case 'PersistentVolumeClaim': {
      const spec = (obj.spec ??= {});
      spec.volumeMode ??= 'Filesystem';
      if (store && spec.storageClassName === undefined) {
        const fallback = defaultStorageClass(store.peek(K.storageclasses));
        if (fallback) spec.storageClassName = fallback.metadata.name;
      }
      obj.status ??= { phase: 'Pending' };
      break;
    }
    case 'PersistentVolume': {
      const spec = (obj.spec ??= {});
      spec.persistentVolumeReclaimPolicy ??= 'Retain';
      spec.volumeMode ??= 'Filesystem';
      if (spec.hostPath) spec.hostPath.type ??= '';
      obj.status ??= { phase: 'Pending' };
      break;
    }
    case 'StorageClass':
      obj.reclaimPolicy ??= 'Delete';
      obj.volumeBindingMode ??= 'Immediate';
      break;
    case 'Deployment': {
      const spec = (obj.spec ??= {});
      spec.replicas ??= 1;
      spec.revisionHistoryLimit ??= 10;
      spec.progressDeadlineSeconds ??= 600;
      spec.strategy ??= { type: 'RollingUpdate' };
      if (spec.strategy.type === 'RollingUpdate') {
        spec.strategy.rollingUpdate = {
          maxSurge: '25%',
          maxUnavailable: '25%',
          ...spec.strategy.rollingUpdate,
        };
      }
      defaultPodSpec(spec.template?.spec);
      break;
    }
    case 'ReplicaSet':
      obj.spec ??= {};
      obj.spec.replicas ??= 1;
      defaultPodSpec(obj.spec.template?.spec);
      break;
    case 'Service':
      defaultService(obj);
      break;
    case 'Ingress':
      if (store) defaultIngressClass(obj, store.peek(K.ingressclasses));
      break;
    case 'Secret':
      obj.type ??= 'Opaque';
      break;
    case 'StatefulSet': {
      const spec = (obj.spec ??= {});
      spec.replicas ??= 1;
      spec.podManagementPolicy ??= 'OrderedReady';
      spec.updateStrategy ??= { type: 'RollingUpdate' };
      if (spec.updateStrategy.type === 'RollingUpdate')
        spec.updateStrategy.rollingUpdate = { partition: 0, ...spec.updateStrategy.rollingUpdate };
      spec.revisionHistoryLimit ??= 10;
      spec.persistentVolumeClaimRetentionPolicy = {
        whenDeleted: 'Retain',
        whenScaled: 'Retain',
        ...spec.persistentVolumeClaimRetentionPolicy,
      };
      for (const claim of (spec.volumeClaimTemplates ?? []) as Spec[]) {
        claim.apiVersion ??= 'v1';
        claim.kind ??= 'PersistentVolumeClaim';
        claim.spec = { volumeMode: 'Filesystem', ...claim.spec };
      }
      defaultPodSpec(spec.template?.spec);
      break;
    }
    case 'DaemonSet': {
      const spec = (obj.spec ??= {});
      spec.updateStrategy ??= { type: 'RollingUpdate' };
      if (spec.updateStrategy.type === 'RollingUpdate')
        spec.updateStrategy.rollingUpdate = {
          maxUnavailable: 1,
          maxSurge: 0,
          ...spec.updateStrategy.rollingUpdate,
        };
      spec.revisionHistoryLimit ??= 10;
      defaultPodSpec(spec.template?.spec);
      break;
    }
    case 'Job': {
      const spec = (obj.spec ??= {});
      if (spec.completions === undefined && spec.parallelism === undefined) spec.completions = 1;
      spec.parallelism ??= 1;
      spec.backoffLimit ??= 6;
      spec.completionMode ??= 'NonIndexed';
      spec.suspend ??= false;
      if (!spec.podFailurePolicy) spec.podReplacementPolicy ??= 'TerminatingOrFailed';
      defaultPodSpec(spec.template?.spec);
      break;
    }
    case 'CronJob': {
      const spec = (obj.spec ??= {});
      spec.concurrencyPolicy ??= 'Allow';
      spec.suspend ??= false;
      spec.successfulJobsHistoryLimit ??= 3;
      spec.failedJobsHistoryLimit ??= 1;
      defaultPodSpec(spec.jobTemplate?.spec?.template?.spec);
      break;
    }
  }
}
