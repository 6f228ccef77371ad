import { describe, expect, it } from 'vitest';
import { formatRestarts, humanDuration, summarizePod, type PodLike } from '../../src/cluster/kube-format.js';

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
