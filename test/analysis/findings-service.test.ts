// Findings follow the store: a pod turning to CrashLoopBackOff in a watch batch is a finding
// within the analysis delay, and a recovered pod's finding leaves the list.
import { afterEach, describe, expect, it } from 'vitest';
import { startFindingsService } from '../../src/analysis/findings-service.js';
import { createCockpitStore, initialState } from '../../src/state/store.js';

let stop: (() => void) | undefined;
afterEach(() => stop?.());

const pod = (waiting?: string) => ({
  metadata: {
    namespace: 'todo',
    name: 'backend-abc12-x1',
    creationTimestamp: new Date(Date.now() - 600_000).toISOString(),
  },
  spec: { containers: [{ name: 'backend', image: 'backend:1' }] },
  status: {
    phase: 'Running',
    containerStatuses: [
      waiting
        ? {
            name: 'backend',
            image: 'backend:1',
            imageID: '',
            ready: false,
            restartCount: 5,
            state: { waiting: { reason: waiting } },
            lastState: { terminated: { exitCode: 1, reason: 'Error', finishedAt: new Date().toISOString() } },
          }
        : {
            name: 'backend',
            image: 'backend:1',
            imageID: '',
            ready: true,
            restartCount: 0,
            state: { running: {} },
          },
    ],
  },
});

describe('the findings service', () => {
  it('turns a crash loop seen in a watch batch into a critical finding within a second, and drops it once resolved', async () => {
    const store = createCockpitStore(initialState({ context: 'c', server: 's', namespace: undefined }));
    stop = startFindingsService(store).stop;
    const started = Date.now();
    store
      .getState()
      .applyChanges(
        [{ kind: 'pods', type: 'upsert', key: 'todo/backend-abc12-x1', object: pod('CrashLoopBackOff') }],
        Date.now(),
      );
    await new Promise<void>((resolve) => {
      const unsubscribe = store.subscribe((s) => {
        if (s.findings.some((f) => f.severity === 'critical')) {
          unsubscribe();
          resolve();
        }
      });
    });
    const elapsed = Date.now() - started;
    expect(elapsed).toBeLessThan(1000);
    const finding = store.getState().findings.find((f) => f.severity === 'critical')!;
    expect(finding.title).toMatch(/crash-looping/);
    expect(store.getState().ui.selectedFindingId).toBeDefined();

    store
      .getState()
      .applyChanges(
        [{ kind: 'pods', type: 'upsert', key: 'todo/backend-abc12-x1', object: pod() }],
        Date.now(),
      );
    await new Promise<void>((resolve) => {
      const unsubscribe = store.subscribe((s) => {
        if (!s.findings.some((f) => f.id === finding.id)) {
          unsubscribe();
          resolve();
        }
      });
    });
  });
});
