import { describe, expect, it } from 'vitest';
import { classVerdict, RELEASED_LONG_MS, storage } from '../../src/analysis/analyzers/storage.js';
import { DEFAULT_OPTIONS } from '../../src/analysis/options.js';
import type { ClusterSnapshot } from '../../src/model/analysis.js';
import { claim, podWithClaim, storageClass, volume } from './fixtures-network.js';
import { event, MINUTE, NOW, snapshot } from './fixtures.js';

const run = (parts: Partial<ClusterSnapshot>) => storage(snapshot(parts), DEFAULT_OPTIONS);
const problems = (parts: Partial<ClusterSnapshot>) =>
  run(parts)
    .map((f) => `${f.severity} ${f.id.split(':').slice(1).join(':')}`)
    .sort();

const standard = storageClass('standard', { isDefault: true });
const late = storageClass('late', { binding: 'WaitForFirstConsumer' });
const provisioningFailed = event('ProvisioningFailed', 'storageclass.storage.k8s.io "fast" not found', {
  kind: 'PersistentVolumeClaim',
  name: 'data',
});
const unbound = event(
  'FailedScheduling',
  '0/1 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.',
  { name: 'postgres-0' },
);

describe('storage', () => {
  it.each<[string, Partial<ClusterSnapshot>, string[]]>([
    [
      'a bound claim',
      {
        persistentVolumeClaims: [claim('data', { phase: 'Bound', volumeName: 'pv-1' })],
        storageClasses: [standard],
      },
      [],
    ],
    ['claims not listed', { pods: [podWithClaim('postgres-0', 'data')] }, []],
    [
      'a claim of a class that does not exist, a pod waiting',
      {
        persistentVolumeClaims: [claim('data', { className: 'fast' })],
        storageClasses: [standard],
        pods: [podWithClaim('postgres-0', 'data')],
        events: [provisioningFailed, unbound],
      },
      ['critical PersistentVolumeClaim/todo/data:pending'],
    ],
    [
      'the same, no pod yet',
      { persistentVolumeClaims: [claim('data', { className: 'fast' })], storageClasses: [standard] },
      ['warning PersistentVolumeClaim/todo/data:pending'],
    ],
    [
      'a young claim the provisioner has not reached',
      { persistentVolumeClaims: [claim('data', { createdAgo: 10_000 })], storageClasses: [standard] },
      [],
    ],
    [
      'WaitForFirstConsumer without a pod is normal',
      { persistentVolumeClaims: [claim('data', { className: 'late' })], storageClasses: [late] },
      [],
    ],
    [
      'WaitForFirstConsumer with a pod that does not get it',
      {
        persistentVolumeClaims: [claim('data', { className: 'late' })],
        storageClasses: [late],
        pods: [podWithClaim('postgres-0', 'data')],
      },
      ['critical PersistentVolumeClaim/todo/data:pending'],
    ],
    [
      'Lost',
      { persistentVolumeClaims: [claim('data', { phase: 'Lost', volumeName: 'pv-1' })] },
      ['critical PersistentVolumeClaim/todo/data:lost'],
    ],
    [
      'a pod using a claim that does not exist',
      { persistentVolumeClaims: [], pods: [podWithClaim('postgres-0', 'data')] },
      ['critical Pod/todo/postgres-0:missing-claim:data'],
    ],
    [
      'a bound claim that does not mount',
      {
        persistentVolumeClaims: [claim('data', { phase: 'Bound', volumeName: 'pv-1' })],
        pods: [podWithClaim('postgres-0', 'data', { nodeName: 'n1' })],
        events: [
          event(
            'FailedAttachVolume',
            'Multi-Attach error for volume "pv-1" Volume is already exclusively attached to one node and can\'t be attached to another',
            { name: 'postgres-0' },
          ),
        ],
      },
      ['critical PersistentVolumeClaim/todo/data:mount:postgres-0'],
    ],
    [
      'a Failed volume',
      { persistentVolumeClaims: [], persistentVolumes: [volume('pv-1', 'Failed', NOW - MINUTE)] },
      ['info PersistentVolume/pv-1:failed'],
    ],
    [
      'a volume Released long ago',
      { persistentVolumeClaims: [], persistentVolumes: [volume('pv-1', 'Released', NOW - RELEASED_LONG_MS)] },
      ['info PersistentVolume/pv-1:released'],
    ],
    [
      'a volume Released a minute ago',
      { persistentVolumeClaims: [], persistentVolumes: [volume('pv-1', 'Released', NOW - MINUTE)] },
      [],
    ],
  ])('%s', (_, parts, expected) => {
    expect(problems(parts)).toEqual(expected);
  });

  it('names the missing class, the classes that exist and the default, the event, the waiting pod', () => {
    const [finding] = run({
      persistentVolumeClaims: [claim('data', { className: 'fast' })],
      storageClasses: [standard, storageClass('slow')],
      pods: [podWithClaim('postgres-0', 'data')],
      events: [provisioningFailed, unbound],
    });
    expect(finding).toMatchObject({
      title: 'PersistentVolumeClaim is Pending: class fast, which does not exist',
      runbook: 'pvc-pending',
      affected: [{ kind: 'Pod', namespace: 'todo', name: 'postgres-0' }],
      firstSeen: NOW - 60 * MINUTE,
    });
    expect(finding!.detail).toEqual([
      'storageClassName: fast, which does not exist',
      'StorageClasses: standard (default, k8s.io/minikube-hostpath), slow (k8s.io/minikube-hostpath)',
      'requests 1Gi, access modes ReadWriteOnce',
      'Pending for 1h',
      'event ProvisioningFailed: storageclass.storage.k8s.io "fast" not found',
      'pod postgres-0 waits on it: event FailedScheduling: 0/1 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.',
    ]);
    expect(finding!.suggestedFix).toBe(
      "StorageClass fast does not exist. StorageClasses: standard (default, k8s.io/minikube-hostpath), slow (k8s.io/minikube-hostpath). Either recreate PVC data with storageClassName standard (or none, for the default) (a claim's class is immutable), or create StorageClass fast.",
    );
  });

  it.each<[string, string | null, boolean, RegExp]>([
    ['unset with a default', null, true, /^storageClassName: <unset> → default class standard$/],
    ['unset, no default', null, false, /no StorageClass is marked default/],
    ['the empty class', '', true, /pre-created PersistentVolume/],
    [
      'an existing class',
      'standard',
      true,
      /^storageClassName: standard \(provisioner k8s.io\/minikube-hostpath, Immediate\)$/,
    ],
  ])('class verdict: %s', (_, className, withDefault, line) => {
    const verdict = classVerdict(claim('data', { className }), [
      storageClass('standard', { isDefault: withDefault }),
    ]);
    expect(verdict.line).toMatch(line);
  });

  it('without any class, says to install a provisioner', () => {
    expect(classVerdict(claim('data', { className: null }), []).fix).toContain('No StorageClass exists');
  });
});
