// Missing configuration references, as the kubelet reports them: a container whose env names a
// ConfigMap, Secret or key that does not exist waits in CreateContainerConfigError; a pod whose
// configMap/secret volume is missing stays ContainerCreating with FailedMount events; creating the
// object through the API lets it start, as the kubelet's retries do.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { summarizePod } from '../../src/kube/format.js';
import {
  containerConfigError,
  volumeSetUpError,
  type ConfigLookup,
} from '../../src/sim/controllers/kubelet.js';
import { startSimulator, type RunningSim } from '../../src/sim/index.js';
import { podsIn, status } from './sim-pods.js';
import { until } from './until.js';

const objects: Record<string, string[]> = {
  'configmap/app': ['LOG_LEVEL', 'app.yaml'],
  'secret/db': ['password'],
};
const lookup: ConfigLookup = (kind, name) => {
  const keys = objects[`${kind}/${name}`];
  return keys && new Set(keys);
};
const cmKey = (name: string, key: string, optional?: boolean) => ({
  name: 'X',
  valueFrom: { configMapKeyRef: { name, key, optional } },
});
const secretKey = (name: string, key: string, optional?: boolean) => ({
  name: 'X',
  valueFrom: { secretKeyRef: { name, key, optional } },
});

describe('containerConfigError (makeEnvironmentVariables)', () => {
  it.each([
    [
      'every reference resolves',
      { env: [cmKey('app', 'LOG_LEVEL'), secretKey('db', 'password')] },
      undefined,
    ],
    ['a missing ConfigMap', { env: [cmKey('nope', 'LOG_LEVEL')] }, 'configmap "nope" not found'],
    [
      'a missing ConfigMap key',
      { env: [cmKey('app', 'COLOR')] },
      "couldn't find key COLOR in ConfigMap ns/app",
    ],
    ['a missing Secret', { env: [secretKey('nope', 'password')] }, 'secret "nope" not found'],
    ['a missing Secret key', { env: [secretKey('db', 'user')] }, "couldn't find key user in Secret ns/db"],
    [
      'optional references are skipped',
      { env: [cmKey('nope', 'A', true), secretKey('db', 'user', true)] },
      undefined,
    ],
    [
      'envFrom a missing ConfigMap',
      { envFrom: [{ configMapRef: { name: 'nope' } }] },
      'configmap "nope" not found',
    ],
    ['envFrom a missing Secret', { envFrom: [{ secretRef: { name: 'nope' } }] }, 'secret "nope" not found'],
    ['envFrom optional', { envFrom: [{ secretRef: { name: 'nope', optional: true } }] }, undefined],
    [
      'envFrom is resolved before env',
      { env: [cmKey('nope', 'A')], envFrom: [{ secretRef: { name: 'gone' } }] },
      'secret "gone" not found',
    ],
    ['plain values and field refs need nothing', { env: [{ name: 'A', value: '1' }] }, undefined],
  ])('%s', (_case, spec, expected) => {
    expect(containerConfigError(spec, 'ns', lookup)).toBe(expected);
  });
});

describe('volumeSetUpError (configmap and secret volume plugins)', () => {
  it.each([
    ['a ConfigMap that exists', { name: 'v', configMap: { name: 'app' } }, undefined],
    ['a missing ConfigMap', { name: 'v', configMap: { name: 'nope' } }, 'configmap "nope" not found'],
    ['a missing optional ConfigMap', { name: 'v', configMap: { name: 'nope', optional: true } }, undefined],
    [
      'an item key the ConfigMap lacks',
      { name: 'v', configMap: { name: 'app', items: [{ key: 'other.yaml', path: 'x' }] } },
      'configmap references non-existent config key: other.yaml',
    ],
    ['a missing Secret', { name: 'v', secret: { secretName: 'tls' } }, 'secret "tls" not found'],
    [
      'an item key the Secret lacks',
      { name: 'v', secret: { secretName: 'db', items: [{ key: 'user', path: 'u' }] } },
      'references non-existent secret key: user',
    ],
    ['an emptyDir', { name: 'v', emptyDir: {} }, undefined],
  ])('%s', (_case, volume, expected) => {
    expect(volumeSetUpError(volume, lookup)).toBe(expected);
  });
});

describe('the kubelet on missing references, through the API', () => {
  const ns = 'refs';
  let sim: RunningSim;
  let pods: Awaited<ReturnType<typeof podsIn>>;
  beforeAll(async () => {
    sim = await startSimulator({ scenario: 'empty', speed: 50 });
    pods = await podsIn(sim, ns);
  });
  afterAll(() => sim.close());

  const waiting = async (name: string) =>
    (await pods.read(name)()).status?.containerStatuses?.[0]?.state?.waiting;

  it('a missing ConfigMap, then a missing key, hold the container in CreateContainerConfigError until both exist', async () => {
    await pods.create('needs-config', { env: [cmKey('app-config', 'LOG_LEVEL')] });
    const p = await until(pods.read('needs-config'), (x) => status(x) === 'CreateContainerConfigError');
    expect(p.status!.phase).toBe('Pending');
    expect(p.status!.containerStatuses![0]!.state!.waiting).toEqual({
      reason: 'CreateContainerConfigError',
      message: 'configmap "app-config" not found',
    });
    expect(await pods.events('needs-config')).toContain('Failed: Error: configmap "app-config" not found');

    await pods.core.createNamespacedConfigMap({
      namespace: ns,
      body: { metadata: { name: 'app-config' }, data: { COLOR: 'blue' } },
    });
    await until(
      () => waiting('needs-config'),
      (w) => w?.message === `couldn't find key LOG_LEVEL in ConfigMap ${ns}/app-config`,
    );
    expect(await pods.events('needs-config')).toContain(
      `Failed: Error: couldn't find key LOG_LEVEL in ConfigMap ${ns}/app-config`,
    );

    await pods.core.patchNamespacedConfigMap({
      namespace: ns,
      name: 'app-config',
      body: [{ op: 'add', path: '/data/LOG_LEVEL', value: 'info' }],
    });
    await until(
      pods.read('needs-config'),
      (x) => status(x) === 'Running' && summarizePod(x).readyContainers === 1,
    );
  });

  it('a missing Secret key holds the container; the Secret created with the key lets it start', async () => {
    await pods.create('needs-secret', { env: [secretKey('db', 'password')] });
    await until(
      () => waiting('needs-secret'),
      (w) => w?.message === 'secret "db" not found',
    );
    await pods.core.createNamespacedSecret({
      namespace: ns,
      body: { metadata: { name: 'db' }, stringData: { password: 'test-only' } },
    });
    await until(pods.read('needs-secret'), (x) => status(x) === 'Running');
  });

  it('envFrom a missing ConfigMap is a CreateContainerConfigError; optional: true starts at once', async () => {
    await pods.create('env-from', { envFrom: [{ configMapRef: { name: 'flags' } }] });
    await pods.create('env-from-optional', {
      envFrom: [{ configMapRef: { name: 'flags', optional: true } }],
    });
    await until(
      () => waiting('env-from'),
      (w) => w?.message === 'configmap "flags" not found',
    );
    await until(pods.read('env-from-optional'), (x) => status(x) === 'Running');
    expect(status(await pods.read('env-from')())).toBe('CreateContainerConfigError');
  });

  it.each([
    ['configMap', { configMap: { name: 'web-config' } }, 'configmap "web-config" not found'],
    ['secret', { secret: { secretName: 'web-tls' } }, 'secret "web-tls" not found'],
  ])(
    'a missing %s volume keeps the pod ContainerCreating with FailedMount until it is created',
    async (kind, source, error) => {
      const name = `mounts-${kind.toLowerCase()}`;
      await pods.create(
        name,
        { volumeMounts: [{ name: 'config', mountPath: '/etc/config' }] },
        { spec: { volumes: [{ name: 'config', ...source }] } },
      );
      await until(
        () => pods.events(name),
        (e) => e.includes(`FailedMount: MountVolume.SetUp failed for volume "config" : ${error}`),
      );
      const p = await pods.read(name)();
      expect(p.status!.phase).toBe('Pending');
      expect(status(p)).toBe('ContainerCreating');
      expect(p.status!.conditions!.find((c) => c.type === 'PodReadyToStartContainers')?.status).toBe('False');
      expect((await pods.events(name)).some((e) => e.startsWith('Pulling:'))).toBe(false);

      const metadata = { name: kind === 'configMap' ? 'web-config' : 'web-tls' };
      if (kind === 'configMap')
        await pods.core.createNamespacedConfigMap({
          namespace: ns,
          body: { metadata, data: { 'nginx.conf': '' } },
        });
      else
        await pods.core.createNamespacedSecret({
          namespace: ns,
          body: { metadata, data: { 'tls.crt': '' } },
        });
      await until(pods.read(name), (x) => status(x) === 'Running');
    },
  );
});
