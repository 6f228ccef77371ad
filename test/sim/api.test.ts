// The simulator's REST API through @kubernetes/client-node over HTTP: verbs, selectors, paging,
// watch resumption, the patch types and the Status of each error, read back through the API.
import {
  AppsV1Api,
  CoreV1Api,
  KubeConfig,
  PatchStrategy,
  Watch,
  setHeaderOptions,
  type ApiException,
  type V1Pod,
} from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSim } from '../../src/sim/index.js';

let sim: RunningSim;
let core: CoreV1Api;
let apps: AppsV1Api;
let kc: KubeConfig;

beforeAll(async () => {
  sim = await startSimulator({ scenario: 'empty', speed: 50 });
  kc = new KubeConfig();
  kc.loadFromFile(sim.kubeconfigPath);
  core = kc.makeApiClient(CoreV1Api);
  apps = kc.makeApiClient(AppsV1Api);
  await core.createNamespace({ body: { metadata: { name: 'api' } } });
});
afterAll(() => sim.close());

const pod = (name: string, labels: Record<string, string> = {}): V1Pod => ({
  metadata: { name, labels },
  spec: { containers: [{ name: 'app', image: 'app:1' }] },
});

/** The Status an API call failed with: client-node carries the body as a JSON string. */
async function statusOf(call: Promise<unknown>): Promise<{ code: number; reason: string; message: string }> {
  const error = (await call.then(
    () => undefined,
    (e: unknown) => e,
  )) as ApiException<string> | undefined;
  if (!error) throw new Error('the call succeeded');
  const body = JSON.parse(error.body) as { kind: string; code: number; reason: string; message: string };
  expect(body.kind).toBe('Status');
  expect(body.code).toBe(error.code);
  return body;
}

describe('CRUD, selectors and paging', () => {
  it('creates, reads back, lists by label and field selector, and deletes', async () => {
    await core.createNamespacedPod({ namespace: 'api', body: pod('web-1', { app: 'web', tier: 'fe' }) });
    await core.createNamespacedPod({ namespace: 'api', body: pod('web-2', { app: 'web' }) });
    await core.createNamespacedPod({ namespace: 'api', body: pod('db-1', { app: 'db' }) });
    const names = async (labelSelector?: string, fieldSelector?: string) =>
      (await core.listNamespacedPod({ namespace: 'api', labelSelector, fieldSelector })).items
        .map((p) => p.metadata!.name)
        .sort();
    expect(await names('app=web')).toEqual(['web-1', 'web-2']);
    expect(await names('app!=web')).toEqual(['db-1']);
    expect(await names('app in (db, cache)')).toEqual(['db-1']);
    expect(await names('app notin (db)')).toEqual(['web-1', 'web-2']);
    expect(await names('tier')).toEqual(['web-1']);
    expect(await names('!tier')).toEqual(['db-1', 'web-2']);
    expect(await names(undefined, 'metadata.name=web-2')).toEqual(['web-2']);
    await core.deleteNamespacedPod({ namespace: 'api', name: 'db-1', gracePeriodSeconds: 0 });
    expect(await names()).toEqual(['web-1', 'web-2']);
  });

  it('pages a list with limit and continue, every object once', async () => {
    for (let i = 0; i < 7; i++)
      await core.createNamespacedConfigMap({ namespace: 'api', body: { metadata: { name: `page-${i}` } } });
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await core.listNamespacedConfigMap({
        namespace: 'api',
        limit: 3,
        _continue: token,
        labelSelector: undefined,
      });
      seen.push(...page.items.map((c) => c.metadata!.name!));
      token = page.metadata?._continue;
      pages++;
    } while (token);
    expect(pages).toBe(3);
    expect(seen).toEqual(Array.from({ length: 7 }, (_, i) => `page-${i}`));
  });
});

describe('patches with the content type each needs', () => {
  it('merge, strategic merge (containers by name) and JSON patch', async () => {
    await apps.createNamespacedDeployment({
      namespace: 'api',
      body: {
        metadata: { name: 'patched' },
        spec: {
          replicas: 1,
          selector: { matchLabels: { app: 'patched' } },
          template: {
            metadata: { labels: { app: 'patched' } },
            spec: {
              containers: [
                { name: 'a', image: 'a:1' },
                { name: 'b', image: 'b:1' },
              ],
            },
          },
        },
      },
    });
    await apps.patchNamespacedDeployment(
      { namespace: 'api', name: 'patched', body: { metadata: { labels: { team: 'x' } } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    await apps.patchNamespacedDeployment(
      {
        namespace: 'api',
        name: 'patched',
        body: { spec: { template: { spec: { containers: [{ name: 'b', image: 'b:2' }] } } } },
      },
      setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
    );
    await apps.patchNamespacedDeployment(
      {
        namespace: 'api',
        name: 'patched',
        body: [
          { op: 'test', path: '/spec/replicas', value: 1 },
          { op: 'replace', path: '/spec/replicas', value: 3 },
        ],
      },
      setHeaderOptions('Content-Type', PatchStrategy.JsonPatch),
    );
    const d = await apps.readNamespacedDeployment({ namespace: 'api', name: 'patched' });
    expect(d.metadata!.labels).toEqual({ team: 'x' });
    expect(d.spec!.template.spec!.containers.map((c) => `${c.name}=${c.image}`)).toEqual(['a=a:1', 'b=b:2']);
    expect(d.spec!.replicas).toBe(3);
    const failedTest = await statusOf(
      apps.patchNamespacedDeployment(
        { namespace: 'api', name: 'patched', body: [{ op: 'test', path: '/spec/replicas', value: 99 }] },
        setHeaderOptions('Content-Type', PatchStrategy.JsonPatch),
      ),
    );
    expect(failedTest.code).toBe(422);
  });

  it('the scale subresource reads and writes spec.replicas', async () => {
    await apps.patchNamespacedDeploymentScale(
      { namespace: 'api', name: 'patched', body: { spec: { replicas: 2 } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    const scale = await apps.readNamespacedDeploymentScale({ namespace: 'api', name: 'patched' });
    expect(scale.spec!.replicas).toBe(2);
    expect(scale.status!.selector).toBe('app=patched');
  });
});

describe('errors are Status objects with the real codes', () => {
  it.each([
    [
      '404 for a missing object',
      () => core.readNamespacedPod({ namespace: 'api', name: 'nope' }),
      404,
      'NotFound',
    ],
    [
      '409 for a duplicate',
      () => core.createNamespacedPod({ namespace: 'api', body: pod('web-1') }),
      409,
      'AlreadyExists',
    ],
    [
      '422 for a pod without containers',
      () =>
        core.createNamespacedPod({
          namespace: 'api',
          body: { metadata: { name: 'bad' }, spec: { containers: [] } },
        }),
      422,
      'Invalid',
    ],
    [
      '404 for a missing namespace',
      () => core.createNamespacedPod({ namespace: 'ghost', body: pod('x') }),
      404,
      'NotFound',
    ],
  ])('%s', async (_name, call, code, reason) => {
    const status = await statusOf(call());
    expect(status).toMatchObject({ code, reason });
  });

  it('409 Conflict on a stale resourceVersion', async () => {
    const current = await core.readNamespacedPod({ namespace: 'api', name: 'web-1' });
    await core.patchNamespacedPod(
      { namespace: 'api', name: 'web-1', body: { metadata: { labels: { v: '2' } } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    const status = await statusOf(
      core.replaceNamespacedPod({ namespace: 'api', name: 'web-1', body: current }),
    );
    expect(status).toMatchObject({ code: 409, reason: 'Conflict' });
  });

  it('403 Forbidden where a deny rule says so, naming user, verb and namespace', async () => {
    sim.setDenyRules([{ verb: 'list', resource: 'secrets', namespace: 'api' }]);
    try {
      const status = await statusOf(core.listNamespacedSecret({ namespace: 'api' }));
      expect(status.code).toBe(403);
      expect(status.message).toBe(
        'secrets is forbidden: User "aiops" cannot list resource "secrets" in API group "" in the namespace "api"',
      );
    } finally {
      sim.setDenyRules([]);
    }
  });

  it('400 for malformed JSON and 415 for protobuf, over raw HTTP', async () => {
    const post = (body: string, type: string) =>
      fetch(`${sim.url}/api/v1/namespaces/api/pods`, {
        method: 'POST',
        body,
        headers: { 'Content-Type': type },
      });
    const bad = await post('{not json', 'application/json');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { kind: string }).kind).toBe('Status');
    expect((await post('k8s\0', 'application/vnd.kubernetes.protobuf')).status).toBe(415);
  });
});

describe('watch', () => {
  it('resumes from a resourceVersion: only later changes arrive', async () => {
    const list = await core.listNamespacedConfigMap({ namespace: 'api' });
    await core.createNamespacedConfigMap({ namespace: 'api', body: { metadata: { name: 'after-list' } } });
    const events: string[] = [];
    const controller = await new Watch(kc).watch(
      '/api/v1/namespaces/api/configmaps',
      { resourceVersion: list.metadata!.resourceVersion },
      (type, obj: { metadata: { name: string } }) => events.push(`${type} ${obj.metadata.name}`),
      () => {},
    );
    await core.deleteNamespacedConfigMap({ namespace: 'api', name: 'page-0' });
    const deadline = Date.now() + 5000;
    while (events.length < 2 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 20));
    controller.abort();
    expect(events).toEqual(['ADDED after-list', 'DELETED page-0']);
  });

  it('answers a resourceVersion older than its history with an in-stream 410 Expired', async () => {
    const small = await startSimulator({ scenario: 'empty', watchHistory: 3 });
    try {
      const skc = new KubeConfig();
      skc.loadFromFile(small.kubeconfigPath);
      // Five changes through the API push the first versions out of a history of three.
      const skcore = skc.makeApiClient(CoreV1Api);
      for (let i = 0; i < 5; i++)
        await skcore.createNamespacedConfigMap({
          namespace: 'default',
          body: { metadata: { name: `c${i}` } },
        });
      const error = await new Promise<{ type: string; code: number }>((resolve) => {
        void new Watch(skc).watch(
          '/api/v1/configmaps',
          { resourceVersion: '1' },
          (type, obj: { code: number }) => resolve({ type, code: obj.code }),
          () => {},
        );
      });
      expect(error).toEqual({ type: 'ERROR', code: 410 });
    } finally {
      await small.close();
    }
  });
});

it('a path under an API group nothing serves is a plain-text 404, as on a real apiserver', async () => {
  const get = async (path: string) => {
    const res = await fetch(sim.url + path);
    return [res.status, res.headers.get('content-type'), await res.text()];
  };
  expect(await get('/apis/nope.example/v1/things')).toEqual([
    404,
    'text/plain; charset=utf-8',
    '404 page not found\n',
  ]);
  const off = await startSimulator({ scenario: 'empty', metrics: false });
  try {
    const res = await fetch(`${off.url}/apis/metrics.k8s.io/v1beta1/namespaces/default/pods`);
    expect([res.status, await res.text()]).toEqual([404, '404 page not found\n']);
    const groups = (await (await fetch(`${off.url}/apis`)).json()) as { groups: { name: string }[] };
    expect(groups.groups.map((g) => g.name)).not.toContain('metrics.k8s.io');
  } finally {
    await off.close();
  }
});
