// What the cockpit store and `analyze` keep of a Secret or a ConfigMap: the keys the analyzers
// check references against, never a value, wherever a copy of the values hides.
import { describe, expect, it } from 'vitest';
import { configMapKeysOnly, LAST_APPLIED, secretKeysOnly, trimObject } from '../../src/cluster/kinds.js';

const VALUES: [string, string, string, string] = [
  's3cr3t-password',
  'postgres://app:hunter2@db:5432/app',
  'token-in-annotation',
  'bin-value',
];
const b64 = (s: string): string => Buffer.from(s).toString('base64');

const secret = () => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: {
    name: 'db',
    namespace: 'todo',
    uid: 'u-1',
    resourceVersion: '7',
    labels: { app: 'db' },
    ownerReferences: [{ apiVersion: 'v1', kind: 'ServiceAccount', name: 'db', uid: 'u-0' }],
    annotations: {
      [LAST_APPLIED]: JSON.stringify({ kind: 'Secret', stringData: { password: VALUES[0] } }),
      'example.com/copy': VALUES[2],
    },
    managedFields: [{ manager: 'kubectl', fieldsV1: { 'f:data': { 'f:url': {} } } }],
  },
  type: 'Opaque',
  data: { url: b64(VALUES[1]) },
  stringData: { password: VALUES[0] },
});

const configMap = () => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: {
    name: 'app',
    namespace: 'todo',
    annotations: { [LAST_APPLIED]: JSON.stringify({ data: { DATABASE_URL: VALUES[1] } }), team: 'web' },
    managedFields: [{ manager: 'kubectl' }],
  },
  data: { DATABASE_URL: VALUES[1], LOG_LEVEL: VALUES[0] },
  binaryData: { 'cert.der': b64(VALUES[3]) },
});

/** Every value, plain or base64, anywhere in the text. */
const leaked = (text: string): string[] => VALUES.flatMap((v) => [v, b64(v)]).filter((v) => text.includes(v));

describe('secretKeysOnly', () => {
  it('keeps identity, labels, owners, type and every data and stringData key, each blank', () => {
    expect(secretKeysOnly(secret())).toEqual({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {
        name: 'db',
        namespace: 'todo',
        uid: 'u-1',
        resourceVersion: '7',
        labels: { app: 'db' },
        ownerReferences: [{ apiVersion: 'v1', kind: 'ServiceAccount', name: 'db', uid: 'u-0' }],
      },
      type: 'Opaque',
      data: { url: '', password: '' },
    });
  });

  it('lets no byte of a value through: data, stringData, last-applied or any other annotation', () => {
    expect(leaked(JSON.stringify(secret()))).toHaveLength(3);
    expect(leaked(JSON.stringify(secretKeysOnly(secret())))).toEqual([]);
  });

  it('leaves a Secret without data without data', () => {
    expect(secretKeysOnly({ metadata: { name: 'empty' } })).toEqual({ metadata: { name: 'empty' } });
  });
});

describe('configMapKeysOnly', () => {
  it('keeps data and binaryData keys blank, other annotations, and drops last-applied and managedFields', () => {
    const trimmed = configMapKeysOnly(configMap());
    expect(trimmed).toEqual({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'app', namespace: 'todo', annotations: { team: 'web' } },
      data: { DATABASE_URL: '', LOG_LEVEL: '' },
      binaryData: { 'cert.der': '' },
    });
    expect(leaked(JSON.stringify(trimmed))).toEqual([]);
  });
});

describe('trimObject', () => {
  it.each([
    ['secrets', secret(), secretKeysOnly(secret())],
    ['configmaps', configMap(), configMapKeysOnly(configMap())],
    [
      'services',
      {
        metadata: { name: 's', managedFields: [{}], annotations: { [LAST_APPLIED]: '{}' } },
        spec: { ports: [] },
      },
      // kubectl's last-applied copy is the whole object again: no reader of the store reads it.
      { metadata: { name: 's' }, spec: { ports: [] } },
    ],
    [
      'deployments',
      {
        metadata: {
          name: 'd',
          annotations: { [LAST_APPLIED]: '{}', 'deployment.kubernetes.io/revision': '3' },
        },
      },
      { metadata: { name: 'd', annotations: { 'deployment.kubernetes.io/revision': '3' } } },
    ],
    [
      'pods',
      {
        metadata: { name: 'p', generateName: 'p-', managedFields: [{}] },
        spec: {
          dnsPolicy: 'ClusterFirst',
          schedulerName: 'default-scheduler',
          containers: [
            { name: 'c', image: 'i', terminationMessagePath: '/dev/termination-log', volumeMounts: [{}] },
          ],
          volumes: [{ name: 'kube-api-access', projected: { sources: [] } }],
        },
        status: {
          qosClass: 'Burstable',
          podIPs: [{ ip: '10.0.0.1' }],
          podIP: '10.0.0.1',
          conditions: [{ type: 'Ready', status: 'True', lastProbeTime: null, lastTransitionTime: 't' }],
          containerStatuses: [{ name: 'c', imageID: 'sha', containerID: 'cri://1', restartCount: 2 }],
        },
      },
      {
        metadata: { name: 'p' },
        spec: {
          containers: [{ name: 'c', image: 'i' }],
          volumes: [{ name: 'kube-api-access', projected: { sources: [] } }],
        },
        status: {
          podIP: '10.0.0.1',
          conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: 't' }],
          containerStatuses: [{ name: 'c', restartCount: 2 }],
        },
      },
    ],
  ] as const)('trims %s', (kind, obj, expected) => {
    expect(trimObject(kind, structuredClone(obj) as never)).toEqual(expected);
  });
});
