// The defaults a real API server fills in on every write, so objects read back look as kubectl
// expects and a ReplicaSet's template equals its Deployment's.
import type { KubeObject } from './objects.js';

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
export function defaultIngressClass(ingress: KubeObject, classes: readonly KubeObject[]): void {
  if (ingress.spec?.ingressClassName || ingress.metadata.annotations?.['kubernetes.io/ingress.class']) return;
  const defaults = classes
    .filter((c) => c.metadata.annotations?.[DEFAULT_INGRESS_CLASS] === 'true')
    .sort((a, b) => String(b.metadata.creationTimestamp).localeCompare(String(a.metadata.creationTimestamp)));
  if (defaults[0]) (ingress.spec ??= {}).ingressClassName = defaults[0].metadata.name;
}

export function applyDefaults(obj: KubeObject): void {
  switch (obj.kind) {
    case 'Pod':
      defaultPodSpec(obj.spec);
      obj.status ??= { phase: 'Pending', qosClass: 'Burstable' };
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
    case 'Secret':
      obj.type ??= 'Opaque';
      break;
  }
}
