import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/analysis/analyze.js';
import { snapshotFromState } from '../../src/analysis/snapshot.js';
import { initialState } from '../../src/state/store.js';
import { history, MI, NOW, workload } from './fixtures.js';

describe('snapshotFromState', () => {
  it("feeds the cockpit store's objects and usage history to the analyzers", () => {
    const w = workload('api', 2);
    const state = initialState({ context: 'c', server: 's', namespace: undefined });
    const key = `todo/${w.pods[0]!.metadata!.name}/app`;
    const usage = new Map([[key, history(60, () => ({ cpu: 100, memory: 200 * MI }))]]);
    const s = snapshotFromState(
      {
        ...state,
        pods: new Map(w.pods.map((p) => [`todo/${p.metadata!.name}`, p])),
        deployments: new Map([['todo/api', w.deployment]]),
        replicaSets: new Map([['todo/api-5d8f7', w.replicaSet]]),
        metrics: { ...state.metrics, containers: usage },
      },
      NOW,
    );
    expect(s).toMatchObject({ now: NOW, hpas: [], events: [], nodes: [] });
    expect(s.pods).toHaveLength(2);
    expect(s.usage).toBe(usage);
    expect(analyze(s, { only: ['right-sizing'] }).map((f) => f.id)).toEqual([
      'right-sizing:Deployment/todo/api:resources:app',
    ]);
  });
});
