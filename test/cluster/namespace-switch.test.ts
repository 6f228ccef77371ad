// `:ns NAME` in the cockpit: a namespace the API server does not have is a one-line notice and the
// view stays; one it has is switched to. Keys go through the real key handler, the check through
// HTTP to the simulator.
import { afterEach, describe, expect, it } from 'vitest';
import { startCockpitData, type CockpitData } from '../../src/cluster/cockpit-service.js';
import { loadConnection } from '../../src/cluster/connect.js';
import { startSimulator, type RunningSim } from '../../src/sim/index.js';
import type { CockpitState } from '../../src/state/types.js';
import { handleKey, type InputContext } from '../../src/ui/input.js';
import { namespaceLister, namespaceSwitcher } from '../../src/cluster/namespace-switch.js';
import { createCockpitStore, initialState } from '../../src/state/store.js';
import { untilStore } from '../cluster/store-until.js';

let sim: RunningSim | undefined;
let data: CockpitData | undefined;
afterEach(async () => {
  data?.stop();
  await sim?.close();
});

const until = (d: CockpitData, predicate: (s: CockpitState) => boolean, timeoutMs = 20_000) =>
  untilStore(d, predicate, timeoutMs, (s) => `(notice: ${s.ui.notice})`);

describe(':ns in the cockpit', () => {
  it('a namespace that does not exist is a notice and the view stays; one that exists is switched to', async () => {
    sim = await startSimulator({ scenario: 'todo' });
    const connection = loadConnection({ kubeconfig: sim.kubeconfigPath, allNamespaces: true });
    data = startCockpitData(connection);
    const d = data;
    const ctx: InputContext = {
      store: d.store,
      pageSize: 10,
      quit: () => {},
      onNamespaceChange: namespaceSwitcher(connection.kubeConfig, d.store, d.setNamespace),
    };
    await until(d, (s) => s.pods.size > 0);
    const pods = d.store.getState().pods.size;

    handleKey(ctx, ':ns nope\r', undefined);
    await until(d, (s) => s.ui.notice?.startsWith('namespaces "nope"') ?? false);
    expect(d.store.getState().ui.notice).toBe('namespaces "nope" not found (still showing all namespaces)');
    expect(d.store.getState().connection.namespace).toBeUndefined();
    expect(d.store.getState().pods.size).toBe(pods);

    handleKey(ctx, ':ns todo\r', undefined);
    await until(d, (s) => s.connection.namespace === 'todo' && !!s.synced.pods);
    const shown = [...d.store.getState().pods.values()] as { metadata?: { namespace?: string } }[];
    expect(shown.length).toBeGreaterThan(0);
    expect(shown.every((p) => p.metadata?.namespace === 'todo')).toBe(true);
    expect(d.store.getState().ui.notice).toBe('namespace: todo');
  });

  it("the :ns pick list is the server's namespaces; a 403 is one line and an empty list", async () => {
    sim = await startSimulator({ scenario: 'todo' });
    const connection = loadConnection({ kubeconfig: sim.kubeconfigPath, allNamespaces: true });
    const store = createCockpitStore(initialState(connection));
    const list = namespaceLister(connection.kubeConfig, store);
    expect(await list()).toEqual(['default', 'kube-system', 'todo']);
    expect(store.getState().ui.notice).toBeUndefined();

    sim.setDenyRules([{ verb: 'list', resource: 'namespaces' }]);
    expect(await list()).toEqual([]);
    const notice = store.getState().ui.notice ?? '';
    expect(notice).toMatch(/^Error from server \(Forbidden\): .*namespaces.* \(type :ns NAME\)$/);
    expect(notice).not.toContain('\n');
  });
});
