// Writes beyond plain CRUD, through client-node over HTTP: server-side apply, the status
// subresource, strategic merge directives, generateName, deletion semantics, validation, and
// the media types the server refuses.
import {
  AppsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  PatchStrategy,
  setHeaderOptions,
  type ApiException,
  type V1Deployment,
} from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSim } from '../../src/sim/index.js';

let sim: RunningSim;
let core: CoreV1Api;
let apps: AppsV1Api;
let custom: CustomObjectsApi;
const ns = 'writes';

beforeAll(async () => {
  sim = await startSimulator({ scenario: 'empty', speed: 50 });
  const kc = new KubeConfig();
  kc.loadFromFile(sim.kubeconfigPath);
  core = kc.makeApiClient(CoreV1Api);
  apps = kc.makeApiClient(AppsV1Api);
  custom = kc.makeApiClient(CustomObjectsApi);
  await core.createNamespace({ body: { metadata: { name: ns } } });
});
afterAll(() => sim.close());

async function failure(call: Promise<unknown>): Promise<{ code: number; reason: string; message: string }> {
  const error = (await call.then(
    () => undefined,
    (e: unknown) => e,
  )) as ApiException<string> | undefined;
  if (!error) throw new Error('the call succeeded');
  const status = JSON.parse(error.body) as { kind: string; code: number; reason: string; message: string };
  expect(status.kind).toBe('Status');
  expect(status.code).toBe(error.code);
  return status;
}

const deployment = (name: string, spec: Partial<NonNullable<V1Deployment['spec']>> = {}): V1Deployment => ({
  metadata: { name },
  spec: {
    replicas: 0,
    selector: { matchLabels: { app: name } },
    template: {
      metadata: { labels: { app: name } },
      spec: { containers: [{ name: 'app', image: 'app:1' }] },
    },
    ...spec,
  },
});

describe('server-side apply', () => {
  const apply = (body: object, fieldManager?: string) =>
    core.patchNamespacedConfigMap(
      { namespace: ns, name: 'applied', body, fieldManager },
      setHeaderOptions('Content-Type', PatchStrategy.ServerSideApply),
    );

  it('creates a missing object, then merges into it; a field manager is required', async () => {
    const manifest = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'applied' }, data: { a: '1' } };
    await apply(manifest, 'test');
    await apply({ ...manifest, data: { a: '2', b: '3' } }, 'test');
    expect((await core.readNamespacedConfigMap({ namespace: ns, name: 'applied' })).data).toEqual({
      a: '2',
      b: '3',
    });
    expect(await failure(apply(manifest))).toMatchObject({ code: 400, reason: 'BadRequest' });
  });
});

describe('subresources', () => {
  it('status is written only through /status, and /status writes only status', async () => {
    await core.createNamespacedService({
      namespace: ns,
      body: { metadata: { name: 'lb' }, spec: { type: 'LoadBalancer', ports: [{ port: 80 }] } },
    });
    const ingress = { loadBalancer: { ingress: [{ ip: '192.0.2.10' }] } };
    await core.patchNamespacedService(
      { namespace: ns, name: 'lb', body: { status: ingress } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    expect(
      (await core.readNamespacedService({ namespace: ns, name: 'lb' })).status?.loadBalancer?.ingress,
    ).toBe(undefined);
    await core.patchNamespacedServiceStatus(
      { namespace: ns, name: 'lb', body: { status: ingress, spec: { type: 'ClusterIP' } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    const svc = await core.readNamespacedServiceStatus({ namespace: ns, name: 'lb' });
    expect(svc.status?.loadBalancer?.ingress).toEqual([{ ip: '192.0.2.10' }]);
    expect(svc.spec?.type).toBe('LoadBalancer');
  });

  it('scale is an autoscaling/v1 Scale that reads and replaces spec.replicas', async () => {
    await apps.createNamespacedDeployment({ namespace: ns, body: deployment('scaled') });
    const scale = await apps.readNamespacedDeploymentScale({ namespace: ns, name: 'scaled' });
    expect(scale).toMatchObject({ kind: 'Scale', apiVersion: 'autoscaling/v1', spec: { replicas: 0 } });
    expect(scale.status?.selector).toBe('app=scaled');
    await apps.replaceNamespacedDeploymentScale({
      namespace: ns,
      name: 'scaled',
      body: { ...scale, spec: { replicas: 3 } },
    });
    expect((await apps.readNamespacedDeployment({ namespace: ns, name: 'scaled' })).spec?.replicas).toBe(3);
    const stale = await failure(
      apps.replaceNamespacedDeploymentScale({
        namespace: ns,
        name: 'scaled',
        body: { ...scale, spec: { replicas: 1 } },
      }),
    );
    expect(stale).toMatchObject({ code: 409, reason: 'Conflict' });
  });
});

describe('strategic merge patch directives', () => {
  it('$patch delete removes a container by name; $patch replace swaps a map; $setElementOrder is ignored', async () => {
    await apps.createNamespacedDeployment({
      namespace: ns,
      body: deployment('directives', {
        template: {
          metadata: { labels: { app: 'directives' }, annotations: { a: '1', b: '2' } },
          spec: {
            containers: [
              { name: 'app', image: 'app:1', env: [{ name: 'X', value: '1' }] },
              { name: 'sidecar', image: 'proxy:1' },
            ],
          },
        },
      }),
    });
    await apps.patchNamespacedDeployment(
      {
        namespace: ns,
        name: 'directives',
        body: {
          spec: {
            template: {
              metadata: { annotations: { $patch: 'replace', c: '3' } },
              spec: {
                '$setElementOrder/containers': [{ name: 'app' }],
                containers: [
                  { name: 'sidecar', $patch: 'delete' },
                  { name: 'app', env: [{ name: 'Y', value: '2' }] },
                ],
              },
            },
          },
        },
      },
      setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
    );
    const template = (await apps.readNamespacedDeployment({ namespace: ns, name: 'directives' })).spec!
      .template;
    expect(template.metadata?.annotations).toEqual({ c: '3' });
    expect(template.spec!.containers.map((c) => c.name)).toEqual(['app']);
    expect(template.spec!.containers[0]!.env).toEqual([
      { name: 'X', value: '1' },
      { name: 'Y', value: '2' },
    ]);
  });
});

describe('creation and deletion', () => {
  it('generateName gets a random suffix', async () => {
    const cm = await core.createNamespacedConfigMap({
      namespace: ns,
      body: { metadata: { generateName: 'gen-' } },
    });
    expect(cm.metadata?.name).toMatch(/^gen-[a-z0-9]{5}$/);
  });

  it('a pod deleted with grace 0 is gone at once', async () => {
    await core.createNamespacedPod({
      namespace: ns,
      body: { metadata: { name: 'quick' }, spec: { containers: [{ name: 'app', image: 'app:1' }] } },
    });
    await core.deleteNamespacedPod({ namespace: ns, name: 'quick', gracePeriodSeconds: 0 });
    expect(await failure(core.readNamespacedPod({ namespace: ns, name: 'quick' }))).toMatchObject({
      code: 404,
    });
  });

  it('deletecollection removes what the selector matches', async () => {
    for (const [name, tier] of [
      ['dc-1', 'x'],
      ['dc-2', 'x'],
      ['dc-3', 'y'],
    ] as const)
      await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name, labels: { tier } } } });
    await core.deleteCollectionNamespacedConfigMap({ namespace: ns, labelSelector: 'tier=x' });
    const left = await core.listNamespacedConfigMap({ namespace: ns, labelSelector: 'tier' });
    expect(left.items.map((c) => c.metadata?.name)).toEqual(['dc-3']);
  });

  it('deleting a namespace deletes what is in it', async () => {
    await core.createNamespace({ body: { metadata: { name: 'doomed' } } });
    await core.createNamespacedConfigMap({ namespace: 'doomed', body: { metadata: { name: 'inside' } } });
    await core.deleteNamespace({ name: 'doomed' });
    expect(
      await failure(core.readNamespacedConfigMap({ namespace: 'doomed', name: 'inside' })),
    ).toMatchObject({
      code: 404,
    });
    expect(await failure(core.readNamespace({ name: 'doomed' }))).toMatchObject({ code: 404 });
  });
});

describe('validation and refusals', () => {
  it.each([
    [
      'a selector that does not match the template',
      deployment('bad-1', { selector: { matchLabels: { app: 'other' } } }),
      'spec.template.metadata.labels',
    ],
    ['negative replicas', deployment('bad-2', { replicas: -1 }), 'spec.replicas'],
    [
      'an unparsable quantity',
      deployment('bad-3', {
        template: {
          metadata: { labels: { app: 'bad-3' } },
          spec: { containers: [{ name: 'app', image: 'app:1', resources: { requests: { cpu: 'lots' } } }] },
        },
      }),
      'spec.template.spec.containers[0].resources.requests[cpu]',
    ],
    [
      'a container without an image',
      deployment('bad-4', {
        template: { metadata: { labels: { app: 'bad-4' } }, spec: { containers: [{ name: 'app' }] } },
      }),
      'spec.template.spec.containers[0].image',
    ],
    ['an invalid name', { ...deployment('x'), metadata: { name: 'Not_Valid' } }, 'metadata.name'],
  ])('422 Invalid for %s', async (_what, body, field) => {
    const status = await failure(apps.createNamespacedDeployment({ namespace: ns, body }));
    expect(status).toMatchObject({ code: 422, reason: 'Invalid' });
    expect(status.message).toContain(field);
  });

  it('metrics.k8s.io is read-only: a write is 405', async () => {
    const status = await failure(
      custom.createNamespacedCustomObject({
        group: 'metrics.k8s.io',
        version: 'v1beta1',
        namespace: ns,
        plural: 'pods',
        body: { metadata: { name: 'fake' } },
      }),
    );
    expect(status).toMatchObject({ code: 405, reason: 'MethodNotAllowed' });
  });

  it('415 for a patch media type it does not know and for protobuf of a type it does not decode', async () => {
    const patch = await fetch(`${sim.url}/api/v1/namespaces/${ns}/configmaps/dc-3`, {
      method: 'PATCH',
      body: '{}',
      headers: { 'Content-Type': 'application/xml' },
    });
    expect(patch.status).toBe(415);
    // The k8s protobuf envelope (magic, then runtime.Unknown) around an Endpoints object.
    const typeMeta = Buffer.from([0x0a, 2, ...Buffer.from('v1'), 0x12, 9, ...Buffer.from('Endpoints')]);
    const envelope = Buffer.concat([
      Buffer.from('k8s\0'),
      Buffer.from([0x0a, typeMeta.length]),
      typeMeta,
      Buffer.from([0x12, 0]),
    ]);
    const create = await fetch(`${sim.url}/api/v1/namespaces/${ns}/configmaps`, {
      method: 'POST',
      body: envelope,
      headers: { 'Content-Type': 'application/vnd.kubernetes.protobuf' },
    });
    expect(create.status).toBe(415);
    expect(((await create.json()) as { reason: string }).reason).toBe('UnsupportedMediaType');
  });
});
