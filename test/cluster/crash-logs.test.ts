// The cockpit reads the previous run's log of a crashed container once per crash, so the crash-
// loop finding (and the chat's "why") quotes the cause; the lines come from the server's log API.
import { afterEach, describe, expect, it } from 'vitest';
import { analyze } from '../../src/analysis/analyze.js';
import { snapshotFromState } from '../../src/analysis/snapshot.js';
import { startCockpitData, type CockpitData } from '../../src/cluster/cockpit-service.js';
import { loadConnection } from '../../src/cluster/connect.js';
import { startCrashLogs } from '../../src/cluster/crash-logs.js';
import { startSimulator, type RunningSim } from '../../src/sim/index.js';
import type { CockpitState } from '../../src/state/types.js';
import { untilStore } from './store-until.js';

let sim: RunningSim | undefined;
let data: CockpitData | undefined;
let logs: { stop(): void } | undefined;
afterEach(async () => {
  logs?.stop();
  data?.stop();
  await sim?.close();
});

const until = (d: CockpitData, predicate: (s: CockpitState) => boolean, timeoutMs = 20_000) =>
  untilStore(d, predicate, timeoutMs);

describe('crash logs in the cockpit', () => {
  it("the crash-looping backend's previous log reaches the store and the crash-loop finding", async () => {
    sim = await startSimulator({ scenario: 'todo', speed: 20 });
    const connection = loadConnection({ kubeconfig: sim.kubeconfigPath, allNamespaces: true });
    data = startCockpitData(connection, 60_000);
    logs = startCrashLogs(data.store, connection.kubeConfig);
    await until(data, (s) => Object.keys(s.logs).some((k) => k.startsWith('todo/backend-')));
    const [key, lines] = Object.entries(data.store.getState().logs)[0]!;
    expect(key).toMatch(/^todo\/backend-\w+-\w+\/backend$/);
    expect(lines.join('\n')).toMatch(/Connection refused/);
    const state = data.store.getState();
    const finding = analyze(snapshotFromState(state, Date.now() + (state.connection.clockSkewMs ?? 0))).find(
      (f) => f.runbook === 'crashloopbackoff',
    );
    expect(finding?.detail.join('\n')).toMatch(/last \d log lines:[\s\S]*Connection refused/);
  }, 30_000);

  it('a previous log the server refuses (RBAC on pods/log) is shown as such in the crash-loop finding', async () => {
    sim = await startSimulator({ scenario: 'todo', speed: 20, deny: [{ resource: 'pods/log' }] });
    const connection = loadConnection({ kubeconfig: sim.kubeconfigPath, allNamespaces: true });
    data = startCockpitData(connection, 60_000);
    logs = startCrashLogs(data.store, connection.kubeConfig);
    await until(data, (s) => Object.keys(s.logErrors).some((k) => k.startsWith('todo/backend-')));
    const [key, reason] = Object.entries(data.store.getState().logErrors)[0]!;
    expect(key).toMatch(/^todo\/backend-\w+-\w+\/backend$/);
    expect(reason).toMatch(
      /^pods "backend-[^"]+" is forbidden: .*cannot get resource "pods\/log".* \(HTTP 403\)$/,
    );
    expect(data.store.getState().logs[key]).toBeUndefined();
    const state = data.store.getState();
    const finding = analyze(snapshotFromState(state, Date.now() + (state.connection.clockSkewMs ?? 0))).find(
      (f) => f.runbook === 'crashloopbackoff',
    );
    const unavailable = finding?.detail.filter((l) => l.startsWith('previous log unavailable: '));
    expect(unavailable).toEqual([`previous log unavailable: ${reason}`]);
    expect(finding?.detail.join('\n')).not.toMatch(/log lines:/);
  }, 30_000);
});
