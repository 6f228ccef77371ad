import type { V1ContainerStatus, V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import {
  describeLastGood,
  lastRevisionThatRan,
  podRuns,
  templateChanges,
} from '../../src/analysis/revisions.js';
import { MINUTE, NOW, pod, runningStatus } from './fixtures.js';
import { revisionPod, revisionSet, rolledOut, type RevisionSpec } from './rollout-fixtures.js';

const A = 'registry.example/app:1.0';
const B = 'registry.example/app:2.0';
const C = 'registry.example/app:3.0';
const pulling: V1ContainerStatus = runningStatus('app', {
  ready: false,
  state: { waiting: { reason: 'ImagePullBackOff' } },
});
const crashing: V1ContainerStatus = runningStatus('app', {
  ready: false,
  restartCount: 4,
  state: { waiting: { reason: 'CrashLoopBackOff' } },
  lastState: { terminated: { exitCode: 3, finishedAt: new Date(NOW - MINUTE) } },
});

describe('lastRevisionThatRan', () => {
  it.each<
    [
      string,
      RevisionSpec[],
      V1ContainerStatus,
      { good: number; evidence: string; onlyImages: boolean } | undefined,
    ]
  >([
    [
      'the image changed, the old pods still run',
      [
        { revision: 1, container: { image: A }, available: 2 },
        { revision: 2, container: { image: B } },
      ],
      pulling,
      { good: 1, evidence: 'available', onlyImages: true },
    ],
    [
      'the image changed, the old pods are gone',
      [
        { revision: 1, container: { image: A } },
        { revision: 2, container: { image: B } },
      ],
      pulling,
      { good: 1, evidence: 'template', onlyImages: true },
    ],
    [
      'the command changed',
      [
        { revision: 1, available: 1 },
        { revision: 2, container: { command: ['sh', '-c', 'exit 3'] } },
      ],
      crashing,
      { good: 1, evidence: 'available', onlyImages: false },
    ],
    [
      'the newest older revision with pods wins over an older one',
      [
        { revision: 1, container: { image: A } },
        { revision: 2, container: { image: B }, available: 2 },
        { revision: 3, container: { image: C } },
      ],
      pulling,
      { good: 2, evidence: 'available', onlyImages: true },
    ],
    [
      'the image and the command changed: not only images',
      [
        { revision: 1, container: { image: A }, available: 1 },
        { revision: 2, container: { image: B, command: ['x'] } },
      ],
      crashing,
      { good: 1, evidence: 'available', onlyImages: false },
    ],
    ['the first revision: nothing ran before', [{ revision: 1 }], crashing, undefined],
    [
      'older revisions no different and without pods',
      [{ revision: 1 }, { revision: 2 }],
      crashing,
      undefined,
    ],
  ])('%s', (_case, revisions, status, expected) => {
    const { deployment, replicaSets } = rolledOut(revisions);
    const current = Math.max(...revisions.map((r) => r.revision));
    const pods = [revisionPod(current, 0, status), revisionPod(current, 1, status)];
    const last = lastRevisionThatRan(deployment, replicaSets, pods, NOW, 'app');
    expect(
      last && { good: last.good.revision, evidence: last.evidence, onlyImages: last.onlyImages },
    ).toEqual(expected);
  });

  it('says nothing while a pod of the current revision runs', () => {
    const { deployment, replicaSets } = rolledOut([
      { revision: 1, container: { image: A }, available: 1 },
      { revision: 2, container: { image: B }, available: 1 },
    ]);
    const pods = [revisionPod(2, 0, runningStatus('app')), revisionPod(2, 1, pulling)];
    expect(lastRevisionThatRan(deployment, replicaSets, pods, NOW, 'app')).toBeUndefined();
  });

  it('ignores ReplicaSets of another Deployment', () => {
    const { deployment } = rolledOut([{ revision: 2, container: { image: B } }]);
    const other = revisionSet({ revision: 1, container: { image: A }, available: 2 });
    other.metadata!.ownerReferences![0]!.uid = 'another';
    const current = revisionSet({ revision: 2, container: { image: B } });
    expect(
      lastRevisionThatRan(deployment, [other, current], [revisionPod(2, 0, pulling)], NOW, 'app'),
    ).toBeUndefined();
  });

  it('says which revision introduced what and which last ran', () => {
    const { deployment, replicaSets } = rolledOut([
      { revision: 1, container: { image: A }, available: 2 },
      { revision: 2, container: { image: B, command: ['/bin/app', '--bad'] } },
    ]);
    const last = lastRevisionThatRan(deployment, replicaSets, [revisionPod(2, 0, crashing)], NOW, 'app')!;
    expect(describeLastGood(last)).toEqual([
      `revision 2 changed app image: ${A} → ${B}`,
      'revision 2 changed app command: (none) → ["/bin/app","--bad"]',
      'revision 1 last ran: 2 pods of web-r1hash available now',
    ]);
  });
});

describe('templateChanges', () => {
  it('lists each changed field of each container, and nothing for an unchanged one', () => {
    const older = revisionSet({ revision: 1, container: { image: A } }).spec!.template;
    const newer = revisionSet({
      revision: 2,
      container: { image: A, readinessProbe: { httpGet: { path: '/healthz', port: 8080 } } },
    }).spec!.template;
    expect(templateChanges(older, newer)).toEqual([
      {
        container: 'app',
        field: 'readinessProbe',
        from: '{"httpGet":{"path":"/ready","port":8080}}',
        to: '{"httpGet":{"path":"/healthz","port":8080}}',
      },
    ]);
    expect(templateChanges(older, older)).toEqual([]);
  });
});

describe('podRuns', () => {
  const ready = (sinceMs: number | undefined, status: V1ContainerStatus): V1Pod =>
    pod('p', {
      statuses: [status],
      conditions: [
        {
          type: 'Ready',
          status: 'True',
          ...(sinceMs === undefined ? {} : { lastTransitionTime: new Date(NOW - sinceMs) }),
        },
      ],
    });
  it.each<[string, V1Pod, boolean]>([
    ['Ready for an hour, never restarted', ready(60 * MINUTE, runningStatus()), true],
    ['Ready, no transition time given', ready(undefined, runningStatus()), true],
    ['Ready for 5 s (a failing command has not exited yet)', ready(5_000, runningStatus()), false],
    [
      'Ready, restarted a minute ago',
      ready(
        60 * MINUTE,
        runningStatus('app', {
          restartCount: 3,
          lastState: { terminated: { exitCode: 1, finishedAt: new Date(NOW - MINUTE) } },
        }),
      ),
      false,
    ],
    [
      'Ready, last restart an hour ago',
      ready(
        60 * MINUTE,
        runningStatus('app', {
          restartCount: 1,
          lastState: { terminated: { exitCode: 1, finishedAt: new Date(NOW - 60 * MINUTE) } },
        }),
      ),
      true,
    ],
    ['not Ready', pod('p', { statuses: [crashing] }), false],
  ])('%s → %s', (_case, p, runs) => {
    expect(podRuns(p, NOW)).toBe(runs);
  });
});
