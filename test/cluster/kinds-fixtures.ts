// One object of every kind the analyzers read beyond the core ones, for the data-path tests
// (`analyze`'s fetchSnapshot and the cockpit's watches), created over the API.
import { KubernetesObjectApi, type KubeConfig, type KubernetesObject } from '@kubernetes/client-node';

/** Values no key, name or label contains: none of them may reach a snapshot. */
export const SECRET_VALUES = ['pa55-w0rd-never-shown', 'cm-value-never-shown', 'last-applied-never-shown'];
export const b64 = (s: string): string => Buffer.from(s).toString('base64');

const template = (app: string) => ({
  metadata: { labels: { app } },
  spec: { containers: [{ name: 'app', image: 'nginx:1.27' }] },
});

/** Each with the snapshot field it must appear in. */
export function oneOfEachKind(ns: string): [field: string, object: KubernetesObject][] {
  return [
    [
      'secrets',
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: {
          name: 'db-credentials',
          namespace: ns,
          annotations: {
            'kubectl.kubernetes.io/last-applied-configuration': JSON.stringify({
              kind: 'Secret',
              stringData: { token: SECRET_VALUES[2] },
            }),
          },
        },
        data: { password: b64(SECRET_VALUES[0]!) },
        stringData: { token: SECRET_VALUES[2] },
      } as KubernetesObject,
    ],
    [
      'configMaps',
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'app-settings', namespace: ns },
        data: { GREETING: SECRET_VALUES[1] },
        binaryData: { 'blob.bin': b64(SECRET_VALUES[1]!) },
      } as KubernetesObject,
    ],
    [
      'endpointSlices',
      {
        apiVersion: 'discovery.k8s.io/v1',
        kind: 'EndpointSlice',
        metadata: { name: 'web-abcde', namespace: ns, labels: { 'kubernetes.io/service-name': 'web' } },
        addressType: 'IPv4',
        endpoints: [],
        ports: [{ name: 'http', port: 80, protocol: 'TCP' }],
      } as KubernetesObject,
    ],
    [
      'persistentVolumeClaims',
      {
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: { name: 'data', namespace: ns },
        spec: {
          accessModes: ['ReadWriteOnce'],
          resources: { requests: { storage: '1Gi' } },
          storageClassName: 'fast',
        },
      } as KubernetesObject,
    ],
    [
      'persistentVolumes',
      {
        apiVersion: 'v1',
        kind: 'PersistentVolume',
        metadata: { name: 'pv-data' },
        spec: {
          capacity: { storage: '1Gi' },
          accessModes: ['ReadWriteOnce'],
          hostPath: { path: '/data/pv' },
        },
      } as KubernetesObject,
    ],
    [
      'storageClasses',
      {
        apiVersion: 'storage.k8s.io/v1',
        kind: 'StorageClass',
        metadata: { name: 'fast' },
        provisioner: 'k8s.io/minikube-hostpath',
      } as KubernetesObject,
    ],
    [
      'statefulSets',
      {
        apiVersion: 'apps/v1',
        kind: 'StatefulSet',
        metadata: { name: 'db', namespace: ns },
        spec: {
          serviceName: 'db',
          replicas: 0,
          selector: { matchLabels: { app: 'db' } },
          template: template('db'),
        },
      } as KubernetesObject,
    ],
    [
      'daemonSets',
      {
        apiVersion: 'apps/v1',
        kind: 'DaemonSet',
        metadata: { name: 'agent', namespace: ns },
        spec: {
          selector: { matchLabels: { app: 'agent' } },
          template: {
            ...template('agent'),
            spec: { ...template('agent').spec, nodeSelector: { none: 'none' } },
          },
        },
      } as KubernetesObject,
    ],
    [
      'jobs',
      {
        apiVersion: 'batch/v1',
        kind: 'Job',
        metadata: { name: 'migrate', namespace: ns },
        spec: {
          suspend: true,
          template: { ...template('migrate'), spec: { ...template('migrate').spec, restartPolicy: 'Never' } },
        },
      } as KubernetesObject,
    ],
    [
      'cronJobs',
      {
        apiVersion: 'batch/v1',
        kind: 'CronJob',
        metadata: { name: 'nightly', namespace: ns },
        spec: {
          schedule: '0 3 * * *',
          suspend: true,
          jobTemplate: {
            spec: {
              template: {
                ...template('nightly'),
                spec: { ...template('nightly').spec, restartPolicy: 'Never' },
              },
            },
          },
        },
      } as KubernetesObject,
    ],
    [
      'ingresses',
      {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'Ingress',
        metadata: { name: 'web', namespace: ns },
        spec: {
          ingressClassName: 'nginx',
          rules: [
            {
              host: 'todo.example',
              http: {
                paths: [
                  {
                    path: '/',
                    pathType: 'Prefix',
                    backend: { service: { name: 'web', port: { number: 80 } } },
                  },
                ],
              },
            },
          ],
        },
      } as KubernetesObject,
    ],
    [
      'ingressClasses',
      {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'IngressClass',
        // A second class: the todo scenario already has minikube's ingress addon class `nginx`.
        metadata: { name: 'traefik' },
        spec: { controller: 'traefik.io/ingress-controller' },
      } as KubernetesObject,
    ],
    [
      'podDisruptionBudgets',
      {
        apiVersion: 'policy/v1',
        kind: 'PodDisruptionBudget',
        metadata: { name: 'web', namespace: ns },
        spec: { minAvailable: 1, selector: { matchLabels: { app: 'web' } } },
      } as KubernetesObject,
    ],
    [
      'hpas',
      {
        apiVersion: 'autoscaling/v2',
        kind: 'HorizontalPodAutoscaler',
        metadata: { name: 'web', namespace: ns },
        spec: {
          scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
          minReplicas: 1,
          maxReplicas: 3,
          metrics: [
            {
              type: 'Resource',
              resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } },
            },
          ],
        },
      } as KubernetesObject,
    ],
  ];
}

export async function createAll(kc: KubeConfig, objects: KubernetesObject[]): Promise<void> {
  const client = KubernetesObjectApi.makeApiClient(kc);
  for (const object of objects) await client.create(object);
}
