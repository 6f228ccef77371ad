// Reads beyond plain get and list, through client-node over HTTP: paging over a consistent
// snapshot, the field selectors controllers and kubectl use, and the pod log subresource
// (tail, timestamps, previous, follow, and which container).
import { PassThrough } from 'node:stream';
import { CoreV1Api, KubeConfig, Log, type ApiException } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSim } from '../../src/sim/index.js';
import { until } from './until.js';

let sim: RunningSim;
let kc: KubeConfig;
let core: CoreV1Api;
const ns = 'reads';

beforeAll(async () => {
  sim = await startSimulator({ scenario: 'empty', speed: 50 });
  kc = new KubeConfig();
  kc.loadFromFile(sim.kubeconfigPath);
  core = kc.makeApiClient(CoreV1Api);
  await core.createNamespace({ body: { metadata: { name: ns } } });
  for (const [name, containers] of [
    ['solo', ['app']],
    ['duo', ['app', 'sidecar']],
  ] as const) {
    await core.createNamespacedPod({
      namespace: ns,
      body: {
        metadata: { name },
        spec: { containers: containers.map((c) => ({ name: c, image: 'ghcr.io/example/app:1.0' })) },
      },
    });
  }
  // Both pods run and have logged something.
  await until(
    () => core.readNamespacedPodLog({ namespace: ns, name: 'solo' }).catch(() => ''),
    (log) => log.split('\n').length > 3,
  );
});
afterAll(() => sim.close());

async function failure(call: Promise<unknown>): Promise<{ code: number; reason: string; message: string }> {
  const error = (await call.then(
    () => undefined,
    (e: unknown) => e,
  )) as ApiException<string> | undefined;
  if (!error) throw new Error('the call succeeded');
  return JSON.parse(error.body) as { code: number; reason: string; message: string };
}

describe('paging', () => {
  it('every page shows the list as it was at the first page', async () => {
    for (let i = 0; i < 6; i++)
      await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: `snap-${i}` } } });
    const first = await core.listNamespacedConfigMap({ namespace: ns, limit: 2 });
    expect(first.metadata?.remainingItemCount).toBe(4);
    // Changes after the first page: one not yet seen goes, a new one comes.
    await core.deleteNamespacedConfigMap({ namespace: ns, name: 'snap-4' });
    await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'snap-9' } } });
    const names = first.items.map((c) => c.metadata!.name);
    let token = first.metadata?._continue;
    while (token) {
      const page = await core.listNamespacedConfigMap({ namespace: ns, limit: 2, _continue: token });
      expect(page.metadata?.resourceVersion).toBe(first.metadata?.resourceVersion);
      names.push(...page.items.map((c) => c.metadata!.name));
      token = page.metadata?._continue;
    }
    expect(names).toEqual(Array.from({ length: 6 }, (_, i) => `snap-${i}`));
    const fresh = await core.listNamespacedConfigMap({ namespace: ns });
    expect(fresh.items.map((c) => c.metadata!.name)).toContain('snap-9');
  });

  it('a continue token that is not one is a 400', async () => {
    expect(
      await failure(core.listNamespacedConfigMap({ namespace: ns, limit: 2, _continue: 'bogus' })),
    ).toMatchObject({ code: 400, reason: 'BadRequest' });
  });
});

describe('field selectors', () => {
  it('select pods by node and phase, and events by the object they are about', async () => {
    const node = (await core.readNamespacedPod({ namespace: ns, name: 'solo' })).spec!.nodeName!;
    const pods = async (fieldSelector: string) =>
      (await core.listNamespacedPod({ namespace: ns, fieldSelector })).items
        .map((p) => p.metadata!.name)
        .sort();
    expect(await pods(`spec.nodeName=${node}`)).toEqual(['duo', 'solo']);
    expect(await pods('spec.nodeName=elsewhere')).toEqual([]);
    expect(await pods('status.phase=Running,metadata.name!=duo')).toEqual(['solo']);
    const events = await core.listNamespacedEvent({
      namespace: ns,
      fieldSelector: 'involvedObject.kind=Pod,involvedObject.name=solo',
    });
    expect(events.items.length).toBeGreaterThan(0);
    expect(events.items.every((e) => e.involvedObject.name === 'solo')).toBe(true);
    expect(
      await failure(core.listNamespacedPod({ namespace: ns, fieldSelector: 'spec.bogus=1' })),
    ).toMatchObject({
      code: 400,
    });
  });
});

describe('pod logs', () => {
  it('tailLines and timestamps', async () => {
    const log = await core.readNamespacedPodLog({
      namespace: ns,
      name: 'solo',
      tailLines: 2,
      timestamps: true,
    });
    const lines = log.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    for (const line of lines) expect(line).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z \S/);
  });

  it('a pod with two containers needs the container named, as a real server says', async () => {
    const status = await failure(core.readNamespacedPodLog({ namespace: ns, name: 'duo' }));
    expect(status).toMatchObject({ code: 400, reason: 'BadRequest' });
    expect(status.message).toBe(
      'a container name must be specified for pod duo, choose one of: [app sidecar]',
    );
    expect(await core.readNamespacedPodLog({ namespace: ns, name: 'duo', container: 'sidecar' })).not.toBe(
      '',
    );
  });

  it('previous of a container that never restarted is a 400', async () => {
    expect(
      await failure(core.readNamespacedPodLog({ namespace: ns, name: 'solo', previous: true })),
    ).toMatchObject({
      code: 400,
    });
  });

  it('follow streams lines as the container writes them, up to limitBytes', async () => {
    const stream = new PassThrough();
    let text = '';
    stream.on('data', (chunk: Buffer) => (text += chunk.toString()));
    const ended = new Promise((resolve) => stream.on('end', resolve));
    await new Log(kc).log(ns, 'solo', 'app', stream, { follow: true, tailLines: 0, limitBytes: 200 });
    await ended;
    expect(Buffer.byteLength(text)).toBe(200);
    expect(text.split('\n').length).toBeGreaterThan(2);
  });

  it('a followed log ends when the pod is deleted', async () => {
    await core.createNamespacedPod({
      namespace: ns,
      body: {
        metadata: { name: 'brief' },
        spec: { containers: [{ name: 'app', image: 'ghcr.io/example/app:1.0' }] },
      },
    });
    await until(
      () => core.readNamespacedPodLog({ namespace: ns, name: 'brief' }).catch(() => ''),
      (log) => log.length > 0,
    );
    const stream = new PassThrough().resume();
    const ended = new Promise((resolve) => stream.on('end', resolve));
    await new Log(kc).log(ns, 'brief', 'app', stream, { follow: true });
    await core.deleteNamespacedPod({ namespace: ns, name: 'brief', gracePeriodSeconds: 0 });
    await ended;
  });
});
