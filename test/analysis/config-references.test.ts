import type { V1PodSpec } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import {
  configReferences,
  missingPart,
  podSpecReferences,
} from '../../src/analysis/analyzers/config-references.js';
import { analyze } from '../../src/analysis/analyze.js';
import type { ClusterSnapshot, Finding } from '../../src/model/analysis.js';
import { container, event, MINUTE, NOW, pod, podSpec, snapshot, workload } from './fixtures.js';
import { configMap, cronJob, secret, statefulSet } from './fixtures-workloads.js';

const envFromKey = (name: string, key: string, optional?: boolean): Partial<V1PodSpec> => ({
  containers: [
    container('app', { env: [{ name: 'DB_HOST', valueFrom: { configMapKeyRef: { name, key, optional } } }] }),
  ],
});

describe('podSpecReferences', () => {
  it.each<[string, V1PodSpec, ReturnType<typeof podSpecReferences>]>([
    [
      'env configMapKeyRef',
      podSpec(envFromKey('cfg', 'DB_HOST')),
      [{ kind: 'ConfigMap', name: 'cfg', key: 'DB_HOST', optional: false, via: 'container app env DB_HOST' }],
    ],
    [
      'env secretKeyRef, optional',
      podSpec({
        containers: [
          container('app', {
            env: [{ name: 'PW', valueFrom: { secretKeyRef: { name: 's', key: 'pw', optional: true } } }],
          }),
        ],
      }),
      [{ kind: 'Secret', name: 's', key: 'pw', optional: true, via: 'container app env PW' }],
    ],
    [
      'envFrom of an init container',
      podSpec({
        initContainers: [
          container('init', { envFrom: [{ configMapRef: { name: 'cfg' } }, { secretRef: { name: 's' } }] }),
        ],
      }),
      [
        { kind: 'ConfigMap', name: 'cfg', optional: false, via: 'container init envFrom' },
        { kind: 'Secret', name: 's', optional: false, via: 'container init envFrom' },
      ],
    ],
    [
      'configMap volume with items: one reference per key',
      podSpec({
        volumes: [
          {
            name: 'conf',
            configMap: {
              name: 'cfg',
              items: [
                { key: 'a.yaml', path: 'a' },
                { key: 'b', path: 'b' },
              ],
            },
          },
        ],
      }),
      [
        { kind: 'ConfigMap', name: 'cfg', key: 'a.yaml', optional: false, via: 'volume conf' },
        { kind: 'ConfigMap', name: 'cfg', key: 'b', optional: false, via: 'volume conf' },
      ],
    ],
    [
      'secret volume and projected sources',
      podSpec({
        volumes: [
          { name: 'tls', secret: { secretName: 'tls' } },
          {
            name: 'all',
            projected: {
              sources: [{ configMap: { name: 'cfg', optional: true } }, { secret: { name: 's' } }],
            },
          },
        ],
      }),
      [
        { kind: 'Secret', name: 'tls', optional: false, via: 'volume tls' },
        { kind: 'ConfigMap', name: 'cfg', optional: true, via: 'volume all' },
        { kind: 'Secret', name: 's', optional: false, via: 'volume all' },
      ],
    ],
    [
      'imagePullSecrets',
      podSpec({ imagePullSecrets: [{ name: 'regcred' }] }),
      [{ kind: 'Secret', name: 'regcred', optional: false, via: 'imagePullSecrets', pull: true }],
    ],
  ])('%s', (_, spec, expected) => {
    expect(podSpecReferences(spec)).toEqual(expected);
  });
});

describe('missingPart', () => {
  const ref = { kind: 'ConfigMap' as const, name: 'cfg', via: 'x' };
  it.each<
    [string, Parameters<typeof missingPart>[0], Set<string> | undefined, ReturnType<typeof missingPart>]
  >([
    ['object absent', { ...ref, optional: false }, undefined, 'object'],
    ['object absent but optional', { ...ref, optional: true }, undefined, undefined],
    ['key absent', { ...ref, key: 'K', optional: false }, new Set(['OTHER']), 'key'],
    ['key absent but optional', { ...ref, key: 'K', optional: true }, new Set(), undefined],
    ['key present', { ...ref, key: 'K', optional: false }, new Set(['K']), undefined],
    ['whole object used, exists', { ...ref, optional: false }, new Set(), undefined],
  ])('%s', (_, r, keys, expected) => {
    expect(missingPart(r, keys)).toBe(expected);
  });
});

function deploymentWith(spec: Partial<V1PodSpec>, parts: Partial<ClusterSnapshot> = {}): ClusterSnapshot {
  const w = workload('api', 2, { spec });
  return snapshot({ deployments: [w.deployment], replicaSets: [w.replicaSet], pods: w.pods, ...parts });
}

const missing = (findings: Finding[]) => findings.filter((f) => f.id.includes(':missing-'));

describe('configReferences: missing objects and keys', () => {
  it.each<[string, ClusterSnapshot, Partial<Finding> | undefined]>([
    [
      'a key the ConfigMap lacks',
      deploymentWith(envFromKey('app-config', 'DB_HOST'), {
        configMaps: [configMap('app-config', { DB_PORT: '5432' })],
      }),
      {
        id: 'config-references:Deployment/todo/api:missing-key:ConfigMap/app-config',
        severity: 'critical',
        title: 'ConfigMap app-config lacks key DB_HOST',
        detail: [
          'container app env DB_HOST needs key DB_HOST of ConfigMap todo/app-config: the key does not exist',
          'ConfigMap todo/app-config has keys: DB_PORT',
        ],
        suggestedFix: expect.stringContaining(
          `kubectl patch configmap app-config -n todo --type merge -p '{"data":{"DB_HOST":"<value>"}}'`,
        ),
      },
    ],
    [
      'a ConfigMap that does not exist',
      deploymentWith(envFromKey('app-config', 'DB_HOST'), { configMaps: [] }),
      {
        severity: 'critical',
        title: 'ConfigMap app-config does not exist but the pod template needs it',
        suggestedFix: expect.stringContaining(
          'kubectl create configmap app-config -n todo --from-literal=DB_HOST=<value>',
        ),
      },
    ],
    [
      'an optional reference',
      deploymentWith(envFromKey('app-config', 'DB_HOST', true), { configMaps: [] }),
      undefined,
    ],
    ['ConfigMaps not known (not listed)', deploymentWith(envFromKey('app-config', 'DB_HOST')), undefined],
    [
      'a Secret volume whose Secret does not exist',
      deploymentWith(
        {
          volumes: [
            { name: 'creds', secret: { secretName: 'db-creds', items: [{ key: 'password', path: 'pw' }] } },
          ],
        },
        { secrets: [] },
      ),
      {
        severity: 'critical',
        detail: ['volume creds needs Secret todo/db-creds key password: the Secret does not exist'],
        suggestedFix: expect.stringContaining(
          'kubectl create secret generic db-creds -n todo --from-literal=password=<value>',
        ),
      },
    ],
    [
      'a Secret key missing: stringData patch',
      deploymentWith(
        {
          containers: [
            container('app', {
              env: [{ name: 'PW', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } }],
            }),
          ],
        },
        { secrets: [secret('db', ['user'])] },
      ),
      {
        suggestedFix: expect.stringContaining(
          `kubectl patch secret db -n todo --type merge -p '{"stringData":{"password":"<value>"}}'`,
        ),
      },
    ],
    [
      'an image pull secret that does not exist: a warning',
      deploymentWith({ imagePullSecrets: [{ name: 'regcred' }] }, { secrets: [] }),
      {
        severity: 'warning',
        suggestedFix: expect.stringContaining(
          'kubectl create secret docker-registry regcred -n todo --docker-server=<registry>',
        ),
      },
    ],
    [
      'envFrom a ConfigMap that does not exist: no keys to name',
      deploymentWith(
        { containers: [container('app', { envFrom: [{ configMapRef: { name: 'env' } }] })] },
        { configMaps: [] },
      ),
      {
        suggestedFix: expect.stringMatching(
          /^Create ConfigMap env with the keys the application reads .*kubectl create configmap env -n todo;/,
        ),
      },
    ],
    [
      'a StatefulSet template',
      snapshot({ statefulSets: [statefulSet('db', { spec: envFromKey('db-config', 'X') })], configMaps: [] }),
      { id: 'config-references:StatefulSet/todo/db:missing-object:ConfigMap/db-config' },
    ],
    [
      'a CronJob template',
      snapshot({
        cronJobs: [
          {
            ...cronJob('backup'),
            spec: {
              ...cronJob('backup').spec!,
              jobTemplate: { spec: { template: { spec: podSpec(envFromKey('bk', 'K')) } } },
            },
          },
        ],
        configMaps: [],
      }),
      { id: 'config-references:CronJob/todo/backup:missing-object:ConfigMap/bk' },
    ],
  ])('%s', (_, snap, expected) => {
    const found = missing(configReferences(snap));
    if (!expected) expect(found).toEqual([]);
    else {
      expect(found).toHaveLength(1);
      expect(found[0]).toMatchObject({ runbook: 'missing-config', ...expected });
    }
  });

  it('names the pods stuck in CreateContainerConfigError, with the kubelet message, since the oldest was created', () => {
    const snap = deploymentWith(envFromKey('app-config', 'DB_HOST'), {
      configMaps: [configMap('app-config', {})],
    });
    const stuck = snap.pods[0]!;
    stuck.metadata!.creationTimestamp = new Date(NOW - 7 * MINUTE);
    stuck.status!.containerStatuses = [
      {
        name: 'app',
        image: 'x',
        imageID: '',
        ready: false,
        restartCount: 0,
        state: {
          waiting: {
            reason: 'CreateContainerConfigError',
            message: "couldn't find key DB_HOST in ConfigMap todo/app-config",
          },
        },
      },
    ];
    const [finding] = missing(configReferences(snap));
    expect(finding!.affected).toEqual([
      { kind: 'ConfigMap', namespace: 'todo', name: 'app-config' },
      { kind: 'Pod', namespace: 'todo', name: stuck.metadata!.name },
    ]);
    expect(finding!.detail).toContain(
      `pod ${stuck.metadata!.name} container app: CreateContainerConfigError: couldn't find key DB_HOST in ConfigMap todo/app-config`,
    );
    expect(finding!.firstSeen).toBe(NOW - 7 * MINUTE);
  });

  it('names a pod stuck ContainerCreating with its FailedMount event', () => {
    const snap = deploymentWith(
      { volumes: [{ name: 'conf', configMap: { name: 'web-conf' } }] },
      { configMaps: [] },
    );
    const stuck = snap.pods[1]!;
    stuck.status = { phase: 'Pending', containerStatuses: [] };
    const message = 'MountVolume.SetUp failed for volume "conf" : configmap "web-conf" not found';
    const snap2 = {
      ...snap,
      events: [event('FailedMount', message, { name: stuck.metadata!.name! }, { count: 4 })],
    };
    const [finding] = missing(configReferences(snap2));
    expect(finding!.detail).toContain(
      `pod ${stuck.metadata!.name}: ContainerCreating, event FailedMount (×4): ${message}`,
    );
    expect(finding!.firstSeen).toBe(NOW - 5 * MINUTE);
  });

  it('names a pod whose mount fails on a missing item key (the message names only the volume)', () => {
    const snap = deploymentWith(
      {
        volumes: [
          {
            name: 'conf',
            configMap: { name: 'web-conf', items: [{ key: 'nginx.conf', path: 'nginx.conf' }] },
          },
        ],
      },
      { configMaps: [configMap('web-conf', { 'default.conf': '' })] },
    );
    const stuck = snap.pods[0]!;
    stuck.status = { phase: 'Pending', containerStatuses: [] };
    const message =
      'MountVolume.SetUp failed for volume "conf" : configmap references non-existent config key: nginx.conf';
    const [finding] = missing(
      configReferences({ ...snap, events: [event('FailedMount', message, { name: stuck.metadata!.name! })] }),
    );
    expect(finding!.affected).toContainEqual({ kind: 'Pod', namespace: 'todo', name: stuck.metadata!.name });
    expect(finding!.detail).toContain('ConfigMap todo/web-conf has keys: default.conf');
  });

  it('is part of analyze() and sorted before info findings', () => {
    const snap = deploymentWith(envFromKey('app-config', 'DB_HOST'), { configMaps: [] });
    expect(analyze(snap, { only: ['config-references'] }).map((f) => f.severity)).toEqual(['critical']);
  });
});

describe('configReferences: unused ConfigMaps and Secrets', () => {
  const allKinds = { statefulSets: [], daemonSets: [], jobs: [], cronJobs: [], ingresses: [] };
  const unusedIds = (snap: ClusterSnapshot) =>
    configReferences(snap)
      .filter((f) => f.id.endsWith(':unused'))
      .map((f) => f.id);

  it.each<[string, Partial<ClusterSnapshot>, string[]]>([
    [
      'a ConfigMap nothing references',
      { configMaps: [configMap('old', {})] },
      ['config-references:ConfigMap/todo/old:unused'],
    ],
    ['a used ConfigMap', { configMaps: [configMap('app-config', { DB_HOST: 'x' })] }, []],
    ['kube-root-ca.crt, in every namespace', { configMaps: [configMap('kube-root-ca.crt', {})] }, []],
    [
      "the audit trail's own anchor",
      { configMaps: [configMap('aiops-tui-checkpoint', { checkpoint: '' })] },
      [],
    ],
    ['in a system namespace', { configMaps: [configMap('cluster-info', {}, 'kube-public')] }, []],
    [
      'a service-account token',
      { secrets: [secret('sa-token', ['token'], { type: 'kubernetes.io/service-account-token' })] },
      [],
    ],
    [
      'a helm release',
      { secrets: [secret('sh.helm.release.v1.x.v1', ['release'], { type: 'helm.sh/release.v1' })] },
      [],
    ],
    [
      'an opaque Secret nothing references',
      { secrets: [secret('leftover', ['k'])] },
      ['config-references:Secret/todo/leftover:unused'],
    ],
  ])('%s', (_, parts, expected) => {
    const snap = deploymentWith(envFromKey('app-config', 'DB_HOST'), {
      ...allKinds,
      configMaps: [],
      secrets: [],
      ...parts,
    });
    expect(unusedIds(snap)).toEqual(expected);
  });

  it('says nothing while a kind with pod templates is not known (a CronJob may use it)', () => {
    const snap = deploymentWith({}, { ...allKinds, cronJobs: undefined, configMaps: [configMap('old', {})] });
    expect(unusedIds(snap)).toEqual([]);
  });

  it('a TLS Secret an Ingress names is used', () => {
    const snap = deploymentWith(
      {},
      {
        ...allKinds,
        secrets: [secret('web-tls', ['tls.crt', 'tls.key'], { type: 'kubernetes.io/tls' })],
        ingresses: [
          { metadata: { name: 'web', namespace: 'todo' }, spec: { tls: [{ secretName: 'web-tls' }] } },
        ],
      },
    );
    expect(unusedIds(snap)).toEqual([]);
  });

  it('unused findings are info, below every fault', () => {
    const snap = deploymentWith(envFromKey('app-config', 'DB_HOST'), {
      ...allKinds,
      configMaps: [configMap('old', {})],
    });
    expect(
      analyze(snap, { only: ['config-references'] }).map((f) => `${f.severity} ${f.resource.name}`),
    ).toEqual(['critical api', 'info old']);
  });
});

describe('configReferences: bare pods', () => {
  it('checks a pod without an owner by its own spec', () => {
    const p = pod('solo', { spec: envFromKey('cfg', 'K') });
    const [finding] = missing(configReferences(snapshot({ pods: [p], configMaps: [] })));
    expect(finding!.resource).toEqual({ kind: 'Pod', namespace: 'todo', name: 'solo' });
  });
});
