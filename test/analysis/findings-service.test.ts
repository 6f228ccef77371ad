// Findings follow the store: a pod turning to CrashLoopBackOff in a watch batch is a finding
// within the analysis delay, and a recovered pod's finding leaves the list.
import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { startFindingsService } from '../../src/analysis/findings-service.js';
import { createCockpitStore, initialState } from '../../src/state/store.js';

let stop: (() => void) | undefined;
afterEach(() => stop?.());

const newStore = () => createCockpitStore(initialState({ context: 'c', server: 's', namespace: undefined }));
const findingsWhere = (store: ReturnType<typeof newStore>, predicate: (ids: string[]) => boolean) =>
  new Promise<string[]>((resolve) => {
    const check = (ids: string[]) => predicate(ids) && (unsubscribe(), resolve(ids));
    const unsubscribe = store.subscribe((s) => check(s.findings.map((f) => f.id)));
    check(store.getState().findings.map((f) => f.id));
  });

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

describe('the findings service off the input thread', () => {
  it('runs the analyzers in its worker once it is up, finding what this thread finds, through deltas', async () => {
    const inWorker = newStore();
    const here = newStore();
    const service = startFindingsService(inWorker);
    const local = startFindingsService(here, Date.now, { worker: false });
    stop = () => (service.stop(), local.stop());
    expect(await service.workerReady()).toBe(true);
    const crash = [
      {
        kind: 'pods' as const,
        type: 'upsert' as const,
        key: 'todo/backend-abc12-x1',
        object: pod('CrashLoopBackOff'),
      },
    ];
    for (const store of [inWorker, here]) store.getState().applyChanges(crash, Date.now());
    const [found, expected] = await Promise.all(
      [inWorker, here].map((store) =>
        findingsWhere(store, (ids) => ids.some((id) => id.includes('backend-abc12-x1:crashloop'))),
      ),
    );
    expect(service.lastRunIn).toBe('worker');
    expect(local.lastRunIn).toBe('this thread');
    expect(found).toEqual(expected);
    // The next run gets only the changed pod; the mirror must still hold it and drop the finding.
    const healthy = [
      { kind: 'pods' as const, type: 'upsert' as const, key: 'todo/backend-abc12-x1', object: pod() },
    ];
    inWorker.getState().applyChanges(healthy, Date.now());
    await findingsWhere(inWorker, (ids) => !ids.some((id) => id.includes('backend-abc12-x1:crashloop')));
    expect(service.lastRunIn).toBe('worker');
  });

  it('analyses on this thread when the worker cannot start', async () => {
    const store = newStore();
    const service = startFindingsService(store, Date.now, {
      startWorker: () => new Worker('throw new Error("no analyzers here")', { eval: true }),
    });
    stop = service.stop;
    expect(await service.workerReady()).toBe(false);
    store
      .getState()
      .applyChanges(
        [{ kind: 'pods', type: 'upsert', key: 'todo/backend-abc12-x1', object: pod('CrashLoopBackOff') }],
        Date.now(),
      );
    await findingsWhere(store, (ids) => ids.some((id) => id.includes('backend-abc12-x1:crashloop')));
    expect(service.lastRunIn).toBe('this thread');
  });
});
