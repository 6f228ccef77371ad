// Scenarios: what the simulated cluster holds when it starts. `todo` is the demo platform
// (Next.js frontend, FastAPI backend, a Postgres StatefulSet, an nginx Ingress) installed as the
// Helm chart would install it, with one backend pod that starts crash-looping by itself;
// `large:N` is N running pods for benchmarks.
import type { SimContext } from './context.js';
import { applyDefaults } from './defaults.js';
import type { KubeObject } from './objects.js';
import { K } from './resources.js';
import { minikubeStorageClass } from './storage.js';
import { ANNOTATION } from './usage.js';

function put(ctx: SimContext, key: string, obj: KubeObject): KubeObject {
  applyDefaults(obj);
  return ctx.store.create(key, obj);
}

function namespace(ctx: SimContext, name: string): void {
  put(ctx, K.namespaces, {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name, labels: { 'kubernetes.io/metadata.name': name } },
    status: { phase: 'Active' },
  });
}

function node(ctx: SimContext, name: string, cpu: string, memory: string, pods = 110): void {
  const now = ctx.clock.nowISO();
  put(ctx, K.nodes, {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      labels: {
        'kubernetes.io/hostname': name,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        ...(name === 'minikube' ? { 'node-role.kubernetes.io/control-plane': '' } : {}),
      },
    },
    spec: { podCIDR: '10.244.0.0/24' },
    status: {
      capacity: { cpu, memory, pods: String(pods), 'ephemeral-storage': '102626232Ki' },
      allocatable: { cpu, memory, pods: String(pods), 'ephemeral-storage': '102626232Ki' },
      conditions: [
        {
          type: 'MemoryPressure',
          status: 'False',
          reason: 'KubeletHasSufficientMemory',
          lastHeartbeatTime: now,
          lastTransitionTime: now,
        },
        {
          type: 'DiskPressure',
          status: 'False',
          reason: 'KubeletHasNoDiskPressure',
          lastHeartbeatTime: now,
          lastTransitionTime: now,
        },
        {
          type: 'PIDPressure',
          status: 'False',
          reason: 'KubeletHasSufficientPID',
          lastHeartbeatTime: now,
          lastTransitionTime: now,
        },
        {
          type: 'Ready',
          status: 'True',
          reason: 'KubeletReady',
          message: 'kubelet is posting ready status',
          lastHeartbeatTime: now,
          lastTransitionTime: now,
        },
      ],
      addresses: [
        { type: 'InternalIP', address: '192.168.49.2' },
        { type: 'Hostname', address: name },
      ],
      nodeInfo: {
        kubeletVersion: 'v1.34.0',
        kubeProxyVersion: 'v1.34.0',
        containerRuntimeVersion: 'containerd://1.7.27',
        osImage: 'Ubuntu 22.04.5 LTS',
        kernelVersion: '6.8.0-aiops-sim',
        operatingSystem: 'linux',
        architecture: 'amd64',
      },
    },
  });
}

interface AppSpec {
  name: string;
  image: string;
  port: number;
  replicas: number;
  requests: Record<string, string>;
  limits: Record<string, string>;
  annotations?: Record<string, string>;
  env?: { name: string; value?: string; valueFrom?: unknown }[];
}

/** Labels the Helm chart puts on the app's objects (helm/todo-chart). */
function appLabels(component: string): Record<string, string> {
  return {
    'app.kubernetes.io/name': 'todo',
    'app.kubernetes.io/instance': 'todo',
    'app.kubernetes.io/component': component,
    app: component,
  };
}

function app(ctx: SimContext, ns: string, spec: AppSpec): void {
  const selector = { 'app.kubernetes.io/instance': 'todo', app: spec.name };
  const probe = (path: string, initialDelaySeconds: number) => ({
    httpGet: { path, port: 'http', scheme: 'HTTP' },
    initialDelaySeconds,
    periodSeconds: 10,
    timeoutSeconds: 1,
    successThreshold: 1,
    failureThreshold: 3,
  });
  put(ctx, K.deployments, {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: spec.name,
      namespace: ns,
      labels: { ...appLabels(spec.name), 'app.kubernetes.io/managed-by': 'Helm' },
      annotations: { 'meta.helm.sh/release-name': 'todo', 'meta.helm.sh/release-namespace': ns },
    },
    spec: {
      replicas: spec.replicas,
      selector: { matchLabels: selector },
      template: {
        metadata: {
          labels: appLabels(spec.name),
          ...(spec.annotations ? { annotations: spec.annotations } : {}),
        },
        spec: {
          serviceAccountName: 'todo',
          securityContext: { runAsNonRoot: true, runAsUser: 10001, fsGroup: 10001 },
          containers: [
            {
              name: spec.name,
              image: spec.image,
              ports: [{ name: 'http', containerPort: spec.port, protocol: 'TCP' }],
              envFrom: [{ configMapRef: { name: 'todo-config' } }],
              ...(spec.env ? { env: spec.env } : {}),
              resources: { requests: spec.requests, limits: spec.limits },
              readinessProbe: probe(spec.name === 'frontend' ? '/' : '/healthz', 5),
              livenessProbe: probe(spec.name === 'frontend' ? '/' : '/healthz', 15),
              securityContext: {
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
                capabilities: { drop: ['ALL'] },
              },
            },
          ],
        },
      },
    },
  });
  put(ctx, K.services, {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: spec.name, namespace: ns, labels: appLabels(spec.name) },
    spec: {
      type: 'ClusterIP',
      selector,
      ports: [{ name: 'http', port: spec.port, targetPort: 'http', protocol: 'TCP' }],
    },
  });
}

/** What minikube installs: the hostpath provisioner's default class and the ingress addon's class. */
function clusterAddons(ctx: SimContext): void {
  put(ctx, K.storageclasses, minikubeStorageClass());
  put(ctx, K.ingressclasses, {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'IngressClass',
    metadata: {
      name: 'nginx',
      labels: {
        'app.kubernetes.io/name': 'ingress-nginx',
        'app.kubernetes.io/instance': 'ingress-nginx',
        'app.kubernetes.io/component': 'controller',
      },
      annotations: { 'ingressclass.kubernetes.io/is-default-class': 'true' },
    },
    spec: { controller: 'k8s.io/ingress-nginx' },
  });
}

/** The app's database: one Postgres pod with a 1Gi claim on the default class, behind a headless Service. */
function postgres(ctx: SimContext, ns: string): void {
  const selector = { 'app.kubernetes.io/instance': 'todo', app: 'postgres' };
  put(ctx, K.secrets, {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'postgres', namespace: ns, labels: appLabels('postgres') },
    type: 'Opaque',
    data: { POSTGRES_PASSWORD: Buffer.from('change-me').toString('base64') },
  });
  put(ctx, K.services, {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'postgres', namespace: ns, labels: appLabels('postgres') },
    spec: {
      clusterIP: 'None',
      selector,
      ports: [{ name: 'postgres', port: 5432, targetPort: 'postgres', protocol: 'TCP' }],
    },
  });
  put(ctx, K.statefulsets, {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: {
      name: 'postgres',
      namespace: ns,
      labels: { ...appLabels('postgres'), 'app.kubernetes.io/managed-by': 'Helm' },
      annotations: { 'meta.helm.sh/release-name': 'todo', 'meta.helm.sh/release-namespace': ns },
    },
    spec: {
      replicas: 1,
      serviceName: 'postgres',
      selector: { matchLabels: selector },
      template: {
        metadata: { labels: appLabels('postgres') },
        spec: {
          serviceAccountName: 'todo',
          securityContext: { fsGroup: 999 },
          containers: [
            {
              name: 'postgres',
              image: 'postgres:16',
              ports: [{ name: 'postgres', containerPort: 5432, protocol: 'TCP' }],
              env: [
                { name: 'POSTGRES_DB', value: 'todo' },
                { name: 'POSTGRES_USER', value: 'todo' },
                {
                  name: 'POSTGRES_PASSWORD',
                  valueFrom: { secretKeyRef: { name: 'postgres', key: 'POSTGRES_PASSWORD' } },
                },
                { name: 'PGDATA', value: '/var/lib/postgresql/data/pgdata' },
              ],
              resources: {
                requests: { cpu: '250m', memory: '256Mi' },
                limits: { cpu: '1', memory: '1Gi' },
              },
              // The chart's probe (helm/todo-chart values.yaml): the simulator passes exec probes.
              readinessProbe: {
                exec: {
                  command: [
                    'sh',
                    '-c',
                    'exec pg_isready --host=127.0.0.1 --username="$POSTGRES_USER" --dbname="$POSTGRES_DB"',
                  ],
                },
                initialDelaySeconds: 5,
                periodSeconds: 10,
                timeoutSeconds: 5,
                successThreshold: 1,
                failureThreshold: 3,
              },
              volumeMounts: [{ name: 'data', mountPath: '/var/lib/postgresql/data' }],
            },
          ],
        },
      },
      volumeClaimTemplates: [
        {
          metadata: { name: 'data' },
          spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
        },
      ],
    },
  });
}

/** The Ingress the chart puts in front of the app: `/` to the frontend, `/api` to the backend. */
function ingress(ctx: SimContext, ns: string): void {
  const path = (prefix: string, service: string, port: number) => ({
    path: prefix,
    pathType: 'Prefix',
    backend: { service: { name: service, port: { number: port } } },
  });
  put(ctx, K.ingresses, {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name: 'todo', namespace: ns, labels: appLabels('ingress') },
    spec: {
      ingressClassName: 'nginx',
      rules: [{ http: { paths: [path('/api', 'backend', 8000), path('/', 'frontend', 3000)] } }],
    },
    status: { loadBalancer: { ingress: [{ ip: '192.168.49.2' }] } },
  });
}

function todo(ctx: SimContext): void {
  for (const ns of ['default', 'kube-system', 'todo']) namespace(ctx, ns);
  node(ctx, 'minikube', '4', '8030592Ki');
  clusterAddons(ctx);
  const ns = 'todo';
  put(ctx, K.serviceaccounts, {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name: 'todo', namespace: ns, labels: appLabels('todo') },
  });
  put(ctx, K.configmaps, {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'todo-config', namespace: ns, labels: appLabels('config') },
    data: { API_BASE_URL: 'http://backend:8000', LOG_LEVEL: 'info', CHAT_MODEL: 'gpt-4o-mini' },
  });
  put(ctx, K.secrets, {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'todo-backend', namespace: ns, labels: appLabels('backend') },
    type: 'Opaque',
    data: { DATABASE_URL: Buffer.from('postgresql://todo:change-me@postgres:5432/todo').toString('base64') },
  });
  app(ctx, ns, {
    name: 'frontend',
    image: 'ghcr.io/example/todo-frontend:1.4.2',
    port: 3000,
    replicas: 1,
    requests: { cpu: '100m', memory: '128Mi' },
    limits: { cpu: '500m', memory: '512Mi' },
    // Over-provisioned: uses a fraction of what it asks for, so right-sizing has advice.
    annotations: { [ANNOTATION.usage]: 'diurnal', [ANNOTATION.cpu]: '12m', [ANNOTATION.memory]: '70Mi' },
  });
  app(ctx, ns, {
    name: 'backend',
    image: 'ghcr.io/example/todo-backend:2.3.0',
    port: 8000,
    replicas: 2,
    requests: { cpu: '250m', memory: '256Mi' },
    limits: { cpu: '1', memory: '512Mi' },
    // One backend pod loses its database connection 40 simulated seconds in and crash-loops;
    // the backend also leaks memory slowly.
    annotations: {
      [ANNOTATION.crashOneAfter]: '40s',
      [ANNOTATION.usage]: 'leak',
      [ANNOTATION.cpu]: '180m',
      [ANNOTATION.memory]: '160Mi',
      [ANNOTATION.leakPerHour]: '48Mi',
    },
    env: [
      { name: 'DATABASE_URL', valueFrom: { secretKeyRef: { name: 'todo-backend', key: 'DATABASE_URL' } } },
    ],
  });
  postgres(ctx, ns);
  ingress(ctx, ns);
}

function empty(ctx: SimContext): void {
  for (const ns of ['default', 'kube-system']) namespace(ctx, ns);
  node(ctx, 'minikube', '4', '8030592Ki');
}

/** N running pods across N/100 namespaces, created Running so a benchmark starts at once. */
function large(ctx: SimContext, count: number): void {
  const namespaces = Math.max(1, Math.ceil(count / 100));
  const nodes = Math.max(1, Math.ceil(count / 100));
  namespace(ctx, 'default');
  namespace(ctx, 'kube-system');
  for (let i = 0; i < namespaces; i++) namespace(ctx, `load-${String(i).padStart(3, '0')}`);
  for (let i = 0; i < nodes; i++) node(ctx, `node-${String(i).padStart(3, '0')}`, '32', '128Gi', 110);
  const startTime = ctx.clock.nowISO();
  for (let i = 0; i < count; i++) {
    const ns = `load-${String(Math.floor(i / 100)).padStart(3, '0')}`;
    const name = `pod-${String(i).padStart(5, '0')}`;
    ctx.store.create(K.pods, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace: ns, labels: { app: `app-${i % 10}` } },
      spec: {
        nodeName: `node-${String(i % nodes).padStart(3, '0')}`,
        containers: [
          {
            name: 'app',
            image: 'registry.k8s.io/pause:3.10',
            resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '200m', memory: '256Mi' } },
          },
        ],
      },
      status: {
        phase: 'Running',
        startTime,
        podIP: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
        conditions: [
          { type: 'Ready', status: 'True', lastProbeTime: null, lastTransitionTime: startTime },
          { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: startTime },
        ],
        containerStatuses: [
          {
            name: 'app',
            image: 'registry.k8s.io/pause:3.10',
            ready: true,
            started: true,
            restartCount: 0,
            state: { running: { startedAt: startTime } },
          },
        ],
      },
    });
  }
}

/** Populates the store for a scenario spec: `todo`, `empty` or `large:N`. */
export function loadScenario(ctx: SimContext, spec: string): void {
  if (spec === 'todo') return todo(ctx);
  if (spec === 'empty') return empty(ctx);
  const m = /^large:(\d+)$/.exec(spec);
  if (m && Number(m[1]) > 0 && Number(m[1]) <= 100_000) return large(ctx, Number(m[1]));
  throw new Error(`unknown scenario "${spec}" (expected todo, empty or large:N with 0 < N ≤ 100000)`);
}
