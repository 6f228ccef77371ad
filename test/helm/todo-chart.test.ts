// helm/todo-chart, judged by the real helm 4 and kubectl 1.34 from .tools/bin: lint, rendered
// objects, the rendered manifest applied to the simulator and read back, the same objects as the
// simulator's `todo` scenario, and a helm release installed, upgraded, rolled back and
// uninstalled against the simulator (helm keeps its releases in Secrets there).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { startSimulator, type RunningSim } from '../../src/sim/index.js';
import { minikubeStorageClass } from '../../src/sim/storage.js';

const repoRoot = join(import.meta.dirname, '..', '..');
const chartDir = join(repoRoot, 'helm', 'todo-chart');
const helmPath = join(repoRoot, '.tools', 'bin', 'helm');
const kubectlPath = join(repoRoot, '.tools', 'bin', 'kubectl');

interface Meta {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
interface Probe {
  httpGet?: { path: string; port: string | number; scheme?: string };
  exec?: { command: string[] };
  tcpSocket?: { port: string | number };
  initialDelaySeconds?: number;
  periodSeconds?: number;
  timeoutSeconds?: number;
  successThreshold?: number;
  failureThreshold?: number;
}
interface Container {
  name: string;
  image: string;
  imagePullPolicy?: string;
  ports?: { name?: string; containerPort: number; protocol?: string }[];
  envFrom?: { configMapRef?: { name: string } }[];
  env?: { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }[];
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  readinessProbe?: Probe;
  livenessProbe?: Probe;
  securityContext?: {
    allowPrivilegeEscalation?: boolean;
    readOnlyRootFilesystem?: boolean;
    capabilities?: { drop?: string[] };
  };
  volumeMounts?: { name: string; mountPath: string }[];
}
interface PodSpec {
  serviceAccountName?: string;
  securityContext?: { runAsNonRoot?: boolean; runAsUser?: number; fsGroup?: number };
  containers: Container[];
  volumes?: { name: string; emptyDir?: Record<string, unknown>; persistentVolumeClaim?: { claimName: string } }[];
  nodeName?: string;
}
interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: Meta;
  type?: string;
  data?: Record<string, string>;
}
interface Deployment extends KubeObject {
  spec: {
    replicas?: number;
    selector: { matchLabels: Record<string, string> };
    strategy?: unknown;
    template: { metadata: { labels: Record<string, string>; annotations?: Record<string, string> }; spec: PodSpec };
  };
  status?: { replicas?: number; readyReplicas?: number; updatedReplicas?: number };
}
interface Service extends KubeObject {
  spec: {
    type?: string;
    selector: Record<string, string>;
    ports: { name?: string; port: number; targetPort?: string | number; protocol?: string }[];
    clusterIP?: string;
    clusterIPs?: string[];
  };
}
interface Hpa extends KubeObject {
  spec: {
    scaleTargetRef: { apiVersion: string; kind: string; name: string };
    minReplicas?: number;
    maxReplicas: number;
    metrics?: {
      type: string;
      resource?: { name: string; target: { type: string; averageUtilization?: number } };
    }[];
  };
}
interface Pod extends KubeObject {
  spec: PodSpec;
  status?: { phase?: string; podIP?: string; conditions?: { type: string; status: string }[] };
}
interface ClaimSpec {
  accessModes?: string[];
  storageClassName?: string;
  volumeName?: string;
  resources?: { requests?: Record<string, string> };
}
interface StatefulSet extends KubeObject {
  spec: {
    replicas?: number;
    serviceName?: string;
    selector: { matchLabels: Record<string, string> };
    template: { metadata: { labels: Record<string, string> }; spec: PodSpec };
    volumeClaimTemplates?: { metadata: { name: string }; spec: ClaimSpec }[];
  };
  status?: { readyReplicas?: number };
}
interface Claim extends KubeObject {
  spec: ClaimSpec;
  status?: { phase?: string };
}
interface IngressPath {
  path: string;
  pathType: string;
  backend: { service: { name: string; port: { number?: number; name?: string } } };
}
interface Ingress extends KubeObject {
  spec: {
    ingressClassName?: string;
    tls?: unknown[];
    rules: { host?: string; http: { paths: IngressPath[] } }[];
  };
}
interface Endpoints extends KubeObject {
  subsets?: { addresses?: { ip: string; hostname?: string }[]; ports?: { name?: string; port: number }[] }[];
}

// helm and kubectl keep their caches and config in a scratch directory, not in $HOME.
const toolHome = mkdtempSync(join(tmpdir(), 'aiops-helm-test-'));
const toolEnv = {
  HELM_CONFIG_HOME: join(toolHome, 'helm-config'),
  HELM_CACHE_HOME: join(toolHome, 'helm-cache'),
  HELM_DATA_HOME: join(toolHome, 'helm-data'),
  KUBECACHEDIR: join(toolHome, 'kube-cache'),
};
afterAll(() => rmSync(toolHome, { recursive: true, force: true }));

const helm = (args: string[]) => execa(helmPath, args, { reject: false, env: toolEnv });

async function helmOk(args: string[]): Promise<string> {
  const result = await helm(args);
  expect(result.exitCode, `helm ${args.join(' ')}\n${result.stderr}`).toBe(0);
  return result.stdout;
}

/** `helm template todo helm/todo-chart -n todo [args]`, parsed into objects. */
async function render(...args: string[]): Promise<KubeObject[]> {
  return parseManifest(await helmOk(['template', 'todo', chartDir, '--namespace', 'todo', ...args]));
}

function parseManifest(manifest: string): KubeObject[] {
  const objects: KubeObject[] = [];
  for (const doc of parseAllDocuments(manifest)) {
    expect(doc.errors, 'rendered YAML parses').toEqual([]);
    const value: unknown = doc.toJS();
    if (value !== null && value !== undefined) objects.push(value as KubeObject);
  }
  return objects;
}

function find<T extends KubeObject>(objects: KubeObject[], kind: string, name: string): T {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) {
    const have = objects.map((o) => `${o.kind}/${o.metadata.name}`).join(', ');
    throw new Error(`no ${kind}/${name} among ${have}`);
  }
  return found as T;
}

const ids = (objects: KubeObject[]) => objects.map((o) => `${o.kind}/${o.metadata.name}`).sort();
const container = (d: Deployment): Container => {
  expect(d.spec.template.spec.containers).toHaveLength(1);
  return d.spec.template.spec.containers[0]!;
};

/** What the chart's defaults must give each component (and what the `todo` scenario runs). */
const COMPONENTS = {
  frontend: {
    replicas: 1,
    image: 'ghcr.io/example/todo-frontend:1.4.2',
    port: 3000,
    probePath: '/',
    resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '512Mi' } },
  },
  backend: {
    replicas: 2,
    image: 'ghcr.io/example/todo-backend:2.3.0',
    port: 8000,
    probePath: '/healthz',
    resources: { requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '1', memory: '512Mi' } },
  },
} as const;
type ComponentName = keyof typeof COMPONENTS;
const componentNames = Object.keys(COMPONENTS) as ComponentName[];

/** Asserts the chart's default spec of one component's Deployment (rendered or read back). */
function expectComponentDeployment(d: Deployment, name: ComponentName): void {
  const want = COMPONENTS[name];
  expect(d.metadata.namespace).toBe('todo');
  expect(d.metadata.labels).toMatchObject({
    'app.kubernetes.io/name': 'todo',
    'app.kubernetes.io/instance': 'todo',
    'app.kubernetes.io/component': name,
    'app.kubernetes.io/managed-by': 'Helm',
    app: name,
  });
  expect(d.spec.replicas).toBe(want.replicas);
  expect(d.spec.selector.matchLabels).toEqual({ 'app.kubernetes.io/instance': 'todo', app: name });
  expect(d.spec.template.metadata.labels).toMatchObject(d.spec.selector.matchLabels);
  const pod = d.spec.template.spec;
  expect(pod.serviceAccountName).toBe('todo');
  expect(pod.securityContext).toEqual({ runAsNonRoot: true, runAsUser: 10001, fsGroup: 10001 });
  const c = container(d);
  expect(c.name).toBe(name);
  expect(c.image).toBe(want.image);
  expect(c.imagePullPolicy).toBe('IfNotPresent');
  expect(c.ports).toEqual([{ name: 'http', containerPort: want.port, protocol: 'TCP' }]);
  expect(c.envFrom).toEqual([{ configMapRef: { name: 'todo-config' } }]);
  expect(c.resources).toEqual(want.resources);
  for (const [probe, initialDelaySeconds] of [
    [c.readinessProbe, 5],
    [c.livenessProbe, 15],
  ] as const) {
    expect(probe).toEqual({
      httpGet: { path: want.probePath, port: 'http', scheme: 'HTTP' },
      initialDelaySeconds,
      periodSeconds: 10,
      timeoutSeconds: 1,
      successThreshold: 1,
      failureThreshold: 3,
    });
  }
  expect(c.securityContext).toEqual({
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    capabilities: { drop: ['ALL'] },
  });
  if (name === 'backend') {
    expect(c.env).toEqual([
      { name: 'DATABASE_URL', valueFrom: { secretKeyRef: { name: 'todo-backend', key: 'DATABASE_URL' } } },
    ]);
  } else {
    expect(c.env).toBeUndefined();
  }
}

/** `DATABASE_URL` the chart writes for its own postgres. */
const postgresUrl = (password: string) => `postgresql://todo:${password}@postgres:5432/todo`;
const decoded = (secret: KubeObject, key: string) => Buffer.from(secret.data![key]!, 'base64').toString();

/** Asserts the chart's default postgres StatefulSet (rendered or read back). */
function expectPostgresStatefulSet(sts: StatefulSet): void {
  expect(sts.metadata.labels).toMatchObject({
    'app.kubernetes.io/instance': 'todo',
    'app.kubernetes.io/component': 'postgres',
    'app.kubernetes.io/managed-by': 'Helm',
    app: 'postgres',
  });
  expect(sts.spec.replicas).toBe(1);
  expect(sts.spec.serviceName).toBe('postgres');
  expect(sts.spec.selector.matchLabels).toEqual({ 'app.kubernetes.io/instance': 'todo', app: 'postgres' });
  const pod = sts.spec.template.spec;
  expect(pod.securityContext).toEqual({ fsGroup: 999 });
  expect(pod.containers).toHaveLength(1);
  const c = pod.containers[0]!;
  expect(c.image).toBe('postgres:16');
  expect(c.ports).toEqual([{ name: 'postgres', containerPort: 5432, protocol: 'TCP' }]);
  expect(c.env).toEqual([
    { name: 'POSTGRES_DB', value: 'todo' },
    { name: 'POSTGRES_USER', value: 'todo' },
    { name: 'POSTGRES_PASSWORD', valueFrom: { secretKeyRef: { name: 'postgres', key: 'POSTGRES_PASSWORD' } } },
    { name: 'PGDATA', value: '/var/lib/postgresql/data/pgdata' },
  ]);
  expect(c.resources).toEqual({ requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '1', memory: '1Gi' } });
  expect(c.readinessProbe?.exec?.command.join(' ')).toMatch(/pg_isready --host=127\.0\.0\.1 /);
  expect(c.livenessProbe).toBeUndefined();
  expect(c.volumeMounts).toEqual([{ name: 'data', mountPath: '/var/lib/postgresql/data' }]);
  expect(sts.spec.volumeClaimTemplates?.map((t) => t.metadata.name)).toEqual(['data']);
  expect(sts.spec.volumeClaimTemplates![0]!.spec).toMatchObject({
    accessModes: ['ReadWriteOnce'],
    resources: { requests: { storage: '1Gi' } },
  });
}

describe('helm/todo-chart rendered by helm', () => {
  it('helm lint --strict passes without warnings: defaults, HPAs on, postgres and ingress off', async () => {
    for (const extra of [
      [],
      ['--set', 'frontend.autoscaling.enabled=true,backend.autoscaling.enabled=true'],
      ['--set', 'postgres.enabled=false,ingress.enabled=false'],
    ]) {
      const out = await helmOk(['lint', chartDir, '--strict', ...extra]);
      expect(out).toContain('1 chart(s) linted, 0 chart(s) failed');
      expect(out).not.toMatch(/\[(WARNING|ERROR)\]/);
    }
  });

  it('the defaults render the todo scenario objects: workloads, services, ingress, configmap, secrets', async () => {
    const objects = await render();
    expect(ids(objects)).toEqual([
      'ConfigMap/todo-config',
      'Deployment/backend',
      'Deployment/frontend',
      'Ingress/todo',
      'Secret/postgres',
      'Secret/todo-backend',
      'Service/backend',
      'Service/frontend',
      'Service/postgres',
      'ServiceAccount/todo',
      'StatefulSet/postgres',
    ]);
    // Every object is namespaced: the StorageClass and IngressClass the scenario also holds are
    // the cluster's (minikube's addons), not the app's.
    for (const o of objects) expect(o.metadata.namespace, `${o.kind}/${o.metadata.name}`).toBe('todo');
    for (const name of componentNames) {
      const d = find<Deployment>(objects, 'Deployment', name);
      expect(d.apiVersion).toBe('apps/v1');
      expectComponentDeployment(d, name);
    }
  });

  it('each service selects its deployment’s pods on the named container port', async () => {
    const objects = await render();
    for (const name of componentNames) {
      const d = find<Deployment>(objects, 'Deployment', name);
      const s = find<Service>(objects, 'Service', name);
      expect(s.spec.type).toBe('ClusterIP');
      expect(s.spec.selector).toEqual(d.spec.selector.matchLabels);
      expect(s.spec.ports).toEqual([
        { name: 'http', port: COMPONENTS[name].port, targetPort: 'http', protocol: 'TCP' },
      ]);
      expect(container(d).ports?.map((p) => p.name)).toContain(s.spec.ports[0]!.targetPort);
    }
  });

  it('postgres: a StatefulSet on a claim of the default class, a headless Service; only when enabled', async () => {
    const objects = await render();
    const sts = find<StatefulSet>(objects, 'StatefulSet', 'postgres');
    expect(sts.apiVersion).toBe('apps/v1');
    expectPostgresStatefulSet(sts);
    // No class named: the cluster's default class provisions it.
    expect(sts.spec.volumeClaimTemplates![0]!.spec.storageClassName).toBeUndefined();
    const svc = find<Service>(objects, 'Service', 'postgres');
    expect(svc.spec.clusterIP).toBe('None');
    expect(svc.spec.selector).toEqual(sts.spec.selector.matchLabels);
    expect(svc.spec.ports).toEqual([{ name: 'postgres', port: 5432, targetPort: 'postgres', protocol: 'TCP' }]);

    const sized = find<StatefulSet>(
      await render('--set', 'postgres.persistence.size=5Gi,postgres.persistence.storageClassName=fast'),
      'StatefulSet',
      'postgres',
    );
    expect(sized.spec.volumeClaimTemplates![0]!.spec).toMatchObject({
      storageClassName: 'fast',
      resources: { requests: { storage: '5Gi' } },
    });

    const without = await render('--set', 'postgres.enabled=false');
    expect(ids(without).filter((id) => id.includes('postgres'))).toEqual([]);
  });

  it('the ingress routes /api to the backend and / to the frontend, class nginx, any host', async () => {
    const route = (path: string, name: string, number: number) => ({
      path,
      pathType: 'Prefix',
      backend: { service: { name, port: { number } } },
    });
    const ingress = find<Ingress>(await render(), 'Ingress', 'todo');
    expect(ingress.apiVersion).toBe('networking.k8s.io/v1');
    expect(ingress.metadata.labels).toMatchObject({ 'app.kubernetes.io/component': 'ingress', app: 'ingress' });
    expect(ingress.spec).toEqual({
      ingressClassName: 'nginx',
      rules: [{ http: { paths: [route('/api', 'backend', 8000), route('/', 'frontend', 3000)] } }],
    });

    const custom = find<Ingress>(
      await render(
        '--set',
        'ingress.host=todo.example.com,ingress.className=,backend.service.port=8080',
        '--set',
        'ingress.tls[0].secretName=todo-tls,ingress.tls[0].hosts[0]=todo.example.com',
      ),
      'Ingress',
      'todo',
    );
    // No class: the cluster's default IngressClass takes it.
    expect(custom.spec).toEqual({
      tls: [{ secretName: 'todo-tls', hosts: ['todo.example.com'] }],
      rules: [
        {
          host: 'todo.example.com',
          http: { paths: [route('/api', 'backend', 8080), route('/', 'frontend', 3000)] },
        },
      ],
    });
    expect((await render('--set', 'ingress.enabled=false')).filter((o) => o.kind === 'Ingress')).toEqual([]);
  });

  it('the configmap carries the API base URL (the backend service) and the log level', async () => {
    const cm = find<KubeObject>(await render(), 'ConfigMap', 'todo-config');
    expect(cm.data).toEqual({
      API_BASE_URL: 'http://backend:8000',
      LOG_LEVEL: 'info',
      CHAT_MODEL: 'gpt-4o-mini',
    });
    const custom = find<KubeObject>(
      await render('--set', 'config.LOG_LEVEL=debug', '--set', 'backend.service.port=8080'),
      'ConfigMap',
      'todo-config',
    );
    expect(custom.data).toMatchObject({ API_BASE_URL: 'http://backend:8080', LOG_LEVEL: 'debug' });
  });

  it('no credential in values: the postgres password is drawn at install, the backend URL built from it', async () => {
    const values = parse(await helmOk(['show', 'values', chartDir])) as {
      backend: { secret: { databaseUrl: string; name: string } };
      postgres: { auth: { password: string } };
    };
    expect(values.backend.secret).toMatchObject({ databaseUrl: '', name: '' });
    expect(values.postgres.auth.password).toBe('');

    const passwords: string[] = [];
    for (const objects of [await render(), await render()]) {
      const postgres = find<KubeObject>(objects, 'Secret', 'postgres');
      expect(postgres.type).toBe('Opaque');
      expect(postgres.metadata.annotations).toEqual({ 'helm.sh/resource-policy': 'keep' });
      expect(Object.keys(postgres.data ?? {})).toEqual(['POSTGRES_PASSWORD']);
      const password = decoded(postgres, 'POSTGRES_PASSWORD');
      expect(password).toMatch(/^[A-Za-z0-9]{24}$/);
      // The backend's URL carries the same password, drawn once per render.
      const backend = find<KubeObject>(objects, 'Secret', 'todo-backend');
      expect(Object.keys(backend.data ?? {})).toEqual(['DATABASE_URL']);
      expect(decoded(backend, 'DATABASE_URL')).toBe(postgresUrl(password));
      passwords.push(password);
    }
    // Drawn, not a constant of the chart (helm template cannot read back a stored one).
    expect(passwords[0]).not.toBe(passwords[1]);

    // A given password is URL-encoded in DATABASE_URL (a space as %20: `+` would be a plus).
    const given = await render('--set', 'postgres.auth.password=a b+c/d@e');
    expect(decoded(find(given, 'Secret', 'postgres'), 'POSTGRES_PASSWORD')).toBe('a b+c/d@e');
    expect(decoded(find(given, 'Secret', 'todo-backend'), 'DATABASE_URL')).toBe(
      postgresUrl('a%20b%2Bc%2Fd%40e'),
    );
  });

  it.each([
    {
      set: 'backend.secret.databaseUrl=postgresql://todo:test-only@db.example:5432/todo',
      secrets: ['Secret/postgres', 'Secret/todo-backend'],
      backendUrl: 'postgresql://todo:test-only@db.example:5432/todo',
      envSecret: 'todo-backend',
    },
    {
      set: 'postgres.enabled=false,backend.secret.databaseUrl=postgresql://todo:test-only@db.example:5432/todo',
      secrets: ['Secret/todo-backend'],
      backendUrl: 'postgresql://todo:test-only@db.example:5432/todo',
      envSecret: 'todo-backend',
    },
    // The user's own Secret: the chart writes none for the backend.
    { set: 'backend.secret.name=my-db', secrets: ['Secret/postgres'], envSecret: 'my-db' },
    { set: 'postgres.enabled=false', secrets: [], envSecret: 'todo-backend' },
  ])('backend DATABASE_URL with $set: the chart writes $secrets', async ({ set, secrets, backendUrl, envSecret }) => {
    const objects = await render('--set', set);
    expect(ids(objects).filter((id) => id.startsWith('Secret/'))).toEqual(secrets);
    if (backendUrl) expect(decoded(find(objects, 'Secret', 'todo-backend'), 'DATABASE_URL')).toBe(backendUrl);
    const env = container(find<Deployment>(objects, 'Deployment', 'backend')).env;
    const secretKeyRef = { name: envSecret, key: 'DATABASE_URL' };
    expect(env).toEqual([{ name: 'DATABASE_URL', valueFrom: { secretKeyRef } }]);
  });

  it('--set autoscaling.enabled renders an autoscaling/v2 HPA and leaves replicas to it', async () => {
    const objects = await render(
      '--set',
      'frontend.autoscaling.enabled=true',
      '--set',
      'backend.autoscaling.enabled=true,backend.autoscaling.maxReplicas=8',
      '--set',
      'backend.autoscaling.targetMemoryUtilizationPercentage=80',
    );
    const expected = {
      frontend: { min: 1, max: 4, metrics: [['cpu', 70]] },
      backend: {
        min: 2,
        max: 8,
        metrics: [
          ['cpu', 70],
          ['memory', 80],
        ],
      },
    };
    for (const name of componentNames) {
      const hpa = find<Hpa>(objects, 'HorizontalPodAutoscaler', name);
      expect(hpa.apiVersion).toBe('autoscaling/v2');
      expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name });
      expect(hpa.spec.minReplicas).toBe(expected[name].min);
      expect(hpa.spec.maxReplicas).toBe(expected[name].max);
      expect(hpa.spec.metrics).toEqual(
        expected[name].metrics.map(([resource, averageUtilization]) => ({
          type: 'Resource',
          resource: { name: resource, target: { type: 'Utilization', averageUtilization } },
        })),
      );
      expect(find<Deployment>(objects, 'Deployment', name).spec.replicas).toBeUndefined();
    }

    const one = await render('--set', 'frontend.autoscaling.enabled=true');
    expect(one.filter((o) => o.kind === 'HorizontalPodAutoscaler').map((o) => o.metadata.name)).toEqual([
      'frontend',
    ]);
    expect(find<Deployment>(one, 'Deployment', 'backend').spec.replicas).toBe(2);
  });

  it('writablePaths mount emptyDirs for the read-only root filesystem', async () => {
    const objects = await render('--set', 'frontend.writablePaths={/tmp,/app/.next/cache}');
    const d = find<Deployment>(objects, 'Deployment', 'frontend');
    expect(container(d).volumeMounts).toEqual([
      { name: 'writable-0', mountPath: '/tmp' },
      { name: 'writable-1', mountPath: '/app/.next/cache' },
    ]);
    expect(d.spec.template.spec.volumes).toEqual([
      { name: 'writable-0', emptyDir: {} },
      { name: 'writable-1', emptyDir: {} },
    ]);
    expect(container(d).securityContext?.readOnlyRootFilesystem).toBe(true);
  });

  it('bad values fail with a message naming the value (schema and template checks)', async () => {
    const cases: [string[], RegExp][] = [
      [['--set', 'frontend.replicas=3'], /additional properties 'replicas' not allowed/],
      [['--set', 'backend.autoscaling.maxReplicas=0'], /maxReplicas.*minimum/s],
      [['--set', 'frontend.image.pullPolicy=Sometimes'], /pullPolicy/],
      [['--set', 'postgres.persistence.size=1GB'], /at '\/postgres\/persistence\/size': '1GB' does not match/],
      [['--set', 'postgres.replicas=3'], /additional properties 'replicas' not allowed/],
      [
        ['--set', 'frontend.autoscaling.enabled=true,frontend.autoscaling.minReplicas=5'],
        /frontend\.autoscaling\.minReplicas \(5\) is above maxReplicas \(4\)/,
      ],
      [
        ['--set', 'backend.autoscaling.enabled=true,backend.autoscaling.targetCPUUtilizationPercentage=null'],
        /backend\.autoscaling needs targetCPUUtilizationPercentage or targetMemoryUtilizationPercentage/,
      ],
    ];
    for (const [args, message] of cases) {
      const result = await helm(['template', 'todo', chartDir, '--namespace', 'todo', ...args]);
      expect(result.exitCode, args.join(' ')).not.toBe(0);
      expect(result.stderr).toMatch(message);
    }
  });
});

/** Runs kubectl against a simulator; fails the test on a non-zero exit. */
async function kubectlOk(sim: RunningSim, args: string[], input?: string): Promise<string> {
  const result = await execa(kubectlPath, ['--kubeconfig', sim.kubeconfigPath, ...args], {
    reject: false,
    env: toolEnv,
    ...(input === undefined ? {} : { input }),
  });
  expect(result.exitCode, `kubectl ${args.join(' ')}\n${result.stderr}`).toBe(0);
  return result.stdout;
}

async function getJson<T>(sim: RunningSim, ...args: string[]): Promise<T> {
  return JSON.parse(await kubectlOk(sim, ['get', ...args, '-o', 'json'])) as T;
}
const listItems = async <T>(sim: RunningSim, ...args: string[]): Promise<T[]> =>
  (await getJson<{ items: T[] }>(sim, ...args)).items;

/** What minikube's storage-provisioner addon gives a cluster: the default class `standard`. */
const addDefaultStorageClass = (sim: RunningSim) =>
  kubectlOk(sim, ['create', '-f', '-'], JSON.stringify(minikubeStorageClass()));

/** Waits until postgres is rolled out (its pod Ready) and returns its pod and claim. */
async function readyPostgres(sim: RunningSim): Promise<{ pod: Pod; claim: Claim }> {
  await kubectlOk(sim, ['rollout', 'status', 'statefulset/postgres', '-n', 'todo', '--timeout=60s']);
  return {
    pod: await getJson<Pod>(sim, 'pod', 'postgres-0', '-n', 'todo'),
    claim: await getJson<Claim>(sim, 'pvc', 'data-postgres-0', '-n', 'todo'),
  };
}

/** Asserts the pod Running and Ready on the claim, the claim Bound by the default class. */
function expectPostgresRunning({ pod, claim }: { pod: Pod; claim: Claim }): void {
  expect(pod.status?.phase).toBe('Running');
  expect(pod.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
  expect(pod.spec.volumes).toContainEqual({ name: 'data', persistentVolumeClaim: { claimName: 'data-postgres-0' } });
  expect(claim.status?.phase).toBe('Bound');
  expect(claim.spec).toMatchObject({
    storageClassName: 'standard',
    accessModes: ['ReadWriteOnce'],
    resources: { requests: { storage: '1Gi' } },
  });
  expect(claim.spec.volumeName).toBeTruthy();
}

describe('the rendered chart applied to the simulator with kubectl', () => {
  let sim: RunningSim;
  let scenario: RunningSim | undefined;
  const databaseUrl = 'postgresql://todo:test-only@postgres:5432/todo';
  let applied: string;

  beforeAll(async () => {
    sim = await startSimulator({ port: 0, scenario: 'empty', speed: 20 });
    await addDefaultStorageClass(sim);
    const manifest = await helmOk([
      'template',
      'todo',
      chartDir,
      '--namespace',
      'todo',
      '--set',
      `backend.secret.databaseUrl=${databaseUrl}`,
    ]);
    await kubectlOk(sim, ['create', 'namespace', 'todo']);
    applied = await kubectlOk(sim, ['apply', '-f', '-'], manifest);
  });
  afterAll(async () => {
    await sim?.close();
    await scenario?.close();
  });

  it('kubectl apply creates every object, the server holds the chart’s spec and the pods get ready', async () => {
    expect(applied.split('\n').sort()).toEqual([
      'configmap/todo-config created',
      'deployment.apps/backend created',
      'deployment.apps/frontend created',
      'ingress.networking.k8s.io/todo created',
      'secret/postgres created',
      'secret/todo-backend created',
      'service/backend created',
      'service/frontend created',
      'service/postgres created',
      'serviceaccount/todo created',
      'statefulset.apps/postgres created',
    ]);

    const deployments = await listItems<Deployment>(sim, 'deployments', '-n', 'todo');
    expect(deployments.map((d) => d.metadata.name).sort()).toEqual(['backend', 'frontend']);
    for (const name of componentNames) {
      expectComponentDeployment(find<Deployment>(deployments as KubeObject[], 'Deployment', name), name);
    }
    const services = await listItems<Service>(sim, 'services', '-n', 'todo');
    for (const name of componentNames) {
      const s = find<Service>(services as KubeObject[], 'Service', name);
      expect(s.spec.selector).toEqual({ 'app.kubernetes.io/instance': 'todo', app: name });
      expect(s.spec.ports[0]).toMatchObject({ port: COMPONENTS[name].port, targetPort: 'http' });
    }
    const secret = await getJson<KubeObject>(sim, 'secret', 'todo-backend', '-n', 'todo');
    expect(Buffer.from(secret.data!.DATABASE_URL!, 'base64').toString()).toBe(databaseUrl);

    for (const name of componentNames) {
      await kubectlOk(sim, ['rollout', 'status', `deployment/${name}`, '-n', 'todo', '--timeout=60s']);
      const pods = await listItems<Pod>(sim, 'pods', '-n', 'todo', '-l', `app.kubernetes.io/instance=todo,app=${name}`);
      expect(pods).toHaveLength(COMPONENTS[name].replicas);
      for (const pod of pods) {
        expect(pod.status?.phase).toBe('Running');
        expect(pod.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
        expect(pod.spec.containers[0]?.resources).toEqual(COMPONENTS[name].resources);
      }
    }

    expectPostgresStatefulSet(await getJson<StatefulSet>(sim, 'statefulset', 'postgres', '-n', 'todo'));
    const postgres = await readyPostgres(sim);
    expectPostgresRunning(postgres);
    // Services with endpoints: each lists its ready pods; the headless one names the pod by its hostname.
    const endpoints = await getJson<Endpoints>(sim, 'endpoints', 'postgres', '-n', 'todo');
    expect(endpoints.subsets).toEqual([
      {
        addresses: [expect.objectContaining({ ip: postgres.pod.status?.podIP, hostname: 'postgres-0' })],
        ports: [expect.objectContaining({ name: 'postgres', port: 5432 })],
      },
    ]);
    for (const name of componentNames) {
      const pods = await listItems<Pod>(sim, 'pods', '-n', 'todo', '-l', `app.kubernetes.io/instance=todo,app=${name}`);
      const ips = (await getJson<Endpoints>(sim, 'endpoints', name, '-n', 'todo')).subsets?.flatMap(
        (s) => s.addresses?.map((a) => a.ip) ?? [],
      );
      expect(ips?.sort(), `${name} endpoints`).toEqual(pods.map((p) => p.status?.podIP).sort());
    }
  }, 90_000);

  it('the objects are the same as the simulator’s todo scenario (what the cockpit shows on the demo)', async () => {
    scenario = await startSimulator({ port: 0, scenario: 'todo', speed: 20 });
    // Both postgres claims exist and are bound once the pods run.
    for (const cluster of [sim, scenario]) await readyPostgres(cluster);
    // Namespaced kinds only: the scenario's StorageClass `standard` and IngressClass `nginx` stand
    // for minikube's addons, which own them on a real cluster; the chart ships neither (every
    // object it renders is in the release namespace, checked above).
    const kinds =
      'deployments,statefulsets,services,ingresses,persistentvolumeclaims,configmaps,serviceaccounts,secrets';
    const fromChart = await listItems<KubeObject>(sim, kinds, '-n', 'todo');
    const fromScenario = await listItems<KubeObject>(scenario, kinds, '-n', 'todo');
    const byId = (objects: KubeObject[]) => new Map(objects.map((o) => [`${o.kind}/${o.metadata.name}`, o]));
    const chart = byId(fromChart);
    const scen = byId(fromScenario);
    expect([...chart.keys()].sort()).toEqual([...scen.keys()].sort());

    // Labels: the chart puts app.kubernetes.io/managed-by on every object, as a Helm install does.
    const labels = (o: KubeObject) => {
      const { 'app.kubernetes.io/managed-by': _managedBy, ...rest } = o.metadata.labels ?? {};
      return rest;
    };
    for (const [id, mine] of chart) {
      const theirs = scen.get(id)!;
      expect(labels(mine), `${id} labels`).toEqual(labels(theirs));
      if (mine.kind === 'Deployment') {
        const a = mine as Deployment;
        const b = theirs as Deployment;
        expect(a.metadata.labels, `${id} labels`).toEqual(b.metadata.labels);
        expect(a.spec.replicas, `${id} replicas`).toBe(b.spec.replicas);
        expect(a.spec.selector, `${id} selector`).toEqual(b.spec.selector);
        expect(a.spec.strategy, `${id} strategy`).toEqual(b.spec.strategy);
        expect(a.spec.template.metadata.labels, `${id} pod labels`).toEqual(b.spec.template.metadata.labels);
        // The scenario's pod annotations are the simulator's usage/fault profile, not the chart's.
        expect(a.spec.template.spec, `${id} pod spec`).toEqual(b.spec.template.spec);
      }
      if (mine.kind === 'StatefulSet')
        expect((mine as StatefulSet).spec, `${id} spec`).toEqual((theirs as StatefulSet).spec);
      if (mine.kind === 'Ingress') expect((mine as Ingress).spec, `${id} spec`).toEqual((theirs as Ingress).spec);
      if (mine.kind === 'PersistentVolumeClaim') {
        // Each bound to the volume its cluster provisioned.
        const strip = (c: Claim) => ({ ...c.spec, volumeName: undefined });
        expect(strip(mine as Claim), `${id} spec`).toEqual(strip(theirs as Claim));
        expect((mine as Claim).status?.phase, `${id} phase`).toBe((theirs as Claim).status?.phase);
      }
      if (mine.kind === 'Service') {
        const strip = (s: Service) => ({ ...s.spec, clusterIP: undefined, clusterIPs: undefined });
        expect(strip(mine as Service), `${id} spec`).toEqual(strip(theirs as Service));
      }
      if (mine.kind === 'ConfigMap') expect(mine.data, `${id} data`).toEqual(theirs.data);
      if (mine.kind === 'Secret') {
        expect(mine.type).toBe(theirs.type);
        expect(Object.keys(mine.data ?? {})).toEqual(Object.keys(theirs.data ?? {}));
      }
    }
  });
});

interface ReleaseSecret extends KubeObject {
  data: { release: string };
}
interface StoredRelease {
  name: string;
  version: number;
  namespace: string;
  info: { status: string; description?: string };
  config?: Record<string, unknown>;
}
/** Helm's storage format: the Secret's `release` is base64 of gzipped JSON (under the API's base64). */
function decodeRelease(secret: ReleaseSecret): StoredRelease {
  const inner = Buffer.from(secret.data.release, 'base64').toString();
  return JSON.parse(gunzipSync(Buffer.from(inner, 'base64')).toString()) as StoredRelease;
}

describe('helm install, upgrade, rollback and uninstall against the simulator', () => {
  let sim: RunningSim;
  const kube = () => ['--kubeconfig', sim.kubeconfigPath, '--namespace', 'todo'];
  const releaseSecrets = async () =>
    (await listItems<ReleaseSecret>(sim, 'secrets', '-n', 'todo', '-l', 'owner=helm,name=todo')).sort(
      (a, b) => a.metadata.name.localeCompare(b.metadata.name),
    );
  const deployment = (name: string) => getJson<Deployment>(sim, 'deployment', name, '-n', 'todo');
  const secretValue = async (name: string, key: string) =>
    decoded(await getJson<KubeObject>(sim, 'secret', name, '-n', 'todo'), key);
  const postgresPassword = () => secretValue('postgres', 'POSTGRES_PASSWORD');
  /** The password the first install drew; every later revision must keep it. */
  let installedPassword: string;
  /** The volume the first install's claim was bound to. */
  let installedVolume: string | undefined;

  beforeAll(async () => {
    sim = await startSimulator({ port: 0, scenario: 'empty', speed: 20 });
    await addDefaultStorageClass(sim);
  });
  afterAll(() => sim?.close());

  it('helm install --create-namespace --wait deploys the chart and stores release v1 in a Secret', async () => {
    await helmOk([
      'install',
      'todo',
      chartDir,
      ...kube(),
      '--create-namespace',
      '--set',
      'backend.secret.databaseUrl=postgresql://todo:test-only@postgres:5432/todo',
      '--wait',
      '--timeout',
      '60s',
    ]);
    const secrets = await releaseSecrets();
    expect(secrets.map((s) => s.metadata.name)).toEqual(['sh.helm.release.v1.todo.v1']);
    expect(secrets[0]!.type).toBe('helm.sh/release.v1');
    expect(secrets[0]!.metadata.labels).toMatchObject({ owner: 'helm', name: 'todo', status: 'deployed', version: '1' });
    const stored = decodeRelease(secrets[0]!);
    expect(stored).toMatchObject({ name: 'todo', namespace: 'todo', version: 1, info: { status: 'deployed' } });

    for (const name of componentNames) {
      const d = await deployment(name);
      expectComponentDeployment(d, name);
      expect(d.metadata.annotations).toMatchObject({
        'meta.helm.sh/release-name': 'todo',
        'meta.helm.sh/release-namespace': 'todo',
      });
      expect(d.status?.readyReplicas, `${name} ready after --wait`).toBe(COMPONENTS[name].replicas);
    }
    // --wait waited for postgres too: its pod Ready on a claim the provisioner bound.
    const sts = await getJson<StatefulSet>(sim, 'statefulset', 'postgres', '-n', 'todo');
    expect(sts.status?.readyReplicas, 'postgres ready after --wait').toBe(1);
    const claim = await getJson<Claim>(sim, 'pvc', 'data-postgres-0', '-n', 'todo');
    expectPostgresRunning({ pod: await getJson<Pod>(sim, 'pod', 'postgres-0', '-n', 'todo'), claim });
    installedVolume = claim.spec.volumeName;
    installedPassword = await postgresPassword();
    expect(installedPassword).toMatch(/^[A-Za-z0-9]{24}$/);
    // The given URL, as before the chart had a database of its own.
    expect(await secretValue('todo-backend', 'DATABASE_URL')).toBe('postgresql://todo:test-only@postgres:5432/todo');

    const status = JSON.parse(await helmOk(['status', 'todo', ...kube(), '-o', 'json'])) as StoredRelease;
    expect(status.info.status).toBe('deployed');
    expect(status.version).toBe(1);
  }, 90_000);

  it('helm upgrade rolls the frontend to a new image and 2 replicas and adds the backend HPA', async () => {
    await helmOk([
      'upgrade',
      'todo',
      chartDir,
      ...kube(),
      '--reuse-values',
      '--set',
      'frontend.replicaCount=2,frontend.image.tag=1.5.0,backend.autoscaling.enabled=true',
      '--wait',
      '--timeout',
      '60s',
    ]);
    const frontend = await deployment('frontend');
    expect(frontend.spec.replicas).toBe(2);
    expect(container(frontend).image).toBe('ghcr.io/example/todo-frontend:1.5.0');
    expect(frontend.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('2');
    expect(frontend.status).toMatchObject({ readyReplicas: 2, updatedReplicas: 2 });
    const hpa = await getJson<Hpa>(sim, 'hpa', 'backend', '-n', 'todo');
    expect(hpa.spec).toMatchObject({ minReplicas: 2, maxReplicas: 6, scaleTargetRef: { name: 'backend' } });

    const secrets = await releaseSecrets();
    expect(secrets.map((s) => [s.metadata.name, s.metadata.labels?.status])).toEqual([
      ['sh.helm.release.v1.todo.v1', 'superseded'],
      ['sh.helm.release.v1.todo.v2', 'deployed'],
    ]);
    expect(decodeRelease(secrets[1]!).config).toMatchObject({
      frontend: { replicaCount: 2, image: { tag: '1.5.0' } },
    });
    // Read back from the cluster, not drawn again: the database still accepts it.
    expect(await postgresPassword()).toBe(installedPassword);
  }, 90_000);

  it('helm rollback todo 1 restores revision 1: image, replicas, no HPA', async () => {
    await helmOk(['rollback', 'todo', '1', ...kube(), '--wait', '--timeout', '60s']);
    const frontend = await deployment('frontend');
    expect(frontend.spec.replicas).toBe(1);
    expect(container(frontend).image).toBe('ghcr.io/example/todo-frontend:1.4.2');
    // The Deployment controller brings back the old ReplicaSet as revision 3.
    expect(frontend.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('3');
    expect(frontend.status).toMatchObject({ readyReplicas: 1 });
    const hpas = await listItems<Hpa>(sim, 'hpa', '-n', 'todo');
    expect(hpas).toEqual([]);

    const history = JSON.parse(await helmOk(['history', 'todo', ...kube(), '-o', 'json'])) as {
      revision: number;
      status: string;
      description: string;
    }[];
    expect(history.map((h) => [h.revision, h.status])).toEqual([
      [1, 'superseded'],
      [2, 'superseded'],
      [3, 'deployed'],
    ]);
    expect(history[2]!.description).toBe('Rollback to 1');
    const secrets = await releaseSecrets();
    expect(secrets.map((s) => s.metadata.labels?.version)).toEqual(['1', '2', '3']);
    expect(await postgresPassword()).toBe(installedPassword);
  }, 90_000);

  it('helm uninstall removes the objects and the release Secrets, and keeps the data and its password', async () => {
    await helmOk(['uninstall', 'todo', ...kube()]);
    expect(await listItems<KubeObject>(sim, 'deployments,statefulsets,ingresses', '-n', 'todo')).toEqual([]);
    expect(await listItems<Service>(sim, 'services', '-n', 'todo')).toEqual([]);
    expect(await releaseSecrets()).toEqual([]);
    const list = JSON.parse(await helmOk(['list', ...kube(), '-o', 'json'])) as unknown[];
    expect(list).toEqual([]);
    // A StatefulSet leaves its claims; the Secret (resource-policy keep) stays with the data.
    const left = await listItems<KubeObject>(sim, 'secrets,persistentvolumeclaims', '-n', 'todo');
    expect(ids(left)).toEqual(['PersistentVolumeClaim/data-postgres-0', 'Secret/postgres']);
    expect(await postgresPassword()).toBe(installedPassword);
  });

  it('a reinstall without a database URL finds the old data and password; the backend URL points at it', async () => {
    await helmOk(['install', 'todo', chartDir, ...kube(), '--wait', '--timeout', '60s']);
    expect(await postgresPassword()).toBe(installedPassword);
    expect(await secretValue('todo-backend', 'DATABASE_URL')).toBe(postgresUrl(installedPassword));
    const { claim } = await readyPostgres(sim);
    expect(claim.spec.volumeName).toBe(installedVolume);
    for (const name of componentNames)
      expect((await deployment(name)).status?.readyReplicas, name).toBe(COMPONENTS[name].replicas);
  }, 90_000);
});
