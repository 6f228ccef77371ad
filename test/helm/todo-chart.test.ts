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
  volumes?: { name: string; emptyDir?: Record<string, unknown> }[];
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
  status?: { phase?: string; conditions?: { type: string; status: string }[] };
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

describe('helm/todo-chart rendered by helm', () => {
  it('helm lint --strict passes without warnings, with defaults and with the HPAs on', async () => {
    for (const extra of [[], ['--set', 'frontend.autoscaling.enabled=true,backend.autoscaling.enabled=true']]) {
      const out = await helmOk(['lint', chartDir, '--strict', ...extra]);
      expect(out).toContain('1 chart(s) linted, 0 chart(s) failed');
      expect(out).not.toMatch(/\[(WARNING|ERROR)\]/);
    }
  });

  it('the defaults render the todo scenario objects: deployments, services, configmap, service account', async () => {
    const objects = await render();
    expect(ids(objects)).toEqual([
      'ConfigMap/todo-config',
      'Deployment/backend',
      'Deployment/frontend',
      'Service/backend',
      'Service/frontend',
      'ServiceAccount/todo',
    ]);
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

  it('no credential in values: the backend secret is rendered only when values give one', async () => {
    const values = parse(await helmOk(['show', 'values', chartDir])) as {
      backend: { secret: { databaseUrl: string; key: string } };
    };
    expect(values.backend.secret.databaseUrl).toBe('');
    expect((await render()).filter((o) => o.kind === 'Secret')).toEqual([]);

    const url = 'postgresql://todo:test-only@postgres:5432/todo';
    const objects = await render('--set', `backend.secret.databaseUrl=${url}`);
    const secret = find<KubeObject>(objects, 'Secret', 'todo-backend');
    expect(secret.type).toBe('Opaque');
    expect(Object.keys(secret.data ?? {})).toEqual(['DATABASE_URL']);
    expect(Buffer.from(secret.data!.DATABASE_URL!, 'base64').toString()).toBe(url);

    const existing = await render('--set', 'backend.secret.name=my-db');
    const env = container(find<Deployment>(existing, 'Deployment', 'backend')).env;
    expect(env?.[0]?.valueFrom?.secretKeyRef).toEqual({ name: 'my-db', key: 'DATABASE_URL' });
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

describe('the rendered chart applied to the simulator with kubectl', () => {
  let sim: RunningSim;
  let scenario: RunningSim | undefined;
  const databaseUrl = 'postgresql://todo:test-only@postgres:5432/todo';
  let applied: string;

  beforeAll(async () => {
    sim = await startSimulator({ port: 0, scenario: 'empty', speed: 20 });
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
      'secret/todo-backend created',
      'service/backend created',
      'service/frontend created',
      'serviceaccount/todo created',
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
  }, 90_000);

  it('the objects are the same as the simulator’s todo scenario (what the cockpit shows on the demo)', async () => {
    scenario = await startSimulator({ port: 0, scenario: 'todo' });
    const kinds = 'deployments,services,configmaps,serviceaccounts,secrets';
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

  beforeAll(async () => {
    sim = await startSimulator({ port: 0, scenario: 'empty', speed: 20 });
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
  }, 90_000);

  it('helm uninstall removes the objects and the release Secrets', async () => {
    await helmOk(['uninstall', 'todo', ...kube()]);
    expect(await listItems<Deployment>(sim, 'deployments', '-n', 'todo')).toEqual([]);
    expect(await listItems<Service>(sim, 'services', '-n', 'todo')).toEqual([]);
    expect(await releaseSecrets()).toEqual([]);
    const list = JSON.parse(await helmOk(['list', ...kube(), '-o', 'json'])) as unknown[];
    expect(list).toEqual([]);
  });
});
