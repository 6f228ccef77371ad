import { describe, expect, it } from 'vitest';
import { formatRestarts, humanDuration, summarizePod, type PodLike } from '../../src/kube/format.js';

const running = { ready: true, restartCount: 0, state: { running: {} } };
const pod = (status: PodLike['status'], extra: Partial<PodLike> = {}): PodLike => ({
  spec: { containers: [{}] },
  status,
  ...extra,
});

describe('the STATUS column says what kubectl get pods says', () => {
  it.each<[string, PodLike, string]>([
    ['running', pod({ phase: 'Running', containerStatuses: [running] }), 'Running'],
    ['pending, unscheduled', pod({ phase: 'Pending' }), 'Pending'],
    [
      'creating',
      pod({ phase: 'Pending', containerStatuses: [{ state: { waiting: { reason: 'ContainerCreating' } } }] }),
      'ContainerCreating',
    ],
    [
      'crash loop',
      pod({
        phase: 'Running',
        containerStatuses: [{ restartCount: 4, state: { waiting: { reason: 'CrashLoopBackOff' } } }],
      }),
      'CrashLoopBackOff',
    ],
    [
      'image pull',
      pod({ phase: 'Pending', containerStatuses: [{ state: { waiting: { reason: 'ImagePullBackOff' } } }] }),
      'ImagePullBackOff',
    ],
    [
      'oom killed',
      pod({
        phase: 'Running',
        containerStatuses: [{ state: { terminated: { reason: 'OOMKilled', exitCode: 137 } } }],
      }),
      'OOMKilled',
    ],
    [
      'exit code without reason',
      pod({ phase: 'Running', containerStatuses: [{ state: { terminated: { exitCode: 3 } } }] }),
      'ExitCode:3',
    ],
    [
      'init container waiting',
      pod(
        { phase: 'Pending', initContainerStatuses: [{ state: { waiting: { reason: 'PodInitializing' } } }] },
        { spec: { containers: [{}], initContainers: [{}] } },
      ),
      'Init:0/1',
    ],
    [
      'init container crashing',
      pod(
        { phase: 'Pending', initContainerStatuses: [{ state: { waiting: { reason: 'CrashLoopBackOff' } } }] },
        { spec: { containers: [{}], initContainers: [{}] } },
      ),
      'Init:CrashLoopBackOff',
    ],
    [
      'terminating',
      pod(
        { phase: 'Running', containerStatuses: [running] },
        { metadata: { deletionTimestamp: '2026-01-01T00:00:00Z' } },
      ),
      'Terminating',
    ],
    ['evicted', pod({ phase: 'Failed', reason: 'Evicted' }), 'Evicted'],
    [
      'a finished pod being deleted keeps its final status',
      pod(
        {
          phase: 'Succeeded',
          containerStatuses: [{ state: { terminated: { reason: 'Completed', exitCode: 0 } } }],
        },
        { metadata: { deletionTimestamp: '2026-01-01T00:00:00Z' } },
      ),
      'Completed',
    ],
    [
      'deleted on a lost node',
      pod(
        { phase: 'Running', reason: 'NodeLost' },
        { metadata: { deletionTimestamp: '2026-01-01T00:00:00Z' } },
      ),
      'Unknown',
    ],
    [
      'scheduling gated',
      pod({
        phase: 'Pending',
        conditions: [{ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated' }],
      }),
      'SchedulingGated',
    ],
    [
      'a started sidecar does not hold initialization',
      pod(
        {
          phase: 'Running',
          initContainerStatuses: [{ name: 'proxy', started: true, ready: true, state: { running: {} } }],
          containerStatuses: [running],
        },
        { spec: { containers: [{}], initContainers: [{ name: 'proxy', restartPolicy: 'Always' }] } },
      ),
      'Running',
    ],
  ])('%s → %s', (_name, input, status) => {
    expect(summarizePod(input).status).toBe(status);
  });

  it('counts ready containers and restarts, and says how long ago the last restart was', () => {
    const summary = summarizePod({
      spec: { containers: [{}, {}] },
      status: {
        phase: 'Running',
        containerStatuses: [
          running,
          {
            ready: false,
            restartCount: 3,
            state: { waiting: { reason: 'CrashLoopBackOff' } },
            lastState: { terminated: { finishedAt: '2026-01-01T00:00:00Z' } },
          },
        ],
      },
    });
    expect(summary).toMatchObject({ readyContainers: 1, totalContainers: 2, restarts: 3 });
    expect(formatRestarts(summary, Date.parse('2026-01-01T00:02:30Z'))).toBe('3 (2m30s ago)');
  });
});

describe('sidecars (init containers with restartPolicy Always)', () => {
  it('count in READY and their restarts in RESTARTS, as kubectl shows them', () => {
    const summary = summarizePod({
      spec: {
        containers: [{}],
        initContainers: [{ name: 'setup' }, { name: 'proxy', restartPolicy: 'Always' }],
      },
      status: {
        phase: 'Running',
        conditions: [{ type: 'Initialized', status: 'True' }],
        initContainerStatuses: [
          { name: 'setup', restartCount: 1, state: { terminated: { reason: 'Completed', exitCode: 0 } } },
          { name: 'proxy', started: true, ready: true, restartCount: 2, state: { running: {} } },
        ],
        containerStatuses: [{ ...running, restartCount: 1 }],
      },
    });
    // The finished init container's restart is not counted once the pod is initialized.
    expect(summary).toMatchObject({ status: 'Running', readyContainers: 2, totalContainers: 2, restarts: 3 });
  });
});

describe('AGE is formatted as kubectl formats durations', () => {
  it.each([
    [5_000, '5s'],
    [119_000, '119s'],
    [150_000, '2m30s'],
    [600_000, '10m'],
    [3 * 3_600_000 + 5 * 60_000, '3h5m'],
    [30 * 3_600_000, '30h'],
    [3 * 86_400_000 + 4 * 3_600_000, '3d4h'],
    [400 * 86_400_000, '400d'],
    [-5_000, '<invalid>'],
  ])('%d ms → %s', (ms, text) => {
    expect(humanDuration(ms)).toBe(text);
  });
});
